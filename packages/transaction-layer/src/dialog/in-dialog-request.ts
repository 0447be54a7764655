/**
 * Requests within a dialog — RFC 3261 §12.2.1.1 — and the ACK for a 2xx,
 * §13.2.2.4. Via (and its branch) is the transaction layer's: pass `via` or
 * let the transaction add it.
 */
import { type HeaderInit, type SipRequest, type Uri, createRequest, formatNameAddr, formatUri } from '@trunkline/sip-parser';
import type { Dialog } from './dialog.js';
import { applyRouteSet } from './route-set.js';

/** §8.1.1.5: CSeq is a 32-bit unsigned integer, and an initial one stays below 2^31. */
const MAX_CSEQ = 0xffff_ffff;

/** Methods that refresh the remote target (RFC 3261 §12.2, RFC 3311 UPDATE, RFC 6665 SUBSCRIBE/NOTIFY, RFC 3515 REFER) and so carry Contact. */
export const TARGET_REFRESH_METHODS: ReadonlySet<string> = new Set(['INVITE', 'UPDATE', 'SUBSCRIBE', 'NOTIFY', 'REFER']);

/** Options for {@link createInDialogRequest}. */
export interface InDialogRequestOptions {
  /** Via values to put first (top first). Default: none (the transaction layer adds one). */
  via?: string | readonly string[];
  /** Contact to send. Default: the dialog's `localContact` for target refresh methods (§12.2.1.1), none otherwise. */
  contact?: string | null;
  /** Max-Forwards. Default 70 (§8.1.1.6). */
  maxForwards?: number;
  /** CSeq number; required for ACK and CANCEL, which reuse the number of the request they belong to (§9.1, §13.2.2.4). */
  cseq?: number;
  /**
   * First CSeq when the local sequence number is empty (a UAS sending its
   * first request, §12.2.1.1). Default: random below 2^31 using `random`.
   */
  initialCSeq?: number;
  /** Uniform [0, 1) for the initial CSeq. Default `Math.random`. */
  random?: () => number;
  /** More header fields, after the dialog's. Default: none. */
  headers?: HeaderInit;
  /** Body. Default: empty. */
  body?: Uint8Array | string;
  /** Content-Type of the body. Default: none. */
  contentType?: string;
}

/** A request built for a dialog and the dialog after sending it. */
export interface InDialogRequest {
  readonly request: SipRequest;
  readonly dialog: Dialog;
}

function addr(uri: Uri, displayName: string | null, tag: string): string {
  return formatNameAddr({ displayName, uri, params: [], tag: tag === '' ? null : tag, raw: '' });
}

function checkSeq(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 0 || n > MAX_CSEQ) throw new TypeError(`${what} must be an integer 0..2^32-1`);
}

function toPairs(h: HeaderInit | undefined): Array<readonly [string, string]> {
  if (h === undefined) return [];
  if (Symbol.iterator in h) return [...(h as Iterable<readonly [string, string]>)];
  const out: Array<readonly [string, string]> = [];
  for (const [k, v] of Object.entries(h as Readonly<Record<string, string | readonly string[]>>)) {
    if (typeof v === 'string') out.push([k, v]);
    else for (const x of v) out.push([k, x]);
  }
  return out;
}

/** The header list shared by in-dialog requests and the 2xx ACK. */
function build(dialog: Dialog, method: string, seq: number, options: InDialogRequestOptions, contact: string | null): SipRequest {
  // §12.2.1.1: Request-URI and Route from the route set and remote target.
  const { requestUri, routes } = applyRouteSet(dialog.routeSet, dialog.remoteTarget);
  const headers: Array<readonly [string, string]> = [];
  const via = options.via === undefined ? [] : typeof options.via === 'string' ? [options.via] : options.via;
  for (const v of via) headers.push(['Via', v]);
  for (const r of routes) headers.push(['Route', `<${formatUri(r)}>`]);
  const mf = options.maxForwards ?? 70;
  if (!Number.isInteger(mf) || mf < 0 || mf > 255) throw new TypeError('maxForwards must be 0..255');
  headers.push(['Max-Forwards', String(mf)]);
  // §12.2.1.1: From = local URI + local tag, To = remote URI + remote tag, Call-ID of the dialog.
  headers.push(['From', addr(dialog.localUri, dialog.localDisplayName, dialog.id.localTag)]);
  headers.push(['To', addr(dialog.remoteUri, dialog.remoteDisplayName, dialog.id.remoteTag)]);
  headers.push(['Call-ID', dialog.id.callId]);
  headers.push(['CSeq', `${seq} ${method}`]);
  if (contact !== null) headers.push(['Contact', contact]);
  for (const h of toPairs(options.headers)) headers.push(h);
  return createRequest({
    method,
    uri: requestUri,
    headers,
    ...(options.body === undefined ? {} : { body: options.body }),
    ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
  });
}

/**
 * Build a request within `dialog` — RFC 3261 §12.2.1.1: CSeq = local
 * sequence number + 1 (or a fresh one when empty), stored back in the
 * returned dialog; ACK and CANCEL take `options.cseq` and leave it as is.
 * Request-URI and Route per the route set (loose or strict routing).
 *
 * @throws TypeError for a terminated dialog, a bad method, ACK/CANCEL without `cseq`, or bad options.
 * @example
 * const { request: bye, dialog: next } = createInDialogRequest(dialog, 'BYE');
 */
export function createInDialogRequest(dialog: Dialog, method: string, options: InDialogRequestOptions = {}): InDialogRequest {
  if (dialog?.state === 'terminated') throw new TypeError('the dialog is terminated');
  if (typeof method !== 'string' || method === '') throw new TypeError('method must be a non-empty string');
  let seq: number;
  let next = dialog;
  if (method === 'ACK' || method === 'CANCEL') {
    if (options.cseq === undefined) throw new TypeError(`${method} needs options.cseq: it reuses the CSeq number of its request`);
    checkSeq(options.cseq, 'cseq');
    seq = options.cseq;
  } else {
    if (dialog.localSeq === null) {
      const initial = options.initialCSeq ?? Math.floor((options.random ?? Math.random)() * 0x8000_0000);
      checkSeq(initial, 'initialCSeq');
      seq = initial;
    } else {
      if (dialog.localSeq >= MAX_CSEQ) throw new TypeError('the local CSeq is exhausted (2^32-1)');
      seq = dialog.localSeq + 1; // §12.2.1.1: "incremented by one"
    }
    next = { ...dialog, localSeq: seq };
  }
  const contact = options.contact !== undefined ? options.contact : TARGET_REFRESH_METHODS.has(method) ? dialog.localContact : null;
  return { request: build(dialog, method, seq, options, contact), dialog: next };
}

/** Options for {@link createAckFor2xx}. */
export type AckOptions = Omit<InDialogRequestOptions, 'cseq' | 'initialCSeq' | 'random' | 'contact'>;

/**
 * The ACK for a 2xx to an INVITE — RFC 3261 §13.2.2.4: constructed like an
 * in-dialog request (same Request-URI and Route), with the CSeq number of
 * the INVITE and method ACK; the dialog's local CSeq is untouched. It needs
 * a new branch (its own transaction-less send): pass `via` with one.
 *
 * @throws TypeError for a terminated dialog or a bad CSeq.
 */
export function createAckFor2xx(dialog: Dialog, inviteCSeq: number, options: AckOptions = {}): SipRequest {
  if (dialog?.state === 'terminated') throw new TypeError('the dialog is terminated');
  checkSeq(inviteCSeq, 'inviteCSeq');
  return build(dialog, 'ACK', inviteCSeq, options, null);
}

/**
 * The PRACK for a reliable provisional response — RFC 3262 §7.1/§7.2: an
 * in-dialog request (early dialog) with `RAck: rseq cseq method`.
 */
export function createPrack(dialog: Dialog, rack: { rseq: number; cseq: number; method: string }, options: Omit<InDialogRequestOptions, 'cseq'> = {}): InDialogRequest {
  checkSeq(rack.rseq, 'rseq');
  checkSeq(rack.cseq, 'cseq');
  const headers = [['RAck', `${rack.rseq} ${rack.cseq} ${rack.method}`] as const, ...toPairs(options.headers)];
  return createInDialogRequest(dialog, 'PRACK', { ...options, headers });
}
