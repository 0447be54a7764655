/**
 * Options of {@link SipTransport}, with their defaults, validated once.
 */
import { isIP } from 'node:net';
import type { Flow } from '../flow.js';
import type { TlsClientOptions, TlsServerOptions } from './tls-options.js';

/** Protocols a {@link SipTransport} can listen on and send over. */
export type TransportProtocol = 'udp' | 'tcp' | 'tls';

/** One socket to bind. */
export interface ListenOptions {
  /** Transport protocol. Required. */
  readonly protocol: TransportProtocol;
  /**
   * Local address to bind. Default `'127.0.0.1'` (safe by default; bind
   * `'0.0.0.0'` / `'::'` and set `publicAddress` to serve a network).
   */
  readonly host?: string;
  /** Local port; 0 picks an ephemeral port. Default 5060 (UDP/TCP) or 5061 (TLS) — RFC 3261 §19.1.2. */
  readonly port?: number;
  /** Certificate and key; required for `tls`, ignored otherwise. */
  readonly tls?: TlsServerOptions;
  /**
   * UDP only: the socket receive buffer asked for (SO_RCVBUF, bytes). A
   * burst of datagrams larger than the buffer while the event loop is busy
   * is dropped by the kernel before SIP sees it (each loss costs a T1
   * retransmission, 500 ms), so the default is large: 4 MiB (4,194,304),
   * about 4,000 INVITEs. The kernel caps it at `net.core.rmem_max`; the
   * size granted is reported in {@link BoundAddress.recvBufferSize}.
   */
  readonly recvBufferSize?: number;
  /** UDP only: the socket send buffer asked for (SO_SNDBUF, bytes), capped by `net.core.wmem_max`. Default 4 MiB (4,194,304). */
  readonly sendBufferSize?: number;
}

/** Default SO_RCVBUF / SO_SNDBUF asked for on a SIP UDP socket: 4 MiB. */
export const DEFAULT_SIP_UDP_BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * Resource limits; every one is enforced per transport. The defaults let
 * legitimate peers in while one hostile source cannot take the budget of
 * everyone else (issue 9): per-source caps, short timers for connections
 * that never said anything, and separate budgets for outbound connects.
 */
export interface TransportLimits {
  /**
   * Most open TCP/TLS connections, inbound (TLS handshakes in progress
   * included) and outbound together. At the limit a new inbound connection
   * first evicts the inbound connection idle the longest (one that never
   * completed a message before one that did; never one with a message in
   * progress); with nothing to evict it is refused. Default 1024.
   */
  readonly maxConnections?: number;
  /** Most inbound TCP/TLS connections (handshakes included) from one IP address; more are refused. Default 64. */
  readonly maxConnectionsPerSource?: number;
  /** Most bytes waiting on one connection, unframed input or unsent output. Default 262,144. */
  readonly maxConnectionBufferBytes?: number;
  /** A connection without traffic for this long is closed (ms; 0 = never). Default 300,000. */
  readonly idleTimeoutMs?: number;
  /**
   * An inbound connection that has not completed a message yet is closed
   * after this long without traffic (ms; 0 = never). Default 10,000.
   */
  readonly firstMessageTimeoutMs?: number;
  /**
   * Header-completion deadline, extended to the body: once the first byte of
   * a message has arrived, the whole message must arrive within this (ms;
   * 0 = never), so one byte every few minutes cannot hold a connection.
   * Default 10,000.
   */
  readonly messageTimeoutMs?: number;
  /** Largest SIP message accepted or sent (bytes). Default 65,535. */
  readonly maxMessageBytes?: number;
  /** How long an outbound TCP/TLS connect (TLS handshake included) may take (ms). Default 5,000. */
  readonly connectTimeoutMs?: number;
  /** How long an inbound TLS handshake may take before the socket is destroyed (ms). Default 5,000. */
  readonly handshakeTimeoutMs?: number;
  /**
   * Most outbound connection attempts in flight (a budget apart from
   * inbound admission); more fail at once with TOO_MANY_CONNECTIONS. Default 32.
   */
  readonly maxPendingConnects?: number;
  /**
   * Most outbound connection attempts in flight towards one IP address, so
   * requests from one source cannot make us storm its (or a victim's) ports
   * (RFC 3261 §18.2.2 reconnects for responses). Default 4.
   */
  readonly maxPendingConnectsPerAddress?: number;
}

/** CRLF keep-alives on outbound stream connections — RFC 5626 §3.5.1, §4.4.1. */
export interface KeepAliveOptions {
  /** Interval between CRLFCRLF pings on outbound TCP/TLS connections (ms; 0 = off). Default 0. */
  readonly crlfIntervalMs?: number;
  /** A ping without a CRLF pong within this time fails the flow (ms). Default 10,000 (RFC 5626 §4.4.1). */
  readonly pongTimeoutMs?: number;
}

/** What the optional trace hook sees: every message or keep-alive written or read. */
export interface TransportTraceEvent {
  readonly direction: 'in' | 'out';
  readonly flow: Flow;
  /** The bytes on the wire (do not keep or mutate). */
  readonly bytes: Uint8Array;
}

/** Options for {@link SipTransport}. */
export interface SipTransportOptions {
  /** Sockets to bind. Required, at least one. */
  readonly listen: readonly ListenOptions[];
  /** Address advertised in Via sent-by (see `viaSentBy`). Default: each listener's bound address. */
  readonly publicAddress?: string;
  /** Resource limits. Defaults per field. */
  readonly limits?: TransportLimits;
  /** Outbound TLS. Default: verify servers against Node's root CAs, no client certificate. */
  readonly tlsClient?: TlsClientOptions;
  /** CRLF keep-alives. Default: off. */
  readonly keepAlive?: KeepAliveOptions;
  /** A request over UDP larger than this goes over TCP when a TCP listener exists (RFC 3261 §18.1.1). Default 1300. */
  readonly udpMtuThreshold?: number;
  /** Called for every message and keep-alive in or out. Default: none (nothing is printed). */
  readonly trace?: (event: TransportTraceEvent) => void;
}

/** @internal Options with defaults applied. */
export interface ResolvedTransportOptions {
  readonly listen: ReadonlyArray<Required<Omit<ListenOptions, 'tls'>> & { readonly tls: TlsServerOptions | undefined }>;
  readonly publicAddress: string | undefined;
  readonly maxConnections: number;
  readonly maxConnectionsPerSource: number;
  readonly maxConnectionBufferBytes: number;
  readonly idleTimeoutMs: number;
  readonly firstMessageTimeoutMs: number;
  readonly messageTimeoutMs: number;
  readonly maxMessageBytes: number;
  readonly connectTimeoutMs: number;
  readonly handshakeTimeoutMs: number;
  readonly maxPendingConnects: number;
  readonly maxPendingConnectsPerAddress: number;
  readonly tlsClient: TlsClientOptions;
  readonly crlfIntervalMs: number;
  readonly pongTimeoutMs: number;
  readonly udpMtuThreshold: number;
  readonly trace: ((event: TransportTraceEvent) => void) | undefined;
}

function int(name: string, v: number | undefined, def: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const x = v ?? def;
  if (!Number.isInteger(x) || x < min || x > max) {
    throw new RangeError(`${name} must be an integer in ${min}..${max}, got ${String(x)}`);
  }
  return x;
}

/** @internal Applies defaults and validates (TypeError / RangeError on misuse). */
export function resolveTransportOptions(o: SipTransportOptions): ResolvedTransportOptions {
  if (!Array.isArray(o.listen) || o.listen.length === 0) throw new TypeError('listen needs at least one entry');
  const listen = o.listen.map((l, i) => {
    if (l.protocol !== 'udp' && l.protocol !== 'tcp' && l.protocol !== 'tls') {
      throw new TypeError(`listen[${i}].protocol must be udp, tcp or tls, got ${String(l.protocol)}`);
    }
    const host = l.host ?? '127.0.0.1';
    if (isIP(host) === 0) throw new TypeError(`listen[${i}].host must be an IP address, got ${JSON.stringify(host)}`);
    const port = int(`listen[${i}].port`, l.port, l.protocol === 'tls' ? 5061 : 5060, 0, 65535);
    if (l.protocol === 'tls' && l.tls === undefined) throw new TypeError(`listen[${i}] is tls and needs tls.cert and tls.key`);
    const recvBufferSize = int(`listen[${i}].recvBufferSize`, l.recvBufferSize, DEFAULT_SIP_UDP_BUFFER_BYTES, 1);
    const sendBufferSize = int(`listen[${i}].sendBufferSize`, l.sendBufferSize, DEFAULT_SIP_UDP_BUFFER_BYTES, 1);
    return { protocol: l.protocol, host, port, recvBufferSize, sendBufferSize, tls: l.protocol === 'tls' ? l.tls : undefined };
  });
  const limits = o.limits ?? {};
  const keepAlive = o.keepAlive ?? {};
  const tlsClient = o.tlsClient ?? {};
  if ((tlsClient.cert === undefined) !== (tlsClient.key === undefined)) {
    throw new TypeError('tlsClient.cert and tlsClient.key go together');
  }
  if (o.publicAddress !== undefined && o.publicAddress.length === 0) throw new TypeError('publicAddress must not be empty');
  if (o.trace !== undefined && typeof o.trace !== 'function') throw new TypeError('trace must be a function');
  return {
    listen,
    publicAddress: o.publicAddress,
    maxConnections: int('limits.maxConnections', limits.maxConnections, 1024, 1),
    maxConnectionsPerSource: int('limits.maxConnectionsPerSource', limits.maxConnectionsPerSource, 64, 1),
    maxConnectionBufferBytes: int('limits.maxConnectionBufferBytes', limits.maxConnectionBufferBytes, 262_144, 1),
    idleTimeoutMs: int('limits.idleTimeoutMs', limits.idleTimeoutMs, 300_000, 0),
    firstMessageTimeoutMs: int('limits.firstMessageTimeoutMs', limits.firstMessageTimeoutMs, 10_000, 0),
    messageTimeoutMs: int('limits.messageTimeoutMs', limits.messageTimeoutMs, 10_000, 0),
    maxMessageBytes: int('limits.maxMessageBytes', limits.maxMessageBytes, 65_535, 1),
    connectTimeoutMs: int('limits.connectTimeoutMs', limits.connectTimeoutMs, 5_000, 1),
    handshakeTimeoutMs: int('limits.handshakeTimeoutMs', limits.handshakeTimeoutMs, 5_000, 1),
    maxPendingConnects: int('limits.maxPendingConnects', limits.maxPendingConnects, 32, 1),
    maxPendingConnectsPerAddress: int('limits.maxPendingConnectsPerAddress', limits.maxPendingConnectsPerAddress, 4, 1),
    tlsClient,
    crlfIntervalMs: int('keepAlive.crlfIntervalMs', keepAlive.crlfIntervalMs, 0, 0),
    pongTimeoutMs: int('keepAlive.pongTimeoutMs', keepAlive.pongTimeoutMs, 10_000, 1),
    udpMtuThreshold: int('udpMtuThreshold', o.udpMtuThreshold, 1300, 1),
    trace: o.trace,
  };
}
