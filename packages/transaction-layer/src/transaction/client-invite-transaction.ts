import type { SipRequest, SipResponse } from '@trunkline/sip-parser';
import type { TimerValues } from '../timers.js';
import { assertNever } from '@trunkline/errors';
import type { Step } from './common.js';
import { buildNon2xxAck } from './derived-requests.js';
import { TransactionMachine, type CommonEvent } from './transaction-machine.js';

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
export type ClientInviteEvent = { readonly type: 'response'; readonly response: SipResponse } | CommonEvent;

type Timer = 'A' | 'B' | 'D' | 'M';

export class ClientInviteTransaction extends TransactionMachine<ClientInviteState, Timer, Extract<ClientInviteEvent, { type: 'response' }>> {
  private intervalA: number;
  private ack: SipRequest | null = null;

  /** @param request the request the transaction was created for (with its branch). */
  constructor(
    readonly request: SipRequest,
    t: TimerValues,
    reliable: boolean,
  ) {
    super(t, reliable, 'calling');
    this.intervalA = t.A;
  }

  /** §17.1.1.2: send the INVITE; start Timer A (unreliable only) and Timer B. */
  start(now: number): Step {
    return this.sendRequest(this.request, now, 'A', this.intervalA, 'B', this.t.B);
  }

  /** §17.1.4: a failure ends Calling/Proceeding; in Completed it concerns an ACK retransmission, which may be dropped. */
  protected transportErrorEnds(): boolean {
    return this.stateValue === 'calling' || this.stateValue === 'proceeding';
  }

  protected onInput({ response }: { response: SipResponse }, now: number, out: Step): void {
    const code = response.status;
    switch (this.stateValue) {
      case 'calling':
      case 'proceeding':
        if (code < 200) {
          // §17.1.1.2: a provisional stops retransmissions; Timer B only guards Calling.
          this.stateValue = 'proceeding';
          this.timers.clear('A');
          this.timers.clear('B');
        } else if (code < 300) {
          // RFC 6026 §7.2: 2xx → Accepted; the TU sends the ACK end-to-end.
          this.stateValue = 'accepted';
          this.timers.clearAll();
          this.timers.set('M', now + this.t.M);
        } else {
          // §17.1.1.3: 300-699 → Completed, ACK generated here, Timer D.
          this.stateValue = 'completed';
          this.timers.clearAll();
          this.ack = buildNon2xxAck(this.request, response);
          out.send.push(this.ack);
          this.timers.set('D', now + this.t.D);
        }
        out.events.push({ type: 'response', response });
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

  protected onTimer(timer: Timer, now: number, out: Step): void {
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
}
