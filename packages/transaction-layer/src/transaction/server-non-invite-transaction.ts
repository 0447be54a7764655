import type { SipRequest, SipResponse } from '@trunkline/sip-parser';
import type { TimerValues } from '../timers.js';
import { assertNever, Deadlines, newStep, TransactionStateError, type Step } from './common.js';

/**
 * Non-INVITE server transaction — RFC 3261 §17.2.2 (Figure 8).
 *
 * ```
 *   request ─▶ Trying ──TU 1xx──▶ Proceeding ──TU 1xx──▶ (send)
 *                 ╲──TU 200-699──────╲──TU 200-699──▶ Completed ──Timer J──▶ Terminated
 *   transport error (Proceeding / Completed) ──▶ Terminated
 * ```
 */
export type ServerNonInviteState = 'trying' | 'proceeding' | 'completed' | 'terminated';

/** Inputs of the non-INVITE server transaction. */
export type ServerNonInviteEvent =
  /** A retransmission of the request. */
  | { readonly type: 'request'; readonly request: SipRequest }
  | { readonly type: 'respond'; readonly response: SipResponse }
  | { readonly type: 'timer' }
  | { readonly type: 'transport-error' };

type Timer = 'J';

export class ServerNonInviteTransaction {
  private stateValue: ServerNonInviteState = 'trying';
  private readonly timers = new Deadlines<Timer>();
  private lastResponse: SipResponse | null = null;

  constructor(
    readonly request: SipRequest,
    private readonly t: TimerValues,
    readonly reliable: boolean,
  ) {}

  get state(): ServerNonInviteState {
    return this.stateValue;
  }

  get deadline(): number | null {
    return this.timers.next;
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

  step(event: ServerNonInviteEvent, now: number): Step {
    const out = newStep();
    switch (event.type) {
      case 'request':
        // §17.2.2: retransmissions are discarded in Trying, answered with the last response after.
        if ((this.stateValue === 'proceeding' || this.stateValue === 'completed') && this.lastResponse) {
          out.send.push(this.lastResponse);
        }
        break;
      case 'respond':
        this.onRespond(event.response, now, out);
        break;
      case 'timer':
        if (this.timers.takeDue(now) === 'J') this.terminate(out);
        break;
      case 'transport-error':
        // §17.2.4
        if (this.stateValue !== 'terminated') {
          out.events.push({ type: 'transport-error' });
          this.terminate(out);
        }
        break;
      default:
        assertNever(event);
    }
    return out;
  }

  private onRespond(response: SipResponse, now: number, out: Step): void {
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

  private terminate(out: Step): void {
    this.stateValue = 'terminated';
    this.timers.clearAll();
    out.events.push({ type: 'terminated' });
  }
}
