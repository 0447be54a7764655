/**
 * Character classes from the RFC 3261 §25.1 ABNF as 256-entry lookup tables,
 * so scanners test a byte with one indexed load instead of a regex.
 */

function table(chars: string, ranges: ReadonlyArray<readonly [number, number]> = []): Uint8Array {
  const t = new Uint8Array(256);
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  for (const [lo, hi] of ranges) for (let c = lo; c <= hi; c++) t[c] = 1;
  return t;
}

const ALNUM: ReadonlyArray<readonly [number, number]> = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x61, 0x7a],
];

/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") — §25.1 */
export const TOKEN = table("-.!%*_+`'~", ALNUM);

/** unreserved = alphanum / mark — §25.1 */
export const UNRESERVED = table("-_.!~*'()", ALNUM);

/** user-unreserved = "&" / "=" / "+" / "$" / "," / ";" / "?" / "/" (plus unreserved) — §25.1 */
export const USER_CHAR = table("-_.!~*'()&=+$,;?/", ALNUM);

/** password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," ) — §25.1 */
export const PASSWORD_CHAR = table("-_.!~*'()&=+$,", ALNUM);

/** paramchar = param-unreserved / unreserved / escaped; param-unreserved = "[" / "]" / "/" / ":" / "&" / "+" / "$" — §19.1.1 */
export const PARAM_CHAR = table("-_.!~*'()[]/:&+$", ALNUM);

/** hnv-unreserved / unreserved (URI header names and values) — §25.1 */
export const HNV_CHAR = table("-_.!~*'()[]/?:+$", ALNUM);

/** Hostname characters (alphanum, "-", ".") — §25.1 hostname */
export const HOST_CHAR = table('-.', ALNUM);

/** Hex digits. */
export const HEX = table('0123456789abcdefABCDEF');

/** DIGIT */
export const DIGIT = table('0123456789');

/** SP / HTAB */
export const WSP = table(' \t');

/**
 * Lower-case ASCII letters in a string of header or parameter names; cheaper
 * than `toLowerCase()` when the input is already lower case (the common case).
 */
export function asciiLower(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) return s.toLowerCase();
  }
  return s;
}
