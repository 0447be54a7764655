/**
 * Building requests and responses — RFC 3261 §8.1.1 (requests) and §8.2.6
 * (responses).
 */
import { TOKEN } from './charset.js';
import { H_CALL_ID, H_CSEQ, H_FROM, H_RECORD_ROUTE, H_TIMESTAMP, H_TO, H_VIA, type HeaderId, canonicalNameOfId } from './header-names.js';
import { FLAG_FOLDED, F_FLAGS, F_NAME_E, F_NAME_S, F_RAW_E, F_VAL_E, F_VAL_S, STRIDE, SipHeaders, type HeaderEntry } from './headers.js';
import { SipRequest, SipResponse, reasonPhrase } from './message.js';
import type { Uri } from './types.js';

/** Header fields as ordered pairs or as a record (an array value gives one line per element). */
export type HeaderInit = Iterable<readonly [string, string]> | Readonly<Record<string, string | readonly string[]>>;

/** Options for {@link createRequest}. */
export interface CreateRequestOptions {
  /** Method, a token: `INVITE`, `OPTIONS`, ... */
  method: string;
  /** Request-URI. */
  uri: string | Uri;
  /** Header fields in order. Default: none. Content-Length is always computed by the serializer. */
  headers?: HeaderInit;
  /** Body; a string is encoded as UTF-8. Default: empty. */
  body?: Uint8Array | string;
  /** Content-Type to set (replacing one given in `headers`). Default: none. */
  contentType?: string;
}

function toPairs(init: HeaderInit | undefined): Iterable<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [];
  if (init === undefined) return out;
  // Pairs are read once, in order: no copy needed.
  if (Symbol.iterator in init) return init as Iterable<readonly [string, string]>;
  for (const [k, v] of Object.entries(init as Readonly<Record<string, string | readonly string[]>>)) {
    if (typeof v === 'string') out.push([k, v]);
    else for (const x of v) out.push([k, x]);
  }
  return out;
}

/**
 * Build a request. Nothing is added implicitly: the caller (usually the
 * transaction layer) supplies Via, Max-Forwards, From, To, Call-ID and CSeq
 * (§8.1.1); the serializer adds Content-Length.
 *
 * @throws TypeError for a non-token method, a URI with whitespace, or a bad header name/value.
 * @example
 * const req = createRequest({ method: 'OPTIONS', uri: 'sip:bob@example.com', headers: [
 *   ['Via', 'SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK74bf9'], ['Max-Forwards', '70'],
 *   ['From', '<sip:alice@example.com>;tag=9fxced76sl'], ['To', '<sip:bob@example.com>'],
 *   ['Call-ID', '3848276298220188511@192.0.2.1'], ['CSeq', '1 OPTIONS'] ] });
 */
export function createRequest(options: CreateRequestOptions): SipRequest {
  const headers = new SipHeaders(toPairs(options.headers));
  if (options.contentType !== undefined) headers.set('Content-Type', options.contentType);
  const init: ConstructorParameters<typeof SipRequest>[0] = { method: options.method, uri: options.uri, headers };
  if (options.body !== undefined) init.body = options.body;
  return new SipRequest(init);
}

/** Options for {@link createResponse}. */
export interface CreateResponseOptions {
  /** Reason-Phrase. Default: {@link reasonPhrase} of the status. */
  reason?: string;
  /**
   * Tag to add to To when the request's To has none (§8.2.6.2: a UAS MUST add
   * one, except in 100 Trying). Ignored when the request's To already has a tag.
   * Default: none added.
   */
  toTag?: string;
  /**
   * Copy Record-Route (§12.1.1: a response that establishes a dialog carries
   * the request's Record-Route values in order). Default: false.
   */
  copyRecordRoute?: boolean;
  /** Extra header fields, appended after the copied ones. Default: none. */
  headers?: HeaderInit;
  /** Body; a string is encoded as UTF-8. Default: empty. */
  body?: Uint8Array | string;
  /** Content-Type to set. Default: none. */
  contentType?: string;
}

/**
 * Build a response to `request` — RFC 3261 §8.2.6.
 *
 * Copies, in this order: every Via line (order kept, §8.2.6.2), From, To,
 * Call-ID, CSeq; for 100 Trying also Timestamp (§8.2.6.1); Record-Route when
 * asked. Values are copied as received (unfolded). Copied lines that the
 * request carries exactly as `Name: value` are kept as references to the
 * request's bytes (written out byte for byte), so, as for the request itself,
 * the buffer it was parsed from must not be reused while the response is in use.
 *
 * @param reasonOrOptions a Reason-Phrase, or options.
 * @throws TypeError for a status outside 100-699 or a `toTag` that is not a token.
 * @throws SipParseError when `toTag` must be added and the request's To does not parse.
 * @example
 * const ringing = createResponse(invite, 180, { toTag: 'a6c85cf' });
 */
export function createResponse(
  request: SipRequest,
  status: number,
  reasonOrOptions?: string | CreateResponseOptions,
): SipResponse {
  const o: CreateResponseOptions = typeof reasonOrOptions === 'string' ? { reason: reasonOrOptions } : (reasonOrOptions ?? {});
  if (!Number.isInteger(status) || status < 100 || status > 699) {
    throw new TypeError(`status ${String(status)} is not an integer 100-699 (§7.2)`);
  }
  if (o.toTag !== undefined && !isToken(o.toTag)) {
    throw new TypeError(`toTag ${JSON.stringify(o.toTag)} is not a token (§25.1 tag-param)`);
  }
  const rh = request.headers;
  // The response's header list shares the request's received bytes, so a
  // copied line that is already in `Name: value` form is a reference to its
  // bytes (no decoding, one span copy at serialization).
  const headers = SipHeaders._fromWire(rh._src, rh._bytes, rh._meta ?? NO_META, rh._n);
  const es: HeaderEntry[] = [];
  headers._entries = es;
  copyLines(rh, H_VIA, true, es);
  if (o.copyRecordRoute === true) copyLines(rh, H_RECORD_ROUTE, true, es);
  copyLines(rh, H_FROM, false, es);
  const toAt = rh._firstIndexOfId(H_TO);
  if (toAt >= 0) {
    // §8.2.6.2: keep an existing tag; otherwise add the UAS's tag if given.
    const addTag = o.toTag !== undefined && request.to?.tag === null;
    if (addTag) es.push({ id: H_TO, o: -1, name: 'To', value: `${rh._valueAt(toAt)};tag=${o.toTag!}` });
    else copyLine(rh, toAt, es);
  }
  copyLines(rh, H_CALL_ID, false, es);
  copyLines(rh, H_CSEQ, false, es);
  if (status === 100) copyLines(rh, H_TIMESTAMP, false, es); // §8.2.6.1
  for (const [k, v] of toPairs(o.headers)) headers.append(k, v);
  if (o.contentType !== undefined) headers.set('Content-Type', o.contentType);
  const init: ConstructorParameters<typeof SipResponse>[0] = {
    status,
    reason: o.reason ?? reasonPhrase(status),
    headers,
  };
  if (o.body !== undefined) init.body = o.body;
  return new SipResponse(init);
}

const NO_META: number[] = [];

/** Copy the first line (or every line) of header `id` from `from` to `es`, in order. */
function copyLines(from: SipHeaders, id: HeaderId, all: boolean, es: HeaderEntry[]): void {
  const n = from.count;
  for (let i = 0; i < n; i++) {
    if (from._idAt(i) !== id) continue;
    copyLine(from, i, es);
    if (!all) return;
  }
}

/**
 * Copy line `i` of `from` as `Canonical-Name: value` (values unfolded, as
 * received). A received line already written exactly that way is copied as a
 * reference to its bytes; anything else as text. The headers came from a
 * parsed or checked list, so they need no new token/CR-LF checks.
 */
function copyLine(from: SipHeaders, i: number, es: HeaderEntry[]): void {
  const id = from._idAt(i);
  const name = canonicalNameOfId(id);
  const o = from._entries === null ? i * STRIDE : from._entries[i]!.o;
  if (o >= 0 && isCanonicalWireLine(from, o, name)) es.push({ id, o, name: null, value: null });
  else es.push({ id, o: -1, name, value: from._valueAt(i) });
}

/**
 * True when the received line at record `o` reads exactly `name: value`: the
 * canonical name, one SP after the colon, not folded, no trailing WSP, ASCII —
 * so its bytes are what writing the decoded value would produce.
 */
function isCanonicalWireLine(h: SipHeaders, o: number, name: string): boolean {
  const m = h._meta!;
  const b = h._bytes;
  const ns = m[o + F_NAME_S]!;
  const ne = m[o + F_NAME_E]!;
  const vs = m[o + F_VAL_S]!;
  const ve = m[o + F_VAL_E]!;
  if (ne - ns !== name.length || vs !== ne + 2 || ve !== m[o + F_RAW_E]! || (m[o + F_FLAGS]! & FLAG_FOLDED) !== 0) return false;
  if (b[ne] !== 0x3a || b[ne + 1] !== 0x20) return false;
  for (let k = 0; k < name.length; k++) if (b[ns + k] !== name.charCodeAt(k)) return false;
  for (let k = vs; k < ve; k++) {
    const c = b[k]!;
    if (c >= 0x80 || c === 0x0d || c === 0x0a) return false;
  }
  return true;
}

function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff || TOKEN[c] !== 1) return false;
  }
  return true;
}
