/**
 * The Node driver of one call's {@link SessionTimer}: its deadlines in the
 * shared {@link FeatureScheduler}, its events handed to the call. The call
 * owns the dialog (CSeq, route set, flow), so sending the refresh and the
 * BYE stays the call's job: the driver only says when.
 */
import { assertNever } from '@trunkline/errors';
import type { SipRequest, SipResponse } from '@trunkline/sip-parser';
import {
  SessionTimer,
  type SessionTimerAnswer,
  type SessionTimerEvent,
  type SessionTimerOptions,
  type SessionTimerResponseResult,
} from '../session-timer.js';
import { FeatureScheduler } from './feature-scheduler.js';

/** What the call does when the session timer says so. */
export interface SessionTimerHooks {
  /**
   * Send a session refresh now: an UPDATE (RFC 3311, preferred when the peer
   * allows it) or a re-INVITE with the current SDP, carrying
   * `driver.requestHeaders()`, and report its outcome with
   * `driver.receiveResponse()` / `driver.requestFailed()`.
   */
  readonly refresh: () => void;
  /** The session expired: send BYE with `Reason: <reason>` (RFC 4028 §10) and end the call. */
  readonly expire: (reason: string) => void;
}

/**
 * Wires a {@link SessionTimer} to the shared scheduler. Every method mirrors
 * the machine's and re-arms the scheduler; a hook that throws is contained by
 * the scheduler (reported, the next job runs).
 *
 * @example
 * const st = new SessionTimerDriver(scheduler, { sessionExpires: 1800 }, { refresh: () => call.sendUpdate(), expire: (r) => call.hangup({ reason: r }) });
 * for (const [n, v] of st.requestHeaders()) invite.headers.append(n, v);
 * st.receiveResponse(final200);
 */
export class SessionTimerDriver {
  /** The machine (read its state; feed it through the driver). */
  readonly timer: SessionTimer;
  readonly #scheduler: FeatureScheduler;
  readonly #hooks: SessionTimerHooks;

  /** @throws TypeError for invalid options or hooks. */
  constructor(scheduler: FeatureScheduler, options: SessionTimerOptions, hooks: SessionTimerHooks) {
    if (!(scheduler instanceof FeatureScheduler)) throw new TypeError('scheduler must be a FeatureScheduler');
    if (typeof hooks?.refresh !== 'function' || typeof hooks.expire !== 'function') throw new TypeError('hooks must have refresh() and expire()');
    this.timer = new SessionTimer(options);
    this.#scheduler = scheduler;
    this.#hooks = hooks;
  }

  /** Headers for an INVITE/re-INVITE/UPDATE we send now (see {@link SessionTimer.requestHeaders}). */
  requestHeaders(): Array<[string, string]> {
    const h = this.timer.requestHeaders(this.#scheduler.now());
    this.#arm();
    return h;
  }

  /** The final response to our INVITE/re-INVITE/UPDATE. */
  receiveResponse(response: SipResponse): SessionTimerResponseResult {
    const r = this.timer.receiveResponse(response, this.#scheduler.now());
    this.#arm();
    return r;
  }

  /** Our INVITE/re-INVITE/UPDATE got no final response: a refresh failing this way ends the call (expire hook). */
  requestFailed(): void {
    this.#handle(this.timer.requestFailed(this.#scheduler.now()));
  }

  /** How to answer a received INVITE/re-INVITE/UPDATE (pure; see {@link SessionTimer.answerRequest}). */
  answerRequest(request: SipRequest): SessionTimerAnswer {
    return this.timer.answerRequest(request);
  }

  /** The 2xx built from `answer` was sent. */
  answered(answer: SessionTimerAnswer): void {
    this.timer.answered(answer, this.#scheduler.now());
    this.#arm();
  }

  /** The call ended: no more deadlines. Idempotent. */
  close(): void {
    this.timer.close();
    this.#scheduler.cancel(this);
  }

  #handle(events: readonly SessionTimerEvent[]): void {
    this.#arm(); // state first: a hook may call back into the driver
    for (const e of events) {
      switch (e.type) {
        case 'refresh-due':
          this.#hooks.refresh();
          break;
        case 'expired':
          this.#hooks.expire(e.reason);
          break;
        default:
          assertNever(e, 'session timer event');
      }
    }
  }

  #arm(): void {
    const at = this.timer.nextDeadline;
    if (at === null) this.#scheduler.cancel(this);
    else this.#scheduler.schedule(this, at, () => this.#handle(this.timer.tick(this.#scheduler.now())));
  }
}
