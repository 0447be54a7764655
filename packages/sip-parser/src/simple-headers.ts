/**
 * Decoders for the small scalar and list headers: numbers, token lists,
 * Session-Expires / Min-SE (RFC 4028), RSeq / RAck (RFC 3262), Reason
 * (RFC 3326), Replaces (RFC 3891), Refer-To (RFC 3515), Retry-After and
 * Warning (RFC 3261 §20.33, §20.43).
 *
 * Out-of-range numbers are errors, never clamped: RFC 4475 scalar02 says an
 * element *could* treat an overlarge Expires as the default (3600) or an
 * overlarge Max-Forwards as absent; that is a policy for the caller, who can
 * catch the BAD_NUMBER and apply it. The decoders only say what was sent.
 */
import { SipParseError } from './errors.js';
import {
  describeChar,
  findParam,
  isTokenChar,
  opts,
  parseParams,
  quotedStringEnd,
  skipLws,
  splitHeaderValueSpans,
  trimLwsEnd,
  unquote,
  unquoteRange,
  where,
} from './header-values.js';
import { parseNameAddr } from './name-addr.js';
import { digitsEnd } from './uri.js';
import type { NameAddr, Param, RAck, ReasonValue, Replaces, SessionExpires } from './types.js';
import { requireString } from './arguments.js';

const MAX_U32 = 0xffff_ffff;

function badNumber(i: number, what: string, header: string | undefined): SipParseError {
  return new SipParseError('BAD_NUMBER', `${where(header, 'number')}: ${what} at offset ${i}`, opts(i, header));
}

function badValue(i: number, what: string, header: string | undefined): SipParseError {
  return new SipParseError('BAD_HEADER_VALUE', `${where(header, 'header value')}: ${what} at offset ${i}`, opts(i, header));
}

/**
 * The value of the digits `text[s, e)` (1*DIGIT, as delimited by
 * {@link digitsEnd}), no larger than `max`. Leading zeros are fine; the value
 * is checked digit by digit so a hundred-digit number is rejected without
 * losing precision.
 */
function decimalValue(text: string, s: number, e: number, max: number, what: string, header: string | undefined): number {
  if (e === s) throw badNumber(s, `expected ${what} (digits) but found ${describeChar(text, s)}`, header);
  let v = 0;
  for (let i = s; i < e; i++) {
    v = v * 10 + (text.charCodeAt(i) - 0x30);
    if (v > max) {
      const shown = e - s > 40 ? `of ${e - s} digits` : `"${text.slice(s, e)}"`;
      throw badNumber(s, `${what} ${shown} exceeds ${max}`, header);
    }
  }
  return v;
}

/** A whole value that is one number in 0..max, LWS around it tolerated. */
function wholeNumber(text: string, max: number, what: string, header: string | undefined): number {
  const end = trimLwsEnd(text, 0, text.length);
  const s = skipLws(text, 0, end);
  const i = digitsEnd(text, s, end);
  const value = decimalValue(text, s, i, max, what, header);
  if (i < end) throw badNumber(i, `unexpected ${describeChar(text, i)} after ${what}`, header);
  return value;
}

/**
 * An unsigned 32-bit decimal: `1*DIGIT`, leading zeros allowed, at most 2^32-1.
 *
 * @throws SipParseError BAD_NUMBER.
 */
export function parseUInt32(text: string, header?: string): number {
  requireString(text, 'parseUInt32: text');
  return wholeNumber(text, MAX_U32, 'number', header);
}

/**
 * Max-Forwards = "Max-Forwards" HCOLON 1*DIGIT — §20.22, 0-255 (§8.1.1.6).
 * RFC 4475 scalar02's 300 is an error.
 *
 * @throws SipParseError BAD_NUMBER.
 */
export function parseMaxForwards(text: string, header = 'Max-Forwards'): number {
  requireString(text, 'parseMaxForwards: text');
  return wholeNumber(text, 255, 'Max-Forwards', header);
}

/**
 * Expires = "Expires" HCOLON delta-seconds — §20.19; delta-seconds = 1*DIGIT,
 * 0 .. 2^32-1. Also used for other delta-seconds headers (Min-Expires, ...).
 * An overlarge value (RFC 4475 scalar02) is BAD_NUMBER; a registrar that
 * prefers RFC 4475's leniency catches it and uses its default (3600).
 *
 * @throws SipParseError BAD_NUMBER.
 */
export function parseExpires(text: string, header = 'Expires'): number {
  requireString(text, 'parseExpires: text');
  return wholeNumber(text, MAX_U32, 'delta-seconds', header);
}

/**
 * A comma-separated token list: Allow, Supported, Require, Unsupported,
 * Proxy-Require, Accept-Encoding-like option tags — §20.5, §20.32, §20.37.
 * An empty value gives `[]` (an empty `Supported:` is legal, §20.37).
 *
 * ```abnf
 * Supported = ( "Supported" / "k" ) HCOLON [option-tag *(COMMA option-tag)]   ; §25.1
 * ```
 *
 * @throws SipParseError BAD_HEADER_VALUE on an empty element or a non-token.
 */
export function parseTokenList(text: string, header?: string): string[] {
  requireString(text, 'parseTokenList: text');
  const out: string[] = [];
  const end = trimLwsEnd(text, 0, text.length);
  let i = skipLws(text, 0, end);
  if (i === end) return out;
  for (;;) {
    const s = i;
    while (i < end && isTokenChar(text.charCodeAt(i))) i++;
    if (i === s) {
      throw badValue(i, text.charCodeAt(i) === 0x2c ? 'empty list element' : `expected token but found ${describeChar(text, i)}`, header);
    }
    out.push(text.slice(s, i));
    i = skipLws(text, i, end);
    if (i === end) return out;
    if (text.charCodeAt(i) !== 0x2c) throw badValue(i, `expected "," between tokens but found ${describeChar(text, i)}`, header);
    i = skipLws(text, i + 1, end);
    if (i === end) throw badValue(i, 'empty list element after ","', header);
  }
}

/** `delta-seconds *(SEMI param)`: the number and its parameters. */
function deltaWithParams(
  text: string,
  header: string,
  what: string,
): { value: number; params: Param[]; start: number } {
  const end = trimLwsEnd(text, 0, text.length);
  const s = skipLws(text, 0, end);
  const i = digitsEnd(text, s, end);
  const value = decimalValue(text, s, i, MAX_U32, what, header);
  const { params, end: pe } = parseParams(text, i, end, header);
  if (pe < end) throw badValue(pe, `unexpected ${describeChar(text, pe)} after ${what}`, header);
  return { value, params, start: i };
}

/**
 * Session-Expires — RFC 4028 §4.
 *
 * ```abnf
 * Session-Expires  = ("Session-Expires" / "x") HCOLON delta-seconds *(SEMI se-params)
 * se-params        = refresher-param / generic-param
 * refresher-param  = "refresher" EQUAL  ("uas" / "uac")
 * ```
 * `refresher` is returned lower-cased.
 *
 * @throws SipParseError BAD_NUMBER, BAD_PARAMETER (refresher neither uac nor uas), BAD_HEADER_VALUE.
 */
export function parseSessionExpires(text: string, header = 'Session-Expires'): SessionExpires {
  requireString(text, 'parseSessionExpires: text');
  const { value, params, start } = deltaWithParams(text, header, 'delta-seconds');
  const r = findParam(params, 'refresher');
  let refresher: 'uac' | 'uas' | null = null;
  if (r !== undefined) {
    const v = r.value === null ? '' : r.value.toLowerCase();
    if (v !== 'uac' && v !== 'uas') {
      throw new SipParseError(
        'BAD_PARAMETER',
        `${header}: refresher must be "uac" or "uas", got ${JSON.stringify(r.value)} at offset ${start}`,
        opts(start, header),
      );
    }
    refresher = v;
  }
  return { deltaSeconds: value, refresher, params };
}

/**
 * Min-SE = "Min-SE" HCOLON delta-seconds *(SEMI generic-param) — RFC 4028 §5.
 *
 * @throws SipParseError BAD_NUMBER, BAD_HEADER_VALUE.
 */
export function parseMinSE(text: string, header = 'Min-SE'): number {
  requireString(text, 'parseMinSE: text');
  return deltaWithParams(text, header, 'delta-seconds').value;
}

/**
 * RSeq = "RSeq" HCOLON response-num; response-num = 1*DIGIT — RFC 3262 §7.1,
 * 1 .. 2^32-1 (§3: starts between 1 and 2^31-1 and only increases).
 *
 * @throws SipParseError BAD_NUMBER.
 */
export function parseRSeq(text: string, header = 'RSeq'): number {
  requireString(text, 'parseRSeq: text');
  const v = wholeNumber(text, MAX_U32, 'response-num', header);
  if (v === 0) throw badNumber(skipLws(text, 0, text.length), 'response-num must be at least 1', header);
  return v;
}

/**
 * RAck = "RAck" HCOLON response-num LWS CSeq-num LWS Method — RFC 3262 §7.2.
 *
 * @throws SipParseError BAD_NUMBER, BAD_HEADER_VALUE.
 */
export function parseRAck(text: string, header = 'RAck'): RAck {
  requireString(text, 'parseRAck: text');
  const end = trimLwsEnd(text, 0, text.length);
  let i = skipLws(text, 0, end);
  const r0 = i;
  i = digitsEnd(text, r0, end);
  const rseq = decimalValue(text, r0, i, MAX_U32, 'response-num', header);
  if (rseq === 0) throw badNumber(r0, 'response-num must be at least 1', header);
  let j = skipLws(text, i, end);
  if (j === i) throw badValue(i, `expected whitespace after response-num but found ${describeChar(text, i)}`, header);
  i = digitsEnd(text, j, end);
  const cseq = decimalValue(text, j, i, MAX_U32, 'CSeq-num', header);
  j = skipLws(text, i, end);
  if (j === i) throw badValue(i, `expected whitespace after CSeq-num but found ${describeChar(text, i)}`, header);
  i = j;
  while (i < end && isTokenChar(text.charCodeAt(i))) i++;
  if (i === j) throw badValue(j, `expected method but found ${describeChar(text, j)}`, header);
  if (i < end) throw badValue(i, `unexpected ${describeChar(text, i)} after method`, header);
  return { rseq, cseq, method: text.slice(j, i) };
}

/**
 * One reason-value — RFC 3326 §2.
 *
 * ```abnf
 * Reason         = "Reason" HCOLON reason-value *(COMMA reason-value)
 * reason-value   = protocol *(SEMI reason-params)
 * protocol       = "SIP" / "Q.850" / token
 * reason-params  = protocol-cause / reason-text / reason-extension
 * protocol-cause = "cause" EQUAL cause          ; cause = 1*DIGIT
 * reason-text    = "text" EQUAL quoted-string
 * ```
 * `text` is unquoted (a token value is tolerated as written).
 *
 * @throws SipParseError BAD_HEADER_VALUE, BAD_NUMBER, BAD_PARAMETER, BAD_QUOTED_STRING.
 */
export function parseReason(text: string, header = 'Reason'): ReasonValue {
  requireString(text, 'parseReason: text');
  return reasonRange(text, 0, text.length, header);
}

function reasonRange(text: string, start: number, end: number, header: string): ReasonValue {
  end = trimLwsEnd(text, start, end);
  const p0 = skipLws(text, start, end);
  let i = p0;
  while (i < end && isTokenChar(text.charCodeAt(i))) i++;
  if (i === p0) throw badValue(i, `expected protocol but found ${describeChar(text, i)}`, header);
  const protocol = text.slice(p0, i);
  const { params, end: pe } = parseParams(text, i, end, header);
  if (pe < end) throw badValue(pe, `unexpected ${describeChar(text, pe)} after reason parameters`, header);
  let cause: number | null = null;
  const c = findParam(params, 'cause');
  if (c !== undefined) {
    cause = numberParam(c.value ?? '', text, i, 'cause', header);
  }
  const t = findParam(params, 'text');
  const reasonText = t === undefined || t.value === null ? null : unquote(t.value, header);
  return { protocol, cause, text: reasonText, params };
}

/** A numeric parameter value; on error the offset is re-based onto the value's place in `text` (after `from`). */
function numberParam(v: string, text: string, from: number, what: string, header: string): number {
  try {
    return wholeNumber(v, MAX_U32, what, header);
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
    const at = text.indexOf(v, from);
    throw badNumber((at < 0 ? from : at) + Math.max(e.offset, 0), `invalid ${what} ${JSON.stringify(v)}`, header);
  }
}

/**
 * Reason with one or more comma-separated values — RFC 3326 §2.
 *
 * @throws SipParseError as {@link parseReason}; BAD_HEADER_VALUE when empty.
 */
export function parseReasonList(text: string, header = 'Reason'): ReasonValue[] {
  requireString(text, 'parseReasonList: text');
  const spans = splitHeaderValueSpans(text, header);
  if (spans.length === 0) throw badValue(0, 'expected at least one reason-value', header);
  return spans.map(([s, e]) => reasonRange(text, s, e, header));
}

/** word characters — §25.1: token characters plus ( ) < > : \ DQUOTE / [ ] ? { } */
function isWordChar(c: number): boolean {
  if (isTokenChar(c)) return true;
  switch (c) {
    case 0x28: case 0x29: case 0x3c: case 0x3e: case 0x3a: case 0x5c: case 0x22:
    case 0x2f: case 0x5b: case 0x5d: case 0x3f: case 0x7b: case 0x7d:
      return true;
    default:
      return false;
  }
}

/**
 * Replaces — RFC 3891 §6.1. `to-tag` and `from-tag` are required.
 *
 * ```abnf
 * Replaces       = "Replaces" HCOLON callid *(SEMI replaces-param)
 * replaces-param = to-tag / from-tag / early-flag / generic-param
 * to-tag         = "to-tag" EQUAL token
 * from-tag       = "from-tag" EQUAL token
 * early-flag     = "early-only"
 * callid         = word [ "@" word ]          ; RFC 3261 §25.1
 * ```
 *
 * @throws SipParseError BAD_HEADER_VALUE, BAD_PARAMETER.
 */
export function parseReplaces(text: string, header = 'Replaces'): Replaces {
  requireString(text, 'parseReplaces: text');
  const end = trimLwsEnd(text, 0, text.length);
  const c0 = skipLws(text, 0, end);
  let i = c0;
  while (i < end && isWordChar(text.charCodeAt(i))) i++;
  if (i === c0) throw badValue(i, `expected Call-ID but found ${describeChar(text, i)}`, header);
  if (i < end && text.charCodeAt(i) === 0x40) {
    const w = ++i;
    while (i < end && isWordChar(text.charCodeAt(i))) i++;
    if (i === w) throw badValue(i, `expected word after "@" in Call-ID but found ${describeChar(text, i)}`, header);
  }
  const callId = text.slice(c0, i);
  const { params, end: pe } = parseParams(text, i, end, header);
  if (pe < end) throw badValue(pe, `unexpected ${describeChar(text, pe)} after Replaces parameters`, header);
  const tag = (name: string): string => {
    const p = findParam(params, name);
    if (p === undefined || p.value === null || p.value.charCodeAt(0) === 0x22) {
      throw new SipParseError('BAD_PARAMETER', `${header}: ${name} with a token value is required at offset ${i}`, opts(i, header));
    }
    return p.value;
  };
  const toTag = tag('to-tag');
  const fromTag = tag('from-tag');
  return { callId, toTag, fromTag, earlyOnly: findParam(params, 'early-only') !== undefined, params };
}

/**
 * Refer-To — RFC 3515 §2.1: `( name-addr / addr-spec ) *(SEMI generic-param)`.
 * A URI carrying `?` headers (e.g. an embedded Replaces) must be in `<>`.
 *
 * @throws SipParseError as {@link parseNameAddr}.
 */
export function parseReferTo(text: string, header = 'Refer-To'): NameAddr {
  requireString(text, 'parseReferTo: text');
  return parseNameAddr(text, header);
}

/** Retry-After — §20.33. */
export interface RetryAfter {
  readonly deltaSeconds: number;
  /** The comment without its parentheses, quoted-pairs resolved; null when absent. */
  readonly comment: string | null;
  /** The `duration` parameter, when present. */
  readonly duration: number | null;
  readonly params: readonly Param[];
}

/**
 * Retry-After — RFC 3261 §20.33. RFC 4475 scalarlg's 27-digit value is BAD_NUMBER.
 *
 * ```abnf
 * Retry-After = "Retry-After" HCOLON delta-seconds [ comment ] *( SEMI retry-param )
 * retry-param = ("duration" EQUAL delta-seconds) / generic-param
 * comment     = LPAREN *(ctext / quoted-pair / comment) RPAREN
 * ```
 *
 * @throws SipParseError BAD_NUMBER, BAD_HEADER_VALUE, BAD_PARAMETER.
 */
export function parseRetryAfter(text: string, header = 'Retry-After'): RetryAfter {
  requireString(text, 'parseRetryAfter: text');
  const end = trimLwsEnd(text, 0, text.length);
  const ds = skipLws(text, 0, end);
  let i = digitsEnd(text, ds, end);
  const deltaSeconds = decimalValue(text, ds, i, MAX_U32, 'delta-seconds', header);
  let comment: string | null = null;
  const c = skipLws(text, i, end);
  if (c < end && text.charCodeAt(c) === 0x28) {
    const ce = commentEnd(text, c, end, header);
    comment = unescapeComment(text, c + 1, ce - 1);
    i = ce;
  }
  const { params, end: pe } = parseParams(text, i, end, header);
  if (pe < end) throw badValue(pe, `unexpected ${describeChar(text, pe)} after Retry-After`, header);
  let duration: number | null = null;
  const d = findParam(params, 'duration');
  if (d !== undefined) duration = numberParam(d.value ?? '', text, i, 'duration', header);
  return { deltaSeconds, comment, duration, params };
}

/** Index after the comment opening at `start` (nested parentheses, quoted-pairs) — §25.1. */
function commentEnd(text: string, start: number, end: number, header: string): number {
  let depth = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x28) depth++;
    else if (c === 0x29 && --depth === 0) return i + 1;
  }
  throw badValue(start, 'unterminated comment "("', header);
}

function unescapeComment(text: string, s: number, e: number): string {
  let out = '';
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c && i + 1 < e) i++;
    out += text.charAt(i);
  }
  return out;
}

/** One warning-value — §20.43. */
export interface WarningValue {
  /** The 3-digit warn-code. */
  readonly code: number;
  /** warn-agent (hostport or pseudonym) as written. */
  readonly agent: string;
  /** warn-text, unquoted. */
  readonly text: string;
}

/**
 * Warning — RFC 3261 §20.43. RFC 4475 scalarlg's 4-digit code is BAD_NUMBER.
 *
 * ```abnf
 * Warning       = "Warning" HCOLON warning-value *(COMMA warning-value)
 * warning-value = warn-code SP warn-agent SP warn-text
 * warn-code     = 3DIGIT
 * warn-agent    = hostport / pseudonym       ; pseudonym = token
 * warn-text     = quoted-string
 * ```
 *
 * @throws SipParseError BAD_NUMBER, BAD_HEADER_VALUE, BAD_QUOTED_STRING.
 */
export function parseWarning(text: string, header = 'Warning'): WarningValue[] {
  requireString(text, 'parseWarning: text');
  const spans = splitHeaderValueSpans(text, header);
  if (spans.length === 0) throw badValue(0, 'expected at least one warning-value', header);
  const out: WarningValue[] = [];
  for (const [s, e] of spans) {
    let i = s;
    let code = 0;
    while (i < e) {
      const c = text.charCodeAt(i);
      if (c < 0x30 || c > 0x39) break;
      code = code * 10 + (c - 0x30);
      i++;
    }
    if (i - s !== 3) throw badNumber(s, `warn-code must be exactly 3 digits, got "${text.slice(s, Math.min(i, s + 20))}"`, header);
    let j = skipLws(text, i, e);
    if (j === i) throw badValue(i, `expected SP after warn-code but found ${describeChar(text, i)}`, header);
    const a0 = j;
    while (j < e) {
      const c = text.charCodeAt(j);
      // hostport / pseudonym: token characters plus ":" "[" "]" of hosts and ports
      if (!isTokenChar(c) && c !== 0x3a && c !== 0x5b && c !== 0x5d) break;
      j++;
    }
    if (j === a0) throw badValue(j, `expected warn-agent but found ${describeChar(text, j)}`, header);
    const agent = text.slice(a0, j);
    const q = skipLws(text, j, e);
    if (q === j || q >= e || text.charCodeAt(q) !== 0x22) {
      throw badValue(q, `expected SP and quoted warn-text but found ${describeChar(text, q)}`, header);
    }
    const qe = quotedStringEnd(text, q, e, header);
    if (qe !== e) throw badValue(qe, `unexpected ${describeChar(text, qe)} after warn-text`, header);
    out.push({ code, agent, text: unquoteRange(text, q, qe) });
  }
  return out;
}
