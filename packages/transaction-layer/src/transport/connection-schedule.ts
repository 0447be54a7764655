/**
 * The timing of one stream connection as a pure scheduler: idle timeouts,
 * the message-completion deadline, and RFC 5626 §4.4.1 CRLF keep-alives.
 * It never reads a clock: the connection tells it what happened and when
 * (`now`, ms), asks for the next deadline, and at that deadline asks what to
 * do. Tests drive it on virtual time.
 */

/** Settings of a {@link ConnectionSchedule}; every time in ms, 0 = off. */
export interface ConnectionScheduleSettings {
  /** No traffic either way for this long closes a connection that has completed a message. */
  readonly idleTimeoutMs: number;
  /**
   * No traffic for this long closes a connection that has not completed a
   * message yet (an attacker's idle socket holds its slot for less). Give
   * the idle timeout here for connections that need no such rule (outbound).
   */
  readonly firstMessageTimeoutMs: number;
  /** A message must be complete (header section and body) this long after its first byte arrived. */
  readonly messageTimeoutMs: number;
  /** A CRLFCRLF ping every this long (RFC 5626 §4.4.1); 0 = no pings. */
  readonly crlfIntervalMs: number;
  /** A ping without a pong within this long fails the flow (RFC 5626 §4.4.1). */
  readonly pongTimeoutMs: number;
}

/** What is due at a deadline. */
export type ConnectionDue =
  /** Close the connection; `reason` says which rule fired. */
  | { readonly type: 'close'; readonly reason: 'idle' | 'first-message' | 'message-timeout' | 'pong-timeout' }
  /** Send a CRLFCRLF ping now, then call {@link ConnectionSchedule.pingSent}. */
  | { readonly type: 'ping' };

const PING: ConnectionDue = Object.freeze({ type: 'ping' });

/** @internal The deadlines of one connection. */
export class ConnectionSchedule {
  private readonly s: ConnectionScheduleSettings;
  private lastActivity: number;
  private proven = false;
  /** When the first byte of the message in progress arrived, or null. */
  private partialSince: number | null = null;
  private pongDue: number | null = null;
  private nextPing: number | null;

  constructor(settings: ConnectionScheduleSettings, now: number) {
    this.s = settings;
    this.lastActivity = now;
    this.nextPing = settings.crlfIntervalMs > 0 ? now + settings.crlfIntervalMs : null;
  }

  /** True once a complete message has arrived. */
  get hasCompletedMessage(): boolean {
    return this.proven;
  }

  /** True while part of a message is buffered. */
  get messageInProgress(): boolean {
    return this.partialSince !== null;
  }

  /** Last traffic either way. */
  get lastActivityAt(): number {
    return this.lastActivity;
  }

  /**
   * Bytes arrived at `now`. `completed`: messages they completed;
   * `pending`: whether part of a message is still buffered after them.
   */
  received(now: number, completed: number, pending: boolean): void {
    this.lastActivity = now;
    if (completed > 0) {
      this.proven = true;
      this.partialSince = null;
    }
    if (!pending) this.partialSince = null;
    else this.partialSince ??= now;
  }

  /** Bytes were written at `now`. */
  sent(now: number): void {
    this.lastActivity = now;
  }

  /** A ping went out at `now`. */
  pingSent(now: number): void {
    this.lastActivity = now;
    this.pongDue = now + this.s.pongTimeoutMs;
    this.nextPing = now + this.s.crlfIntervalMs;
  }

  /** The pong arrived. */
  pongReceived(): void {
    this.pongDue = null;
  }

  /** The earliest deadline, or null when nothing is scheduled. */
  get nextDeadline(): number | null {
    let next: number | null = null;
    const consider = (t: number | null): void => {
      if (t !== null && (next === null || t < next)) next = t;
    };
    consider(this.idleDeadline());
    consider(this.s.messageTimeoutMs > 0 && this.partialSince !== null ? this.partialSince + this.s.messageTimeoutMs : null);
    consider(this.pongDue);
    // RFC 5626 §4.4.1: no new ping while one waits for its pong.
    consider(this.pongDue === null ? this.nextPing : null);
    return next;
  }

  /** What is due at `now`, most severe first; null when nothing is. */
  due(now: number): ConnectionDue | null {
    if (this.pongDue !== null && now >= this.pongDue) return { type: 'close', reason: 'pong-timeout' };
    if (this.s.messageTimeoutMs > 0 && this.partialSince !== null && now >= this.partialSince + this.s.messageTimeoutMs) {
      return { type: 'close', reason: 'message-timeout' };
    }
    const idle = this.idleDeadline();
    if (idle !== null && now >= idle) return { type: 'close', reason: this.proven ? 'idle' : 'first-message' };
    if (this.pongDue === null && this.nextPing !== null && now >= this.nextPing) return PING;
    return null;
  }

  private idleDeadline(): number | null {
    const limit = this.proven ? this.s.idleTimeoutMs : this.s.firstMessageTimeoutMs;
    return limit > 0 ? this.lastActivity + limit : null;
  }
}
