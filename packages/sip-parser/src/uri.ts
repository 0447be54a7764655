/**
 * URI decoding, formatting and comparison.
 *
 * - `sip:` / `sips:` — RFC 3261 §19.1, ABNF §25.1, IPv6 references per RFC 5118
 * - `tel:` — RFC 3966
 * - any other scheme — RFC 2396 absoluteURI (§25.1), kept opaque
 *
 * Hand-written index scanners over the charset.ts tables; no regex, linear time.
 */
import { SipParseError } from './errors.js';
import { HEX, HNV_CHAR, HOST_CHAR, PARAM_CHAR, PASSWORD_CHAR, USER_CHAR, asciiLower } from './charset.js';
import { NO_PARAMS, describeChar, indexOfIn, opts, where } from './header-values.js';
import { DEFAULT_LIMITS, type AbsoluteUri, type Param, type SipUri, type TelUri, type Uri } from './types.js';
import { requireString } from './arguments.js';

function table(chars: string, base?: Uint8Array): Uint8Array {
  const t = new Uint8Array(256);
  if (base !== undefined) t.set(base);
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
}

/** scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) — §25.1 */
const SCHEME_CHAR = table('+-.', HOST_CHAR);
/** uric = reserved / unreserved / escaped (RFC 2396 §2), plus "[" "]" (RFC 2732); "%" checked separately. */
const URIC = table(";/?:@&=+$,-_.!~*'()[]", HOST_CHAR);
/** tel pvalue / isub characters: paramchar plus the uric extras isdn-subaddress allows — RFC 3966 §3. */
const TEL_VALUE = table('?@=,', PARAM_CHAR);
/** tel pname = 1*( alphanum / "-" ) — RFC 3966 §3 */
const TEL_PNAME = table('-', HOST_CHAR);
TEL_PNAME[0x2e] = 0; // HOST_CHAR has "."; pname does not
/** phonedigit-hex / visual-separator characters of a tel number — RFC 3966 §3 */
const TEL_LOCAL = table('*#-.()', HEX);

/*
 * Parsed values are class instances so `formatUri` can trust their `raw`
 * with one `instanceof`: an edited copy (`{ ...uri, port: 5070 }`) is a plain
 * object and is formatted from its parts. (A WeakSet of parsed values cost
 * ~1 µs per add — more than the parse itself.)
 */

/** A {@link SipUri} exactly as parsed. */
class ParsedSipUri implements SipUri {
  readonly kind = 'sip' as const;
  constructor(
    readonly scheme: 'sip' | 'sips',
    readonly user: string | null,
    readonly password: string | null,
    readonly host: string,
    readonly hostType: 'hostname' | 'ipv4' | 'ipv6',
    readonly port: number | null,
    readonly params: readonly Param[],
    readonly headers: readonly Param[],
    readonly raw: string,
  ) {}
}

/** A {@link TelUri} exactly as parsed. */
class ParsedTelUri implements TelUri {
  readonly kind = 'tel' as const;
  readonly scheme = 'tel' as const;
  constructor(
    readonly number: string,
    readonly global: boolean,
    readonly params: readonly Param[],
    readonly raw: string,
  ) {}
}

/** An {@link AbsoluteUri} exactly as parsed. */
class ParsedAbsoluteUri implements AbsoluteUri {
  readonly kind = 'absolute' as const;
  constructor(
    readonly scheme: string,
    readonly raw: string,
  ) {}
}

// ---------------------------------------------------------------------------
// Errors

function badUri(i: number, what: string, header: string | undefined): SipParseError {
  return new SipParseError('BAD_URI', `${where(header, 'URI')}: ${what} at offset ${i}`, opts(i, header));
}

function unexpected(text: string, i: number, context: string, header: string | undefined): SipParseError {
  return badUri(i, `unexpected ${describeChar(text, i)} in ${context}`, header);
}

// ---------------------------------------------------------------------------
// Parsing

/**
 * Parse a URI: sip/sips into {@link SipUri}, tel into {@link TelUri}, any other
 * syntactically valid absoluteURI into {@link AbsoluteUri}.
 *
 * User, password, parameter and header names and values are %-decoded exactly
 * once (RFC 4475 esc01: `sips%3Auser%40example.com` → `sips:user@example.com`;
 * escnull: `%00` → NUL). Escaped bytes are read as UTF-8, an invalid sequence
 * becoming U+FFFD. Host, parameter names and tel numbers keep their case as written.
 *
 * @param maxLength longest URI accepted (characters).
 * @throws SipParseError BAD_URI, or URI_TOO_LONG (statusHint 414).
 * @example
 * parseUri('sip:alice@atlanta.com;transport=tcp').params // [{ name: 'transport', value: 'tcp' }]
 */
export function parseUri(text: string, maxLength: number = DEFAULT_LIMITS.maxUriLength): Uri {
  requireString(text, 'parseUri: text');
  return parseUriRange(text, 0, text.length, maxLength, undefined);
}

/**
 * Parse a URI and require it to be sip/sips.
 *
 * @throws SipParseError BAD_URI when the scheme is not sip or sips.
 */
export function parseSipUri(text: string, maxLength: number = DEFAULT_LIMITS.maxUriLength): SipUri {
  requireString(text, 'parseSipUri: text');
  const uri = parseUri(text, maxLength);
  if (uri.kind !== 'sip') {
    throw new SipParseError('BAD_URI', `URI: expected a sip or sips URI, got scheme "${uri.scheme}" at offset 0`, {
      offset: 0,
    });
  }
  return uri;
}

/**
 * Parse the URI in `text[start, end)`; error offsets are indexes into `text`.
 * Used by the name-addr decoder so errors point into the whole header value.
 *
 * @internal
 */
export function parseUriRange(
  text: string,
  start: number,
  end: number,
  maxLength: number,
  header: string | undefined,
): Uri {
  if (end - start > maxLength) {
    throw new SipParseError(
      'URI_TOO_LONG',
      `${where(header, 'URI')}: URI of ${end - start} characters exceeds the limit of ${maxLength} at offset ${start}`,
      opts(start, header, 414),
    );
  }
  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
  let i = start;
  const c0 = i < end ? text.charCodeAt(i) | 0x20 : 0;
  if (c0 < 0x61 || c0 > 0x7a) throw badUri(i, `expected URI scheme but found ${describeChar(text, i)}`, header);
  i++;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c >= 256 || SCHEME_CHAR[c] !== 1) break;
    i++;
  }
  if (i >= end || text.charCodeAt(i) !== 0x3a) {
    throw badUri(i, `expected ":" after URI scheme but found ${describeChar(text, i)}`, header);
  }
  const len = i - start;
  if (len === 3 || len === 4) {
    const s = asciiLower(text.slice(start, i));
    if (s === 'sip' || s === 'sips') return parseSip(text, start, i + 1, end, s, header);
    if (s === 'tel') return parseTel(text, start, i + 1, end, header);
  }
  return parseAbsolute(text, start, i, end, header);
}

/** Check `%HH` at `i`; returns the index after it. */
function escapeEnd(text: string, i: number, end: number, header: string | undefined): number {
  const h1 = i + 1 < end ? text.charCodeAt(i + 1) : 0;
  const h2 = i + 2 < end ? text.charCodeAt(i + 2) : 0;
  if (h1 >= 256 || HEX[h1] !== 1 || h2 >= 256 || HEX[h2] !== 1) {
    throw badUri(i, `invalid escape "${text.slice(i, Math.min(i + 3, end))}" (expected "%" HEX HEX)`, header);
  }
  return i + 3;
}

/**
 * Scan characters of class `cls` or `%HH` escapes from `i`. Returns the end
 * index times two, plus one when an escape was seen (read it with
 * {@link scannedEnd} / {@link hadEscape}), so the caller can skip decoding the
 * common escape-free case without a second pass or an allocation.
 */
function scanEscaped(text: string, i: number, end: number, cls: Uint8Array, header: string | undefined): number {
  let escaped = 0;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 0x25) {
      i = escapeEnd(text, i, end, header);
      escaped = 1;
    } else if (c < 256 && cls[c] === 1) {
      i++;
    } else {
      break;
    }
  }
  return i * 2 + escaped;
}

/** The end index of a {@link scanEscaped} result. */
function scannedEnd(scanned: number): number {
  return scanned >>> 1;
}

/** Whether a {@link scanEscaped} result covered a `%HH` escape. */
function hadEscape(scanned: number): boolean {
  return (scanned & 1) === 1;
}

function hexVal(c: number): number {
  return c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57;
}

const utf8 = new TextDecoder('utf-8');

/** %-decode a validated range once (escapes are known well formed; other characters ASCII). */
function pctDecode(text: string, s: number, e: number, hasEscape: boolean): string {
  if (!hasEscape) return text.slice(s, e);
  let ascii = true;
  for (let i = s; i < e; i++) {
    if (text.charCodeAt(i) === 0x25) {
      if (hexVal(text.charCodeAt(i + 1)) >= 8) {
        ascii = false;
        break;
      }
      i += 2;
    }
  }
  if (ascii) {
    let out = '';
    let seg = s;
    for (let i = s; i < e; i++) {
      if (text.charCodeAt(i) === 0x25) {
        out += text.slice(seg, i) + String.fromCharCode(hexVal(text.charCodeAt(i + 1)) * 16 + hexVal(text.charCodeAt(i + 2)));
        i += 2;
        seg = i + 1;
      }
    }
    return out + text.slice(seg, e);
  }
  const bytes = new Uint8Array(e - s);
  let n = 0;
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25) {
      bytes[n++] = hexVal(text.charCodeAt(i + 1)) * 16 + hexVal(text.charCodeAt(i + 2));
      i += 2;
    } else {
      bytes[n++] = c;
    }
  }
  return utf8.decode(bytes.subarray(0, n));
}

/**
 * ```abnf
 * SIP-URI    = "sip:" [ userinfo ] hostport uri-parameters [ headers ]   ; §25.1
 * SIPS-URI   = "sips:" [ userinfo ] hostport uri-parameters [ headers ]
 * userinfo   = ( user / telephone-subscriber ) [ ":" password ] "@"
 * user       = 1*( unreserved / escaped / user-unreserved )
 * password   = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," )
 * hostport   = host [ ":" port ]
 * uri-parameters = *( ";" uri-parameter )
 * other-param    = pname [ "=" pvalue ]       ; pname/pvalue = 1*paramchar
 * headers    = "?" header *( "&" header )
 * header     = hname "=" hvalue               ; hname = 1*( hnv-unreserved / unreserved / escaped )
 * ```
 * `@` cannot appear unescaped anywhere else in a SIP URI, so the first `@`
 * ends the userinfo (which may itself hold `;` `?` `/` — RFC 4475 semiuri).
 */
function parseSip(
  text: string,
  start: number,
  i: number,
  end: number,
  scheme: 'sip' | 'sips',
  header: string | undefined,
): SipUri {
  let user: string | null = null;
  let password: string | null = null;
  const at = indexOfIn(text, '@', i, end);
  if (at !== -1) {
    const us = scanEscaped(text, i, at, USER_CHAR, header);
    const ue = scannedEnd(us);
    if (ue === i) throw badUri(i, 'empty user part before "@"', header);
    user = pctDecode(text, i, ue, hadEscape(us));
    if (ue < at) {
      if (text.charCodeAt(ue) !== 0x3a) throw unexpected(text, ue, 'user part', header);
      const ps = scanEscaped(text, ue + 1, at, PASSWORD_CHAR, header);
      const pe = scannedEnd(ps);
      if (pe < at) throw unexpected(text, pe, 'password', header);
      password = pctDecode(text, ue + 1, pe, hadEscape(ps));
    }
    i = at + 1;
  }
  const host = scanHost(text, i, end, header, 'BAD_URI');
  i = host.end;
  let port: number | null = null;
  if (i < end && text.charCodeAt(i) === 0x3a) {
    const pe = digitsEnd(text, i + 1, end);
    port = portValue(text, i + 1, pe, header, 'BAD_URI');
    i = pe;
  }
  const params: Param[] = [];
  while (i < end && text.charCodeAt(i) === 0x3b) {
    const ns = i + 1;
    const nameScan = scanEscaped(text, ns, end, PARAM_CHAR, header);
    const ne = scannedEnd(nameScan);
    if (ne === ns) throw badUri(ns, `expected URI parameter name after ";" but found ${describeChar(text, ns)}`, header);
    const name = pctDecode(text, ns, ne, hadEscape(nameScan));
    let value: string | null = null;
    i = ne;
    if (i < end && text.charCodeAt(i) === 0x3d) {
      const valueScan = scanEscaped(text, i + 1, end, PARAM_CHAR, header);
      const ve = scannedEnd(valueScan);
      if (ve === i + 1) throw badUri(ve, `expected value after "=" in URI parameter "${name}"`, header);
      value = pctDecode(text, i + 1, ve, hadEscape(valueScan));
      i = ve;
    }
    params.push({ name, value });
  }
  const headers: Param[] = [];
  if (i < end && text.charCodeAt(i) === 0x3f) {
    do {
      const ns = i + 1;
      const nameScan = scanEscaped(text, ns, end, HNV_CHAR, header);
      const ne = scannedEnd(nameScan);
      if (ne === ns) throw badUri(ns, `expected URI header name but found ${describeChar(text, ns)}`, header);
      const name = pctDecode(text, ns, ne, hadEscape(nameScan));
      let value: string | null = null;
      i = ne;
      if (i < end && text.charCodeAt(i) === 0x3d) {
        const valueScan = scanEscaped(text, i + 1, end, HNV_CHAR, header);
        const ve = scannedEnd(valueScan);
        value = pctDecode(text, i + 1, ve, hadEscape(valueScan));
        i = ve;
      }
      headers.push({ name, value });
    } while (i < end && text.charCodeAt(i) === 0x26);
  }
  if (i < end) throw unexpected(text, i, `${scheme} URI`, header);
  return new ParsedSipUri(
    scheme,
    user,
    password,
    text.slice(host.start, host.end),
    host.type,
    port,
    // Exact size (or shared when empty): a decoded URI lives as long as its message.
    params.length === 0 ? NO_PARAMS : params.slice(),
    headers.length === 0 ? NO_PARAMS : headers.slice(),
    start === 0 && end === text.length ? text : text.slice(start, end),
  );
}

/** Where a host was found and what kind it is. */
export interface HostSpan {
  readonly start: number;
  readonly end: number;
  readonly type: 'hostname' | 'ipv4' | 'ipv6';
}

/**
 * Scan `host` from `i`: a bracketed IPv6 reference (validated, RFC 5118), an
 * IPv4 address, or a hostname. Stops at the first character that cannot
 * continue the host.
 *
 * ```abnf
 * host          = hostname / IPv4address / IPv6reference     ; §25.1
 * hostname      = *( domainlabel "." ) toplabel [ "." ]
 * domainlabel   = alphanum / alphanum *( alphanum / "-" ) alphanum
 * toplabel      = ALPHA / ALPHA *( alphanum / "-" ) alphanum
 * IPv4address   = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT
 * IPv6reference = "[" IPv6address "]"
 * ```
 *
 * @internal
 */
export function scanHost(
  text: string,
  i: number,
  end: number,
  header: string | undefined,
  code: 'BAD_URI' | 'BAD_VIA',
): HostSpan {
  const start = i;
  if (i < end && text.charCodeAt(i) === 0x5b) {
    const close = indexOfIn(text, ']', i + 1, end);
    if (close === -1) throw hostError(code, text, i, 'unterminated IPv6 reference "["', header);
    if (ipv6Groups(text, i + 1, close) === null) {
      throw hostError(code, text, i + 1, `invalid IPv6 address "${text.slice(i + 1, close)}"`, header);
    }
    return { start, end: close + 1, type: 'ipv6' };
  }
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c >= 256 || HOST_CHAR[c] !== 1) break;
    i++;
  }
  if (i === start) throw hostError(code, text, i, `expected host but found ${describeChar(text, i)}`, header);
  if (isIPv4(text, start, i)) return { start, end: i, type: 'ipv4' };
  const bad = hostnameError(text, start, i);
  if (bad !== -1) throw hostError(code, text, bad, `invalid hostname "${text.slice(start, i)}"`, header);
  return { start, end: i, type: 'hostname' };
}

function hostError(
  code: 'BAD_URI' | 'BAD_VIA',
  _text: string,
  i: number,
  what: string,
  header: string | undefined,
): SipParseError {
  return new SipParseError(code, `${where(header, code === 'BAD_VIA' ? 'Via' : 'URI')}: ${what} at offset ${i}`, opts(i, header));
}

/** The end of the run of ASCII digits starting at `i` (`i` itself if there is none). @internal */
export function digitsEnd(text: string, i: number, end: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    i++;
  }
  return i;
}

/**
 * port = 1*DIGIT, 0..65535 (§25.1): the value of the digits `text[s, e)`
 * (as delimited by {@link digitsEnd}).
 *
 * @internal
 */
export function portValue(
  text: string,
  s: number,
  e: number,
  header: string | undefined,
  code: 'BAD_URI' | 'BAD_VIA',
): number {
  if (e === s) throw hostError(code, text, s, `expected port digits after ":" but found ${describeChar(text, s)}`, header);
  let v = 0;
  for (let i = s; i < e; i++) {
    v = v * 10 + (text.charCodeAt(i) - 0x30);
    if (v > 65535) throw hostError(code, text, s, `port "${text.slice(s, i + 1)}..." exceeds 65535`, header);
  }
  return v;
}

/** IPv4address = 4 dotted groups of 1-3 digits, each 0..255. @internal */
export function isIPv4(text: string, s: number, e: number): boolean {
  let groups = 0;
  let digits = 0;
  let v = 0;
  for (let i = s; i < e; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || groups === 3) return false;
      groups++;
      digits = 0;
      v = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      v = v * 10 + (c - 0x30);
      if (++digits > 3 || v > 255) return false;
    } else {
      return false;
    }
  }
  return groups === 3 && digits > 0;
}

/** Offset of the first offending character of a hostname, or -1 when valid. */
function hostnameError(text: string, s: number, e: number): number {
  if (text.charCodeAt(e - 1) === 0x2e) e--; // a trailing "." is allowed
  let labelStart = s;
  for (let i = s; i <= e; i++) {
    if (i === e || text.charCodeAt(i) === 0x2e) {
      if (i === labelStart) return i; // empty label
      if (text.charCodeAt(labelStart) === 0x2d) return labelStart;
      if (text.charCodeAt(i - 1) === 0x2d) return i - 1;
      if (i === e) {
        // toplabel starts with ALPHA
        const c = text.charCodeAt(labelStart) | 0x20;
        if (c < 0x61 || c > 0x7a) return labelStart;
      }
      labelStart = i + 1;
    }
  }
  return -1;
}

/**
 * Parse IPv6 text (RFC 4291 §2.2, the RFC 3986 IPv6address grammar that
 * RFC 5118 §4.10 recommends over RFC 3261's) into 8 groups, or null when
 * invalid. Accepts one `::` and a trailing dotted IPv4 (`::ffff:192.0.2.1`).
 *
 * @internal
 */
export function ipv6Groups(text: string, s: number, e: number): number[] | null {
  const head: number[] = [];
  const tail: number[] = [];
  let cur = head;
  let compressed = false;
  let i = s;
  if (e - s < 2) return null;
  if (text.charCodeAt(i) === 0x3a) {
    if (text.charCodeAt(i + 1) !== 0x3a) return null;
    compressed = true;
    cur = tail;
    i += 2;
    if (i === e) return new Array<number>(8).fill(0);
    i = skipBugColon(text, i, e);
  }
  for (;;) {
    // one group: 1*4HEXDIG, or a dotted IPv4 in the last position
    const gs = i;
    let v = 0;
    while (i < e && i - gs < 5) {
      const c = text.charCodeAt(i);
      if (c >= 256 || HEX[c] !== 1) break;
      v = v * 16 + hexVal(c);
      i++;
    }
    if (i < e && text.charCodeAt(i) === 0x2e) {
      if (!isIPv4(text, gs, e)) return null;
      const parts = text.slice(gs, e).split('.').map(Number);
      cur.push(((parts[0] ?? 0) << 8) | (parts[1] ?? 0), ((parts[2] ?? 0) << 8) | (parts[3] ?? 0));
      break;
    }
    if (i === gs || i - gs > 4) return null;
    cur.push(v);
    if (i === e) break;
    if (text.charCodeAt(i) !== 0x3a) return null;
    i++;
    if (i < e && text.charCodeAt(i) === 0x3a) {
      if (compressed) return null;
      compressed = true;
      cur = tail;
      i++;
      if (i === e) break;
      i = skipBugColon(text, i, e);
    } else if (i === e) {
      return null; // trailing single ":"
    }
  }
  const n = head.length + tail.length;
  if (compressed ? n > 7 : n !== 8) return null;
  const out = head;
  for (let k = n; k < 8; k++) out.push(0);
  for (let k = 0; k < tail.length; k++) out[8 - tail.length + k] = tail[k] ?? 0;
  return out;
}

/**
 * RFC 3261's IPv6address ABNF (from RFC 2373) derives `2001:db8:::192.0.2.1`
 * — a third colon between `::` and an embedded IPv4. RFC 5118 §4.10 says to
 * tolerate it, so skip that colon when an IPv4 address follows.
 */
function skipBugColon(text: string, i: number, e: number): number {
  return text.charCodeAt(i) === 0x3a && isIPv4(text, i + 1, e) ? i + 1 : i;
}

/** True when `text` is a valid IPv6 address (no brackets). */
export function isIPv6(text: string): boolean {
  return ipv6Groups(text, 0, text.length) !== null;
}

/**
 * ```abnf
 * telephone-uri        = "tel:" telephone-subscriber                 ; RFC 3966 §3
 * telephone-subscriber = global-number / local-number
 * global-number        = global-number-digits *par
 * local-number         = local-number-digits *par context *par
 * global-number-digits = "+" *phonedigit DIGIT *phonedigit
 * local-number-digits  = *phonedigit-hex (HEXDIG / "*" / "#") *phonedigit-hex
 * par                  = parameter / extension / isdn-subaddress
 * parameter            = ";" pname ["=" pvalue ]     ; pname = 1*( alphanum / "-" )
 * context              = ";phone-context=" descriptor
 * ```
 */
function parseTel(text: string, start: number, i: number, end: number, header: string | undefined): TelUri {
  const ns = i;
  const global = i < end && text.charCodeAt(i) === 0x2b;
  if (global) i++;
  let significant = 0;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (global) {
      if (c >= 0x30 && c <= 0x39) significant++;
      else if (c !== 0x2d && c !== 0x2e && c !== 0x28 && c !== 0x29) break;
    } else {
      if (c >= 256 || TEL_LOCAL[c] !== 1) break;
      if (c !== 0x2d && c !== 0x2e && c !== 0x28 && c !== 0x29) significant++;
    }
    i++;
  }
  if (significant === 0) {
    throw badUri(i, `expected ${global ? 'digits after "+"' : 'telephone number'} but found ${describeChar(text, i)}`, header);
  }
  const number = text.slice(ns, i);
  const params: Param[] = [];
  let hasContext = false;
  while (i < end && text.charCodeAt(i) === 0x3b) {
    const ps = i + 1;
    let ne = ps;
    while (ne < end) {
      const c = text.charCodeAt(ne);
      if (c >= 256 || TEL_PNAME[c] !== 1) break;
      ne++;
    }
    if (ne === ps) throw badUri(ps, `expected tel parameter name after ";" but found ${describeChar(text, ps)}`, header);
    const name = text.slice(ps, ne);
    let value: string | null = null;
    i = ne;
    if (i < end && text.charCodeAt(i) === 0x3d) {
      const valueScan = scanEscaped(text, i + 1, end, TEL_VALUE, header);
      const ve = scannedEnd(valueScan);
      if (ve === i + 1) throw badUri(ve, `expected value after "=" in tel parameter "${name}"`, header);
      value = pctDecode(text, i + 1, ve, hadEscape(valueScan));
      i = ve;
    }
    if (value !== null && asciiLower(name) === 'phone-context') hasContext = true;
    params.push({ name, value });
  }
  if (i < end) throw unexpected(text, i, 'tel URI', header);
  if (!global && !hasContext) {
    throw badUri(ns, 'local tel number without the required ";phone-context=" parameter (RFC 3966 §5.1.5)', header);
  }
  return new ParsedTelUri(number, global, params.length === 0 ? NO_PARAMS : params.slice(), start === 0 && end === text.length ? text : text.slice(start, end));
}

/**
 * ```abnf
 * absoluteURI = scheme ":" ( hier-part / opaque-part )     ; RFC 2396 §3, RFC 3261 §25.1
 * ```
 * Both alternatives reduce to one or more `uric` (escapes checked); the
 * content is otherwise opaque.
 */
function parseAbsolute(
  text: string,
  start: number,
  colon: number,
  end: number,
  header: string | undefined,
): AbsoluteUri {
  const s = colon + 1;
  const e = scannedEnd(scanEscaped(text, s, end, URIC, header));
  if (e === s) throw badUri(s, `expected URI content after "${text.slice(start, s)}"`, header);
  if (e < end) throw unexpected(text, e, 'URI', header);
  return new ParsedAbsoluteUri(
    asciiLower(text.slice(start, colon)),
    start === 0 && end === text.length ? text : text.slice(start, end),
  );
}

// ---------------------------------------------------------------------------
// Formatting

const utf8enc = new TextEncoder();
const HEXU = '0123456789ABCDEF';

/** %-escape every character outside `cls` (as UTF-8 bytes). */
function escape(s: string, cls: Uint8Array): string {
  let i = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || cls[c] !== 1) break;
  }
  if (i === s.length) return s;
  let out = s.slice(0, i);
  for (const b of utf8enc.encode(s.slice(i))) {
    if (b < 128 && cls[b] === 1) out += String.fromCharCode(b);
    else out += '%' + HEXU.charAt(b >> 4) + HEXU.charAt(b & 15);
  }
  return out;
}

function formatUriParams(params: readonly Param[], cls: Uint8Array, sep: string, first: string): string {
  let out = '';
  for (let k = 0; k < params.length; k++) {
    const p = params[k];
    if (p === undefined) continue;
    out += (k === 0 ? first : sep) + escape(p.name, cls);
    if (p.value !== null) out += '=' + escape(p.value, cls);
  }
  return out;
}

/**
 * Write a URI, %-escaping whatever its character class does not allow
 * (§25.1). A URI returned by {@link parseUri} (unchanged) gives back `raw`.
 * AbsoluteUri is always written as its `raw`.
 */
export function formatUri(uri: Uri): string {
  if (isParsedUri(uri)) return uri.raw;
  switch (uri.kind) {
    case 'absolute':
      return uri.raw;
    case 'tel':
      return 'tel:' + uri.number + formatUriParams(uri.params, PARAM_CHAR, ';', ';');
    case 'sip': {
      let out = uri.scheme + ':';
      if (uri.user !== null) {
        out += escape(uri.user, USER_CHAR);
        if (uri.password !== null) out += ':' + escape(uri.password, PASSWORD_CHAR);
        out += '@';
      }
      const h = uri.host;
      out += h.indexOf(':') !== -1 && h.charCodeAt(0) !== 0x5b ? `[${h}]` : h;
      if (uri.port !== null) out += ':' + String(uri.port);
      out += formatUriParams(uri.params, PARAM_CHAR, ';', ';');
      out += formatUriParams(uri.headers, HNV_CHAR, '&', '?');
      return out;
    }
  }
}

// ---------------------------------------------------------------------------
// Comparison

/** Parameters that must match when present in either URI — §19.1.4. */
const MUST_MATCH = ['user', 'ttl', 'method', 'maddr', 'transport'];

function paramMap(params: readonly Param[]): Map<string, string | null> {
  const m = new Map<string, string | null>();
  for (const p of params) {
    const k = p.name.toLowerCase();
    if (!m.has(k)) m.set(k, p.value === null ? null : p.value.toLowerCase());
  }
  return m;
}

/** Host for comparison: lower case; IPv6 normalised to its 8 groups. */
function hostKey(uri: SipUri): string {
  if (uri.hostType === 'ipv6') {
    const h = uri.host.charCodeAt(0) === 0x5b ? uri.host.slice(1, -1) : uri.host;
    const g = ipv6Groups(h, 0, h.length);
    if (g !== null) return '[' + g.join(':') + ']';
  }
  let h = uri.host.toLowerCase();
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

function sipEquals(a: SipUri, b: SipUri): boolean {
  if (a.scheme !== b.scheme) return false;
  // userinfo: case-sensitive, compared after unescaping (already decoded)
  if (a.user !== b.user || a.password !== b.password) return false;
  if (hostKey(a) !== hostKey(b)) return false;
  if (a.port !== b.port) return false;
  const pa = paramMap(a.params);
  const pb = paramMap(b.params);
  for (const name of MUST_MATCH) {
    if ((pa.has(name) || pb.has(name)) && (!pa.has(name) || !pb.has(name) || pa.get(name) !== pb.get(name))) {
      return false;
    }
  }
  for (const [name, v] of pa) if (pb.has(name) && pb.get(name) !== v) return false;
  // §19.1.4: headers are never ignored: the same multiset on both sides (names
  // case-insensitive, values exact). A name may repeat (`?a&a=`), so count each
  // (name, value) pair rather than keep one value per name.
  if (a.headers.length !== b.headers.length) return false;
  if (a.headers.length === 0) return true;
  const counts = new Map<string, number>();
  for (const h of a.headers) {
    const k = headerKey(h);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  for (const h of b.headers) {
    const k = headerKey(h);
    const n = counts.get(k);
    if (n === undefined || n === 0) return false;
    counts.set(k, n - 1);
  }
  return true;
}

/**
 * One key per (case-folded name, exact value) of a URI header. The name is
 * length-prefixed so no name/value split is ambiguous, and an absent value
 * (`?a`) differs from an empty one (`?a=`).
 */
function headerKey(h: Param): string {
  const name = h.name.toLowerCase();
  return `${name.length}:${name}${h.value === null ? '' : '=' + h.value}`;
}

/** Number with visual separators removed, hex digits lower-cased — RFC 3966 §4. */
function telDigits(n: string): string {
  let out = '';
  for (let i = 0; i < n.length; i++) {
    const c = n.charCodeAt(i);
    if (c !== 0x2d && c !== 0x2e && c !== 0x28 && c !== 0x29) out += n.charAt(i);
  }
  return out.toLowerCase();
}

function telEquals(a: TelUri, b: TelUri): boolean {
  if (a.global !== b.global || telDigits(a.number) !== telDigits(b.number)) return false;
  const pa = paramMap(a.params);
  const pb = paramMap(b.params);
  if (pa.size !== pb.size) return false;
  for (const [k, v] of pa) {
    if (!pb.has(k)) return false;
    const w = pb.get(k) ?? null;
    // values compare case-insensitively (paramMap lower-cases them); numbers
    // (ext, a "+" phone-context) also ignore visual separators — RFC 3966 §4
    if (k === 'ext' || (k === 'phone-context' && v !== null && v.charCodeAt(0) === 0x2b)) {
      if ((v === null ? null : telDigits(v)) !== (w === null ? null : telDigits(w))) return false;
    } else if (v !== w) {
      return false;
    }
  }
  return true;
}

/**
 * URI equivalence, RFC 3261 §19.1.4 for sip/sips: userinfo case-sensitive
 * (after unescaping), host case-insensitive, port present on both or neither,
 * user/ttl/method/maddr/transport parameters must match when present in
 * either, other parameters only when present in both, headers must all match
 * (names case-insensitive, values exact). tel URIs per RFC 3966 §4 (visual
 * separators ignored, same parameter set). Other schemes: same scheme and
 * identical remainder. URIs of different schemes are never equal.
 *
 * Simplification: components are compared after %-decoding, so an escaped
 * reserved character (`a%3Bb`) equals its literal form (`a;b`), which
 * §19.1.4 strictly keeps distinct.
 */
export function uriEquals(a: Uri, b: Uri): boolean {
  if (a.kind === 'sip' && b.kind === 'sip') return sipEquals(a, b);
  if (a.kind === 'tel' && b.kind === 'tel') return telEquals(a, b);
  if (a.kind === 'absolute' && b.kind === 'absolute') {
    return a.scheme === b.scheme && a.raw.slice(a.raw.indexOf(':')) === b.raw.slice(b.raw.indexOf(':'));
  }
  return false;
}

/** Whether `uri` came from the parser unchanged (its `raw` is authoritative). @internal */
export function isParsedUri(uri: Uri): boolean {
  return uri instanceof ParsedSipUri || uri instanceof ParsedTelUri || uri instanceof ParsedAbsoluteUri;
}

/** Used by other decoders to reuse the IPv4 check on a whole string. */
export function isIPv4Address(text: string): boolean {
  return isIPv4(text, 0, text.length);
}
