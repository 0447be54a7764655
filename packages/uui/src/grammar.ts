/**
 * RFC 3261 §25.1 character classes and the quoted-string rule, as RFC 7433
 * §4.1 uses them for `uui-data` and `generic-param`.
 *
 * ```
 * token         = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
 * quoted-string = SWS DQUOTE *(qdtext / quoted-pair) DQUOTE
 * qdtext        = LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII
 * quoted-pair   = "\" (%x00-09 / %x0B-0C / %x0E-7F)
 * generic-param = token [ EQUAL gen-value ]
 * gen-value     = token / host / quoted-string
 * ```
 * @module
 */
import { UuiError } from './errors.js';

const TOKEN = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`\'~') {
  TOKEN[c.charCodeAt(0)] = 1;
}
// gen-value's `host` alternative adds ":" "[" "]" (IPv6reference) to token.
const GEN_VALUE = TOKEN.slice();
for (const c of ':[]') GEN_VALUE[c.charCodeAt(0)] = 1;

/** True when `c` (a UTF-16 code unit) is an RFC 3261 token character. */
export function isTokenChar(c: number): boolean {
  return c < 128 && TOKEN[c] === 1;
}

/** True when `c` may appear in an unquoted gen-value (token or host). */
export function isGenValueChar(c: number): boolean {
  return c < 128 && GEN_VALUE[c] === 1;
}

/** True when `s` is a non-empty RFC 3261 token. */
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isTokenChar(s.charCodeAt(i))) return false;
  return true;
}

/** True when `s` is a non-empty unquoted gen-value (token or host). */
export function isGenValue(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isGenValueChar(s.charCodeAt(i))) return false;
  return true;
}

/** SP or HTAB (WSP); folding was removed before scanning. */
export function isWsp(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** End index (exclusive) of the run of characters from `start` accepted by `accept`. */
export function scanWhile(s: string, start: number, accept: (c: number) => boolean): number {
  let i = start;
  while (i < s.length && accept(s.charCodeAt(i))) i++;
  return i;
}

/** Result of {@link readQuotedString}. */
export interface QuotedString {
  /** The unescaped contents, without the surrounding quotes. */
  readonly value: string;
  /** Index just after the closing DQUOTE. */
  readonly end: number;
}

/**
 * Reads a quoted-string whose opening DQUOTE is at `start`, undoing
 * quoted-pairs (RFC 3261 §25.1).
 *
 * @throws UuiError `UNTERMINATED_QUOTE`, `UNEXPECTED_CHARACTER`
 */
export function readQuotedString(s: string, start: number): QuotedString {
  let value = '';
  let i = start + 1;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 0x22) return { value, end: i + 1 };
    if (c === 0x5c) {
      if (i + 1 >= s.length) break;
      const e = s.charCodeAt(i + 1);
      // quoted-pair excludes CR, LF and anything beyond US-ASCII.
      if (e === 0x0a || e === 0x0d || e > 0x7f) {
        throw new UuiError('UNEXPECTED_CHARACTER', `invalid quoted-pair at offset ${i}`, { offset: i });
      }
      value += s[i + 1]!;
      i += 2;
      continue;
    }
    if (c === 0x20 || c === 0x09 || c === 0x21 || (c >= 0x23 && c <= 0x7e) || c >= 0x80) {
      value += s[i]!;
      i++;
      continue;
    }
    throw new UuiError(
      'UNEXPECTED_CHARACTER',
      `control character 0x${c.toString(16).padStart(2, '0')} inside quoted-string at offset ${i}`,
      { offset: i },
    );
  }
  throw new UuiError('UNTERMINATED_QUOTE', `quoted-string opened at offset ${start} is not closed`, {
    offset: start,
  });
}

/**
 * Writes `value` as a quoted-string, escaping DQUOTE, backslash and control
 * characters as quoted-pairs. Returns undefined when the value cannot be
 * represented (CR and LF have no quoted-pair form).
 */
export function quoteString(value: string): string | undefined {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x0a || c === 0x0d) return undefined;
    if (c === 0x22 || c === 0x5c || (c < 0x20 && c !== 0x09) || c === 0x7f) out += '\\';
    out += value[i]!;
  }
  return out + '"';
}

/**
 * Removes header folding (RFC 3261 §7.3.1: a CRLF followed by WSP is
 * equivalent to SP), so scanning only deals with SP/HTAB.
 *
 * @throws UuiError `UNEXPECTED_CHARACTER` for a CR or LF that is not folding
 */
export function unfold(s: string): string {
  if (!s.includes('\r') && !s.includes('\n')) return s;
  const out = s.replace(/\r\n(?=[ \t])/g, '');
  const bad = out.search(/[\r\n]/);
  if (bad >= 0) {
    throw new UuiError('UNEXPECTED_CHARACTER', `bare CR or LF in header value (offset ${bad} after unfolding)`, {
      offset: bad,
    });
  }
  return out;
}
