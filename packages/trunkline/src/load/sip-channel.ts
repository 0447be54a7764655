/**
 * The load tool's signalling: one UDP socket, or one TCP/TLS connection,
 * shared by every call, with the client transactions a UAC needs and no more
 * (RFC 3261 §17.1: INVITE and non-INVITE client transactions, retransmitted
 * over UDP, timed out by Timers B/F). It answers the few requests a UAC
 * receives (BYE, OPTIONS) with 200. Lean on purpose: the load generator must
 * not be the bottleneck it measures (see README.md).
 *
 * @module
 */
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { connect as tcpConnect, type Socket as TcpSocket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { parseMessage, StreamFramer, type SipRequest, type SipResponse } from '@trunkline/sip-parser';
import type { SipTransport } from '../cli/index.js';
import { LoadError } from './load-error.js';

/** RFC 3261 §17.1.1.1 T1 default, ms. */
export const DEFAULT_T1_MS = 500;
/** RFC 3261 §17.1.2.2 T2 default, ms. */
const T2_MS = 4000;

/** How the channel reaches the endpoint. */
export interface SipChannelOptions {
  readonly transport: SipTransport;
  /** The endpoint's IP address. */
  readonly host: string;
  readonly port: number;
  /** TLS: verify the endpoint's certificate (default true) and trust these CAs. */
  readonly rejectUnauthorized?: boolean;
  readonly ca?: string;
  /** TLS: the name to verify (SNI). */
  readonly servername?: string;
  /** T1, ms (default {@link DEFAULT_T1_MS}); Timers B and F are 64·T1 (RFC 3261 §17.1.1.2, §17.1.2.2). */
  readonly t1Ms?: number;
}

/** What a client transaction reports. */
export interface TransactionHandlers {
  /** Every response of the transaction, retransmitted 2xx of an INVITE included. */
  readonly onResponse: (response: SipResponse) => void;
  /** Timer B or F fired, or the transport failed: `reason` says which. */
  readonly onFailure: (reason: string) => void;
}

interface Pending {
  readonly method: string;
  readonly bytes: Buffer;
  readonly handlers: TransactionHandlers;
  interval: number;
  retransmit: NodeJS.Timeout | undefined;
  readonly timeout: NodeJS.Timeout;
  final: boolean;
}

/** A request the endpoint sent us, and the calls it concerns (by Call-ID). */
export type IncomingRequestHandler = (request: SipRequest) => void;

/** One signalling path to the endpoint, shared by all calls of a run. */
export class SipChannel {
  readonly transport: SipTransport;
  /** Our address and port as the endpoint sees them (for Via and Contact). */
  readonly localAddress: string;
  readonly localPort: number;
  readonly #options: SipChannelOptions;
  readonly #udp: UdpSocket | null;
  readonly #stream: TcpSocket | null;
  readonly #pending = new Map<string, Pending>();
  readonly #t1: number;
  #onRequest: IncomingRequestHandler = () => undefined;
  #closed = false;
  #failure: string | null = null;

  private constructor(options: SipChannelOptions, udp: UdpSocket | null, stream: TcpSocket | null, localAddress: string, localPort: number) {
    this.transport = options.transport;
    this.#options = options;
    this.#udp = udp;
    this.#stream = stream;
    this.localAddress = localAddress;
    this.localPort = localPort;
    this.#t1 = options.t1Ms ?? DEFAULT_T1_MS;
  }

  /** Opens the socket (UDP) or connection (TCP, TLS) to the endpoint. */
  static async open(options: SipChannelOptions): Promise<SipChannel> {
    if (options.transport === 'udp') {
      const local = await routeAddress(options.host, options.port);
      const socket = createSocket(options.host.includes(':') ? 'udp6' : 'udp4');
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(0, local, () => {
          socket.off('error', reject);
          resolve();
        });
      });
      const channel = new SipChannel(options, socket, null, local, socket.address().port);
      socket.on('message', (data, rinfo) => {
        try {
          channel.#receive(parseMessage(data), rinfo.address, rinfo.port);
        } catch {
          // Unparseable datagrams are dropped (RFC 3261 §18.1.2).
        }
      });
      socket.on('error', () => undefined);
      return channel;
    }
    const stream = await new Promise<TcpSocket>((resolve, reject) => {
      const s =
        options.transport === 'tls'
          ? tlsConnect({
              host: options.host,
              port: options.port,
              rejectUnauthorized: options.rejectUnauthorized ?? true,
              ...(options.ca === undefined ? {} : { ca: options.ca }),
              ...(options.servername === undefined ? {} : { servername: options.servername }),
            })
          : tcpConnect({ host: options.host, port: options.port });
      s.once('error', reject);
      s.once(options.transport === 'tls' ? 'secureConnect' : 'connect', () => {
        s.off('error', reject);
        resolve(s);
      });
    });
    stream.setNoDelay(true);
    const channel = new SipChannel(options, null, stream, stream.localAddress ?? '127.0.0.1', stream.localPort ?? 0);
    const framer = new StreamFramer();
    stream.on('data', (chunk: Buffer) => {
      for (const ev of framer.push(chunk)) {
        if (ev.type === 'message') channel.#receive(ev.message, null, 0);
        else if (ev.type === 'ping') stream.write('\r\n');
        else if (ev.type === 'error') channel.#fail(`transport-framing`);
      }
    });
    stream.on('error', () => channel.#fail('transport-error'));
    stream.on('close', () => channel.#fail('transport-closed'));
    return channel;
  }

  /** Where requests from the endpoint (BYE, OPTIONS) go; they are answered 200 first. */
  set onRequest(handler: IncomingRequestHandler) {
    this.#onRequest = handler;
  }

  /** Client transactions in progress (and INVITEs accepted with 2xx not yet released). */
  get pendingTransactions(): number {
    return this.#pending.size;
  }

  /** The Via header value for a new request with this branch. */
  via(branch: string): string {
    return `SIP/2.0/${this.transport.toUpperCase()} ${hostPort(this.localAddress, this.localPort)};branch=${branch};rport`;
  }

  /** `;transport=` of our Contact URI. */
  get contactUri(): string {
    return `sip:load@${hostPort(this.localAddress, this.localPort)};transport=${this.transport}`;
  }

  /**
   * Starts a client transaction: sends `text`, retransmits it over UDP
   * (Timer A/E, RFC 3261 §17.1.1.2, §17.1.2.2) until a response (INVITE:
   * any; others: a final one), and fails it at 64·T1 (Timer B/F).
   *
   * An INVITE's entry outlives its 2xx so that a retransmitted 2xx reaches
   * the call again (RFC 6026 §7.2 Accepted state): {@link release} it.
   */
  request(branch: string, method: string, text: string, handlers: TransactionHandlers): void {
    if (this.#failure !== null) {
      handlers.onFailure(this.#failure);
      return;
    }
    const bytes = Buffer.from(text, 'utf8');
    const timeout = setTimeout(() => {
      const p = this.#pending.get(branch);
      if (p === undefined || p.final) return;
      this.#stop(branch, p);
      p.handlers.onFailure(method === 'INVITE' ? 'timer-b' : 'timer-f');
    }, 64 * this.#t1);
    const p: Pending = { method, bytes, handlers, interval: this.#t1, retransmit: undefined, timeout, final: false };
    this.#pending.set(branch, p);
    this.#write(bytes);
    if (this.#udp !== null) this.#armRetransmit(branch, p);
  }

  /** Sends a message outside any client transaction (ACK for 2xx, RFC 3261 §13.2.2.4). */
  send(text: string): void {
    if (this.#failure === null) this.#write(Buffer.from(text, 'utf8'));
  }

  /** Forgets a transaction (an INVITE accepted with 2xx, once its call is over). */
  release(branch: string): void {
    const p = this.#pending.get(branch);
    if (p !== undefined) this.#stop(branch, p);
  }

  /** Closes the socket or connection; pending transactions fail with `channel-closed`. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#fail('channel-closed');
    this.#udp?.close();
    this.#stream?.destroy();
  }

  #armRetransmit(branch: string, p: Pending): void {
    p.retransmit = setTimeout(() => {
      if (this.#pending.get(branch) !== p || p.final) return;
      this.#write(p.bytes);
      p.interval = p.method === 'INVITE' ? p.interval * 2 : Math.min(p.interval * 2, T2_MS);
      this.#armRetransmit(branch, p);
    }, p.interval);
  }

  #stop(branch: string, p: Pending): void {
    clearTimeout(p.timeout);
    clearTimeout(p.retransmit);
    this.#pending.delete(branch);
  }

  #write(bytes: Buffer): void {
    if (this.#udp !== null) this.#udp.send(bytes, this.#options.port, this.#options.host);
    else this.#stream?.write(bytes);
  }

  #fail(reason: string): void {
    if (this.#failure !== null) return;
    this.#failure = reason;
    const all = [...this.#pending.entries()];
    for (const [branch, p] of all) {
      this.#stop(branch, p);
      if (!p.final) p.handlers.onFailure(reason);
    }
  }

  #receive(message: SipRequest | SipResponse, address: string | null, port: number): void {
    if (message.isRequest) {
      this.#answer(message, address, port);
      try {
        this.#onRequest(message);
      } catch {
        // A throwing handler must not break the channel.
      }
      return;
    }
    const branch = message.topVia?.branch;
    if (branch === undefined || branch === null) return;
    const p = this.#pending.get(branch);
    if (p === undefined) return;
    const status = message.status;
    if (p.method === 'INVITE') {
      // Proceeding: a provisional response stops Timer A (RFC 3261 §17.1.1.2).
      clearTimeout(p.retransmit);
      p.retransmit = undefined;
      if (status >= 200) {
        if (!p.final) clearTimeout(p.timeout);
        p.final = true;
        if (status >= 300) this.#pending.delete(branch);
      }
    } else if (status >= 200) {
      this.#stop(branch, p);
      p.final = true;
    }
    try {
      p.handlers.onResponse(message);
    } catch {
      // A throwing handler must not break the channel.
    }
  }

  /** 200 to a BYE/OPTIONS, 405 to anything else but ACK (RFC 3261 §8.2.1, §15.1.2). */
  #answer(request: SipRequest, address: string | null, port: number): void {
    if (request.method === 'ACK') return;
    const status = request.method === 'BYE' || request.method === 'OPTIONS' ? '200 OK' : '405 Method Not Allowed';
    const h = request.headers;
    const lines = [`SIP/2.0 ${status}`];
    for (const v of h.getAll('via')) lines.push(`Via: ${v}`);
    lines.push(`From: ${h.get('from') ?? ''}`, `To: ${h.get('to') ?? ''}`, `Call-ID: ${h.get('call-id') ?? ''}`, `CSeq: ${h.get('cseq') ?? ''}`, 'Content-Length: 0', '', '');
    const bytes = Buffer.from(lines.join('\r\n'), 'utf8');
    if (this.#udp !== null && address !== null) this.#udp.send(bytes, port, address);
    else this.#stream?.write(bytes);
  }
}

const hostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/** The local address the kernel routes to `host` from (a connected UDP socket's own address). */
async function routeAddress(host: string, port: number): Promise<string> {
  const probe = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.connect(port, host, () => resolve());
    });
    return probe.address().address;
  } catch (e) {
    throw new LoadError('LOAD_NO_ROUTE', `no route to ${host}:${port}`, { cause: e });
  } finally {
    probe.close();
  }
}
