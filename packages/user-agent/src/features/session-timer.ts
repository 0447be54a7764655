/**
 * Session timers — RFC 4028 — as a pure machine for one call (one dialog).
 *
 * It never sends anything itself: it tells the call which headers to put on
 * the INVITE/UPDATE it sends (`requestHeaders`) and on the 2xx or 422 it
 * answers with (`answerRequest`), learns the outcome (`receiveResponse`,
 * `answered`, `requestFailed`), and at its deadline (`nextDeadline`, `tick`)
 * says `refresh-due` (send a re-INVITE or UPDATE) or `expired` (send BYE with
 * `Reason: SIP;cause=408`).
 *
 * "uac"/"uas" in Session-Expires name the roles in the transaction that
 * carries the header, not in the call (§7.4, §9): a callee that refreshes
 * sends `refresher=uac` in its own re-INVITE. The machine keeps the refresher
 * as `local`/`remote` and translates at each transaction.
 *
 * Timing (ms on the caller's clock):
 * - The side that does not refresh sends BYE at `expiry − min(32 s, SE/3)`
 *   (§10), expiry counted from the 2xx it sent or received.
 * - The refresher refreshes at half the interval (§10), but earlier when a
 *   refresh that needs the whole transaction timeout (64·T1, Timer B/F) would
 *   otherwise reach the peer after the peer's own BYE point — with SE = 90 s
 *   that is 28 s instead of 45 s, so a refresh delayed by loss never ends a
 *   healthy call. The interval is counted from when the refresh request was
 *   sent (the peer restarted its clock no earlier), except for the
 *   dialog-creating INVITE, where it counts from the 2xx (ringing time is not
 *   session time).
 * - A refresh that times out or gets 408/481 ends the session (§10):
 *   `expired`. Other failures keep the session; the refresh is retried
 *   halfway to the BYE point.
 */
import { TrunklineError, assertNever } from '@trunkline/errors';
import {
  SipParseError,
  parseMinSE,
  parseSessionExpires,
  parseTokenList,
  type SessionExpires,
  type SipRequest,
  type SipResponse,
} from '@trunkline/sip-parser';

/** The option tag of RFC 4028 (§3), for Supported and Require. */
export const TIMER_OPTION_TAG = 'timer';

/** The Reason of the BYE sent when a session expires (RFC 4028 §10, RFC 3326). */
export const SESSION_EXPIRED_REASON = 'SIP;cause=408;text="Session expired"';

/** The lowest Min-SE any UA may use (RFC 4028 §5: "MUST NOT be less than 90 seconds"). */
export const MIN_SE_FLOOR = 90;

/** Codes of {@link SessionTimerError}, unique across Trunkline. */
export type SessionTimerErrorCode =
  /** A request's Session-Expires, Min-SE or Supported header does not parse (→ 400). */
  | 'SESSION_TIMER_BAD_HEADER'
  /** 422 answers kept coming (more than `max422Retries`, or without a larger Min-SE): give up. */
  | 'SESSION_TIMER_INTERVAL_REFUSED';

/** Session-timer negotiation failure; `statusHint` is the response to send where one follows. */
export class SessionTimerError extends TrunklineError<SessionTimerErrorCode> {}

/** Options of {@link SessionTimer}; every time in seconds unless named `Ms`. */
export interface SessionTimerOptions {
  /**
   * The session interval we ask for (UAC) or accept at most (UAS), seconds.
   * Default 1800 (RFC 4028 §4 recommends 30 minutes).
   */
  readonly sessionExpires?: number;
  /** The smallest interval we accept, seconds (sent as Min-SE; 422 below it). Default 90, at least 90 (§5). */
  readonly minSE?: number;
  /**
   * Who should refresh when the choice is ours (UAS of a request without a
   * refresher, §9). `local` (default): we do, so the call survives a peer
   * that forgets; `remote`: the peer does.
   */
  readonly refresher?: 'local' | 'remote';
  /**
   * The longest a refresh transaction can take: Timer B/F, 64·T1 (ms).
   * Default 32 000. Used to start refreshes early enough (see the file header).
   */
  readonly transactionTimeoutMs?: number;
  /** 422 answers retried per request before giving up (§7.4). Default 2. */
  readonly max422Retries?: number;
  /**
   * The lowest Min-SE allowed, seconds. Default (and only conforming value)
   * {@link MIN_SE_FLOOR}, 90 (§5); lower it in tests only, to run refreshes
   * and expiries in seconds of real time.
   */
  readonly minSEFloor?: number;
}

/** Where the machine is. */
export type SessionTimerState =
  /** No timer negotiated yet (or the last 2xx turned it off, §7.2). */
  | 'inactive'
  /** A timer runs. */
  | 'active'
  /** `expired` was emitted; the call should end. */
  | 'expired'
  /** {@link SessionTimer.close} was called. */
  | 'closed';

/** What the machine asks of the call. */
export type SessionTimerEvent =
  /** Send a session refresh (re-INVITE or UPDATE) carrying {@link SessionTimer.requestHeaders}. */
  | { readonly type: 'refresh-due' }
  /** The session expired (or a refresh failed with 408/481/timeout): send BYE with `reason`. */
  | { readonly type: 'expired'; readonly reason: string; readonly why: 'no-refresh' | 'refresh-failed' };

/** How the 2xx or 422 to a received INVITE/UPDATE must look (RFC 4028 §9). */
export type SessionTimerAnswer =
  /** Answer 422 Session Interval Too Small with these headers (Min-SE). */
  | { readonly action: 'reject'; readonly status: 422; readonly headers: ReadonlyArray<readonly [string, string]> }
  /**
   * Put these headers on the 2xx (Supported: timer, Session-Expires with the
   * refresher, Require: timer when the UAC refreshes), then call
   * {@link SessionTimer.answered} when it is sent. `interval` null: no timer.
   */
  | {
      readonly action: 'accept';
      readonly headers: ReadonlyArray<readonly [string, string]>;
      readonly interval: number | null;
      readonly refresher: 'local' | 'remote' | null;
    };

/** What a response to our INVITE/UPDATE meant (RFC 4028 §7.2, §7.4, §10). */
export type SessionTimerResponseResult =
  /** 2xx: the timer now runs with `interval` (null: no timer, §7.2). */
  | { readonly type: 'negotiated'; readonly interval: number | null; readonly refresher: 'local' | 'remote' | null }
  /** 422: send the request again (new CSeq) with {@link SessionTimer.requestHeaders}, which now carry the larger Min-SE. */
  | { readonly type: 'retry'; readonly minSE: number }
  /** 422 once too often: for the initial INVITE the call fails; for a refresh the session runs on to its expiry. */
  | { readonly type: 'refused'; readonly error: SessionTimerError }
  /** Another non-2xx: nothing changes (a refresh is retried on the schedule). */
  | { readonly type: 'unchanged' };

interface Resolved {
  readonly sessionExpires: number;
  readonly minSE: number;
  readonly refresher: 'local' | 'remote';
  readonly transactionTimeoutMs: number;
  readonly max422Retries: number;
  readonly minSEFloor: number;
}

function resolve(o: SessionTimerOptions): Resolved {
  const minSEFloor = o.minSEFloor ?? MIN_SE_FLOOR;
  if (!Number.isInteger(minSEFloor) || minSEFloor < 1) throw new TypeError(`options.minSEFloor must be a positive integer, got ${String(minSEFloor)}`);
  const minSE = o.minSE ?? minSEFloor;
  if (!Number.isInteger(minSE) || minSE < minSEFloor) throw new TypeError(`options.minSE must be an integer ≥ ${minSEFloor}, got ${String(minSE)}`);
  const sessionExpires = o.sessionExpires ?? 1800;
  if (!Number.isInteger(sessionExpires) || sessionExpires < minSE) {
    throw new TypeError(`options.sessionExpires must be an integer ≥ minSE (${minSE}), got ${String(sessionExpires)}`);
  }
  const refresher = o.refresher ?? 'local';
  if (refresher !== 'local' && refresher !== 'remote') throw new TypeError(`options.refresher must be 'local' or 'remote'`);
  const transactionTimeoutMs = o.transactionTimeoutMs ?? 32_000;
  if (!Number.isFinite(transactionTimeoutMs) || transactionTimeoutMs < 0) throw new TypeError('options.transactionTimeoutMs must be a number ≥ 0');
  const max422Retries = o.max422Retries ?? 2;
  if (!Number.isInteger(max422Retries) || max422Retries < 0) throw new TypeError('options.max422Retries must be an integer ≥ 0');
  return { sessionExpires, minSE, refresher, transactionTimeoutMs, max422Retries, minSEFloor };
}

/** BYE margin before expiry (§10): min(32 s, SE/3), in ms. */
export function byeMarginMs(intervalSeconds: number): number {
  return Math.min(32_000, (intervalSeconds * 1000) / 3);
}

/**
 * When the refresher refreshes, ms after the interval started: half the
 * interval (§10), or earlier so that a refresh taking the whole transaction
 * timeout still reaches the peer before its BYE point; never earlier than a
 * quarter of the interval.
 */
export function refreshDelayMs(intervalSeconds: number, transactionTimeoutMs: number): number {
  const se = intervalSeconds * 1000;
  const latest = se - byeMarginMs(intervalSeconds) - transactionTimeoutMs;
  return Math.max(se / 4, Math.min(se / 2, latest));
}

/** Reads an optional header with a typed parser; a parse error becomes SESSION_TIMER_BAD_HEADER. */
function readHeader<T>(message: SipRequest | SipResponse, name: string, parse: (text: string, header: string) => T): T | null {
  const v = message.headers.get(name);
  if (v === undefined) return null;
  try {
    return parse(v, name);
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
    throw new SessionTimerError('SESSION_TIMER_BAD_HEADER', `${name}: ${e.message}`, { cause: e, statusHint: 400 });
  }
}

/** True when the message lists `timer` in any Supported (or `k`) header. */
function supportsTimer(message: SipRequest | SipResponse): boolean {
  try {
    // getAll splits list headers (and may throw on an empty element); each value is one option tag then.
    return message.headers.getAll('Supported').some((v) => parseTokenList(v, 'Supported').some((t) => t.toLowerCase() === TIMER_OPTION_TAG));
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
    throw new SessionTimerError('SESSION_TIMER_BAD_HEADER', `Supported: ${e.message}`, { cause: e, statusHint: 400 });
  }
}

/**
 * The RFC 4028 state of one call. Construct it with the call's role; feed it
 * every INVITE/UPDATE exchanged in the dialog (initial and re-INVITEs, UPDATE,
 * whatever their purpose: each is a session refresh, §2).
 *
 * @example
 * const st = new SessionTimer({ sessionExpires: 1800 });
 * for (const [name, value] of st.requestHeaders(now)) invite.headers.append(name, value);
 * const r = st.receiveResponse(finalResponse, now); // 2xx → negotiated; 422 → retry with new headers
 * // at st.nextDeadline:
 * for (const e of st.tick(now)) if (e.type === 'refresh-due') sendUpdate(); else hangup(e.reason);
 */
export class SessionTimer {
  readonly #o: Resolved;
  #state: SessionTimerState = 'inactive';
  /** Current negotiated interval (s), or the one we ask for while inactive. */
  #interval: number;
  /** Min-SE we send: ours, raised by 422s (§7.4). */
  #minSE: number;
  #refresher: 'local' | 'remote' | null = null;
  /** When our in-flight request was sent, or null. */
  #sentAt: number | null = null;
  #retries422 = 0;
  #refreshAt: number | null = null;
  #byeAt: number | null = null;
  #everActive = false;

  /** @throws TypeError for invalid options. */
  constructor(options: SessionTimerOptions = {}) {
    this.#o = resolve(options);
    this.#interval = this.#o.sessionExpires;
    this.#minSE = this.#o.minSE;
  }

  /** Where the machine is. */
  get state(): SessionTimerState {
    return this.#state;
  }

  /** The negotiated interval in seconds, or null while inactive. */
  get interval(): number | null {
    return this.#state === 'active' ? this.#interval : null;
  }

  /** Who refreshes, or null while inactive. */
  get refresher(): 'local' | 'remote' | null {
    return this.#state === 'active' ? this.#refresher : null;
  }

  /** The Min-SE we send (ours, raised by 422 answers). */
  get minSE(): number {
    return this.#minSE;
  }

  /** When we send BYE unless refreshed (ms), or null. */
  get expiresAt(): number | null {
    return this.#byeAt;
  }

  /** The earliest deadline (ms): a refresh to send or the BYE point; null when none. */
  get nextDeadline(): number | null {
    if (this.#state !== 'active') return null;
    const r = this.#sentAt === null ? this.#refreshAt : null;
    if (r === null) return this.#byeAt;
    return this.#byeAt === null ? r : Math.min(r, this.#byeAt);
  }

  /**
   * Headers for an INVITE, re-INVITE or UPDATE we are about to send (§7.1,
   * §7.4, §10): `Supported: timer`, `Session-Expires` (with `refresher=uac`
   * when we refresh, `refresher=uas` when the peer does, none on the first
   * request so the UAS may choose), `Min-SE`. Marks the request in flight:
   * no `refresh-due` until {@link receiveResponse} or {@link requestFailed}.
   */
  requestHeaders(now: number): Array<[string, string]> {
    checkNow(now);
    if (this.#state === 'closed' || this.#state === 'expired') return [['Supported', TIMER_OPTION_TAG]];
    this.#sentAt = now;
    const interval = Math.max(this.#interval, this.#minSE);
    let se = String(interval);
    if (this.#state === 'active' && this.#refresher !== null) se += `;refresher=${this.#refresher === 'local' ? 'uac' : 'uas'}`;
    return [
      ['Supported', TIMER_OPTION_TAG],
      ['Session-Expires', se],
      ['Min-SE', String(this.#minSE)],
    ];
  }

  /**
   * The final response to our INVITE/re-INVITE/UPDATE (§7.2, §7.4, §10).
   * Provisional responses are ignored (`unchanged`).
   */
  receiveResponse(response: SipResponse, now: number): SessionTimerResponseResult {
    checkNow(now);
    if (response === null || typeof response !== 'object' || response.isRequest !== false) throw new TypeError('response must be a SipResponse');
    const status = response.status;
    if (status < 200 || this.#state === 'closed' || this.#state === 'expired') return UNCHANGED;
    const sentAt = this.#sentAt ?? now;
    this.#sentAt = null;
    if (status === 422) return this.#on422(response);
    if (status >= 300) {
      if (status === 408 || status === 481) {
        // §10: a refresh answered 408/481 ends the session. Before any timer ran, it is the call's own failure.
        if (this.#state === 'active') this.#expire('refresh-failed');
        return UNCHANGED;
      }
      this.#retryLater(now);
      return UNCHANGED;
    }
    this.#retries422 = 0;
    let se: SessionExpires | null;
    try {
      se = readHeader(response, 'Session-Expires', parseSessionExpires);
    } catch (e) {
      if (!(e instanceof SessionTimerError)) throw e;
      se = null; // a response cannot be refused: an unreadable Session-Expires counts as none
    }
    if (se === null) {
      // §7.2: no Session-Expires in the 2xx, no session expiration.
      this.#deactivate();
      return { type: 'negotiated', interval: null, refresher: null };
    }
    // The 2xx must say who refreshes (§9); when it does not, we do: an extra refresh never hurts.
    const refresher = se.refresher === 'uas' ? 'remote' : 'local';
    const base = this.#everActive ? sentAt : now;
    this.#activate(se.deltaSeconds, refresher, base, now);
    return { type: 'negotiated', interval: se.deltaSeconds, refresher };
  }

  /**
   * Our request got no final response (Timer B/F, transport error). For a
   * refresh this ends the session (§10): returns the `expired` event.
   */
  requestFailed(now: number): SessionTimerEvent[] {
    checkNow(now);
    const inFlight = this.#sentAt !== null;
    this.#sentAt = null;
    if (this.#state !== 'active' || !inFlight) return [];
    return [this.#expire('refresh-failed')];
  }

  /**
   * How to answer a received INVITE/re-INVITE/UPDATE (§9). Pure: nothing
   * changes until {@link answered} (the request may still fail for other
   * reasons, e.g. 488).
   *
   * @throws SessionTimerError SESSION_TIMER_BAD_HEADER (statusHint 400).
   */
  answerRequest(request: SipRequest): SessionTimerAnswer {
    if (request === null || typeof request !== 'object' || request.isRequest !== true) throw new TypeError('request must be a SipRequest');
    const se = readHeader(request, 'Session-Expires', parseSessionExpires);
    const reqMinSE = readHeader(request, 'Min-SE', parseMinSE);
    const uacSupports = supportsTimer(request);
    const floor = Math.max(reqMinSE ?? this.#o.minSEFloor, this.#o.minSEFloor);
    let interval: number;
    let refresher: 'local' | 'remote';
    if (se !== null) {
      // §9: too small for our policy → 422 with our Min-SE, only when the UAC can understand it.
      if (se.deltaSeconds < this.#o.minSE && uacSupports) {
        return { action: 'reject', status: 422, headers: [['Min-SE', String(this.#o.minSE)]] };
      }
      // §9: we may lower it, never below the request's Min-SE (or 90), never raise it.
      interval = Math.min(se.deltaSeconds, Math.max(this.#o.sessionExpires, floor));
      refresher = chooseRefresher(se.refresher, uacSupports, this.#preferred());
    } else if (uacSupports && this.#state !== 'closed') {
      // §9: the UAC supports timers without asking for one; we may ask in the 2xx.
      interval = this.#state === 'active' ? Math.max(this.#interval, floor) : Math.max(this.#o.sessionExpires, floor);
      refresher = chooseRefresher(null, true, this.#preferred());
    } else {
      return { action: 'accept', headers: [], interval: null, refresher: null };
    }
    const headers: Array<readonly [string, string]> = [
      ['Supported', TIMER_OPTION_TAG],
      ['Session-Expires', `${interval};refresher=${refresher === 'local' ? 'uas' : 'uac'}`],
    ];
    // §9: refresher=uac in a 2xx needs Require: timer.
    if (refresher === 'remote') headers.push(['Require', TIMER_OPTION_TAG]);
    return { action: 'accept', headers, interval, refresher };
  }

  /**
   * The 2xx built from `answer` was sent at `now` (§9, §10): the timer runs
   * from here, or stops when the answer carries none.
   */
  answered(answer: SessionTimerAnswer, now: number): void {
    checkNow(now);
    if (this.#state === 'closed' || this.#state === 'expired' || answer.action !== 'accept') return;
    if (answer.interval === null || answer.refresher === null) {
      this.#deactivate();
      return;
    }
    this.#activate(answer.interval, answer.refresher, now, now);
  }

  /** Events due at `now`: `refresh-due` (once per refresh) or `expired`. */
  tick(now: number): SessionTimerEvent[] {
    checkNow(now);
    if (this.#state !== 'active') return [];
    if (this.#byeAt !== null && now >= this.#byeAt) return [this.#expire('no-refresh')];
    if (this.#sentAt === null && this.#refreshAt !== null && now >= this.#refreshAt) {
      this.#refreshAt = null;
      return [REFRESH_DUE];
    }
    return [];
  }

  /** Stops every deadline (the call ended). Idempotent. */
  close(): void {
    this.#state = 'closed';
    this.#refreshAt = null;
    this.#byeAt = null;
    this.#sentAt = null;
  }

  #preferred(): 'local' | 'remote' {
    // Keep the refresher of a running session (§10: it SHOULD stay the same), else our preference.
    return this.#state === 'active' && this.#refresher !== null ? this.#refresher : this.#o.refresher;
  }

  #on422(response: SipResponse): SessionTimerResponseResult {
    let minSE: number | null = null;
    try {
      minSE = readHeader(response, 'Min-SE', parseMinSE);
    } catch (e) {
      if (!(e instanceof SessionTimerError)) throw e;
    }
    this.#retries422++;
    if (minSE === null || minSE <= this.#minSE || this.#retries422 > this.#o.max422Retries) {
      this.#retries422 = 0;
      return {
        type: 'refused',
        error: new SessionTimerError(
          'SESSION_TIMER_INTERVAL_REFUSED',
          minSE === null || minSE <= this.#minSE
            ? `422 without a Min-SE above ${this.#minSE}`
            : `422 after ${this.#o.max422Retries} retries (Min-SE ${minSE})`,
        ),
      };
    }
    // §7.4: retry with the 422's Min-SE, and a Session-Expires at least as large.
    this.#minSE = minSE;
    this.#interval = Math.max(this.#interval, minSE);
    return { type: 'retry', minSE };
  }

  #activate(interval: number, refresher: 'local' | 'remote', refreshBase: number, expiryBase: number): void {
    this.#state = 'active';
    this.#everActive = true;
    this.#interval = interval;
    this.#refresher = refresher;
    this.#byeAt = expiryBase + interval * 1000 - byeMarginMs(interval);
    this.#refreshAt = refresher === 'local' ? refreshBase + refreshDelayMs(interval, this.#o.transactionTimeoutMs) : null;
  }

  #deactivate(): void {
    this.#state = 'inactive';
    this.#refresher = null;
    this.#refreshAt = null;
    this.#byeAt = null;
    this.#interval = Math.max(this.#o.sessionExpires, this.#minSE);
  }

  /** A refresh failed without ending the session: try again halfway to the BYE point (when we refresh). */
  #retryLater(now: number): void {
    if (this.#state !== 'active' || this.#refresher !== 'local' || this.#byeAt === null) return;
    const wait = (this.#byeAt - now) / 2;
    // Only when no refresh is planned: a failed re-INVITE sent for another reason (hold) leaves the plan alone.
    if (this.#refreshAt === null && wait >= 1000) this.#refreshAt = now + wait;
  }

  #expire(why: 'no-refresh' | 'refresh-failed'): SessionTimerEvent {
    this.#state = 'expired';
    this.#refreshAt = null;
    this.#byeAt = null;
    return { type: 'expired', reason: SESSION_EXPIRED_REASON, why };
  }
}

const UNCHANGED: SessionTimerResponseResult = Object.freeze({ type: 'unchanged' });
const REFRESH_DUE: SessionTimerEvent = Object.freeze({ type: 'refresh-due' });

/** RFC 4028 §9, table 2: who refreshes, from the UAS's side. */
function chooseRefresher(requested: 'uac' | 'uas' | null, uacSupports: boolean, preferred: 'local' | 'remote'): 'local' | 'remote' {
  if (!uacSupports) return 'local'; // N / none → uas
  switch (requested) {
    case 'uac':
      return 'remote';
    case 'uas':
      return 'local';
    case null:
      return preferred;
    default:
      return assertNever(requested, 'refresher');
  }
}

function checkNow(now: number): void {
  if (typeof now !== 'number' || !Number.isFinite(now)) throw new TypeError(`now must be a finite number, got ${String(now)}`);
}
