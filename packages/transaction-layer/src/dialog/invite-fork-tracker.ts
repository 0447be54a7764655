/**
 * One INVITE, many answers — RFC 3261 §13.2.2.4 (forking): each To tag in a
 * provisional response is its own early dialog; the first 2xx establishes
 * the call; a 2xx from another branch must still be ACKed and then ended with
 * BYE; a final non-2xx ends every early dialog (§13.2.2.3, §12.3).
 *
 * ```
 *              1xx tag=a ──▶ early(a)
 *  INVITE ──┬─ 1xx tag=b ──▶ early(b)
 *           ├─ 2xx tag=a ──▶ established(a)          → caller ACKs
 *           ├─ 2xx tag=b ──▶ extra 2xx(b)            → ACK + BYE returned
 *           └─ 4xx-6xx   ──▶ failed: early dialogs terminated
 * ```
 */
import type { SipRequest, SipResponse } from '@trunkline/sip-parser';
import { type CreateUacDialogOptions, type Dialog, createUacDialog, read } from './dialog.js';
import { DialogError } from './dialog-error.js';
import { createAckFor2xx, createInDialogRequest } from './in-dialog-request.js';
import { receiveInDialogResponse, terminateDialog } from './dialog-transitions.js';

/** A request the tracker asks the caller to send. */
export type ForkAction =
  /** §13.2.2.4: ACK for a 2xx, sent straight to the transport (no transaction). */
  | { readonly kind: 'ack'; readonly request: SipRequest }
  /** §13.2.2.4: BYE for a dialog nobody wants, through a client transaction. */
  | { readonly kind: 'bye'; readonly request: SipRequest };

/** What a response meant, from {@link InviteForkTracker.receive}. */
export type ForkEvent =
  /** 100, or another provisional response without To tag: no dialog. */
  | { readonly type: 'provisional'; readonly status: number }
  /** A provisional response with a To tag: a new or known early dialog. */
  | { readonly type: 'early'; readonly status: number; readonly dialog: Dialog; readonly isNew: boolean }
  /** The first 2xx: this dialog is the call. The caller sends the ACK (usually with an SDP answer). */
  | { readonly type: 'established'; readonly dialog: Dialog }
  /** The winning 2xx again: the caller re-sends the same ACK (§13.2.2.4). */
  | { readonly type: 'retransmission'; readonly dialog: Dialog }
  /** A 2xx from another fork: send `actions` (ACK, then BYE; only ACK for its retransmissions). */
  | { readonly type: 'extra-2xx'; readonly dialog: Dialog; readonly actions: readonly ForkAction[] }
  /** A final non-2xx before any 2xx: the INVITE failed and every early dialog ended. */
  | { readonly type: 'failed'; readonly status: number; readonly terminated: readonly Dialog[] }
  /** A response with nothing left to do (a non-2xx after a 2xx, or after failure). */
  | { readonly type: 'ignored'; readonly status: number };

/** Options for {@link InviteForkTracker}. */
export interface InviteForkTrackerOptions extends CreateUacDialogOptions {
  /**
   * Via for each ACK and BYE the tracker builds (a fresh branch each, §8.1.1.7).
   * Default: none (the transport / transaction layer adds it).
   */
  via?: (method: 'ACK' | 'BYE') => string | undefined;
}

/**
 * Tracks the dialogs one INVITE creates — RFC 3261 §13.2.2.4. Feed it every
 * response the INVITE client transaction passes up (2xx retransmissions
 * included, RFC 6026); it returns what each means and the requests to send.
 *
 * @example
 * const forks = new InviteForkTracker(invite);
 * const ev = forks.receive(response);
 * if (ev.type === 'extra-2xx') for (const a of ev.actions) send(a.request);
 */
export class InviteForkTracker {
  readonly #invite: SipRequest;
  readonly #inviteSeq: number;
  readonly #options: InviteForkTrackerOptions;
  readonly #dialogs = new Map<string, Dialog>();
  /** ACKs sent for the 2xx of forks that lost, by To tag (re-sent on retransmissions). */
  readonly #acks = new Map<string, SipRequest>();
  #winner: string | null = null;
  #failed = false;

  /** @throws TypeError when `invite` is not an INVITE with a CSeq. */
  constructor(invite: SipRequest, options: InviteForkTrackerOptions = {}) {
    if (invite?.isRequest !== true || invite.method !== 'INVITE') throw new TypeError('InviteForkTracker needs an INVITE');
    const cseq = read('CSeq', () => invite.cseq);
    if (cseq === undefined) throw new TypeError('the INVITE has no CSeq');
    this.#invite = invite;
    this.#inviteSeq = cseq.seq;
    this.#options = options;
  }

  /** The established dialog (first 2xx), or null. */
  get established(): Dialog | null {
    return this.#winner === null ? null : (this.#dialogs.get(this.#winner) ?? null);
  }

  /** Every dialog this INVITE created, by remote (To) tag. */
  get dialogs(): ReadonlyMap<string, Dialog> {
    return this.#dialogs;
  }

  /**
   * Interpret one response to the INVITE.
   * @throws DialogError DIALOG_MISMATCH (not a response to this INVITE), DIALOG_BAD_MESSAGE.
   */
  receive(response: SipResponse): ForkEvent {
    if (response?.isRequest !== false) throw new TypeError('expected a SipResponse');
    const cseq = read('CSeq', () => response.cseq);
    if (cseq === undefined || cseq.seq !== this.#inviteSeq || cseq.method !== 'INVITE') {
      throw new DialogError('DIALOG_MISMATCH', 'not a response to this INVITE');
    }
    const status = response.status;
    const tag = read('To', () => response.to)?.tag ?? null;

    if (status < 200) {
      if (status === 100 || tag === null || this.#failed) return { type: 'provisional', status };
      const known = this.#dialogs.get(tag);
      if (known !== undefined) return { type: 'early', status, dialog: known, isNew: false };
      if (this.#winner !== null) return { type: 'provisional', status }; // late 1xx of a fork after the call is up: nothing to track
      const dialog = createUacDialog(this.#invite, response, this.#options);
      this.#dialogs.set(tag, dialog);
      return { type: 'early', status, dialog, isNew: true };
    }

    if (status >= 300) {
      if (this.#winner !== null || this.#failed) return { type: 'ignored', status };
      // §13.2.2.3 / §12.3: a final non-2xx ends every early dialog of this INVITE.
      this.#failed = true;
      const terminated: Dialog[] = [];
      for (const [t, d] of this.#dialogs) {
        const ended = terminateDialog(d);
        this.#dialogs.set(t, ended);
        terminated.push(ended);
      }
      return { type: 'failed', status, terminated };
    }

    // 2xx — §13.2.2.4.
    const key = tag ?? '';
    if (this.#winner === key) return { type: 'retransmission', dialog: this.#dialogs.get(key)! };
    const sentAck = this.#acks.get(key);
    if (sentAck !== undefined) {
      // A retransmission of a fork's 2xx we already ended: the same ACK again, no second BYE.
      return { type: 'extra-2xx', dialog: this.#dialogs.get(key)!, actions: [{ kind: 'ack', request: sentAck }] };
    }
    const existing = this.#dialogs.get(key);
    const dialog =
      existing?.state === 'early'
        ? receiveInDialogResponse(existing, this.#invite, response) // early → confirmed, route set from the 2xx
        : createUacDialog(this.#invite, response, this.#options);
    if (this.#winner === null && !this.#failed) {
      this.#winner = key;
      this.#dialogs.set(key, dialog);
      return { type: 'established', dialog };
    }
    // Another fork answered too (or answered after a failure was seen): ACK it, then BYE it.
    const ack = createAckFor2xx(dialog, this.#inviteSeq, this.#via('ACK'));
    this.#acks.set(key, ack);
    const bye = createInDialogRequest(dialog, 'BYE', this.#via('BYE'));
    const ended = terminateDialog(bye.dialog);
    this.#dialogs.set(key, ended);
    return {
      type: 'extra-2xx',
      dialog: ended,
      actions: [
        { kind: 'ack', request: ack },
        { kind: 'bye', request: bye.request },
      ],
    };
  }

  /**
   * End the early dialogs still open once the call is established — §13.2.2.4
   * lets the UAC give up on other forks (64*T1 after the first 2xx).
   * @returns the dialogs terminated.
   */
  terminateEarly(): Dialog[] {
    const out: Dialog[] = [];
    for (const [t, d] of this.#dialogs) {
      if (d.state !== 'early') continue;
      const ended = terminateDialog(d);
      this.#dialogs.set(t, ended);
      out.push(ended);
    }
    return out;
  }

  #via(method: 'ACK' | 'BYE'): { via?: string } {
    const v = this.#options.via?.(method);
    return v === undefined ? {} : { via: v };
  }
}
