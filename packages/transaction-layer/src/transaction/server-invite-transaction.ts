import { createResponse, serializeMessage, type SipRequest, type SipResponse } from '@trunkline/sip-parser';
import type { TimerValues } from '../timers.js';
import { assertNever } from '@trunkline/errors';
import { newStep, TransactionStateError, type Step } from './common.js';
import { TransactionMachine, type CommonEvent } from './transaction-machine.js';

/**
 * INVITE server transaction — RFC 3261 §17.2.1 (Figure 7) as amended by
 * RFC 6026 §7.1 (Accepted state: 2xx retransmissions are the TU's, ACKs go up).
 *
 * ```
 *   INVITE ─▶ Proceeding ──TU 1xx──▶ (send)
 *               │ ╲──TU 2xx──▶ Accepted ──Timer L──▶ Terminated
 *               │  ╲──TU 300-699──▶ Completed ──ACK──▶ Confirmed ──Timer I──▶ Terminated
 *               │                      └──Timer H──▶ Terminated (TU told: no ACK)
 *               └──transport error──▶ Terminated
 * ```
 */
export type ServerInviteState = 'proceeding' | 'accepted' | 'completed' | 'confirmed' | 'terminated';

/** Inputs of the INVITE server transaction. */
export type ServerInviteEvent =
  /** A request matched to this transaction: an INVITE retransmission or an ACK. */
  | { readonly type: 'request'; readonly request: SipRequest }
  /** The TU responds. */
  | { readonly type: 'respond'; readonly response: SipResponse }
  | CommonEvent;

type Timer = 'trying100' | 'G' | 'H' | 'I' | 'L';

/**
 * The INVITE server transaction. What it keeps shrinks with its state: the
 * INVITE and the latest provisional while Proceeding (a retransmitted INVITE
 * is answered with that provisional, and the automatic 100 is built from the
 * INVITE); after a final response neither. Completed keeps the 300-699
 * response encoded — all Timer G and a retransmitted INVITE need (§17.2.1);
 * Accepted and Confirmed keep no message at all (RFC 6026 §7.1: the 2xx is
 * retransmitted by the TU; Confirmed only absorbs ACKs). A parsed response
 * built from the INVITE shares the INVITE's receive buffer, so letting both
 * go is what frees a rejected or answered call's signalling bytes.
 */
export class ServerInviteTransaction extends TransactionMachine<ServerInviteState, Timer, Exclude<ServerInviteEvent, CommonEvent>> {
  private invite: SipRequest | null;
  private lastResponse: SipResponse | null = null;
  private finalBytes: Uint8Array | null = null;
  private intervalG: number;

  /** @param request the INVITE the transaction was created for. */
  constructor(request: SipRequest, t: TimerValues, reliable: boolean) {
    super(t, reliable, 'proceeding');
    this.invite = request;
    this.intervalG = t.G;
  }

  /** The INVITE, while Proceeding; null once a final response was sent (it is no longer kept). */
  get request(): SipRequest | null {
    return this.invite;
  }

  /** The latest provisional response sent (what a retransmitted INVITE is answered with while Proceeding); null before one and after a final response. */
  get response(): SipResponse | null {
    return this.lastResponse;
  }

  /** §17.2.1: pass the INVITE to the TU; send 100 Trying unless the TU answers within 200 ms. */
  start(now: number): Step {
    const out = newStep();
    this.timers.set('trying100', now + this.t.trying100);
    if (this.invite !== null) out.events.push({ type: 'request', request: this.invite });
    return out;
  }

  /** §17.2.4 / RFC 6026 §7.1: the TU learns of any failure; the transaction ends. */
  protected transportErrorEnds(): boolean {
    return true;
  }

  protected onInput(event: Exclude<ServerInviteEvent, CommonEvent>, now: number, out: Step): void {
    if (event.type === 'request') this.onRequest(event.request, now, out);
    else this.onRespond(event.response, now, out);
  }

  private onRequest(request: SipRequest, now: number, out: Step): void {
    const isAck = request.method === 'ACK';
    switch (this.stateValue) {
      case 'proceeding':
        // §17.2.1: a retransmitted INVITE is answered with the latest provisional.
        if (!isAck && this.lastResponse) out.send.push(this.lastResponse);
        break;
      case 'completed':
        if (isAck) {
          // §17.2.1: ACK → Confirmed; stop G and H; Timer I absorbs ACK retransmissions.
          this.stateValue = 'confirmed';
          this.finalBytes = null;
          this.timers.clearAll();
          this.timers.set('I', now + this.t.I);
        } else if (this.finalBytes !== null) {
          out.send.push(this.finalBytes);
        }
        break;
      case 'accepted':
        // RFC 6026 §7.1: INVITE retransmissions are absorbed; ACKs for the 2xx go to the TU.
        if (isAck) out.events.push({ type: 'ack', request });
        break;
      case 'confirmed':
      case 'terminated':
        break;
      default:
        assertNever(this.stateValue);
    }
  }

  private onRespond(response: SipResponse, now: number, out: Step): void {
    const code = response.status;
    switch (this.stateValue) {
      case 'proceeding':
        this.timers.clear('trying100');
        out.send.push(response);
        if (code < 200) {
          this.lastResponse = response;
          return;
        }
        // A final response: the INVITE and the provisional are let go (see the class comment).
        this.invite = null;
        this.lastResponse = null;
        if (code < 300) {
          // RFC 6026 §7.1: 2xx → Accepted; Timer L.
          this.stateValue = 'accepted';
          this.timers.set('L', now + this.t.L);
        } else {
          // §17.2.1: 300-699 → Completed; Timer G (unreliable) and H. Retransmissions send these bytes.
          this.stateValue = 'completed';
          this.finalBytes = serializeMessage(response);
          if (!this.reliable) this.timers.set('G', now + this.intervalG);
          this.timers.set('H', now + this.t.H);
        }
        break;
      case 'accepted':
        // RFC 6026 §7.1: the TU retransmits its 2xx through the transaction.
        if (code >= 200 && code < 300) {
          out.send.push(response);
          return;
        }
        throw new TransactionStateError(`cannot send ${code} after a 2xx (state accepted)`);
      case 'completed':
      case 'confirmed':
      case 'terminated':
        throw new TransactionStateError(`cannot send ${code}: a final response was already sent (state ${this.stateValue})`);
      default:
        assertNever(this.stateValue);
    }
  }

  protected onTimer(timer: Timer, now: number, out: Step): void {
    switch (timer) {
      case 'trying100':
        // §17.2.1: the TU did not answer within 200 ms: send 100 Trying ourselves.
        if (this.stateValue === 'proceeding' && this.lastResponse === null && this.invite !== null) {
          this.lastResponse = createResponse(this.invite, 100);
          out.send.push(this.lastResponse);
        }
        break;
      case 'G':
        // §17.2.1: retransmit the final response, doubling up to T2.
        if (this.stateValue === 'completed' && this.finalBytes !== null) {
          out.send.push(this.finalBytes);
          this.intervalG = Math.min(2 * this.intervalG, this.t.T2);
          this.timers.set('G', now + this.intervalG);
        }
        break;
      case 'H':
        if (this.stateValue === 'completed') {
          out.events.push({ type: 'timeout', timer: 'H' });
          this.terminate(out);
        }
        break;
      case 'I':
      case 'L':
        this.terminate(out);
        break;
      default:
        assertNever(timer);
    }
  }
}
