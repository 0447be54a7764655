import type { SipRequest, SipResponse } from '@trunkline/sip-parser';
import type { TimerValues } from '../timers.js';
import { assertNever } from '@trunkline/errors';
import { newStep, TransactionStateError, type Step } from './common.js';
import { TransactionMachine, type CommonEvent } from './transaction-machine.js';

/**
 * Non-INVITE server transaction — RFC 3261 §17.2.2 (Figure 8).
 *
 * ```
 *   request ─▶ Trying ──TU 1xx──▶ Proceeding ──TU 1xx──▶ (send)
 *                 ╲──TU 200-699──────╲──TU 200-699──▶ Completed ──Timer J──▶ Terminated
 *   transport error ──▶ Terminated
 * ```
 */
export type ServerNonInviteState = 'trying' | 'proceeding' | 'completed' | 'terminated';

/** Inputs of the non-INVITE server transaction. */
export type ServerNonInviteEvent =
  /** A retransmission of the request. */
  | { readonly type: 'request'; readonly request: SipRequest }
  | { readonly type: 'respond'; readonly response: SipResponse }
  | CommonEvent;

export class ServerNonInviteTransaction extends TransactionMachine<ServerNonInviteState, 'J', Exclude<ServerNonInviteEvent, CommonEvent>> {
  private lastResponse: SipResponse | null = null;

  /** @param request the request the transaction was created for (with its branch). */
  constructor(
    readonly request: SipRequest,
    t: TimerValues,
    reliable: boolean,
  ) {
    super(t, reliable, 'trying');
  }

  get response(): SipResponse | null {
    return this.lastResponse;
  }

  /** §17.2.2: the request is passed to the TU. */
  start(_now: number): Step {
    const out = newStep();
    out.events.push({ type: 'request', request: this.request });
    return out;
  }

  /** §17.2.4 */
  protected transportErrorEnds(): boolean {
    return true;
  }

  protected onInput(event: Exclude<ServerNonInviteEvent, CommonEvent>, now: number, out: Step): void {
    if (event.type === 'request') {
      // §17.2.2: retransmissions are discarded in Trying, answered with the last response after.
      if ((this.stateValue === 'proceeding' || this.stateValue === 'completed') && this.lastResponse) {
        out.send.push(this.lastResponse);
      }
      return;
    }
    const response = event.response;
    switch (this.stateValue) {
      case 'trying':
      case 'proceeding':
        this.lastResponse = response;
        out.send.push(response);
        if (response.status < 200) {
          this.stateValue = 'proceeding';
        } else {
          // §17.2.2: final response → Completed; Timer J (64*T1 unreliable, 0 reliable).
          this.stateValue = 'completed';
          this.timers.set('J', now + this.t.J);
        }
        break;
      case 'completed':
      case 'terminated':
        throw new TransactionStateError(`cannot send ${response.status}: a final response was already sent (state ${this.stateValue})`);
      default:
        assertNever(this.stateValue);
    }
  }

  /** §17.2.2: Timer J ends Completed. */
  protected onTimer(_timer: 'J', _now: number, out: Step): void {
    this.terminate(out);
  }
}
