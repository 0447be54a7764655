/**
 * SIP over UDP, TCP and TLS — RFC 3261 §18, RFC 3581, RFC 5626 §3.5.1, and
 * connection reuse in the spirit of RFC 5923.
 */
import { EventEmitter } from 'node:events';
import { createServer as createTcpServer, connect as tcpConnect, isIP, type Server, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { createServer as createTlsServer, connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { RemoteInfo } from 'node:dgram';
import {
  SipParseError,
  findParam,
  formatVia,
  parseMessage,
  serializeMessage,
  type ParseOptions,
  type SipRequest,
  type SipResponse,
  type Via,
} from '@trunkline/sip-parser';
import type { Flow } from '../flow.js';
import { defaultPort, hostPort, normalizeAddress } from './address.js';
import { ConnectionTable, destinationKey } from './connection-table.js';
import { checkInbound, errorResponse, salvageRequest } from './inbound-check.js';
import { responseFlow } from './response-flow.js';
import { StreamConnection, type StreamConnectionHandlers } from './stream-connection.js';
import { isVerifyError, tlsConnectOptions, tlsServerOptions } from './tls-options.js';
import { TransportError } from './transport-error.js';
import {
  resolveTransportOptions,
  type ResolvedTransportOptions,
  type SipTransportOptions,
  type TransportProtocol,
} from './transport-options.js';
import { MAX_UDP_PAYLOAD, UdpListener } from './udp-listener.js';
import { applyReceived, replaceTopVia } from './via-received.js';

/** A bound socket, as reported by {@link SipTransport.listen}. */
export interface BoundAddress {
  readonly protocol: TransportProtocol;
  /** The bound local address. */
  readonly address: string;
  /** The bound local port (the ephemeral one when 0 was asked for). */
  readonly port: number;
  /**
   * UDP: the receive buffer the kernel granted (bytes, as `getsockopt`
   * reports it — Linux doubles the size asked for and caps it at twice
   * `net.core.rmem_max`). Absent for TCP/TLS.
   */
  readonly recvBufferSize?: number;
  /** UDP: the send buffer the kernel granted (bytes, as reported; capped by `net.core.wmem_max`). Absent for TCP/TLS. */
  readonly sendBufferSize?: number;
}

/** A received message, checked and with `received`/`rport` applied (requests). */
export interface TransportMessageEvent {
  readonly message: SipRequest | SipResponse;
  /** Where it came from; `connectionId` set for TCP/TLS. */
  readonly flow: Flow;
  /** `Date.now()` when its (last) bytes arrived. */
  readonly receivedAt: number;
}

/** A TCP/TLS connection opened (outbound) or accepted (inbound). */
export interface TransportConnectionEvent {
  readonly connectionId: string;
  readonly flow: Flow;
  readonly direction: 'inbound' | 'outbound';
}

/** A TCP/TLS connection closed; `error` says why, null when the peer or we closed it in order. */
export interface TransportCloseEvent {
  readonly connectionId: string;
  readonly flow: Flow;
  readonly error: TransportError | null;
}

/** Bytes that could not be handed up. `responded`: a stateless error response was sent. */
export interface TransportMalformedEvent {
  readonly error: SipParseError;
  readonly flow: Flow;
  readonly responded: boolean;
}

/** Typed events of {@link SipTransport}. */
export interface SipTransportEvents {
  /** A request or response passed the checks (and, for requests, got `received`/`rport`). */
  message: [TransportMessageEvent];
  /** A TCP/TLS connection was opened or accepted. */
  connection: [TransportConnectionEvent];
  /** A TCP/TLS connection closed (not the transport: `close()` settles for that). */
  close: [TransportCloseEvent];
  /** Bytes were dropped or answered statelessly; counted in `stats.malformed`. */
  malformed: [TransportMalformedEvent];
  /** Socket failures not tied to a `send` (a listener socket failing). Emitted only when someone listens. */
  error: [TransportError];
}

/** Counters for monitoring. */
export interface TransportStats {
  messagesReceived: number;
  messagesSent: number;
  /** Datagrams, framed messages and streams that could not be handed up. */
  malformed: number;
  /** Of those, how many were answered with a stateless error response. */
  malformedAnswered: number;
  /** CRLF-only UDP datagrams (keep-alives) ignored. */
  keepAlivesReceived: number;
  /** Inbound connections refused by `limits.maxConnections` or `limits.maxConnectionsPerSource`. */
  connectionsRefused: number;
  /** Of those, refused because their source had `limits.maxConnectionsPerSource` already. */
  connectionsRefusedPerSource: number;
  /** Idle inbound connections closed to make room for a new one at `limits.maxConnections`. */
  connectionsEvicted: number;
  /** Outbound connection attempts refused by `maxConnections`, `maxPendingConnects` or `maxPendingConnectsPerAddress`. */
  connectsRefused: number;
  /** Inbound TLS handshakes that failed or timed out (refusals by the limits are not counted here). */
  tlsHandshakeFailures: number;
}

/** Options for {@link SipTransport.send}. */
export interface SendOptions {
  /** Stops waiting (the promise rejects with the signal's reason). Default: none. */
  readonly signal?: AbortSignal;
}

interface StreamServer {
  readonly protocol: 'tcp' | 'tls';
  readonly server: Server;
}

/**
 * The transport layer of RFC 3261 §18 on Node sockets.
 *
 * Receiving (§18.2.1, RFC 3581 §4): a UDP datagram is one message; TCP/TLS
 * bytes go through a per-connection stream framer. Messages whose Via, From,
 * To, Call-ID or CSeq do not decode never reach listeners: requests that can
 * be answered get a stateless response with the parser's status hint, the
 * rest are dropped; both are counted and reported as `malformed`. Requests
 * get `received`/`rport` in their top Via before `message` fires.
 *
 * Sending: `send(message, flow)` writes to UDP, or over a reused or new
 * connection, and resolves with the flow used; `post` does the same for a
 * sender that only wants to hear of failures. Requests over UDP larger
 * than `udpMtuThreshold` move to TCP (§18.1.1). Use {@link responseFlow}
 * to route responses (§18.2.2).
 *
 * @example
 * const t = await SipTransport.create({ listen: [{ protocol: 'udp', port: 0 }] });
 * t.on('message', ({ message, flow }) => {
 *   if (message.isRequest) void t.send(createResponse(message, 200), responseFlow(message, flow));
 * });
 */
export class SipTransport extends EventEmitter<SipTransportEvents> {
  /** Counters, updated live. */
  readonly stats: TransportStats = {
    messagesReceived: 0,
    messagesSent: 0,
    malformed: 0,
    malformedAnswered: 0,
    keepAlivesReceived: 0,
    connectionsRefused: 0,
    connectionsRefusedPerSource: 0,
    connectionsEvicted: 0,
    connectsRefused: 0,
    tlsHandshakeFailures: 0,
  };
  private readonly opts: ResolvedTransportOptions;
  private readonly datagramParse: ParseOptions;
  private readonly table = new ConnectionTable();
  private readonly pending = new Map<string, Promise<StreamConnection>>();
  /** Outbound attempts in flight per destination IP (`limits.maxPendingConnectsPerAddress`). */
  private readonly pendingPerAddress = new Map<string, number>();
  /** Open outbound connections per destination IP (`limits.maxConnectionsPerSource` applies to them too). */
  private readonly outboundPerAddress = new Map<string, number>();
  /** Inbound TLS sockets still in their handshake, by `address port` of the peer, with the release of their slot. */
  private readonly handshakes = new Map<string, { readonly socket: Socket; readonly release: () => void; readonly since: number }>();
  /** Inbound connections and handshakes per source IP (`limits.maxConnectionsPerSource`). */
  private readonly inboundPerSource = new Map<string, number>();
  /** The release of each inbound connection's per-source slot. */
  private readonly inboundSlots = new Map<StreamConnection, () => void>();
  private readonly connecting = new Set<Socket>();
  private readonly udp: Array<{ listener: UdpListener; info: BoundAddress }> = [];
  private readonly servers: Array<StreamServer & { info: BoundAddress }> = [];
  private readonly handlers: StreamConnectionHandlers;
  private bound: BoundAddress[] = [];
  private listening: Promise<readonly BoundAddress[]> | null = null;
  private closing: Promise<void> | null = null;
  private nextId = 1;

  /** Validates the options (TypeError / RangeError); binds nothing until {@link listen}. */
  constructor(options: SipTransportOptions) {
    super();
    this.opts = resolveTransportOptions(options);
    this.datagramParse = { mode: 'datagram', limits: { maxMessageBytes: this.opts.maxMessageBytes } };
    const trace = this.opts.trace;
    this.handlers = {
      onMessage: (conn, message, receivedAt) => this.deliver(message, conn.flow, receivedAt, conn),
      onMalformed: (conn, bytes, error) => this.unparsed(bytes, error, conn.flow),
      onFramingError: (conn, error) => {
        this.stats.malformed++;
        this.fire('malformed', { error, flow: conn.flow, responded: false });
      },
      onClose: (conn, error) => {
        this.table.remove(conn);
        this.inboundSlots.get(conn)?.();
        this.inboundSlots.delete(conn);
        if (conn.direction === 'outbound') count(this.outboundPerAddress, conn.remoteAddress, -1);
        this.fire('close', { connectionId: conn.id, flow: conn.flow, error });
      },
      onTrace: trace === undefined ? undefined : (direction, conn, bytes) => trace({ direction, flow: conn.flow, bytes }),
    };
  }

  /** Creates a transport and binds its listeners. */
  static async create(options: SipTransportOptions): Promise<SipTransport> {
    const t = new SipTransport(options);
    try {
      await t.listen();
    } catch (e) {
      await t.close();
      throw e;
    }
    return t;
  }

  /**
   * Binds every configured listener (idempotent). Resolves with the bound
   * addresses and ports; rejects with TRANSPORT_SOCKET_ERROR when one cannot be bound
   * (the others are then closed).
   */
  listen(): Promise<readonly BoundAddress[]> {
    if (this.closing !== null) return Promise.reject(new TransportError('TRANSPORT_CLOSED', 'the transport is closed'));
    this.listening ??= this.bindAll();
    return this.listening;
  }

  /** The bound listeners (empty before {@link listen} resolves). */
  get addresses(): readonly BoundAddress[] {
    return this.bound;
  }

  /** Open TCP/TLS connections, inbound and outbound. */
  get connectionCount(): number {
    return this.table.size;
  }

  /** Inbound TLS handshakes in progress (they count against `maxConnections`). */
  get handshakeCount(): number {
    return this.handshakes.size;
  }

  /** True once {@link close} was called. */
  get closed(): boolean {
    return this.closing !== null;
  }

  /**
   * The Via sent-by (`host:port`) for requests sent over `protocol`
   * (RFC 3261 §18.1.1): `publicAddress` when set, else the listener's
   * address (the first non-internal interface address for a wildcard bind).
   *
   * @throws TransportError NO_TRANSPORT when no listener of that protocol is bound.
   */
  viaSentBy(protocol: TransportProtocol): string {
    const l = this.bound.find((x) => x.protocol === protocol);
    if (l === undefined) throw new TransportError('NO_TRANSPORT', `no ${protocol} listener is bound`);
    return hostPort(this.advertisedHost(l.address), l.port);
  }

  /**
   * Sends `message` towards `flow` and resolves with the flow actually used:
   * the `connectionId` of the connection reused or opened, or TCP instead of
   * UDP for a large request (§18.1.1, which also rewrites the top Via's
   * transport). A flow naming a closed connection falls back to a
   * connection to `address:port` (§18.2.2).
   *
   * Rejects with {@link TransportError}: CONNECT_FAILED, TLS_VERIFY_FAILED,
   * CONNECTION_CLOSED, TOO_MANY_CONNECTIONS, TRANSPORT_MESSAGE_TOO_LARGE,
   * TRANSPORT_BUFFER_OVERFLOW, NO_TRANSPORT, TRANSPORT_SOCKET_ERROR, TRANSPORT_CLOSED;
   * with `options.signal`'s reason when it aborts first (a connection being
   * opened goes on, for whoever else waits for it, until `connectTimeoutMs`).
   */
  send(message: SipRequest | SipResponse, flow: Flow, options: SendOptions = {}): Promise<Flow> {
    const signal = options.signal;
    if (signal === undefined) return this.sendNow(message, flow);
    if (signal.aborted) return Promise.reject(signal.reason);
    return new Promise<Flow>((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.sendNow(message, flow).then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  private async sendNow(message: SipRequest | SipResponse, flow: Flow): Promise<Flow> {
    const bytes = this.encode(message, flow);
    if (!this.staysOnUdp(message, flow, bytes)) return this.sendReliably(message, flow, bytes);
    const used: Flow = { protocol: 'udp', address: flow.address, port: flow.port };
    await new Promise<void>((resolve, reject) => this.sendUdp(bytes, used, (e) => (e === null ? resolve() : reject(e))));
    return used;
  }

  /**
   * Sends like {@link send}, for a sender that awaits nothing and only needs
   * to hear of a failure — the transaction layer, which sends thousands of
   * messages a second and retransmits on its own timers. No promise is made,
   * and a UDP datagram to an IP address is in the socket's hands when this
   * returns.
   * `onError` receives what `send` would have rejected with, always on a
   * later tick.
   */
  post(message: SipRequest | SipResponse, flow: Flow, onError: (error: unknown) => void): void {
    let bytes: Uint8Array;
    try {
      bytes = this.encode(message, flow);
      if (this.staysOnUdp(message, flow, bytes)) {
        this.sendUdp(bytes, flow, (e) => {
          if (e !== null) onError(e);
        });
        return;
      }
    } catch (e) {
      queueMicrotask(() => onError(e));
      return;
    }
    this.sendReliably(message, flow, bytes).catch(onError);
  }

  /**
   * Sends bytes already serialized — what the transaction layer keeps of a
   * completed transaction to answer retransmissions — like {@link post}:
   * `onError` hears of a failure on a later tick. `flow` is used as given.
   */
  postEncoded(bytes: Uint8Array, flow: Flow, onError: (error: unknown) => void): void {
    try {
      if (this.closing !== null) throw new TransportError('TRANSPORT_CLOSED', 'the transport is closed');
      if (flow.protocol === 'udp') {
        this.sendUdp(bytes, flow, (e) => {
          if (e !== null) onError(e);
        });
        return;
      }
    } catch (e) {
      queueMicrotask(() => onError(e));
      return;
    }
    this.sendReliably(null, flow, bytes).catch(onError);
  }

  /** Closes one connection by id; false when no such connection is open. */
  closeConnection(connectionId: string): boolean {
    const c = this.table.get(connectionId);
    if (c === undefined) return false;
    c.close();
    return true;
  }

  /**
   * Closes every listener and connection (idempotent); pending sends reject.
   * Resolves once the sockets are closed.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  /** `await using transport = await SipTransport.create(...)` closes it. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  // ---- binding -----------------------------------------------------------

  private async bindAll(): Promise<readonly BoundAddress[]> {
    try {
      for (const l of this.opts.listen) {
        if (l.protocol === 'udp') {
          const listener = await UdpListener.bind(
            l.host,
            l.port,
            l,
            (bytes, from) => this.onDatagram(bytes, from),
            (e) => this.reportError(e),
          );
          const a = listener.address;
          const info: BoundAddress = { protocol: 'udp', address: a.address, port: a.port, ...listener.bufferSizes };
          this.udp.push({ listener, info });
          this.bound.push(info);
        } else {
          const s = await this.bindStream(l.protocol, l.host, l.port, l.tls === undefined ? undefined : tlsServerOptions(l.tls));
          this.servers.push(s);
          this.bound.push(s.info);
        }
        if (this.closing !== null) throw new TransportError('TRANSPORT_CLOSED', 'the transport was closed while binding');
      }
    } catch (e) {
      await this.closeListeners();
      this.bound = [];
      throw e;
    }
    return this.bound;
  }

  private bindStream(
    protocol: 'tcp' | 'tls',
    host: string,
    port: number,
    tls: ReturnType<typeof tlsServerOptions> | undefined,
  ): Promise<StreamServer & { info: BoundAddress }> {
    let server: Server;
    if (protocol === 'tls') {
      const ts = createTlsServer({ ...tls, handshakeTimeout: this.opts.handshakeTimeoutMs });
      // Admission before the handshake costs anything; a handshaking socket holds a slot.
      ts.on('connection', (raw: Socket) => {
        const release = this.admit(raw);
        if (release === null) {
          raw.destroy();
          return;
        }
        const key = peerKey(raw);
        const entry = { socket: raw, release, since: Date.now() };
        this.handshakes.set(key, entry);
        raw.once('close', () => {
          if (this.handshakes.get(key) !== entry) return;
          this.handshakes.delete(key);
          release();
        });
      });
      ts.on('secureConnection', (socket: TLSSocket) => {
        const key = peerKey(socket);
        const entry = this.handshakes.get(key);
        this.handshakes.delete(key);
        if (entry === undefined) socket.destroy(); // refused or timed out meanwhile
        else this.accept(socket, 'tls', entry.release);
      });
      // Node reports a failed or timed-out handshake here but leaves the socket open: destroy it (issue 9 defect 2).
      ts.on('tlsClientError', (_error: Error, socket: TLSSocket) => {
        if (this.handshakes.has(peerKey(socket))) this.stats.tlsHandshakeFailures++;
        socket.destroy();
      });
      server = ts;
    } else {
      server = createTcpServer((socket) => {
        const release = this.admit(socket);
        if (release !== null) this.accept(socket, 'tcp', release);
        else socket.destroy();
      });
    }
    return new Promise((resolve, reject) => {
      const onBindError = (e: Error): void => {
        reject(new TransportError('TRANSPORT_SOCKET_ERROR', `cannot bind ${protocol} ${host}:${port}: ${e.message}`, { cause: e }));
      };
      server.once('error', onBindError);
      server.listen(port, host, () => {
        server.off('error', onBindError);
        server.on('error', (e) => this.reportError(new TransportError('TRANSPORT_SOCKET_ERROR', `${protocol} listener: ${e.message}`, { cause: e })));
        const a = server.address();
        const bound = typeof a === 'object' && a !== null ? a : { address: host, port };
        resolve({ protocol, server, info: { protocol, address: bound.address, port: bound.port } });
      });
    });
  }

  /**
   * Admission of an inbound socket: `limits.maxConnectionsPerSource` for its
   * IP address, then `limits.maxConnections` over open connections and
   * handshakes, making room by evicting an idle inbound connection. Returns
   * the release of the source slot taken, or null when refused.
   */
  private admit(socket: Socket): (() => void) | null {
    const source = normalizeAddress(socket.remoteAddress ?? '');
    if (this.closing !== null || source === '') return this.refuse(false);
    const fromSource = this.inboundPerSource.get(source) ?? 0;
    if (fromSource >= this.opts.maxConnectionsPerSource) return this.refuse(true);
    if (this.table.size + this.handshakes.size >= this.opts.maxConnections && !this.evictIdle()) return this.refuse(false);
    count(this.inboundPerSource, source, +1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      count(this.inboundPerSource, source, -1);
    };
  }

  private refuse(perSource: boolean): null {
    this.stats.connectionsRefused++;
    if (perSource) this.stats.connectionsRefusedPerSource++;
    return null;
  }

  /**
   * Makes room at `limits.maxConnections`: closes the inbound connection
   * idle the longest, where one that never completed a message (a TLS
   * handshake in progress included) goes before one that did, and one with
   * a message in progress never goes. False when there is none.
   */
  private evictIdle(): boolean {
    let victim: StreamConnection | undefined;
    for (const c of this.table.all()) {
      if (c.direction !== 'inbound' || c.closed || c.messageInProgress) continue;
      if (
        victim === undefined ||
        (c.hasCompletedMessage === victim.hasCompletedMessage ? c.lastActivityAt < victim.lastActivityAt : !c.hasCompletedMessage)
      ) {
        victim = c;
      }
    }
    let handshake: [string, { readonly socket: Socket; readonly release: () => void; readonly since: number }] | undefined;
    for (const h of this.handshakes) if (handshake === undefined || h[1].since < handshake[1].since) handshake = h;
    if (handshake !== undefined && (victim === undefined || victim.hasCompletedMessage || handshake[1].since <= victim.lastActivityAt)) {
      const [key, entry] = handshake;
      this.handshakes.delete(key);
      entry.release();
      entry.socket.destroy();
    } else if (victim !== undefined) {
      victim.close(new TransportError('TRANSPORT_CONNECTION_EVICTED', `connection ${victim.id}: evicted for a new connection at limits.maxConnections`));
    } else {
      return false;
    }
    this.stats.connectionsEvicted++;
    return true;
  }

  private accept(socket: Socket, protocol: 'tcp' | 'tls', release: () => void): void {
    if (this.closing !== null || socket.remoteAddress === undefined) {
      release();
      socket.destroy();
      return;
    }
    const conn = this.adopt(socket, protocol, 'inbound', undefined, null);
    if (conn.closed) release();
    else this.inboundSlots.set(conn, release);
  }

  /** Wraps a connected socket and indexes it: outbound by `key`, inbound by the peer's address:port. */
  private adopt(
    socket: Socket,
    protocol: 'tcp' | 'tls',
    direction: 'inbound' | 'outbound',
    serverName: string | undefined,
    key: string | null,
  ): StreamConnection {
    const conn = new StreamConnection(
      socket,
      {
        id: `${protocol}-${this.nextId++}`,
        protocol,
        direction,
        serverName,
        maxMessageBytes: this.opts.maxMessageBytes,
        maxBufferBytes: this.opts.maxConnectionBufferBytes,
        idleTimeoutMs: this.opts.idleTimeoutMs,
        firstMessageTimeoutMs: this.opts.firstMessageTimeoutMs,
        messageTimeoutMs: this.opts.messageTimeoutMs,
        crlfIntervalMs: this.opts.crlfIntervalMs,
        pongTimeoutMs: this.opts.pongTimeoutMs,
      },
      this.handlers,
    );
    this.table.add(conn, [key ?? destinationKey(protocol, conn.remoteAddress, conn.remotePort)]);
    if (direction === 'outbound') count(this.outboundPerAddress, conn.remoteAddress, +1);
    this.fire('connection', { connectionId: conn.id, flow: conn.flow, direction });
    return conn;
  }

  // ---- receiving ---------------------------------------------------------

  private onDatagram(bytes: Buffer, from: RemoteInfo): void {
    if (this.closing !== null) return;
    const receivedAt = Date.now();
    const flow: Flow = { protocol: 'udp', address: normalizeAddress(from.address), port: from.port };
    this.opts.trace?.({ direction: 'in', flow, bytes });
    if (isCrlfOnly(bytes)) {
      // RFC 5626 §3.5.1 keep-alives are for streams, but some UAs send CRLFs over UDP: ignore.
      this.stats.keepAlivesReceived++;
      return;
    }
    let message: SipRequest | SipResponse;
    try {
      message = parseMessage(bytes, this.datagramParse);
    } catch (e) {
      if (!(e instanceof SipParseError)) throw e;
      this.unparsed(bytes, e, flow);
      return;
    }
    this.deliver(message, flow, receivedAt, null);
  }

  /**
   * A datagram, or a stream message framed by its Content-Length, that does
   * not parse: answered with the parser's status when enough of it can be
   * salvaged (§8.2.6), else dropped; a stream connection stays open (§18.3).
   */
  private unparsed(bytes: Uint8Array, error: SipParseError, flow: Flow): void {
    const salvaged = salvageRequest(bytes);
    this.malformed(error, flow, salvaged !== null && this.stamp(salvaged, flow) ? salvaged : null);
  }

  /** §18.2.1 / §18.1.2: stamp `received`/`rport`, check, hand up. */
  private deliver(message: SipRequest | SipResponse, flow: Flow, receivedAt: number, conn: StreamConnection | null): void {
    // Traced as received, before received/rport are added (UDP datagrams are traced raw on arrival).
    const traced = this.opts.trace !== undefined && conn !== null ? serializeMessage(message) : null;
    // Stamped first: editing the Via drops the headers the message has decoded,
    // and the check decodes (and caches) the ones every layer above reads.
    // A Via that does not parse is left for the check to report.
    const stamped = message.isRequest && this.stamp(message, flow);
    const verdict = checkInbound(message);
    if (!verdict.ok) {
      this.malformed(verdict.error, flow, verdict.answerable && stamped && message.isRequest ? message : null);
      return;
    }
    if (traced !== null) this.opts.trace?.({ direction: 'in', flow, bytes: traced });
    if (message.isRequest && conn !== null) this.learnAlias(message, conn);
    this.stats.messagesReceived++;
    this.fire('message', { message, flow, receivedAt });
  }

  /** Adds `received`/`rport` (RFC 3261 §18.2.1, RFC 3581 §4); false when there is no top Via or it does not parse. */
  private stamp(request: SipRequest, flow: Flow): boolean {
    try {
      return applyReceived(request, flow.address, flow.port);
    } catch (e) {
      if (!(e instanceof SipParseError)) throw e;
      return false;
    }
  }

  /**
   * RFC 5923 §5: a request whose top Via carries `alias` asks us to reuse its
   * connection for requests to its sent-by port; the host is the connection's
   * real peer address, so a peer can only claim ports of its own address.
   */
  private learnAlias(request: SipRequest, conn: StreamConnection): void {
    const via = request.topVia;
    if (via === undefined || findParam(via.params, 'alias') === undefined) return;
    const port = via.port ?? defaultPort(conn.protocol);
    this.table.alias(conn, destinationKey(conn.protocol, conn.remoteAddress, port));
  }

  /**
   * Counts, answers statelessly when possible (§8.2.6, §21.4.1), reports.
   * `request`: the one to answer, `received`/`rport` already stamped.
   */
  private malformed(error: SipParseError, flow: Flow, request: SipRequest | null): void {
    this.stats.malformed++;
    let responded = false;
    if (request !== null) {
      try {
        const response = errorResponse(request, error.statusHint);
        const to = responseFlow(request, flow);
        this.send(response, to).catch(() => undefined); // best effort: the peer sent garbage
        responded = true;
        this.stats.malformedAnswered++;
      } catch (e) {
        if (!(e instanceof SipParseError)) throw e;
      }
    }
    this.fire('malformed', { error, flow, responded });
  }

  // ---- sending -----------------------------------------------------------

  /**
   * Checks a message against the transport and the flow, and serializes it.
   *
   * @throws TypeError for a flow without a usable address or port.
   * @throws TransportError TRANSPORT_CLOSED, TRANSPORT_MESSAGE_TOO_LARGE.
   */
  private encode(message: SipRequest | SipResponse, flow: Flow): Uint8Array {
    if (this.closing !== null) throw new TransportError('TRANSPORT_CLOSED', 'the transport is closed');
    if (typeof flow.address !== 'string' || flow.address.length === 0) throw new TypeError('flow.address must be a non-empty string');
    if (!Number.isInteger(flow.port) || flow.port < 1 || flow.port > 65535) throw new TypeError(`flow.port must be 1-65535, got ${String(flow.port)}`);
    const bytes = serializeMessage(message);
    if (bytes.length > this.opts.maxMessageBytes) {
      throw new TransportError('TRANSPORT_MESSAGE_TOO_LARGE', `message of ${bytes.length} bytes exceeds limits.maxMessageBytes (${this.opts.maxMessageBytes})`);
    }
    return bytes;
  }

  /**
   * Whether `bytes` go out as a UDP datagram. §18.1.1: "If a request is within
   * 200 bytes of the path MTU, or if it is larger than 1300 bytes and the path
   * MTU is unknown, the request MUST be sent using an RFC 2914 congestion
   * controlled transport protocol, such as TCP."
   */
  private staysOnUdp(message: SipRequest | SipResponse, flow: Flow, bytes: Uint8Array): boolean {
    if (flow.protocol !== 'udp') return false;
    return !(message.isRequest && bytes.length > this.opts.udpMtuThreshold && this.servers.some((s) => s.protocol === 'tcp'));
  }

  /** Everything that does not stay on UDP: TCP/TLS flows, and large UDP requests moved to TCP (§18.1.1). */
  private async sendReliably(message: SipRequest | SipResponse | null, flow: Flow, bytes: Uint8Array): Promise<Flow> {
    switch (flow.protocol) {
      case 'udp':
        // Only a request moves (see staysOnUdp), and §18.1.1 has its top Via name TCP then.
        if (message?.isRequest === true) this.switchTopViaToTcp(message);
        return this.sendStream(message === null ? bytes : serializeMessage(message), { protocol: 'tcp', address: flow.address, port: flow.port });
      case 'tcp':
      case 'tls':
        return this.sendStream(bytes, flow);
      default:
        throw new TransportError('NO_TRANSPORT', `protocol ${flow.protocol} is not supported by SipTransport`);
    }
  }

  /**
   * Hands one datagram to the UDP socket of the destination's address family;
   * `done` hears on a later tick whether the socket took it.
   *
   * @throws TransportError TRANSPORT_MESSAGE_TOO_LARGE, NO_TRANSPORT, TRANSPORT_CLOSED.
   */
  private sendUdp(bytes: Uint8Array, flow: Flow, done: (error: TransportError | null) => void): void {
    if (bytes.length > MAX_UDP_PAYLOAD) {
      throw new TransportError('TRANSPORT_MESSAGE_TOO_LARGE', `message of ${bytes.length} bytes does not fit in a UDP datagram`);
    }
    const family = isIP(flow.address) === 6 ? 6 : 4;
    const u = this.udp.find((x) => x.listener.family === family);
    if (u === undefined) throw new TransportError('NO_TRANSPORT', `no IPv${family} UDP listener to send from`);
    this.opts.trace?.({ direction: 'out', flow: { protocol: 'udp', address: flow.address, port: flow.port }, bytes });
    u.listener.send(bytes, flow.address, flow.port, (e) => {
      if (e === null) this.stats.messagesSent++;
      done(e);
    });
  }

  /** §18.2.2 / RFC 5923: the named connection, else one to the destination, else a new one. */
  private async sendStream(bytes: Uint8Array, flow: Flow): Promise<Flow> {
    const protocol = flow.protocol as 'tcp' | 'tls';
    const address = normalizeAddress(flow.address);
    let conn = flow.connectionId === undefined ? undefined : this.table.get(flow.connectionId);
    if (conn !== undefined && conn.protocol !== protocol) conn = undefined;
    conn ??= this.table.find(destinationKey(protocol, address, flow.port, flow.serverName));
    conn ??= await this.connect(protocol, address, flow.port, flow.serverName);
    await conn.write(bytes);
    this.stats.messagesSent++;
    const used: { -readonly [K in keyof Flow]: Flow[K] } = { protocol, address: flow.address, port: flow.port, connectionId: conn.id };
    if (flow.serverName !== undefined) used.serverName = flow.serverName;
    return used;
  }

  /** Opens (or joins the opening of) a connection to a destination. */
  private connect(protocol: 'tcp' | 'tls', address: string, port: number, serverName: string | undefined): Promise<StreamConnection> {
    const key = destinationKey(protocol, address, port, serverName);
    const pending = this.pending.get(key);
    if (pending !== undefined) return pending;
    // Outbound attempts have budgets of their own, apart from inbound admission (issue 9 defect 5).
    const toAddress = this.pendingPerAddress.get(address) ?? 0;
    const refusal =
      this.table.size >= this.opts.maxConnections
        ? `limits.maxConnections (${this.opts.maxConnections})`
        : this.pending.size >= this.opts.maxPendingConnects
          ? `limits.maxPendingConnects (${this.opts.maxPendingConnects})`
          : toAddress >= this.opts.maxPendingConnectsPerAddress
            ? `limits.maxPendingConnectsPerAddress (${this.opts.maxPendingConnectsPerAddress})`
            : toAddress + (this.outboundPerAddress.get(address) ?? 0) >= this.opts.maxConnectionsPerSource
              ? `limits.maxConnectionsPerSource (${this.opts.maxConnectionsPerSource}) towards ${address}`
              : null;
    if (refusal !== null) {
      this.stats.connectsRefused++;
      return Promise.reject(new TransportError('TOO_MANY_CONNECTIONS', `${refusal} reached; not connecting to ${hostPort(address, port)}`));
    }
    count(this.pendingPerAddress, address, +1);
    const p = this.openSocket(protocol, address, port, serverName)
      .then((socket) => {
        if (this.closing !== null) {
          socket.destroy();
          throw new TransportError('TRANSPORT_CLOSED', 'the transport was closed while connecting');
        }
        return this.adopt(socket, protocol, 'outbound', serverName, key);
      })
      .finally(() => {
        this.pending.delete(key);
        count(this.pendingPerAddress, address, -1);
      });
    this.pending.set(key, p);
    return p;
  }

  private openSocket(protocol: 'tcp' | 'tls', address: string, port: number, serverName: string | undefined): Promise<Socket> {
    const where = `${protocol} ${hostPort(address, port)}${serverName === undefined ? '' : ` (${serverName})`}`;
    return new Promise((resolve, reject) => {
      const socket: Socket =
        protocol === 'tls' ? tlsConnect(tlsConnectOptions(this.opts.tlsClient, address, port, serverName)) : tcpConnect({ host: address, port });
      const ready = protocol === 'tls' ? 'secureConnect' : 'connect';
      this.connecting.add(socket);
      const cleanup = (): void => {
        clearTimeout(timer);
        socket.off('error', onError);
        socket.off('close', onClose);
        socket.off(ready, onReady);
        this.connecting.delete(socket);
      };
      const fail = (e: TransportError): void => {
        cleanup();
        socket.destroy();
        reject(e);
      };
      const onError = (e: Error): void => {
        fail(
          isVerifyError(e)
            ? new TransportError('TLS_VERIFY_FAILED', `${where}: certificate verification failed: ${e.message}`, { cause: e })
            : new TransportError('CONNECT_FAILED', `${where}: ${e.message}`, { cause: e }),
        );
      };
      const onClose = (): void =>
        fail(
          this.closing !== null
            ? new TransportError('TRANSPORT_CLOSED', `${where}: the transport was closed while connecting`)
            : new TransportError('CONNECT_FAILED', `${where}: closed while connecting`),
        );
      const onReady = (): void => {
        cleanup();
        resolve(socket);
      };
      const timer = setTimeout(
        () => fail(new TransportError('CONNECT_FAILED', `${where}: no connection within ${this.opts.connectTimeoutMs} ms`)),
        this.opts.connectTimeoutMs,
      );
      timer.unref();
      socket.once('error', onError);
      socket.once('close', onClose);
      socket.once(ready, onReady);
    });
  }

  /**
   * §18.1.1: "If this causes a change in the transport protocol from the one
   * indicated in the top Via, the value in the top Via MUST be changed." A
   * sent-by that was ours for UDP becomes ours for TCP.
   */
  private switchTopViaToTcp(request: SipRequest): void {
    let top: Via | undefined;
    try {
      top = request.topVia;
    } catch (e) {
      if (e instanceof SipParseError) return; // not ours to fix; it goes out as built
      throw e;
    }
    if (top === undefined) return;
    let host = top.host;
    let port = top.port;
    const udp = this.bound.find((x) => x.protocol === 'udp');
    const tcp = this.bound.find((x) => x.protocol === 'tcp');
    if (udp !== undefined && tcp !== undefined && normalizeAddress(top.host) === normalizeAddress(this.advertisedHost(udp.address)) && (top.port ?? 5060) === udp.port) {
      host = this.advertisedHost(tcp.address);
      port = tcp.port;
    }
    const sentBy = port === null ? host : hostPort(normalizeAddress(host), port);
    replaceTopVia(request, formatVia({ ...top, transport: 'TCP', host, port, sentBy, params: top.params, raw: '' }));
  }

  private advertisedHost(bound: string): string {
    if (this.opts.publicAddress !== undefined) return this.opts.publicAddress;
    if (bound !== '0.0.0.0' && bound !== '::') return bound;
    // A wildcard bind is no address a peer can reach: advertise an interface address.
    for (const list of Object.values(networkInterfaces())) {
      for (const a of list ?? []) if (!a.internal && (a.family === 'IPv4') === (bound === '0.0.0.0')) return a.address;
    }
    return bound === '::' ? '::1' : '127.0.0.1';
  }

  // ---- lifecycle and events ------------------------------------------------

  private async shutdown(): Promise<void> {
    for (const s of this.connecting) s.destroy();
    this.connecting.clear();
    for (const h of this.handshakes.values()) h.socket.destroy();
    for (const c of this.table.all()) c.close(new TransportError('TRANSPORT_CLOSED', 'the transport was closed'));
    await this.listening?.catch(() => undefined);
    await this.closeListeners();
  }

  private async closeListeners(): Promise<void> {
    const udp = this.udp.splice(0);
    const servers = this.servers.splice(0);
    await Promise.all([
      ...udp.map((u) => u.listener.close()),
      ...servers.map((s) => new Promise<void>((resolve) => s.server.close(() => resolve()))),
    ]);
  }

  private reportError(error: TransportError): void {
    if (this.listenerCount('error') > 0) this.fire('error', error);
  }

  /**
   * Emits with the transport's state already committed; a throwing listener
   * is rethrown on its own tick, so it cannot cut short the delivery of the
   * other messages of the same chunk.
   */
  private fire<K extends keyof SipTransportEvents>(event: K, ...args: SipTransportEvents[K]): void {
    try {
      (this.emit as (e: K, ...a: SipTransportEvents[K]) => boolean)(event, ...args);
    } catch (e) {
      queueMicrotask(() => {
        throw e;
      });
    }
  }
}

/** Adds `delta` to the count under `key`, forgetting keys that reach zero. */
function count(counts: Map<string, number>, key: string, delta: number): void {
  const n = (counts.get(key) ?? 0) + delta;
  if (n > 0) counts.set(key, n);
  else counts.delete(key);
}

/** A peer's `address port`, the same for a TLS socket and the TCP socket under it. */
function peerKey(socket: Socket): string {
  return `${normalizeAddress(socket.remoteAddress ?? '')} ${socket.remotePort ?? 0}`;
}

/** True for a datagram of only CR and LF octets. */
function isCrlfOnly(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0x0d && bytes[i] !== 0x0a) return false;
  return true;
}
