/**
 * name-addr / addr-spec values with header parameters: From, To, Contact,
 * Route, Record-Route, Refer-To, ... — RFC 3261 §20.10, §25.1.
 *
 * Choices for the RFC 4475 §3.1.2 cases a parser may accept or reject:
 * - lwsdisp `caller<sip:caller@example.com>` (no LWS before `<`): accepted.
 * - quotbal (unterminated display-name quote): rejected, BAD_QUOTED_STRING.
 * - badaspec `< sip:t.watson@example.org >` (LWS inside `<>`): rejected,
 *   BAD_NAME_ADDR — the grammar has no LWS there and "ignoring" it would
 *   forward a different value than was received.
 * - baddn `Bell, Alexander <sip:...>` (unquoted comma in the display name):
 *   rejected, BAD_NAME_ADDR — in a list header it would split the value.
 * - regbadct `sip:user@example.com?Route=...` outside `<>`: rejected,
 *   BAD_NAME_ADDR — §20.10 requires `<>` around a URI holding `,` `?` or `;`.
 */
import { SipParseError } from './errors.js';
import {
  describeChar,
  findParam,
  formatParams,
  indexOfIn,
  isTokenChar,
  opts,
  parseParams,
  quote,
  quotedStringEnd,
  skipLws,
  splitHeaderValueSpans,
  trimLwsEnd,
  unquoteRange,
  where,
} from './header-values.js';
import { formatUri, parseUriRange } from './uri.js';
import { DEFAULT_LIMITS, type NameAddr, type Param, type Uri } from './types.js';
import { requireString } from './arguments.js';

/**
 * A {@link NameAddr} exactly as parsed; `formatNameAddr` trusts its `raw`.
 * An edited copy (`{ ...v, tag }`) is a plain object, formatted from its parts.
 */
class ParsedNameAddr implements NameAddr {
  constructor(
    readonly displayName: string | null,
    readonly uri: Uri,
    readonly params: readonly Param[],
    readonly tag: string | null,
    readonly raw: string,
  ) {}
}

function bad(_text: string, i: number, what: string, header: string | undefined): SipParseError {
  return new SipParseError('BAD_NAME_ADDR', `${where(header, 'name-addr')}: ${what} at offset ${i}`, opts(i, header));
}

/**
 * Parse one name-addr or addr-spec with its header parameters.
 *
 * ```abnf
 * from-spec    = ( name-addr / addr-spec ) *( SEMI from-param )   ; §25.1
 * name-addr    = [ display-name ] LAQUOT addr-spec RAQUOT
 * display-name = *(token LWS) / quoted-string
 * addr-spec    = SIP-URI / SIPS-URI / absoluteURI
 * LAQUOT = SWS "<"    RAQUOT = ">" SWS
 * ```
 *
 * In addr-spec form the parameters after the URI are header parameters, not
 * URI parameters (§20.10; RFC 4475 cparam01 vs cparam02).
 *
 * @param header canonical header name, used in error messages and `SipParseError.header`.
 * @throws SipParseError BAD_NAME_ADDR, BAD_QUOTED_STRING, BAD_PARAMETER, BAD_URI, URI_TOO_LONG.
 * @example
 * parseNameAddr('"Bob" <sip:bob@biloxi.com>;tag=a6c85cf').tag // 'a6c85cf'
 */
export function parseNameAddr(
  text: string,
  header?: string,
  maxUriLength: number = DEFAULT_LIMITS.maxUriLength,
): NameAddr {
  requireString(text, 'parseNameAddr: text');
  return parseNameAddrRange(text, 0, text.length, header, maxUriLength);
}

/**
 * {@link parseNameAddr} over `text[start, end)`; offsets index into `text`.
 *
 * @internal
 */
export function parseNameAddrRange(
  text: string,
  start: number,
  end: number,
  header: string | undefined,
  maxUriLength: number,
): NameAddr {
  const rawStart = start;
  const rawEnd = end;
  let i = skipLws(text, start, end);
  end = trimLwsEnd(text, i, end);
  if (i === end) throw bad(text, i, 'expected name-addr or addr-spec but the value is empty', header);
  let displayName: string | null = null;
  let c = text.charCodeAt(i);
  let angle = c === 0x3c;
  if (c === 0x22) {
    const qe = quotedStringEnd(text, i, end, header);
    displayName = unquoteRange(text, i, qe);
    i = skipLws(text, qe, end);
    if (i >= end || text.charCodeAt(i) !== 0x3c) {
      throw bad(text, i, `expected "<" after quoted display name but found ${describeChar(text, i)}`, header);
    }
    angle = true;
  } else if (!angle) {
    // *(token LWS) then "<" is a display name; anything else is an addr-spec.
    let j = i;
    while (j < end) {
      c = text.charCodeAt(j);
      if (!isTokenChar(c) && c !== 0x20 && c !== 0x09) break;
      j++;
    }
    if (j < end && text.charCodeAt(j) === 0x3c) {
      displayName = text.slice(i, trimLwsEnd(text, i, j));
      i = j;
      angle = true;
    } else if (j < end && text.charCodeAt(j) !== 0x3a && indexOfIn(text, '<', j, end) !== -1) {
      throw bad(text, j, `unexpected ${describeChar(text, j)} in display name (a display name that is not all tokens must be quoted)`, header);
    }
  }
  let uri: Uri;
  if (angle) {
    const us = i + 1;
    const gt = indexOfIn(text, '>', us, end);
    if (gt === -1) throw bad(text, i, 'missing ">" after "<"', header);
    if (gt === us) throw bad(text, us, 'empty "<>"', header);
    const c1 = text.charCodeAt(us);
    const c2 = text.charCodeAt(gt - 1);
    if (c1 === 0x20 || c1 === 0x09) throw bad(text, us, 'whitespace after "<" (RFC 4475 badaspec)', header);
    if (c2 === 0x20 || c2 === 0x09) throw bad(text, gt - 1, 'whitespace before ">" (RFC 4475 badaspec)', header);
    uri = parseUriRange(text, us, gt, maxUriLength, header);
    i = gt + 1;
  } else {
    // addr-spec: the URI runs to the first ";" or LWS (§20.10)
    let ue = i;
    while (ue < end) {
      c = text.charCodeAt(ue);
      if (c === 0x3b || c === 0x20 || c === 0x09) break;
      if (c === 0x2c || c === 0x3f) {
        throw bad(text, ue, `addr-spec containing ${describeChar(text, ue)} must be enclosed in "<" ">" (§20.10)`, header);
      }
      ue++;
    }
    uri = parseUriRange(text, i, ue, maxUriLength, header);
    i = ue;
  }
  const { params, end: pe } = parseParams(text, i, end, header);
  if (pe < end) throw bad(text, pe, `unexpected ${describeChar(text, pe)} after the URI and its parameters`, header);
  const tagParam = findParam(params, 'tag');
  let tag: string | null = null;
  if (tagParam !== undefined) {
    if (tagParam.value === null || tagParam.value.charCodeAt(0) === 0x22) {
      throw new SipParseError(
        'BAD_PARAMETER',
        `${where(header, 'name-addr')}: tag parameter needs a token value at offset ${i}`,
        opts(i, header),
      );
    }
    tag = tagParam.value;
  }
  return new ParsedNameAddr(
    displayName,
    uri,
    params,
    tag,
    rawStart === 0 && rawEnd === text.length ? text : text.slice(skipLws(text, rawStart, rawEnd), end),
  );
}

/**
 * Write a name-addr. A value returned by the parser (unchanged) gives back
 * its `raw`; otherwise the URI is always put in `<>` (safe for any URI), the
 * display name is quoted, and `tag` (authoritative over a `tag` entry in
 * `params`) is written as a parameter.
 */
export function formatNameAddr(v: NameAddr): string {
  if (v instanceof ParsedNameAddr) return v.raw;
  let out = v.displayName === null ? '' : quote(v.displayName) + ' ';
  out += '<' + formatUri(v.uri) + '>';
  const params: Param[] = [];
  let wroteTag = false;
  for (const p of v.params) {
    if (p.name.toLowerCase() === 'tag') {
      if (v.tag === null || wroteTag) continue;
      params.push({ name: p.name, value: v.tag });
      wroteTag = true;
    } else {
      params.push(p);
    }
  }
  if (v.tag !== null && !wroteTag) params.push({ name: 'tag', value: v.tag });
  return out + formatParams(params);
}

/**
 * Contact value — §20.10, §25.1: `"*"` (returned as the string `'*'`) or a
 * comma-separated list of name-addr / addr-spec with contact-params.
 *
 * ```abnf
 * Contact = ("Contact" / "m" ) HCOLON ( STAR / (contact-param *(COMMA contact-param)))
 * ```
 *
 * @throws SipParseError BAD_HEADER_VALUE for an empty value or element, or an element error.
 */
export function parseContactList(
  text: string,
  header = 'Contact',
  maxUriLength: number = DEFAULT_LIMITS.maxUriLength,
): NameAddr[] | '*' {
  requireString(text, 'parseContactList: text');
  const s = skipLws(text, 0, text.length);
  const e = trimLwsEnd(text, s, text.length);
  if (e - s === 1 && text.charCodeAt(s) === 0x2a) return '*';
  return parseNameAddrList(text, header, maxUriLength);
}

/**
 * A comma-separated list of name-addr / addr-spec values (Route,
 * Record-Route, Path, ... and Contact without `*`).
 *
 * @throws SipParseError BAD_HEADER_VALUE when empty or with an empty element.
 */
export function parseNameAddrList(
  text: string,
  header = 'Route',
  maxUriLength: number = DEFAULT_LIMITS.maxUriLength,
): NameAddr[] {
  requireString(text, 'parseNameAddrList: text');
  const spans = splitHeaderValueSpans(text, header);
  if (spans.length === 0) {
    throw new SipParseError('BAD_HEADER_VALUE', `${header}: expected at least one value at offset 0`, opts(0, header));
  }
  const out: NameAddr[] = [];
  for (const [s, e] of spans) out.push(parseNameAddrRange(text, s, e, header, maxUriLength));
  return out;
}
