import type { SipRequest, SipResponse } from '@trunkline/sip-parser';
import type { TimerValues } from '../timers.js';
import { buildNon2xxAck } from './derived-requests.js';
import { assertNever, Deadlines, newStep, type Step } from './common.js';

/**
 * INVITE client transaction — RFC 3261 §17.1.1 (Figure 5) as amended by
 * RFC 6026 §7.2 (the Accepted state: 2xx responses go to the TU, which ACKs them).
 *
 * ```
 *   start ─▶ Calling ──1xx──▶ Proceeding ──1xx──▶ (TU)
 *              │  ╲──────2xx──────╲──2xx──▶ Accepted ──Timer M──▶ Terminated
 *              │   ╲──300-699──────╲──300-699──▶ Completed ──Timer D──▶ Terminated
 *              └──Timer B / transport error──▶ Terminated
 * ```
 */
export type ClientInviteState = 'calling' | 'proceeding' | 'accepted' | 'completed' | 'terminated';

/** Inputs of the INVITE client transaction. */
export type ClientInviteEvent =
  | { readonly type: 'response'; readonly response: SipResponse }
  /** The driver's clock reached `deadline`. */
  | { readonly type: 'timer' }
  | { readonly type: 'transport-error' };

type Timer = 'A' | 'B' | 'D' | 'M';

export class ClientInviteTransaction {
  private stateValue: ClientInviteState = 'calling';
  private readonly timers = new Deadlines<Timer>();
  private intervalA: number;
  private ack: SipRequest | null = null;

  /**
   * @param request the INVITE, already carrying its branch.
   * @param t timer values for the transport in use.
   * @param reliable true over TCP/TLS/WS: no retransmissions, Timer D = 0.
   */
  constructor(
    readonly request: SipRequest,
    private readonly t: TimerValues,
    readonly reliable: boolean,
  ) {
    this.intervalA = t.A;
  }

  get state(): ClientInviteState {
    return this.stateValue;
  }

  /** Earliest armed timer, or null. */
  get deadline(): number | null {
    return this.timers.next;
  }

  /** §17.1.1.2: send the INVITE; start Timer A (unreliable only) and Timer B. */
  start(now: number): Step {
    const out = newStep();
    out.send.push(this.request);
    if (!this.reliable) this.timers.set('A', now + this.intervalA);
    this.timers.set('B', now + this.t.B);
    return out;
  }

  step(event: ClientInviteEvent, now: number): Step {
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
        // §17.1.4: inform the TU of the failure and terminate. In Completed the
        // failure concerns an ACK retransmission, which the machine may drop.
        if (this.stateValue === 'calling' || this.stateValue === 'proceeding') {
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
    const code = response.status;
    switch (this.stateValue) {
      case 'calling':
      case 'proceeding':
        if (code < 200) {
          // §17.1.1.2: a provisional stops retransmissions; Timer B only guards Calling.
          this.stateValue = 'proceeding';
          this.timers.clear('A');
          this.timers.clear('B');
          out.events.push({ type: 'response', response });
        } else if (code < 300) {
          // RFC 6026 §7.2: 2xx → Accepted; the TU sends the ACK end-to-end.
          this.stateValue = 'accepted';
          this.timers.clearAll();
          this.timers.set('M', now + this.t.M);
          out.events.push({ type: 'response', response });
        } else {
          // §17.1.1.3: 300-699 → Completed, ACK generated here, Timer D.
          this.stateValue = 'completed';
          this.timers.clearAll();
          this.ack = buildNon2xxAck(this.request, response);
          out.send.push(this.ack);
          this.timers.set('D', now + this.t.D);
          out.events.push({ type: 'response', response });
        }
        break;
      case 'accepted':
        // RFC 6026 §7.2: further 2xx (retransmissions or forks) go to the TU; others are dropped.
        if (code >= 200 && code < 300) out.events.push({ type: 'response', response });
        break;
      case 'completed':
        // §17.1.1.2: a retransmitted final response is answered with the same ACK, not passed up.
        if (code >= 300 && this.ack) out.send.push(this.ack);
        break;
      case 'terminated':
        break;
      default:
        assertNever(this.stateValue);
    }
  }

  private onTimer(timer: Timer, now: number, out: Step): void {
    switch (timer) {
      case 'A':
        // §17.1.1.2: retransmit with the interval doubled each time (no T2 cap for INVITE).
        if (this.stateValue !== 'calling') return;
        out.send.push(this.request);
        this.intervalA *= 2;
        this.timers.set('A', now + this.intervalA);
        break;
      case 'B':
        if (this.stateValue !== 'calling') return;
        out.events.push({ type: 'timeout', timer: 'B' });
        this.terminate(out);
        break;
      case 'D':
      case 'M':
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
