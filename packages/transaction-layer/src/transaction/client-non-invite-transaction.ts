import type { SipRequest, SipResponse } from '@trunkline/sip-parser';
import type { TimerValues } from '../timers.js';
import { assertNever } from '@trunkline/errors';
import type { Step } from './common.js';
import { TransactionMachine, type CommonEvent } from './transaction-machine.js';

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
export type ClientNonInviteEvent = { readonly type: 'response'; readonly response: SipResponse } | CommonEvent;

type Timer = 'E' | 'F' | 'K';

export class ClientNonInviteTransaction extends TransactionMachine<
  ClientNonInviteState,
  Timer,
  Extract<ClientNonInviteEvent, { type: 'response' }>
> {
  private intervalE: number;

  /** @param request the request the transaction was created for (with its branch). */
  constructor(
    readonly request: SipRequest,
    t: TimerValues,
    reliable: boolean,
  ) {
    super(t, reliable, 'trying');
    this.intervalE = t.E;
  }

  /** §17.1.2.2: send the request; Timer E (unreliable only) and Timer F. */
  start(now: number): Step {
    return this.sendRequest(this.request, now, 'E', this.intervalE, 'F', this.t.F);
  }

  /** §17.1.4 */
  protected transportErrorEnds(): boolean {
    return this.stateValue === 'trying' || this.stateValue === 'proceeding';
  }

  protected onInput({ response }: { response: SipResponse }, now: number, out: Step): void {
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

  protected onTimer(timer: Timer, now: number, out: Step): void {
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
}
