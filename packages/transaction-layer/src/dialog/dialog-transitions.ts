/**
 * How messages within a dialog change it — RFC 3261 §12.2.1.2 (UAC:
 * responses), §12.2.2 (UAS: requests), §13.2.2.4 (early → confirmed),
 * §15 (BYE), RFC 3262 §4 (reliable provisional responses).
 */
import type { SipRequest, SipResponse } from '@trunkline/sip-parser';
import { type Dialog, dialogIdOf, need, read, sameDialogId } from './dialog.js';
import { DialogError } from './dialog-error.js';
import { TARGET_REFRESH_METHODS } from './in-dialog-request.js';

/** Outcome of {@link receiveInDialogRequest}. */
export interface ReceivedRequest {
  /** The dialog after the request (unchanged when rejected). */
  readonly dialog: Dialog;
  /** When set, answer the request with this status and do not process it further. */
  readonly reject: { readonly status: 481 | 500; readonly reason: string } | null;
}

/**
 * A request received within `dialog` — RFC 3261 §12.2.2:
 * - Remote CSeq empty: take the request's. Lower than the remote CSeq: out of
 *   order, reject with 500. Higher: in order, remember it. (ACK and CANCEL
 *   reuse their INVITE's number and leave it alone.)
 * - Target refresh requests (re-INVITE, UPDATE, ...) carrying Contact replace
 *   the remote target.
 * - BYE terminates the dialog (§15.1.2).
 * A request of another dialog is answered 481 (§12.2.2).
 *
 * @throws DialogError DIALOG_BAD_MESSAGE for a request without usable CSeq/Call-ID/tags.
 */
export function receiveInDialogRequest(dialog: Dialog, request: SipRequest): ReceivedRequest {
  if (request?.isRequest !== true) throw new TypeError('expected a SipRequest');
  const id = dialogIdOf(request);
  if (id === null || !sameDialogId(id, dialog.id) || dialog.state === 'terminated') {
    return { dialog, reject: { status: 481, reason: 'Call/Transaction Does Not Exist' } };
  }
  const cseq = need('CSeq', read('CSeq', () => request.cseq));
  const method = request.method;
  if (method === 'ACK' || method === 'CANCEL') return { dialog, reject: null };
  if (dialog.remoteSeq !== null && cseq.seq < dialog.remoteSeq) {
    return { dialog, reject: { status: 500, reason: 'Server Internal Error' } }; // §12.2.2: out of order
  }
  let next: Dialog = { ...dialog, remoteSeq: cseq.seq };
  if (TARGET_REFRESH_METHODS.has(method)) {
    const contact = read('Contact', () => request.contact)[0];
    if (contact !== undefined) next = { ...next, remoteTarget: contact.uri }; // §12.2.2 target refresh
  }
  if (method === 'BYE') next = { ...next, state: 'terminated' }; // §15.1.2
  return { dialog: next, reject: null };
}

function checkPair(request: SipRequest, response: SipResponse): void {
  const a = need('CSeq', read('CSeq', () => request.cseq));
  const b = need('CSeq', read('CSeq', () => response.cseq));
  if (a.seq !== b.seq || a.method !== b.method) throw new DialogError('DIALOG_MISMATCH', 'the response does not answer this request (CSeq differs)');
}

/**
 * A response to a request we sent within `dialog` (UAC side) — RFC 3261:
 * - §13.2.2.4: a 2xx to the INVITE of an early dialog confirms it; the route
 *   set is recomputed from the 2xx (§12.1.2), the remote target is its Contact.
 * - §12.2.1.2: a 2xx to a target refresh request (re-INVITE, UPDATE, ...)
 *   with Contact replaces the remote target; the route set never changes.
 * - §12.2.1.2: 481 or 408 terminates the dialog; a final non-2xx to the INVITE
 *   of an early dialog terminates it (§12.3).
 *
 * @throws DialogError DIALOG_MISMATCH (response of another dialog or request), DIALOG_BAD_MESSAGE.
 */
export function receiveInDialogResponse(dialog: Dialog, request: SipRequest, response: SipResponse): Dialog {
  if (request?.isRequest !== true || response?.isRequest !== false) throw new TypeError('expected (SipRequest, SipResponse)');
  checkPair(request, response);
  const id = dialogIdOf(response);
  if (dialog.state === 'terminated') return dialog;
  const status = response.status;
  if (status < 200) return dialog;
  if (id === null || !sameDialogId(id, dialog.id)) {
    // §12.2.1.2: a 481/408 may come from a proxy without our tags; still fatal for the dialog.
    if (status === 481 || status === 408) return { ...dialog, state: 'terminated' };
    throw new DialogError('DIALOG_MISMATCH', 'the response belongs to another dialog');
  }
  if (status === 481 || status === 408) return { ...dialog, state: 'terminated' };
  const method = request.method;
  if (status >= 300) {
    return dialog.state === 'early' && method === 'INVITE' ? { ...dialog, state: 'terminated' } : dialog;
  }
  const contact = read('Contact', () => response.contact)[0];
  if (dialog.state === 'early' && method === 'INVITE') {
    return {
      ...dialog,
      state: 'confirmed',
      routeSet: read('Record-Route', () => response.recordRoute)
        .map((r) => r.uri)
        .reverse(),
      remoteTarget: contact?.uri ?? dialog.remoteTarget,
    };
  }
  if (TARGET_REFRESH_METHODS.has(method) && contact !== undefined) return { ...dialog, remoteTarget: contact.uri };
  return dialog;
}

/**
 * The UAS's early dialog once it sends the 2xx to the INVITE — RFC 3261
 * §13.3.1.4: the dialog is confirmed; the route set stays the one taken
 * from the INVITE (§12.1.1). A Contact in the 2xx becomes our local contact.
 *
 * @throws DialogError DIALOG_MISMATCH when the 2xx carries another To tag or Call-ID.
 * @throws TypeError when the response is not a 2xx or the dialog is not the UAS's.
 */
export function confirmUasDialog(dialog: Dialog, response: SipResponse): Dialog {
  if (response?.isRequest !== false || response.status < 200 || response.status > 299) throw new TypeError('expected a 2xx SipResponse');
  if (dialog.role !== 'uas') throw new TypeError('confirmUasDialog is for the UAS side; the UAC uses receiveInDialogResponse');
  const id = dialogIdOf(response);
  // A response seen from its sender: From is the remote party, To tag ours.
  const ours = id === null ? null : { callId: id.callId, localTag: id.remoteTag, remoteTag: id.localTag };
  if (ours === null || !sameDialogId(ours, dialog.id)) throw new DialogError('DIALOG_MISMATCH', 'the 2xx belongs to another dialog');
  if (dialog.state !== 'early') return dialog;
  const contact = read('Contact', () => response.headers.get('Contact'));
  return { ...dialog, state: 'confirmed', localContact: contact ?? dialog.localContact };
}

/** Mark a dialog terminated (after sending BYE, §15.1.1, or on a transaction timeout). */
export function terminateDialog(dialog: Dialog): Dialog {
  return dialog.state === 'terminated' ? dialog : { ...dialog, state: 'terminated' };
}

/** Outcome of {@link receiveReliableProvisional}. */
export interface ReliableProvisional {
  readonly dialog: Dialog;
  /**
   * `new`: pass it up and send PRACK; `retransmission` and `out-of-order`:
   * discard (RFC 3262 §4: "retransmissions of that response MUST be discarded";
   * the PRACK's own transaction retransmits a lost PRACK).
   */
  readonly verdict: 'new' | 'retransmission' | 'out-of-order';
  /** The RAck to put in the PRACK (RFC 3262 §7.2). */
  readonly rack: { readonly rseq: number; readonly cseq: number; readonly method: string };
}

/**
 * A reliable provisional response (`Require: 100rel` with RSeq) in an early
 * dialog — RFC 3262 §4: the first sets the remote RSeq; later ones must be
 * exactly one higher; equal is a retransmission.
 *
 * @throws DialogError DIALOG_BAD_MESSAGE when RSeq or CSeq is missing or malformed, DIALOG_MISMATCH.
 */
export function receiveReliableProvisional(dialog: Dialog, response: SipResponse): ReliableProvisional {
  if (response?.isRequest !== false) throw new TypeError('expected a SipResponse');
  if (response.status < 101 || response.status > 199) throw new TypeError('only 101-199 responses are provisional');
  const id = dialogIdOf(response);
  if (id === null || !sameDialogId(id, dialog.id)) throw new DialogError('DIALOG_MISMATCH', 'the response belongs to another dialog');
  const rseqText = read('RSeq', () => response.headers.get('RSeq'))?.trim();
  // RSeq = 1*DIGIT, 1 .. 2^32-1 (RFC 3262 §7.1)
  if (rseqText === undefined || !/^\d{1,10}$/.test(rseqText) || Number(rseqText) < 1 || Number(rseqText) > 0xffff_ffff) {
    throw new DialogError('DIALOG_BAD_MESSAGE', 'RSeq is missing or malformed (RFC 3262 §7.1)');
  }
  const rseq = Number(rseqText);
  const cseq = need('CSeq', read('CSeq', () => response.cseq));
  const rack = { rseq, cseq: cseq.seq, method: cseq.method };
  const last = dialog.remoteRSeq;
  if (last === null || rseq === last + 1) return { dialog: { ...dialog, remoteRSeq: rseq }, verdict: 'new', rack };
  if (rseq === last) return { dialog, verdict: 'retransmission', rack };
  return { dialog, verdict: 'out-of-order', rack };
}
