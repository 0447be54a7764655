/**
 * Semantic validation of a cleanly framed message — what a UAS (RFC 3261
 * §8.2) or a proxy (§16.3) checks before it acts on a request, and what any
 * element checks before it lets a response near a transaction (§18.1.2).
 *
 * `parseMessage` only refuses what breaks framing. Everything else — a Via
 * that does not decode, a CSeq out of range, a missing Call-ID, an unknown
 * URI scheme, an unsupported extension — is decided here, so the element can
 * still answer with the right status. The order of the checks follows the
 * RFC: version, then "reasonable syntax" (§16.3 step 1: every header the
 * element knows must decode), then the §8.2 inspections (method, headers,
 * content) or the §16.3 ones (scheme, Max-Forwards, Proxy-Require).
 *
 * RFC 4475 decides the status for each torture case:
 * badvers 505, mismatch02 501 (unknown method, CSeq says INVITE), unkscm and
 * novelsc 416, bext01 420, invut 415, sdp01 406, zeromf 483 (proxy), insuf,
 * multi01, mismatch01, scalar02, quotbal, badinv01 400; responses that fail
 * (scalarlg) are dropped.
 */
import { SipParseError } from './errors.js';
import {
  HEADER_ID_COUNT,
  H_CALL_ID,
  H_CSEQ,
  H_FROM,
  H_TO,
  H_UNKNOWN,
  H_VIA,
  canonicalNameOfId,
  headerId,
  isListHeaderId,
  type HeaderId,
} from './header-names.js';
import type { SipRequest, SipResponse } from './message.js';
import { parseCredentials } from './auth.js';
import { parseNameAddr } from './name-addr.js';
import {
  parseExpires,
  parseMinSE,
  parseRAck,
  parseReason,
  parseReferTo,
  parseReplaces,
  parseRetryAfter,
  parseRSeq,
  parseSessionExpires,
  parseTokenList,
  parseWarning,
} from './simple-headers.js';

/** What {@link validateMessage} checks for, and on whose behalf. */
export interface ValidateOptions {
  /**
   * The role of the element receiving the message. A `'uas'` applies RFC 3261
   * §8.2 (method 501, Require 420, Content-Type 415, Accept 406); a `'proxy'`
   * applies §16.3 (Max-Forwards 0 → 483, Proxy-Require 420) and lets unknown
   * methods and body types through. Default `'uas'`.
   */
  readonly role?: 'uas' | 'proxy';
  /**
   * Methods the element implements (case-sensitive, §7.1). A UAS answers any
   * other method with 501 (§8.2.1). Default {@link DEFAULT_METHODS}: the RFC
   * 3261 methods plus PRACK, UPDATE, INFO, SUBSCRIBE, NOTIFY, REFER, MESSAGE
   * and PUBLISH.
   */
  readonly methods?: readonly string[];
  /**
   * Request-URI schemes the element handles (lower case); others get 416
   * (§8.2.2.1, §16.3 step 2). Default `['sip', 'sips', 'tel']`.
   */
  readonly schemes?: readonly string[];
  /**
   * Option tags the element supports (§19.2). A UAS answers a Require (a
   * proxy a Proxy-Require) naming any other tag with 420 (§8.2.2.3, §16.3
   * step 5). Default `[]`.
   */
  readonly supported?: readonly string[];
  /**
   * Media types (`type/subtype`, lower case) the UAS understands in a body it
   * receives and can produce in one it sends: a body of another type gets 415
   * (§8.2.3), an INVITE whose Accept names none of them gets 406 (§21.4.7).
   * Default `['application/sdp']`.
   */
  readonly acceptTypes?: readonly string[];
  /**
   * Refuse (400) a Request-URI carrying URI headers (`?...`), which §19.1.1
   * Table 1 does not allow there (RFC 4475 escruri). Default `true`; `false`
   * accepts the request, and the element must then ignore those headers.
   */
  readonly strictRequestUri?: boolean;
}

/** The verdict of {@link validateMessage}. */
export type ValidationResult = ValidationOk | ValidationFailure;

/** The message may be processed. */
export interface ValidationOk {
  readonly ok: true;
}

/** The message must be refused. */
export interface ValidationFailure {
  readonly ok: false;
  /**
   * The status to answer a request with (400, 416, 420, 483, 501, 505, ...).
   * For a response it is informational: responses are never answered.
   */
  readonly status: number;
  /** Why, for humans and logs (a decoder's message when a header failed to decode). */
  readonly reason: string;
  /**
   * True when the element must discard the message silently instead of
   * answering: every failing response (§18.1.2, RFC 4475 §3.1.2.5 scalarlg,
   * §3.1.2.19 bigcode) and an ACK (§17.2.1, ACK is never answered).
   */
  readonly drop: boolean;
  /** Canonical name of the header at fault, when there is one. */
  readonly header?: string;
  /** For 420: the option tags not supported, for the Unsupported header (§20.40). */
  readonly unsupported?: readonly string[];
}

/** Methods a SIP element commonly implements: RFC 3261 plus the usual extensions. */
export const DEFAULT_METHODS: readonly string[] = Object.freeze([
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'OPTIONS',
  'REGISTER', // RFC 3261
  'PRACK', // RFC 3262
  'UPDATE', // RFC 3311
  'INFO', // RFC 6086
  'SUBSCRIBE',
  'NOTIFY', // RFC 6665
  'REFER', // RFC 3515
  'MESSAGE', // RFC 3428
  'PUBLISH', // RFC 3903
]);

/** Default Request-URI schemes: SIP, SIPS (RFC 3261 §19.1) and tel (RFC 3966). */
export const DEFAULT_SCHEMES: readonly string[] = Object.freeze(['sip', 'sips', 'tel']);

/** Default body types: SDP (RFC 3261 §13.2.1 requires support for it). */
export const DEFAULT_ACCEPT_TYPES: readonly string[] = Object.freeze(['application/sdp']);

/**
 * Header fields that may appear at most once (RFC 3261 §7.3.1: only headers
 * whose grammar is a comma-separated list may repeat). RFC 4475 multi01
 * repeats Call-ID, CSeq, To and From.
 */
const SINGLE_VALUE_HEADERS: readonly string[] = [
  'Call-ID',
  'CSeq',
  'To',
  'From',
  'Max-Forwards',
  'Content-Type',
  'Content-Length',
  'Content-Disposition',
  'Expires',
  'Min-Expires',
  'MIME-Version',
  'Date',
  'Timestamp',
  'Reply-To',
  'Retry-After',
  'Priority',
  'RSeq', // RFC 3262 §7.1
  'RAck', // RFC 3262 §7.2
  'Session-Expires', // RFC 4028 §4
  'Min-SE', // RFC 4028 §5
  'Event', // RFC 6665 §8.2.1
  'Subscription-State', // RFC 6665 §8.2.3
  'Refer-To', // RFC 3515 §2.1
  'Replaces', // RFC 3891 §6.1
];

/**
 * Headers every request carries — §8.1.1 (Max-Forwards left out: RFC 2543
 * peers omit it, RFC 4475 inv2543) — and every response — §20 table 2 ("m" in
 * responses): the same five, checked in this order.
 */
const REQUIRED_IDS: readonly HeaderId[] = [H_TO, H_FROM, H_CALL_ID, H_CSEQ, H_VIA];

/**
 * Decoders for the other headers this package understands, by canonical
 * name. Each is applied to every value `SipHeaders.getAll` returns (one per
 * line, or one per list element for list headers) and throws SipParseError
 * when the value is malformed.
 */
const DECODERS: ReadonlyArray<readonly [string, (value: string, header: string) => unknown]> = [
  ['Reply-To', parseNameAddr], // §20.31
  ['Refer-To', parseReferTo], // RFC 3515 §2.1
  ['Referred-By', parseNameAddr], // RFC 3892 §3
  ['Require', parseTokenList], // §20.32
  ['Proxy-Require', parseTokenList], // §20.29
  ['Supported', parseTokenList], // §20.37
  ['Unsupported', parseTokenList], // §20.40
  ['Allow', parseTokenList], // §20.5
  ['Expires', parseExpires], // §20.19
  ['Min-Expires', parseExpires], // §20.23
  ['Retry-After', parseRetryAfter], // §20.33 (RFC 4475 scalarlg)
  ['Warning', parseWarning], // §20.43 (RFC 4475 scalarlg)
  ['Authorization', parseCredentials], // §20.7
  ['Proxy-Authorization', parseCredentials], // §20.28
  ['WWW-Authenticate', parseCredentials], // §20.44
  ['Proxy-Authenticate', parseCredentials], // §20.27
  ['Session-Expires', parseSessionExpires], // RFC 4028 §4
  ['Min-SE', parseMinSE], // RFC 4028 §5
  ['RSeq', parseRSeq], // RFC 3262 §7.1
  ['RAck', parseRAck], // RFC 3262 §7.2
  ['Reason', parseReason], // RFC 3326 §2
  ['Replaces', parseReplaces], // RFC 3891 §6.1
];

/**
 * Id of a header name this module checks; every one is in the parser's table
 * of known headers, spelled canonically, so `canonicalNameOfId` gives the name back.
 */
function knownId(name: string): HeaderId {
  const id = headerId(name);
  if (id === H_UNKNOWN || canonicalNameOfId(id) !== name) throw new Error(`validate.ts: ${name} is not a canonical known header name`);
  return id;
}

// The lists above by header id, so that one pass over the header lines (see
// headerCounts) replaces a lookup per name; plain arrays walked by index (the
// hot path of every inbound request).
const SINGLE_VALUE_IDS: readonly HeaderId[] = SINGLE_VALUE_HEADERS.map((n) => {
  const id = knownId(n);
  // A line count is a value count only for a header that is not a list (§7.3.1).
  if (isListHeaderId(id)) throw new Error(`validate.ts: ${n} is a list header`);
  return id;
});
const DECODER_IDS: readonly HeaderId[] = DECODERS.map(([n]) => knownId(n));
const DECODER_FNS: readonly ((value: string, header: string) => unknown)[] = DECODERS.map(([, decode]) => decode);

/**
 * How many lines of each known header the message holds, indexed by header
 * id, in one pass over its lines (unknown headers all count under id 0).
 */
function headerCounts(msg: SipRequest | SipResponse): Uint32Array {
  const h = msg.headers;
  const counts = new Uint32Array(HEADER_ID_COUNT);
  const n = h.count;
  for (let i = 0; i < n; i++) counts[h._idAt(i)]!++;
  return counts;
}

interface Resolved {
  readonly role: 'uas' | 'proxy';
  readonly methods: readonly string[];
  readonly schemes: readonly string[];
  readonly supported: readonly string[];
  readonly acceptTypes: readonly string[];
  readonly strictRequestUri: boolean;
}

const OK: ValidationOk = Object.freeze({ ok: true });
const NONE: readonly string[] = Object.freeze([]);

function lowerAll(values: readonly string[]): string[] {
  return values.map((v) => v.toLowerCase());
}

/**
 * Decide whether a parsed message may be processed, and if not, with which
 * status it must be answered (or that it must be dropped).
 *
 * Never throws for anything the message holds: a header that fails to decode
 * becomes a 400 whose `reason` is the decoder's message.
 *
 * @example
 * const msg = parseMessage(datagram);
 * const v = validateMessage(msg, { role: 'uas', supported: ['100rel'] });
 * if (!v.ok && !v.drop) send(createResponse(msg as SipRequest, v.status));
 */
export function validateMessage(msg: SipRequest | SipResponse, options: ValidateOptions = {}): ValidationResult {
  const o: Resolved = {
    role: options.role ?? 'uas',
    methods: options.methods ?? DEFAULT_METHODS,
    // The defaults are lower case already: only given lists are copied.
    schemes: options.schemes === undefined ? DEFAULT_SCHEMES : lowerAll(options.schemes),
    supported: options.supported === undefined ? NONE : lowerAll(options.supported),
    acceptTypes: options.acceptTypes === undefined ? DEFAULT_ACCEPT_TYPES : lowerAll(options.acceptTypes),
    strictRequestUri: options.strictRequestUri ?? true,
  };
  const drop = !msg.isRequest || msg.method === 'ACK';
  try {
    return msg.isRequest ? checkRequest(msg, o, drop) : checkResponse(msg, drop);
  } catch (e) {
    if (e instanceof SipParseError) {
      return e.header === undefined
        ? failure(400, e.message, drop)
        : failure(400, e.message, drop, { header: e.header });
    }
    throw e;
  }
}

function failure(
  status: number,
  reason: string,
  drop: boolean,
  extra: { header?: string; unsupported?: readonly string[] } = {},
): ValidationFailure {
  return { ok: false, status, reason, drop, ...extra };
}

/** §7.1: this specification defines SIP/2.0; anything else is 505 (§21.5.6, RFC 4475 badvers). */
function checkVersion(msg: SipRequest | SipResponse, drop: boolean): ValidationFailure | null {
  return msg.version === 'SIP/2.0' ? null : failure(505, `SIP-Version ${msg.version} is not supported`, drop);
}

/**
 * §16.3 step 1 / §8.2: every header this element knows must decode, the
 * mandatory ones must be there, the single-valued ones must be single.
 * Throws SipParseError from a decoder; the caller turns it into 400.
 */
function checkCommon(msg: SipRequest | SipResponse, drop: boolean): ValidationFailure | null {
  const h = msg.headers;
  const counts = headerCounts(msg);
  for (let k = 0; k < REQUIRED_IDS.length; k++) {
    const id = REQUIRED_IDS[k]!;
    if (counts[id] === 0) {
      const name = canonicalNameOfId(id);
      return failure(400, `Missing ${name} header`, drop, { header: name });
    }
  }
  // None of these is a list header (checked above), so each line holds one value.
  for (let k = 0; k < SINGLE_VALUE_IDS.length; k++) {
    const id = SINGLE_VALUE_IDS[k]!;
    const n = counts[id]!;
    if (n > 1) {
      const name = canonicalNameOfId(id);
      return failure(400, `${n} ${name} header fields; at most one is allowed`, drop, { header: name });
    }
  }

  // Touch every typed accessor: each throws SipParseError when its header is malformed.
  const callId = msg.callId;
  if (callId !== undefined && !isCallId(callId)) {
    return failure(400, `Malformed Call-ID ${JSON.stringify(callId)}`, drop, { header: 'Call-ID' });
  }
  void msg.cseq; // BAD_CSEQ, including > 2^32-1 (RFC 4475 scalar02, scalarlg)
  void msg.via; // every value of every line (badinv01)
  void msg.from;
  void msg.to; // quotbal
  void msg.contact; // badinv01, regbadct
  void msg.route;
  void msg.recordRoute;
  void msg.maxForwards; // 0-255, §20.22
  void msg.contentType;

  // In the order of DECODERS, so the same header is reported when several are bad.
  for (let k = 0; k < DECODER_IDS.length; k++) {
    const id = DECODER_IDS[k]!;
    if (counts[id] === 0) continue;
    const name = canonicalNameOfId(id);
    const decode = DECODER_FNS[k]!;
    for (const v of h.getAll(name)) decode(v, name);
  }
  return null;
}

function checkResponse(msg: SipResponse, drop: boolean): ValidationResult {
  const v = checkVersion(msg, drop);
  if (v) return v;
  // §7.2: Status-Code is 100-699 (RFC 4475 bigcode).
  if (msg.status < 100 || msg.status > 699) return failure(400, `Status-Code ${msg.status} is out of range`, drop);
  return checkCommon(msg, drop) ?? OK;
}

function checkRequest(msg: SipRequest, o: Resolved, drop: boolean): ValidationResult {
  const v = checkVersion(msg, drop);
  if (v) return v;

  // §16.3 step 1 "reasonable syntax": the Request-URI decodes (ltgtruri;
  // RFC 5118 §4.2 ipv6-bad).
  const uri = msg.uri;
  const common = checkCommon(msg, drop);
  if (common) return common;

  // §8.2.1 method inspection: a UAS answers a method it does not implement
  // with 501 — before the CSeq cross-check, so RFC 4475 mismatch02
  // (NEWMETHOD with CSeq INVITE) gets the 501 §3.1.2.18 prefers. A proxy
  // forwards methods it does not know (§16.1).
  const method = msg.method;
  if (o.role === 'uas' && !o.methods.includes(method)) {
    return failure(501, `Method ${method} is not implemented`, drop);
  }

  // §8.1.1.5: the CSeq method matches the request method (RFC 4475 mismatch01).
  const cseq = msg.cseq!;
  if (cseq.method !== method) {
    return failure(400, `CSeq method ${cseq.method} does not match request method ${method}`, drop, { header: 'CSeq' });
  }

  // §8.2.2.1 / §16.3 step 2: Request-URI scheme (RFC 4475 unkscm, novelsc).
  if (!o.schemes.includes(uri.scheme)) {
    return failure(416, `Unsupported URI scheme ${uri.scheme}`, drop);
  }
  // §19.1.1 Table 1: URI headers are not allowed in a Request-URI (RFC 4475 escruri).
  if (o.strictRequestUri && uri.kind === 'sip' && uri.headers.length > 0) {
    return failure(400, 'Request-URI must not carry URI headers', drop);
  }

  // REGISTER with Contact "*" (§10.3 step 6): Expires 0 and nothing else.
  if (msg.isWildcardContact) {
    if (method !== 'REGISTER') return failure(400, 'Contact "*" is only allowed in REGISTER', drop, { header: 'Contact' });
    const exp = msg.headers.get('Expires');
    if (exp === undefined || parseExpires(exp, 'Expires') !== 0) {
      return failure(400, 'Contact "*" requires Expires: 0', drop, { header: 'Contact' });
    }
  }

  if (o.role === 'proxy') {
    // §16.3 step 3: Max-Forwards 0 → 483 (RFC 4475 zeromf).
    if (msg.maxForwards === 0) return failure(483, 'Too Many Hops', drop, { header: 'Max-Forwards' });
    // §16.3 step 5: Proxy-Require.
    const unsupported = unsupportedTags(msg, 'Proxy-Require', o);
    if (unsupported.length > 0) {
      return failure(420, `Unsupported Proxy-Require: ${unsupported.join(', ')}`, drop, {
        header: 'Proxy-Require',
        unsupported,
      });
    }
    return OK;
  }

  // §8.2.2.3: Require — never answered with 420 for CANCEL or ACK.
  if (method !== 'CANCEL' && method !== 'ACK') {
    const unsupported = unsupportedTags(msg, 'Require', o);
    if (unsupported.length > 0) {
      return failure(420, `Unsupported Require: ${unsupported.join(', ')}`, drop, { header: 'Require', unsupported });
    }
  }

  // §8.2.3: a body the UAS cannot process → 415 (RFC 4475 invut); §20.15: a
  // non-empty body needs a Content-Type.
  if (msg.body.length > 0) {
    const ct = msg.contentType;
    if (ct === undefined) return failure(400, 'Body without Content-Type', drop, { header: 'Content-Type' });
    const type = mediaType(ct);
    if (!o.acceptTypes.includes(type)) {
      return failure(415, `Unsupported media type ${type}`, drop, { header: 'Content-Type' });
    }
  }

  // §20.1, §21.4.7: an INVITE's 2xx carries a session description; when the
  // Accept header rules out every type we can send, answer 406 (RFC 4475
  // sdp01). An Accept header that is present but empty is not held against
  // the request: the UAS can still answer without a body.
  if (method === 'INVITE' && msg.headers.has('Accept')) {
    const accepted = msg.headers.getAll('Accept').map(mediaType).filter((t) => t !== '');
    if (accepted.length > 0 && !o.acceptTypes.some((t) => accepted.some((a) => mediaRangeMatches(a, t)))) {
      return failure(406, `None of the accepted types (${accepted.join(', ')}) can be produced`, drop, {
        header: 'Accept',
      });
    }
  }
  return OK;
}

/**
 * Option tags (§19.2) of `header` (Require or Proxy-Require) that are not in
 * `o.supported`, compared case-insensitively (tags are tokens; §7.3.1 makes
 * header values case-insensitive unless the header says otherwise).
 */
function unsupportedTags(msg: SipRequest, header: string, o: Resolved): string[] {
  const out: string[] = [];
  for (const v of msg.headers.getAll(header)) {
    for (const tag of parseTokenList(v, header)) {
      if (!o.supported.includes(tag.toLowerCase())) out.push(tag);
    }
  }
  return out;
}

/**
 * word = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" /
 *          "(" / ")" / "<" / ">" / ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "{" / "}")  — §25.1
 */
const WORD = new Uint8Array(256);
for (const c of '-.!%*_+`\'~()<>:\\"/[]?{}') WORD[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) WORD[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) WORD[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) WORD[c] = 1;

/** `callid = word [ "@" word ]` — §20.8, §25.1. */
function isCallId(v: string): boolean {
  const at = v.indexOf('@');
  return at < 0 ? isWord(v, 0, v.length) : isWord(v, 0, at) && isWord(v, at + 1, v.length);
}

function isWord(v: string, start: number, end: number): boolean {
  if (start >= end) return false;
  for (let i = start; i < end; i++) {
    const c = v.charCodeAt(i);
    if (c > 0xff || WORD[c] !== 1) return false;
  }
  return true;
}

/** `type/subtype` of a media-type or media-range, lower-cased, parameters dropped (§20.1, §20.15). */
function mediaType(value: string): string {
  const semi = value.indexOf(';');
  return (semi < 0 ? value : value.slice(0, semi)).replace(/[ \t]+/g, '').toLowerCase();
}

/** Does media-range `range` (`*\/*`, `type/*`, `type/subtype`) cover `type`? — §20.1, RFC 2616 §14.1. */
function mediaRangeMatches(range: string, type: string): boolean {
  if (range === '*/*' || range === type) return true;
  return range.endsWith('/*') && type.startsWith(range.slice(0, -1));
}
