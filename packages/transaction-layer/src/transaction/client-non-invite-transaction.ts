import type { SipRequest, SipResponse } from '@trunkline/sip-parser';
import type { TimerValues } from '../timers.js';
import { assertNever, Deadlines, newStep, type Step } from './common.js';

/**
 * Non-INVITE client transaction — RFC 3261 §17.1.2 (Figure 6).
 *
 * ```
 *   start ─▶ Trying ──1xx──▶ Proceeding
 *              │ ╲──200-699──────╲──200-699──▶ Completed ──Timer K──▶ Terminated
 *              └──Timer F / transport error──▶ Terminated
 * ```
 */
export type ClientNonInviteState = 'trying' | 'proceeding' | 'completed' | 'terminated';

/** Inputs of the non-INVITE client transaction. */
export type ClientNonInviteEvent =
  | { readonly type: 'response'; readonly response: SipResponse }
  | { readonly type: 'timer' }
  | { readonly type: 'transport-error' };

type Timer = 'E' | 'F' | 'K';

export class ClientNonInviteTransaction {
  private stateValue: ClientNonInviteState = 'trying';
  private readonly timers = new Deadlines<Timer>();
  private intervalE: number;

  constructor(
    readonly request: SipRequest,
    private readonly t: TimerValues,
    readonly reliable: boolean,
  ) {
    this.intervalE = t.E;
  }

  get state(): ClientNonInviteState {
    return this.stateValue;
  }

  get deadline(): number | null {
    return this.timers.next;
  }

  /** §17.1.2.2: send the request; Timer E (unreliable only) and Timer F. */
  start(now: number): Step {
    const out = newStep();
    out.send.push(this.request);
    if (!this.reliable) this.timers.set('E', now + this.intervalE);
    this.timers.set('F', now + this.t.F);
    return out;
  }

  step(event: ClientNonInviteEvent, now: number): Step {
    const out = newStep();
    switch (event.type) {
      case 'response':
        this.onResponse(event.response, now, out);
        break;
      case 'timer':
        for (let fired = this.timers.takeDue(now); fired !== null; fired = this.timers.takeDue(now)) {
          this.onTimer(fired, now, out);
        }
        break;
      case 'transport-error':
        // §17.1.4
        if (this.stateValue === 'trying' || this.stateValue === 'proceeding') {
          out.events.push({ type: 'transport-error' });
          this.terminate(out);
        }
        break;
      default:
        assertNever(event);
    }
    return out;
  }

  private onResponse(response: SipResponse, now: number, out: Step): void {
    switch (this.stateValue) {
      case 'trying':
      case 'proceeding':
        out.events.push({ type: 'response', response });
        if (response.status < 200) {
          this.stateValue = 'proceeding';
        } else {
          // §17.1.2.2: final response → Completed; Timer K absorbs retransmissions.
          this.stateValue = 'completed';
          this.timers.clearAll();
          this.timers.set('K', now + this.t.K);
        }
        break;
      case 'completed':
      case 'terminated':
        break;
      default:
        assertNever(this.stateValue);
    }
  }

  private onTimer(timer: Timer, now: number, out: Step): void {
    switch (timer) {
      case 'E':
        if (this.stateValue === 'trying') {
          // §17.1.2.2: double up to T2 in Trying...
          out.send.push(this.request);
          this.intervalE = Math.min(2 * this.intervalE, this.t.T2);
          this.timers.set('E', now + this.intervalE);
        } else if (this.stateValue === 'proceeding') {
          // ...and every T2 once a provisional has arrived.
          out.send.push(this.request);
          this.timers.set('E', now + this.t.T2);
        }
        break;
      case 'F':
        if (this.stateValue === 'trying' || this.stateValue === 'proceeding') {
          out.events.push({ type: 'timeout', timer: 'F' });
          this.terminate(out);
        }
        break;
      case 'K':
        this.terminate(out);
        break;
      default:
        assertNever(timer);
    }
  }

  private terminate(out: Step): void {
    this.stateValue = 'terminated';
    this.timers.clearAll();
    out.events.push({ type: 'terminated' });
  }
}
