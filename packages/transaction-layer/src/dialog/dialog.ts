/**
 * Dialog state — RFC 3261 §12: "a peer-to-peer SIP relationship between two
 * UAs that persists for some time", identified by Call-ID, local tag and
 * remote tag (§12), with the state of §12.1.1 (UAS) / §12.1.2 (UAC).
 *
 * A {@link Dialog} is an immutable value; the functions of this folder take
 * one and return the next, so every step is a pure, testable transition.
 */
import type { NameAddr, SipRequest, SipResponse, Uri } from '@trunkline/sip-parser';
import { DialogError } from './dialog-error.js';

/** §12: early (from a provisional response), confirmed (from a 2xx), terminated. */
export type DialogState = 'early' | 'confirmed' | 'terminated';

/** Dialog ID — §12: Call-ID, local tag, remote tag. */
export interface DialogId {
  readonly callId: string;
  readonly localTag: string;
  /** Empty for a 2xx without To tag (RFC 2543 peers, §12.1.2: "the remote tag is set to null"). */
  readonly remoteTag: string;
}

/** The dialog state of §12.1.1 / §12.1.2, plus what in-dialog requests need. */
export interface Dialog {
  readonly id: DialogId;
  /** Which side created it: the UAC of the INVITE, or its UAS. */
  readonly role: 'uac' | 'uas';
  readonly state: DialogState;
  /** Local sequence number; null ("empty") until this side sends a request (UAS, §12.1.1). */
  readonly localSeq: number | null;
  /** Remote sequence number; null ("empty") until the peer sends one (UAC, §12.1.2). */
  readonly remoteSeq: number | null;
  /** Local URI (From of our requests), with our display name. */
  readonly localUri: Uri;
  readonly localDisplayName: string | null;
  /** Remote URI (To of our requests). */
  readonly remoteUri: Uri;
  readonly remoteDisplayName: string | null;
  /** Where requests go: the peer's Contact (§12.1.1, §12.1.2), refreshed by target refresh requests (§12.2). */
  readonly remoteTarget: Uri;
  /** Route set (URIs), in the order our requests carry them (§12.1.1, §12.1.2). */
  readonly routeSet: readonly Uri[];
  /** §12.1.1/§12.1.2: a SIPS Request-URI sent over TLS. */
  readonly secure: boolean;
  /** Our Contact value for requests that need one (§12.2.1.1), as written; null when unknown. */
  readonly localContact: string | null;
  /** RFC 3262 §4: RSeq of the last reliable provisional response accepted (UAC); null before one. */
  readonly remoteRSeq: number | null;
}

/** Key for maps of dialogs: `callId \0 localTag \0 remoteTag`. */
export function dialogKey(id: DialogId): string {
  return `${id.callId}\u0000${id.localTag}\u0000${id.remoteTag}`;
}

/**
 * Read accessors of an untrusted message, turning parser errors into
 * {@link DialogError} `DIALOG_BAD_MESSAGE`.
 * @internal
 */
export function read<T>(what: string, get: () => T): T {
  try {
    return get();
  } catch (e) {
    throw new DialogError('DIALOG_BAD_MESSAGE', `${what} is malformed: ${(e as Error).message}`, { cause: e });
  }
}

/** @internal */
export function need<T>(what: string, value: T | undefined | null): T {
  if (value === undefined || value === null) throw new DialogError('DIALOG_BAD_MESSAGE', `${what} is missing`);
  return value;
}

function isSips(uri: Uri): boolean {
  return uri.kind === 'sip' && uri.scheme === 'sips';
}

function contactUri(msg: SipRequest | SipResponse): Uri | null {
  const c = read('Contact', () => msg.contact);
  return c[0]?.uri ?? null;
}

function nameAddr(what: string, get: () => NameAddr | undefined): NameAddr {
  return need(what, read(what, get));
}

/** Options for {@link createUacDialog}. */
export interface CreateUacDialogOptions {
  /** The INVITE went over TLS (with a SIPS Request-URI the dialog is then secure, §12.1.2). Default: the Request-URI is SIPS. */
  overTls?: boolean;
  /** Our Contact for later requests. Default: the INVITE's first Contact, as written. */
  localContact?: string;
}

function requestCSeq(request: SipRequest): { seq: number; method: string } {
  return need('CSeq', read('CSeq', () => request.cseq));
}

/**
 * The UAC's dialog from a response to its INVITE — RFC 3261 §12.1.2:
 * route set = Record-Route reversed, remote target = Contact, remote tag = To
 * tag, local CSeq = the INVITE's, remote CSeq empty; early for a 1xx with a
 * To tag (RFC 3262 reliable ones included), confirmed for a 2xx.
 *
 * @throws DialogError NOT_DIALOG_CREATING (status not 101-299, 1xx without
 *   To tag, not a response to this request), DIALOG_BAD_MESSAGE.
 */
export function createUacDialog(request: SipRequest, response: SipResponse, options: CreateUacDialogOptions = {}): Dialog {
  if (request?.isRequest !== true || response?.isRequest !== false) throw new TypeError('expected (SipRequest, SipResponse)');
  const status = response.status;
  if (status < 101 || status > 299) throw new DialogError('NOT_DIALOG_CREATING', `a ${status} does not create a dialog (§12.1)`);
  const cseq = requestCSeq(request);
  const rcseq = need('CSeq', read('CSeq', () => response.cseq));
  const callId = need('Call-ID', read('Call-ID', () => request.callId));
  if (rcseq.seq !== cseq.seq || rcseq.method !== cseq.method || read('Call-ID', () => response.callId) !== callId) {
    throw new DialogError('NOT_DIALOG_CREATING', 'the response does not answer this request (CSeq / Call-ID differ)');
  }
  const from = nameAddr('From', () => request.from);
  const to = nameAddr('To', () => response.to);
  const localTag = need('From tag', from.tag);
  // §12.1.2: a 2xx without To tag (RFC 2543) gets a null remote tag; a 1xx needs one to create an early dialog (§12.1).
  if (to.tag === null && status < 200) throw new DialogError('NOT_DIALOG_CREATING', 'a provisional response without To tag creates no dialog (§12.1)');
  const remoteTarget = contactUri(response) ?? read('Request-URI', () => request.uri); // lenient: keep the Request-URI when a 1xx lacks Contact
  const routeSet = read('Record-Route', () => response.recordRoute)
    .map((r) => r.uri)
    .reverse();
  const contact = options.localContact ?? read('Contact', () => request.headers.get('Contact')) ?? null;
  return {
    id: { callId, localTag, remoteTag: to.tag ?? '' },
    role: 'uac',
    state: status >= 200 ? 'confirmed' : 'early',
    localSeq: cseq.seq,
    remoteSeq: null,
    localUri: from.uri,
    localDisplayName: from.displayName,
    remoteUri: to.uri,
    remoteDisplayName: to.displayName,
    remoteTarget,
    routeSet,
    secure: isSips(request.uri) && (options.overTls ?? true),
    localContact: contact,
    remoteRSeq: null,
  };
}

/** Options for {@link createUasDialog}. */
export interface CreateUasDialogOptions {
  /** The INVITE arrived over TLS (with a SIPS Request-URI the dialog is then secure, §12.1.1). Default: the Request-URI is SIPS. */
  overTls?: boolean;
  /** Our Contact for later requests. Default: the response's first Contact, as written. */
  localContact?: string;
}

/**
 * The UAS's dialog from a received INVITE and our response to it — RFC 3261
 * §12.1.1: route set = Record-Route in order, remote target = Contact,
 * remote CSeq = the INVITE's, local CSeq empty, local tag = our To tag.
 *
 * @throws DialogError NOT_DIALOG_CREATING (status not 101-299, no To tag on
 *   our response), DIALOG_BAD_MESSAGE (malformed INVITE).
 */
export function createUasDialog(request: SipRequest, response: SipResponse, options: CreateUasDialogOptions = {}): Dialog {
  if (request?.isRequest !== true || response?.isRequest !== false) throw new TypeError('expected (SipRequest, SipResponse)');
  const status = response.status;
  if (status < 101 || status > 299) throw new DialogError('NOT_DIALOG_CREATING', `a ${status} does not create a dialog (§12.1)`);
  const cseq = requestCSeq(request);
  const callId = need('Call-ID', read('Call-ID', () => request.callId));
  const from = nameAddr('From', () => request.from);
  const to = nameAddr('To', () => response.to);
  const localTag = to.tag;
  if (localTag === null) throw new DialogError('NOT_DIALOG_CREATING', 'our response needs a To tag to create a dialog (§8.2.6.2)');
  const remoteTarget = need('Contact', contactUri(request)); // §12.1.1: the INVITE's Contact
  const routeSet = read('Record-Route', () => request.recordRoute).map((r) => r.uri);
  const contact = options.localContact ?? read('Contact', () => response.headers.get('Contact')) ?? null;
  return {
    id: { callId, localTag, remoteTag: from.tag ?? '' },
    role: 'uas',
    state: status >= 200 ? 'confirmed' : 'early',
    localSeq: null,
    remoteSeq: cseq.seq,
    localUri: to.uri,
    localDisplayName: to.displayName,
    remoteUri: from.uri,
    remoteDisplayName: from.displayName,
    remoteTarget,
    routeSet,
    secure: isSips(request.uri) && (options.overTls ?? true),
    localContact: contact,
    remoteRSeq: null,
  };
}

/**
 * The dialog ID a received message belongs to, from the receiver's side —
 * §12.2.2 (requests: local tag = To tag, remote tag = From tag) and §12.2.1.2
 * (responses: local tag = From tag, remote tag = To tag). Null when the
 * message carries no local tag (not in a dialog).
 *
 * @throws DialogError DIALOG_BAD_MESSAGE.
 */
export function dialogIdOf(message: SipRequest | SipResponse): DialogId | null {
  const callId = need('Call-ID', read('Call-ID', () => message.callId));
  const from = nameAddr('From', () => message.from);
  const to = nameAddr('To', () => message.to);
  const [local, remote] = message.isRequest ? [to.tag, from.tag] : [from.tag, to.tag];
  if (local === null) return null;
  return { callId, localTag: local, remoteTag: remote ?? '' };
}

/** True when both IDs name the same dialog (§12: Call-ID and tags compared exactly). */
export function sameDialogId(a: DialogId, b: DialogId): boolean {
  return a.callId === b.callId && a.localTag === b.localTag && a.remoteTag === b.remoteTag;
}
