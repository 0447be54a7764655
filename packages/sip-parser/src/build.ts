/**
 * Building requests and responses — RFC 3261 §8.1.1 (requests) and §8.2.6
 * (responses).
 */
import { TOKEN } from './charset.js';
import { H_CALL_ID, H_CSEQ, H_FROM, H_RECORD_ROUTE, H_TIMESTAMP, H_TO, H_VIA, type HeaderId, canonicalNameOfId } from './header-names.js';
import { SipHeaders } from './headers.js';
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

function toPairs(init: HeaderInit | undefined): Array<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [];
  if (init === undefined) return out;
  if (Symbol.iterator in init) {
    for (const [k, v] of init as Iterable<readonly [string, string]>) out.push([k, v]);
    return out;
  }
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
 * asked. Values are copied as received (unfolded).
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
  const headers = new SipHeaders();
  const copy = (id: HeaderId, all: boolean): void => {
    const values = rh._lineValuesOfId(id);
    const name = canonicalNameOfId(id);
    for (const v of all ? values : values.slice(0, 1)) headers.append(name, v);
  };
  copy(H_VIA, true);
  if (o.copyRecordRoute === true) copy(H_RECORD_ROUTE, true);
  copy(H_FROM, false);
  const to = rh._lineValuesOfId(H_TO)[0];
  if (to !== undefined) {
    // §8.2.6.2: keep an existing tag; otherwise add the UAS's tag if given.
    const addTag = o.toTag !== undefined && request.to?.tag === null;
    headers.append('To', addTag ? `${to};tag=${o.toTag!}` : to);
  }
  copy(H_CALL_ID, false);
  copy(H_CSEQ, false);
  if (status === 100) copy(H_TIMESTAMP, false); // §8.2.6.1
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

function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff || TOKEN[c] !== 1) return false;
  }
  return true;
}
