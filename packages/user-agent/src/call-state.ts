/**
 * The life of one call — the INVITE dialog usage of RFC 3261 §13-§15 seen
 * from the transaction user — as one sans-I/O machine: app actions and
 * network events go in with `now`; the effects to carry out (SIP to send,
 * events to emit) and the next deadline come out. The state is committed
 * before `step()` returns, so whatever a listener does with the effects
 * cannot leave the machine half-way through a transition.
 *
 * ```
 *  UAS:  incoming ──ring──▶ ringing ──answer──▶ accepted ──ACK──▶ established
 *           │                  │                  │  (2xx resent, §13.3.1.4)  │
 *           └─reject/CANCEL/hangup─▶ terminated   └─64*T1 no ACK─▶ terminating (BYE)
 *
 *  UAC:  calling ──1xx──▶ proceeding ──1xx+tag──▶ early ──2xx──▶ established
 *           └──────────────┴── non-2xx ──▶ terminated   └ hangup ─▶ terminating (CANCEL, §9.1)
 *
 *  established ──hangup / media timeout──▶ terminating ──BYE done──▶ terminated
 *  established ──BYE received (§15.1.2)──▶ terminated
 * ```
 */
import { assertNever } from '@trunkline/errors';

/** Where a call is. `incoming`/`ringing`/`accepted` are inbound only; `calling`/`proceeding`/`early` outbound only. */
export type CallState =
  /** Inbound: INVITE received, nothing answered yet. */
  | 'incoming'
  /** Inbound: 180 Ringing sent. */
  | 'ringing'
  /** Inbound: 2xx sent, waiting for the ACK (RFC 3261 §13.3.1.4). */
  | 'accepted'
  /** Outbound: INVITE sent, no provisional response yet. */
  | 'calling'
  /** Outbound: a provisional response without To tag (100 Trying, §17.1.1). */
  | 'proceeding'
  /** Outbound: a provisional response with To tag created an early dialog (§12.1.2). */
  | 'early'
  /** Dialog confirmed (§12): media flows. */
  | 'established'
  /** We sent BYE or CANCEL and wait for it to finish. */
  | 'terminating'
  /** Over. Exactly one `ended` effect was produced on the way here. */
  | 'terminated';

/** Why a call ended (with {@link CallEnd.by} saying which side). */
export type EndReason =
  /** BYE (RFC 3261 §15). */
  | 'hangup'
  /** CANCEL before the answer (§9). */
  | 'cancelled'
  /** A final non-2xx response to the INVITE (§13.2.2.3, §13.3.1.3). */
  | 'rejected'
  /** No final response in time (Timer B, §17.1.1.2, or the app's `timeoutMs`); inbound: no PRACK for our reliable 1xx (RFC 3262 §3). */
  | 'timeout'
  /** The INVITE or BYE could not be delivered (§17.1.4). */
  | 'unreachable'
  /** Our 2xx was never acknowledged (§13.3.1.4). */
  | 'ack-timeout'
  /** No RTP for the configured time. */
  | 'media-timeout'
  /** The SDP offer/answer failed (RFC 3264). */
  | 'not-acceptable'
  /** The session timer expired: the peer stopped refreshing, or a refresh failed (RFC 4028 §10). */
  | 'session-expired'
  /** The user agent was closed. */
  | 'closed';

/** How a call ended: the payload of the `ended` event. */
export interface CallEnd {
  /** Which side ended it. */
  readonly by: 'local' | 'remote';
  readonly reason: EndReason;
  /** The final SIP status when one decided it (a rejection, 487 for CANCEL). */
  readonly status: number | null;
}

/** Inputs of {@link CallMachine.step}. */
export type CallInput =
  // --- app actions ---
  /** Send 180 Ringing (inbound). */
  | { readonly type: 'ring' }
  /** The 2xx is ready (inbound; media and SDP answer prepared by the caller). */
  | { readonly type: 'answer' }
  /** Answer with a final non-2xx (inbound): reject, redirect, an offer we cannot accept, or a PRACK that never came (RFC 3262 §3: 5xx, `timeout`). */
  | { readonly type: 'reject'; readonly status: number; readonly reason: 'rejected' | 'not-acceptable' | 'timeout' }
  /** End the call from our side, whatever its state (hangup, timeout, media timeout, close). */
  | { readonly type: 'hangup'; readonly reason: 'hangup' | 'timeout' | 'media-timeout' | 'closed' | 'not-acceptable' | 'session-expired' | 'ack-timeout' }
  // --- network (inbound) ---
  /** CANCEL for our INVITE server transaction (§9.2). */
  | { readonly type: 'cancel' }
  /** ACK for our 2xx (§13.3.1.4). */
  | { readonly type: 'ack' }
  // --- network (outbound) ---
  /** A provisional response; `dialog` when it had a To tag (§12.1.2). */
  | { readonly type: 'provisional'; readonly dialog: boolean }
  /** The first 2xx to our INVITE (§13.2.2.4); the caller ACKs it in any state. */
  | { readonly type: 'answered' }
  /** The INVITE ended without 2xx: a final status, or a timeout / transport error (status null). */
  | { readonly type: 'failed'; readonly status: number | null; readonly reason: 'rejected' | 'timeout' | 'unreachable' }
  // --- network (both) ---
  /** BYE from the peer (§15.1.2); answered 200 by the caller. */
  | { readonly type: 'bye' }
  /** Our BYE transaction ended, whatever its outcome (§15.1.1: the session is over either way). */
  | { readonly type: 'bye-done' }
  /** The clock reached {@link CallMachine.nextDeadline}. */
  | { readonly type: 'timer' };

/** What the caller must do after a step, in order. */
export type CallEffect =
  /** Send 180 Ringing. */
  | { readonly type: 'send-ringing' }
  /** Send the 2xx (first time). */
  | { readonly type: 'send-2xx' }
  /** Send the same 2xx again (§13.3.1.4, unreliable transports). */
  | { readonly type: 'resend-2xx' }
  /** Send this final non-2xx to the INVITE. */
  | { readonly type: 'send-final'; readonly status: number }
  /** Cancel the pending INVITE (§9.1). */
  | { readonly type: 'send-cancel' }
  /** Send BYE (§15.1.1). */
  | { readonly type: 'send-bye' }
  /** The dialog is confirmed: tell the app. */
  | { readonly type: 'established' }
  /** The call is over: release everything, tell the app. Produced exactly once. */
  | { readonly type: 'ended'; readonly end: CallEnd };

/** Fixed facts of one call's machine. */
export interface CallMachineConfig {
  /** `uas` for inbound calls, `uac` for outbound. */
  readonly role: 'uas' | 'uac';
  /** The INVITE travelled over TCP/TLS: no 2xx retransmission (§13.3.1.4). */
  readonly reliable: boolean;
  /** RFC 3261 T1 (ms): first 2xx retransmit interval; the ACK wait is 64*T1. */
  readonly T1: number;
  /** RFC 3261 T2 (ms): cap of the retransmit interval. */
  readonly T2: number;
}

/** Result of a step: the effects, or `null` when the input does not apply in this state (an app action is then refused). */
export type StepResult = readonly CallEffect[] | null;

/**
 * One call's state machine. Every transition lives in {@link step}; each
 * cites the RFC section it implements.
 */
export class CallMachine {
  #state: CallState;
  readonly #config: CallMachineConfig;
  /** Inbound, state `accepted`: when to resend the 2xx, and the current interval (§13.3.1.4). */
  #resendAt: number | null = null;
  #resendInterval = 0;
  /** Inbound, state `accepted`: when to give up waiting for the ACK (64*T1, §13.3.1.4). */
  #ackDeadline: number | null = null;
  /** Hangup asked while the ACK is outstanding: BYE as soon as it comes (§15). */
  #pendingHangup: EndReason | null = null;
  /** What ends the call once our BYE/CANCEL completes. */
  #ending: CallEnd | null = null;
  /** True while a CANCEL (not a BYE) is what we wait on. */
  #cancelling = false;
  #end: CallEnd | null = null;

  constructor(config: CallMachineConfig) {
    this.#config = config;
    this.#state = config.role === 'uas' ? 'incoming' : 'calling';
  }

  /** The current state. */
  get state(): CallState {
    return this.#state;
  }

  /** How the call ended, once terminated. */
  get end(): CallEnd | null {
    return this.#end;
  }

  /** How the call will end once the BYE/CANCEL in flight completes (state `terminating`), or how it ended. */
  get ending(): CallEnd | null {
    return this.#end ?? this.#ending;
  }

  /** When the caller must feed `{ type: 'timer' }` next, or null. */
  get nextDeadline(): number | null {
    if (this.#resendAt === null) return this.#ackDeadline;
    if (this.#ackDeadline === null) return this.#resendAt;
    return Math.min(this.#resendAt, this.#ackDeadline);
  }

  /** Applies one input at time `now` (ms, monotonic). Never throws for any input in any state. */
  step(input: CallInput, now: number): StepResult {
    const s = this.#state;
    switch (input.type) {
      case 'ring':
        // RFC 3261 §13.3.1.1: a UAS may send 180 while it alerts the user.
        if (s !== 'incoming') return s === 'ringing' ? [] : null;
        this.#state = 'ringing';
        return [{ type: 'send-ringing' }];

      case 'answer':
        if (s !== 'incoming' && s !== 'ringing') return null;
        // §13.3.1.4: the 2xx is retransmitted (T1, doubling to T2) over unreliable
        // transports until the ACK arrives; without an ACK after 64*T1 the dialog is ended.
        this.#state = 'accepted';
        if (!this.#config.reliable) {
          this.#resendInterval = this.#config.T1;
          this.#resendAt = now + this.#resendInterval;
        }
        this.#ackDeadline = now + 64 * this.#config.T1;
        return [{ type: 'send-2xx' }];

      case 'reject':
        // §13.3.1.3: a final non-2xx ends the (early) dialog and the call.
        if (s !== 'incoming' && s !== 'ringing') return null;
        return this.#terminate([{ type: 'send-final', status: input.status }], { by: 'local', reason: input.reason, status: input.status });

      case 'hangup':
        return this.#hangup(input.reason);

      case 'cancel':
        // §9.2: a CANCEL for a pending INVITE: the INVITE is answered 487; after a final response it changes nothing.
        if (s !== 'incoming' && s !== 'ringing') return [];
        return this.#terminate([{ type: 'send-final', status: 487 }], { by: 'remote', reason: 'cancelled', status: 487 });

      case 'ack': {
        // §13.3.1.4: the ACK confirms the dialog and stops 2xx retransmissions.
        if (s !== 'accepted') return [];
        this.#clearTimers();
        if (this.#pendingHangup !== null) {
          // §15: BYE only once the 2xx is acknowledged.
          const reason = this.#pendingHangup;
          this.#pendingHangup = null;
          return this.#sendBye({ by: 'local', reason, status: null });
        }
        this.#state = 'established';
        return [{ type: 'established' }];
      }

      case 'provisional':
        // §13.2.2.1: 1xx responses; a To tag creates an early dialog (§12.1.2).
        if (s === 'calling' || s === 'proceeding') {
          this.#state = input.dialog ? 'early' : 'proceeding';
          return [];
        }
        return [];

      case 'answered':
        // §13.2.2.4: the first 2xx establishes the dialog (the ACK is the caller's in every state).
        if (s === 'calling' || s === 'proceeding' || s === 'early') {
          this.#state = 'established';
          return [{ type: 'established' }];
        }
        if (s === 'terminating' && this.#cancelling) {
          // §9.1: CANCEL lost the race with the 2xx: the call is up, so end it with BYE.
          this.#cancelling = false;
          return [{ type: 'send-bye' }];
        }
        return [];

      case 'failed':
        // §13.2.2.3: a final non-2xx (or no answer at all) ends the attempt.
        if (s === 'calling' || s === 'proceeding' || s === 'early') {
          return this.#terminate([], { by: 'remote', reason: input.reason, status: input.status });
        }
        if (s === 'terminating' && this.#cancelling) {
          // §9.1: the INVITE's 487 (or any final) after our CANCEL completes it.
          return this.#terminate([], { ...this.#ending!, status: input.status });
        }
        return [];

      case 'bye':
        // §15.1.2: BYE ends the session (the caller answers it 200). Before the ACK too: the peer may have sent its ACK and lost it.
        if (s === 'established' || s === 'accepted') return this.#terminate([], { by: 'remote', reason: 'hangup', status: null });
        // §15.1.2: BYE in the early dialog of a pending INVITE: the INVITE is answered 487.
        if (s === 'incoming' || s === 'ringing') {
          return this.#terminate([{ type: 'send-final', status: 487 }], { by: 'remote', reason: 'hangup', status: 487 });
        }
        return [];

      case 'bye-done':
        // §15.1.1: whatever the BYE's response (or none), the session is over.
        if (s !== 'terminating' || this.#cancelling) return [];
        return this.#terminate([], this.#ending ?? { by: 'local', reason: 'hangup', status: null });

      case 'timer':
        return this.#timer(now);

      default:
        return assertNever(input, 'call input');
    }
  }

  #hangup(reason: EndReason): StepResult {
    const s = this.#state;
    switch (s) {
      case 'incoming':
      case 'ringing': {
        // §13.3.1.3: an unanswered inbound call is ended with a final response (480, or 503 when closing).
        const status = reason === 'closed' ? 503 : 480;
        return this.#terminate([{ type: 'send-final', status }], { by: 'local', reason, status });
      }
      case 'accepted':
        // §15: no BYE before the ACK (or its timeout); remember the wish.
        this.#pendingHangup ??= reason;
        return [];
      case 'calling':
      case 'proceeding':
      case 'early':
        // §9.1: before the final response, CANCEL.
        this.#state = 'terminating';
        this.#cancelling = true;
        this.#ending = { by: 'local', reason: reason === 'hangup' ? 'cancelled' : reason, status: null };
        return [{ type: 'send-cancel' }];
      case 'established':
        return this.#sendBye({ by: 'local', reason, status: null });
      case 'terminating':
      case 'terminated':
        return [];
      default:
        return assertNever(s, 'call state');
    }
  }

  #timer(now: number): StepResult {
    if (this.#state !== 'accepted') {
      this.#clearTimers();
      return [];
    }
    const out: CallEffect[] = [];
    if (this.#ackDeadline !== null && now >= this.#ackDeadline) {
      // §13.3.1.4: no ACK within 64*T1: "the UAS SHOULD ... send a BYE".
      this.#clearTimers();
      this.#pendingHangup = null;
      return this.#sendBye({ by: 'local', reason: 'ack-timeout', status: null });
    }
    if (this.#resendAt !== null && now >= this.#resendAt) {
      out.push({ type: 'resend-2xx' });
      this.#resendInterval = Math.min(2 * this.#resendInterval, this.#config.T2);
      this.#resendAt = now + this.#resendInterval;
    }
    return out;
  }

  #sendBye(ending: CallEnd): CallEffect[] {
    this.#clearTimers();
    this.#state = 'terminating';
    this.#cancelling = false;
    this.#ending = ending;
    return [{ type: 'send-bye' }];
  }

  #terminate(before: CallEffect[], end: CallEnd): CallEffect[] {
    this.#clearTimers();
    this.#pendingHangup = null;
    this.#cancelling = false;
    this.#state = 'terminated';
    this.#end = end;
    return [...before, { type: 'ended', end }];
  }

  #clearTimers(): void {
    this.#resendAt = null;
    this.#ackDeadline = null;
  }
}
