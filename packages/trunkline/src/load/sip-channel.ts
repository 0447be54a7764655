/**
 * The load tool's signalling: one UDP socket, or one TCP/TLS connection,
 * shared by every call, with the client transactions a UAC needs and no more
 * (RFC 3261 §17.1: INVITE and non-INVITE client transactions, retransmitted
 * over UDP, timed out by Timers B/F). It answers the few requests a UAC
 * receives (BYE, OPTIONS) with 200. Lean on purpose: the load generator must
 * not be the bottleneck it measures (see README.md).
 *
 * A TCP/TLS connection that closes (the endpoint restarted, say) fails the
 * transactions on it, and the next request opens a new one (RFC 3261 §18.1.1:
 * a client opens a connection when there is none to the destination); a
 * connection that cannot be opened fails the requests waiting for it, and
 * none is tried again for {@link RECONNECT_BACKOFF_MS}.
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
/** After a TCP/TLS connection attempt failed, requests fail at once (`transport-down`) for this long, ms. */
export const RECONNECT_BACKOFF_MS = 1000;

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
  readonly #options: SipChannelOptions;
  readonly #udp: UdpSocket | null;
  /** The TCP/TLS connection, or null while there is none (closed, or being opened again). */
  #stream: TcpSocket | null = null;
  /** A connection being opened; requests meanwhile wait in {@link #queue}. */
  #connecting = false;
  readonly #queue: Buffer[] = [];
  /** No new connection is tried before this (`performance.now()`, ms). */
  #downUntil = 0;
  readonly #pending = new Map<string, Pending>();
  readonly #t1: number;
  #localAddress: string;
  #localPort: number;
  #onRequest: IncomingRequestHandler = () => undefined;
  #closed = false;

  private constructor(options: SipChannelOptions, udp: UdpSocket | null, localAddress: string, localPort: number) {
    this.transport = options.transport;
    this.#options = options;
    this.#udp = udp;
    this.#localAddress = localAddress;
    this.#localPort = localPort;
    this.#t1 = options.t1Ms ?? DEFAULT_T1_MS;
  }

  /** Our address as the endpoint sees it (for Via, Contact and SDP). */
  get localAddress(): string {
    return this.#localAddress;
  }

  /** Our port as the endpoint sees it: over TCP/TLS, the current connection's. */
  get localPort(): number {
    return this.#localPort;
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
      const channel = new SipChannel(options, socket, local, socket.address().port);
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
    const channel = new SipChannel(options, null, '127.0.0.1', 0);
    try {
      channel.#attach(await connectStream(options));
    } catch (e) {
      throw new LoadError('LOAD_NO_ROUTE', `cannot connect to ${options.host}:${options.port} over ${options.transport}`, { cause: e });
    }
    return channel;
  }

  /** Takes a new TCP/TLS connection into use: frames what it receives, and fails its transactions when it closes. */
  #attach(stream: TcpSocket): void {
    stream.setNoDelay(true);
    this.#stream = stream;
    this.#localAddress = stream.localAddress ?? '127.0.0.1';
    this.#localPort = stream.localPort ?? 0;
    const framer = new StreamFramer();
    let lost = false;
    const lose = (reason: string): void => {
      if (lost) return;
      lost = true;
      stream.destroy();
      if (this.#stream === stream) this.#stream = null;
      this.#failAll(reason);
    };
    stream.on('data', (chunk: Buffer) => {
      for (const ev of framer.push(chunk)) {
        if (ev.type === 'message') this.#receive(ev.message, null, 0);
        else if (ev.type === 'ping') stream.write('\r\n');
        else if (ev.type === 'error') lose('transport-framing');
      }
    });
    stream.on('error', () => lose('transport-error'));
    stream.on('close', () => lose('transport-closed'));
  }

  /** Opens a new connection for the requests queued meanwhile (RFC 3261 §18.1.1); on failure they fail, and none is tried for a while. */
  #reconnect(): void {
    if (this.#connecting || this.#closed) return;
    this.#connecting = true;
    connectStream(this.#options).then(
      (stream) => {
        this.#connecting = false;
        if (this.#closed) {
          stream.destroy();
          return;
        }
        this.#attach(stream);
        for (const bytes of this.#queue.splice(0)) stream.write(bytes);
      },
      () => {
        this.#connecting = false;
        this.#queue.length = 0;
        this.#downUntil = performance.now() + RECONNECT_BACKOFF_MS;
        this.#failAll('transport-connect');
      },
    );
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
    if (this.#closed) {
      handlers.onFailure('channel-closed');
      return;
    }
    if (this.#udp === null && this.#stream === null && !this.#connecting && performance.now() < this.#downUntil) {
      handlers.onFailure('transport-down');
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
    if (!this.#closed) this.#write(Buffer.from(text, 'utf8'));
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
    this.#queue.length = 0;
    this.#failAll('channel-closed');
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
    else if (this.#stream !== null) this.#stream.write(bytes);
    else if (this.#connecting || performance.now() >= this.#downUntil) {
      this.#queue.push(bytes);
      this.#reconnect();
    }
  }

  /** Ends every transaction (those of a lost connection, or all at close): the unanswered ones fail with `reason`. */
  #failAll(reason: string): void {
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

/** A TCP or TLS connection to the endpoint, resolved once connected (TLS: handshake done). */
function connectStream(options: SipChannelOptions): Promise<TcpSocket> {
  return new Promise<TcpSocket>((resolve, reject) => {
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
