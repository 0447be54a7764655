/**
 * The legitimate client of the hostile tests: an OPTIONS probe that keeps
 * asking the server under attack and counts how often it is answered, plus
 * the server under test and resource baselines (descriptors, heap).
 *
 * The UDP probe shares one socket and retransmits like a real client
 * (RFC 3261 §17.1.2.2 Timer E, with T1 = 250 ms), so a datagram the kernel
 * drops during a burst is not counted as the server's refusal; the TCP/TLS
 * probe opens a fresh connection for every OPTIONS, because what the attacks
 * exhaust is admission of new connections.
 */
import { createSocket } from 'node:dgram';
import { readdirSync } from 'node:fs';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createResponse } from '@trunkline/sip-parser';
import { SipEndpoint, type SipEndpointOptions } from '../../src/node/sip-endpoint.js';
import type { SipTransport } from '../../src/transport/sip-transport.js';
import type { SipTransportOptions } from '../../src/transport/transport-options.js';
import { autoClose, portOf, transport } from '../helpers/transport-harness.js';

/** What a probe measured. */
export interface ProbeResult {
  readonly sent: number;
  readonly answered: number;
  /** answered / sent, 0..1 (1 when nothing was sent). */
  readonly rate: number;
}

/** Options of {@link startProbe}. */
export interface ProbeOptions {
  /** Time between probes (ms). Default 50. */
  readonly intervalMs?: number;
  /** A probe unanswered after this long counts as failed (ms). Default 1000 (honest margin on a loaded box). */
  readonly timeoutMs?: number;
  /** CA to verify the TLS server with. */
  readonly ca?: string;
}

let seq = 0;

function options(protocol: string, port: number, localPort: number): string {
  const n = ++seq;
  return [
    `OPTIONS sip:probe@127.0.0.1:${port} SIP/2.0`,
    `Via: SIP/2.0/${protocol.toUpperCase()} 127.0.0.1:${localPort};branch=z9hG4bK-probe-${process.pid}-${n};rport`,
    'Max-Forwards: 70',
    `From: <sip:probe@127.0.0.1>;tag=p${n}`,
    'To: <sip:probe@127.0.0.1>',
    `Call-ID: probe-${n}@127.0.0.1`,
    `CSeq: ${n} OPTIONS`,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

/** True when `text` holds a 2xx answering probe call `callId`. */
function answered(text: string, callId: string): boolean {
  return /^SIP\/2\.0 2\d\d /m.test(text) && text.includes(callId);
}

/**
 * Starts probing `protocol` on 127.0.0.1:`port`; `stop()` waits for the
 * probes in flight and returns the success rate.
 */
export function startProbe(protocol: 'udp' | 'tcp' | 'tls', port: number, o: ProbeOptions = {}): { stop(): Promise<ProbeResult> } {
  const intervalMs = o.intervalMs ?? 50;
  const timeoutMs = o.timeoutMs ?? 1000;
  let sent = 0;
  let ok = 0;
  const inFlight = new Set<Promise<void>>();
  const udp = protocol === 'udp' ? createSocket('udp4') : null;
  const udpReady = udp === null ? Promise.resolve() : new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
  const waiting = new Map<string, () => void>();
  udp?.on('message', (b) => {
    const text = b.toString('latin1');
    for (const [callId, done] of waiting) if (answered(text, callId)) done();
  });

  const one = async (): Promise<void> => {
    sent++;
    if (udp !== null) {
      await udpReady;
      const text = options('udp', port, udp.address().port);
      const callId = /Call-ID: (\S+)/.exec(text)![1]!;
      const got = await new Promise<boolean>((resolve) => {
        const send = (): void => udp.send(text, port, '127.0.0.1');
        const retransmit = [setTimeout(send, 250), setTimeout(send, 750)];
        const timer = setTimeout(() => {
          retransmit.forEach(clearTimeout);
          resolve(false);
        }, timeoutMs);
        waiting.set(callId, () => {
          clearTimeout(timer);
          retransmit.forEach(clearTimeout);
          resolve(true);
        });
        send();
      });
      waiting.delete(callId);
      if (got) ok++;
      return;
    }
    const got = await new Promise<boolean>((resolve) => {
      let data = '';
      let settled = false;
      let socket: Socket;
      const finish = (v: boolean): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        resolve(v);
      };
      const timer = setTimeout(() => finish(false), timeoutMs);
      const send = (): void => {
        const text = options(protocol, port, socket.localPort ?? 0);
        const callId = /Call-ID: (\S+)/.exec(text)![1]!;
        socket.on('data', (c: Buffer) => {
          data += c.toString('latin1');
          if (answered(data, callId)) finish(true);
        });
        socket.write(text);
      };
      socket =
        protocol === 'tls'
          ? tlsConnect({ host: '127.0.0.1', port, ca: o.ca, servername: 'localhost' }, send)
          : tcpConnect({ host: '127.0.0.1', port }, send);
      socket.on('error', () => finish(false));
      socket.on('close', () => finish(false));
    });
    if (got) ok++;
  };

  const timer = setInterval(() => {
    const p = one().finally(() => inFlight.delete(p));
    inFlight.add(p);
  }, intervalMs);
  return {
    async stop() {
      clearInterval(timer);
      await Promise.all([...inFlight]);
      udp?.close();
      return { sent, answered: ok, rate: sent === 0 ? 1 : ok / sent };
    },
  };
}

/** A transport and endpoint answering every request with 200, closed after the test. */
export async function optionsServer(
  transportOptions: SipTransportOptions,
  endpointOptions: SipEndpointOptions = {},
): Promise<{ transport: SipTransport; endpoint: SipEndpoint; port(protocol: 'udp' | 'tcp' | 'tls'): number }> {
  const t = await transport(transportOptions);
  const endpoint = autoClose(new SipEndpoint(t, endpointOptions));
  endpoint.on('request', ({ request, respond }) => {
    if (request.method === 'OPTIONS') respond(createResponse(request, 200, { toTag: 'srv' }));
  });
  return { transport: t, endpoint, port: (p) => portOf(t, p) };
}

/** Open file descriptors of this process. */
export function fdCount(): number {
  return readdirSync('/proc/self/fd').length;
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap in use after a full collection (bytes). */
export function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Polls `pred` every 20 ms until it holds or `timeoutMs` passes; returns whether it held. */
export async function eventually(pred: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}
