/**
 * Loopback helpers for the transport tests: transports closed after each
 * test, events awaited with a deadline (no sleeps), raw peers, messages.
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import type { EventEmitter } from 'node:events';
import { parseMessage, type SipRequest, type SipResponse } from '@trunkline/sip-parser';
import { SipTransport } from '../../src/transport/sip-transport.js';
import type { SipTransportOptions } from '../../src/transport/transport-options.js';

const open: Array<{ close(): unknown }> = [];

/** Creates a transport that {@link closeAll} will close. */
export async function transport(options: SipTransportOptions): Promise<SipTransport> {
  const t = await SipTransport.create(options);
  open.push(t);
  return t;
}

/** Registers anything with `close()` (raw sockets, servers) for {@link closeAll}. */
export function autoClose<T extends { close(): unknown }>(x: T): T {
  open.push(x);
  return x;
}

/** Closes everything registered; call in afterEach. */
export async function closeAll(): Promise<void> {
  const all = open.splice(0);
  await Promise.all(all.map((x) => Promise.resolve(x.close())));
}

/** The port a transport bound for `protocol`. */
export function portOf(t: SipTransport, protocol: 'udp' | 'tcp' | 'tls'): number {
  const a = t.addresses.find((x) => x.protocol === protocol);
  if (a === undefined) throw new Error(`no ${protocol} listener`);
  return a.port;
}

/**
 * Resolves with the first `event` whose arguments satisfy `accept`, rejects
 * after `timeoutMs` with a message naming the event.
 */
export function waitFor<A extends unknown[]>(
  emitter: EventEmitter | { on(e: string, f: (...a: A) => void): unknown; off(e: string, f: (...a: A) => void): unknown },
  event: string,
  accept: (...args: A) => boolean = () => true,
  timeoutMs = 5000,
): Promise<A> {
  const em = emitter as { on(e: string, f: (...a: A) => void): unknown; off(e: string, f: (...a: A) => void): unknown };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      em.off(event, on);
      reject(new Error(`no "${event}" event within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (...args: A): void => {
      if (!accept(...args)) return;
      clearTimeout(timer);
      em.off(event, on);
      resolve(args);
    };
    em.on(event, on);
  });
}

let branchSeq = 0;

/** A fresh RFC 3261 branch. */
export function branch(): string {
  return `z9hG4bK-t${process.pid}-${++branchSeq}`;
}

/** Request text with the headers a transaction needs. */
export function requestText(
  method: string,
  opts: { via: string; callId?: string; cseq?: number; body?: string; extra?: string[]; toTag?: string; uri?: string },
): string {
  const body = opts.body ?? '';
  return [
    `${method} ${opts.uri ?? 'sip:bob@127.0.0.1'} SIP/2.0`,
    `Via: ${opts.via}`,
    'Max-Forwards: 70',
    'From: <sip:alice@127.0.0.1>;tag=a1',
    `To: <sip:bob@127.0.0.1>${opts.toTag === undefined ? '' : `;tag=${opts.toTag}`}`,
    `Call-ID: ${opts.callId ?? 'call-1@test'}`,
    `CSeq: ${opts.cseq ?? 1} ${method}`, // §17.1.1.3: an ACK's CSeq method is ACK
    ...(opts.extra ?? []),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

/** A parsed request (see {@link requestText}). */
export function request(method: string, opts: Parameters<typeof requestText>[1]): SipRequest {
  const m = parseMessage(requestText(method, opts));
  if (!m.isRequest) throw new Error('expected a request');
  return m;
}

/** A raw UDP peer on 127.0.0.1 that collects what it receives. */
export async function rawUdp(): Promise<{ socket: UdpSocket; port: number; next(timeoutMs?: number): Promise<SipRequest | SipResponse>; close(): void }> {
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  const port = socket.address().port;
  const peer = {
    socket,
    port,
    next: async (timeoutMs = 5000) => {
      const [msg] = await waitFor<[Buffer]>(socket, 'message', () => true, timeoutMs);
      return parseMessage(msg);
    },
    close: () => socket.close(),
  };
  open.push(peer);
  return peer;
}

/** A raw TCP client connected to 127.0.0.1:port that collects what it receives. */
export async function rawTcp(port: number): Promise<{ socket: Socket; received(): string; until(pred: (s: string) => boolean, timeoutMs?: number): Promise<string>; close(): void }> {
  const socket = connect({ host: '127.0.0.1', port });
  await waitFor(socket, 'connect');
  let data = '';
  socket.on('data', (c: Buffer) => {
    data += c.toString('latin1');
    socket.emit('data-updated');
  });
  socket.on('error', () => undefined);
  const client = {
    socket,
    received: () => data,
    until: async (pred: (s: string) => boolean, timeoutMs = 5000) => {
      if (!pred(data)) await waitFor(socket, 'data-updated', () => pred(data), timeoutMs);
      return data;
    },
    close: () => socket.destroy(),
  };
  open.push(client);
  return client;
}
