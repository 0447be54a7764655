/**
 * One TCP or TLS connection carrying SIP — RFC 3261 §18.3 framing, RFC 5626
 * §3.5.1 CRLF keep-alives, idle and buffer limits.
 */
import type { Socket } from 'node:net';
import { SipParseError, StreamFramer, type SipRequest, type SipResponse } from '@trunkline/sip-parser';
import type { Flow } from '../flow.js';
import { normalizeAddress } from './address.js';
import { ConnectionSchedule, type ConnectionDue } from './connection-schedule.js';
import { TransportError } from './transport-error.js';

const CRLF = Buffer.from('\r\n');
const CRLFCRLF = Buffer.from('\r\n\r\n');

/** @internal What a connection reports to its owner. */
export interface StreamConnectionHandlers {
  /** A framed message; `receivedAt` is `Date.now()` when its last chunk arrived. */
  readonly onMessage: (conn: StreamConnection, message: SipRequest | SipResponse, receivedAt: number) => void;
  /** A message framed by its Content-Length that does not parse (RFC 3261 §18.3: answer it, keep the connection). */
  readonly onMalformed: (conn: StreamConnection, bytes: Uint8Array, error: SipParseError) => void;
  /** The stream could not be framed (the connection is being closed). */
  readonly onFramingError: (conn: StreamConnection, error: SipParseError) => void;
  /** The connection closed, for `error` (null: orderly). Called once. */
  readonly onClose: (conn: StreamConnection, error: TransportError | null) => void;
  /** Bytes in or out, for the trace hook; absent when tracing is off. */
  readonly onTrace: ((direction: 'in' | 'out', conn: StreamConnection, bytes: Uint8Array) => void) | undefined;
}

/** @internal Settings of one connection. */
export interface StreamConnectionSettings {
  readonly id: string;
  readonly protocol: 'tcp' | 'tls';
  readonly direction: 'inbound' | 'outbound';
  /** TLS name the peer was verified for (outbound), if any. */
  readonly serverName: string | undefined;
  readonly maxMessageBytes: number;
  readonly maxBufferBytes: number;
  readonly idleTimeoutMs: number;
  /** Idle limit until the first complete message (see {@link ConnectionSchedule}). */
  readonly firstMessageTimeoutMs: number;
  /** A started message must be complete within this (0 = no limit). */
  readonly messageTimeoutMs: number;
  /** 0 = no keep-alive pings. */
  readonly crlfIntervalMs: number;
  readonly pongTimeoutMs: number;
}

/**
 * @internal A connected socket with a {@link StreamFramer}. Pings on an
 * inbound ping are answered with a pong; on an outbound connection with
 * keep-alives on, a CRLFCRLF ping is sent every `crlfIntervalMs` and a
 * missing pong closes the flow (RFC 5626 §4.4.1). All timing is decided by
 * a pure {@link ConnectionSchedule}; this class arms one timer at its next
 * deadline.
 */
export class StreamConnection {
  readonly id: string;
  readonly protocol: 'tcp' | 'tls';
  readonly direction: 'inbound' | 'outbound';
  readonly serverName: string | undefined;
  readonly remoteAddress: string;
  readonly remotePort: number;
  private readonly socket: Socket;
  private readonly framer: StreamFramer;
  private readonly settings: StreamConnectionSettings;
  private readonly handlers: StreamConnectionHandlers;
  private readonly schedule: ConnectionSchedule;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private closeError: TransportError | null = null;
  private isClosed = false;

  constructor(socket: Socket, settings: StreamConnectionSettings, handlers: StreamConnectionHandlers) {
    this.socket = socket;
    this.settings = settings;
    this.handlers = handlers;
    this.id = settings.id;
    this.protocol = settings.protocol;
    this.direction = settings.direction;
    this.serverName = settings.serverName;
    this.remoteAddress = normalizeAddress(socket.remoteAddress ?? '');
    this.remotePort = socket.remotePort ?? 0;
    this.framer = new StreamFramer({ limits: { maxMessageBytes: settings.maxMessageBytes }, continueAfterMalformed: true });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e: Error) => {
      this.closeError ??= new TransportError('TRANSPORT_SOCKET_ERROR', `connection ${this.id}: ${e.message}`, { cause: e });
    });
    socket.on('close', () => this.finish());
    const outbound = settings.direction === 'outbound';
    this.schedule = new ConnectionSchedule(
      {
        idleTimeoutMs: settings.idleTimeoutMs,
        // The stricter idle rule is for peers that connected to us and said nothing yet.
        firstMessageTimeoutMs: outbound ? settings.idleTimeoutMs : stricter(settings.firstMessageTimeoutMs, settings.idleTimeoutMs),
        messageTimeoutMs: settings.messageTimeoutMs,
        crlfIntervalMs: outbound ? settings.crlfIntervalMs : 0,
        pongTimeoutMs: settings.pongTimeoutMs,
      },
      Date.now(),
    );
    this.arm();
  }

  /** True once a complete message has arrived on this connection. */
  get hasCompletedMessage(): boolean {
    return this.schedule.hasCompletedMessage;
  }

  /** True while part of a message is buffered. */
  get messageInProgress(): boolean {
    return this.schedule.messageInProgress;
  }

  /** `Date.now()` of the last traffic either way. */
  get lastActivityAt(): number {
    return this.schedule.lastActivityAt;
  }

  /** True once closed (by either side or a limit). */
  get closed(): boolean {
    return this.isClosed;
  }

  /** The flow a message received here came on. */
  get flow(): Flow {
    return { protocol: this.protocol, address: this.remoteAddress, port: this.remotePort, connectionId: this.id };
  }

  /**
   * Writes one message. Rejects with TRANSPORT_BUFFER_OVERFLOW when the peer is not
   * reading (more than `maxBufferBytes` unsent), CONNECTION_CLOSED when the
   * connection is gone.
   */
  write(bytes: Uint8Array): Promise<void> {
    if (this.isClosed || this.socket.destroyed) {
      return Promise.reject(new TransportError('CONNECTION_CLOSED', `connection ${this.id} is closed`));
    }
    if (this.socket.writableLength + bytes.length > this.settings.maxBufferBytes) {
      return Promise.reject(
        new TransportError('TRANSPORT_BUFFER_OVERFLOW', `connection ${this.id}: more than ${this.settings.maxBufferBytes} bytes waiting to be sent`),
      );
    }
    this.schedule.sent(Date.now());
    this.handlers.onTrace?.('out', this, bytes);
    return new Promise((resolve, reject) => {
      this.socket.write(bytes, (e) => {
        if (e) reject(new TransportError('CONNECTION_CLOSED', `connection ${this.id}: write failed: ${e.message}`, { cause: e }));
        else resolve();
      });
    });
  }

  /** Closes the connection (idempotent); `error` says why, reported through `onClose`. */
  close(error: TransportError | null = null): void {
    if (this.isClosed) return;
    if (error !== null) this.closeError ??= error;
    this.socket.destroy();
    this.finish();
  }

  private finish(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (!this.socket.destroyed) this.socket.destroy();
    this.handlers.onClose(this, this.closeError);
  }

  private onData(chunk: Buffer): void {
    if (this.isClosed) return;
    const now = Date.now();
    const events = this.framer.push(chunk);
    let completed = 0;
    for (const ev of events) if (ev.type === 'message' || ev.type === 'malformed') completed++;
    // Committed before anything is handed up.
    this.schedule.received(now, completed, this.framer.buffered > 0);
    this.arm();
    for (const ev of events) {
      if (this.isClosed) return;
      switch (ev.type) {
        case 'message':
          this.handlers.onMessage(this, ev.message, now);
          break;
        case 'malformed':
          this.handlers.onMalformed(this, ev.bytes, ev.error);
          break;
        case 'ping':
          // RFC 5626 §3.5.1: a CRLFCRLF ping is answered with a single CRLF pong.
          this.handlers.onTrace?.('in', this, CRLFCRLF);
          if (!this.socket.destroyed) {
            this.socket.write(CRLF);
            this.handlers.onTrace?.('out', this, CRLF);
          }
          break;
        case 'pong':
          this.handlers.onTrace?.('in', this, CRLF);
          this.schedule.pongReceived();
          break;
        case 'error': {
          const e = ev.error;
          this.handlers.onFramingError(this, e);
          const code = e.code === 'MESSAGE_TOO_LARGE' ? 'TRANSPORT_MESSAGE_TOO_LARGE' : 'TRANSPORT_FRAMING_ERROR';
          this.close(new TransportError(code, `connection ${this.id}: ${e.message}`, { cause: e }));
          return;
        }
      }
    }
    this.arm(); // a pong may have brought the next ping forward
    if (this.framer.buffered > this.settings.maxBufferBytes) {
      this.close(
        new TransportError('TRANSPORT_BUFFER_OVERFLOW', `connection ${this.id}: more than ${this.settings.maxBufferBytes} bytes buffered without a complete message`),
      );
    }
  }

  /**
   * Keeps one timer at the schedule's next deadline. Traffic only moves
   * deadlines later, so the timer is re-armed only when one moves earlier;
   * a timer that fires early just re-arms.
   */
  private arm(): void {
    if (this.isClosed) return;
    const next = this.schedule.nextDeadline;
    if (next === null || next >= this.timerAt) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerAt = next;
    this.timer = setTimeout(() => this.onTimer(), Math.max(0, next - Date.now()));
    this.timer.unref();
  }

  private onTimer(): void {
    this.timer = null;
    this.timerAt = Infinity;
    const due = this.schedule.due(Date.now());
    if (due !== null) this.perform(due);
    this.arm();
  }

  private perform(due: ConnectionDue): void {
    if (due.type === 'ping') {
      this.ping();
      return;
    }
    const limits = {
      idle: ['TRANSPORT_IDLE_TIMEOUT', `idle for ${this.settings.idleTimeoutMs} ms`],
      'first-message': ['TRANSPORT_IDLE_TIMEOUT', `no complete message within ${this.settings.firstMessageTimeoutMs} ms of idleness`],
      'message-timeout': ['TRANSPORT_MESSAGE_TIMEOUT', `a message was not complete within ${this.settings.messageTimeoutMs} ms`],
      'pong-timeout': ['TRANSPORT_KEEPALIVE_TIMEOUT', `no pong within ${this.settings.pongTimeoutMs} ms`],
    } as const;
    const [code, why] = limits[due.reason];
    this.close(new TransportError(code, `connection ${this.id}: ${why}`));
  }

  /** RFC 5626 §4.4.1: send CRLFCRLF, expect a CRLF within the pong timeout. */
  private ping(): void {
    if (this.isClosed || this.socket.destroyed) return;
    this.framer.pingSent();
    this.schedule.pingSent(Date.now());
    this.socket.write(CRLFCRLF);
    this.handlers.onTrace?.('out', this, CRLFCRLF);
  }
}

/** The shorter of two timeouts where 0 means none. */
function stricter(a: number, b: number): number {
  return a === 0 ? b : b === 0 ? a : Math.min(a, b);
}
