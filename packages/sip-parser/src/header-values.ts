/**
 * Building blocks shared by the header decoders: splitting list headers on
 * top-level commas, the generic-param scanner, and quoted-strings —
 * RFC 3261 §7.3.1, §25.1.
 *
 * All offsets are character offsets within the header value handed in.
 */
import { SipParseError } from './errors.js';
import { TOKEN, asciiLower } from './charset.js';
import type { Param } from './types.js';
import { requireString } from './arguments.js';

/** @internal gen-value characters outside quoted-strings: token / host (incl. `[` `]` `:` of IPv6). */
export const GEN_VALUE = (() => {
  const t = new Uint8Array(256);
  t.set(TOKEN);
  t[0x5b] = 1; // [
  t[0x5d] = 1; // ]
  t[0x3a] = 1; // :
  return t;
})();

/**
 * `a` itself when empty, else an exact-size copy: an array filled by `push`
 * keeps room for 16 or more elements, and decoded values are often kept as
 * long as their message (a server transaction keeps its request 32 s, Timer J).
 * @internal
 */
export function exactSize<T>(a: T[]): T[] {
  return a.length === 0 ? a : a.slice();
}

/** Parameter names common enough to be worth sharing (RFC 3261 §20.10, §20.42, §19.1.1). */
const COMMON_PARAM_NAMES: readonly string[] = ['tag', 'branch', 'rport', 'received', 'lr', 'transport', 'expires', 'q', 'maddr', 'ttl', 'user'];

/**
 * `text.slice(s, e)` for a parameter name, but one of the common lower-case
 * names comes back as a shared constant: one string fewer per decoded
 * parameter for values kept as long as their message.
 * @internal
 */
export function paramName(text: string, s: number, e: number): string {
  const n = e - s;
  const first = text.charCodeAt(s);
  for (let k = 0; k < COMMON_PARAM_NAMES.length; k++) {
    const c = COMMON_PARAM_NAMES[k]!;
    if (c.length !== n || c.charCodeAt(0) !== first) continue;
    let j = 1;
    while (j < n && text.charCodeAt(s + j) === c.charCodeAt(j)) j++;
    if (j === n) return c;
  }
  return text.slice(s, e);
}

/** Shared empty parameter list for decoded values (frozen: values are read-only). @internal */
export const NO_PARAMS: readonly Param[] = Object.freeze([]);

/** True for a `token` character (§25.1). */
export function isTokenChar(c: number): boolean {
  return c < 256 && TOKEN[c] === 1;
}

/** Skip SP / HTAB (the unfolded form of LWS / SWS) from `i`, not past `end`. */
export function skipLws(text: string, i: number, end: number = text.length): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09) break;
    i++;
  }
  return i;
}

/**
 * `text.indexOf(ch, from)` limited to `[from, end)`, -1 when absent. Decoders
 * run over spans of a longer value (one element of a list), and an unbounded
 * `indexOf` there would rescan the rest of the value for every element.
 */
export function indexOfIn(text: string, ch: string, from: number, end: number): number {
  if (end === text.length) return text.indexOf(ch, from);
  const c = ch.charCodeAt(0);
  for (let i = from; i < end; i++) if (text.charCodeAt(i) === c) return i;
  return -1;
}

/** Index just past the last non-LWS character of `text[start, end)`. */
export function trimLwsEnd(text: string, start: number, end: number): number {
  while (end > start) {
    const c = text.charCodeAt(end - 1);
    if (c !== 0x20 && c !== 0x09) break;
    end--;
  }
  return end;
}

/** A readable rendering of one character for error messages. */
export function describeChar(text: string, i: number): string {
  if (i >= text.length) return 'end of value';
  const c = text.charCodeAt(i);
  if (c < 0x20 || c === 0x7f) return `control character 0x${c.toString(16).padStart(2, '0')}`;
  return JSON.stringify(text.charAt(i));
}

/** `"Header: "` prefix for messages, or `fallback: ` when the header is unknown. */
export function where(header: string | undefined, fallback: string): string {
  return header === undefined ? fallback : header;
}

/**
 * Validate the quoted-string starting at `start` (which must hold `"`) and
 * return the index just past its closing quote.
 *
 * ```abnf
 * quoted-string = SWS DQUOTE *(qdtext / quoted-pair ) DQUOTE      ; RFC 3261 §25.1
 * qdtext        = LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII
 * quoted-pair   = "\" (%x00-09 / %x0B-0C / %x0E-7F)
 * ```
 *
 * @throws SipParseError BAD_QUOTED_STRING when unterminated or holding a raw control character.
 */
export function quotedStringEnd(text: string, start: number, end: number, header?: string): number {
  let i = start + 1;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c === 0x5c) {
      // quoted-pair: any ASCII except CR and LF may follow the backslash
      if (i + 1 >= end) break;
      const n = text.charCodeAt(i + 1);
      if (n > 0x7f || n === 0x0a || n === 0x0d) {
        throw new SipParseError(
          'BAD_QUOTED_STRING',
          `${where(header, 'quoted-string')}: invalid quoted-pair "\\" + ${describeChar(text, i + 1)} at offset ${i}`,
          opts(i, header),
        );
      }
      i += 2;
      continue;
    }
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) {
      throw new SipParseError(
        'BAD_QUOTED_STRING',
        `${where(header, 'quoted-string')}: ${describeChar(text, i)} inside quoted-string at offset ${i}`,
        opts(i, header),
      );
    }
    i++;
  }
  throw new SipParseError(
    'BAD_QUOTED_STRING',
    `${where(header, 'quoted-string')}: unterminated quoted-string starting at offset ${start}`,
    opts(start, header),
  );
}

/**
 * The content of an already validated quoted-string `text[start, end)`
 * (quotes included) with quoted-pairs resolved.
 */
export function unquoteRange(text: string, start: number, end: number): string {
  const inner = start + 1;
  const close = end - 1;
  const bs = indexOfIn(text, '\\', inner, close);
  if (bs === -1) return text.slice(inner, close);
  let out = '';
  let seg = inner;
  for (let i = bs; i < close; i++) {
    if (text.charCodeAt(i) === 0x5c) {
      out += text.slice(seg, i);
      seg = i + 1; // keep the escaped character itself
      i++;
    }
  }
  return out + text.slice(seg, close);
}

/**
 * Resolve a quoted-string: `"a \"b\""` → `a "b"`. Any `\` + character is a
 * quoted-pair (§25.1), so `\` followed by BEL, NUL or DEL (RFC 4475 intmeth)
 * yields that character. Text not starting with `"` is returned unchanged, so
 * a gen-value can be passed whether it was a token or a quoted-string.
 *
 * @throws SipParseError BAD_QUOTED_STRING when unterminated or followed by other text.
 */
export function unquote(text: string, header?: string): string {
  requireString(text, 'unquote: text');
  if (text.charCodeAt(0) !== 0x22) return text;
  const end = quotedStringEnd(text, 0, text.length, header);
  if (end !== text.length) {
    throw new SipParseError(
      'BAD_QUOTED_STRING',
      `${where(header, 'quoted-string')}: unexpected ${describeChar(text, end)} after closing quote at offset ${end}`,
      opts(end, header),
    );
  }
  return unquoteRange(text, 0, end);
}

/**
 * Produce a quoted-string for `text`, escaping `"`, `\` and control characters
 * as quoted-pairs (§25.1).
 *
 * @throws TypeError when `text` holds CR or LF, which no quoted-string can carry.
 */
export function quote(text: string): string {
  requireString(text, 'quote: text');
  let out = '"';
  let seg = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 || c === 0x5c || (c < 0x20 && c !== 0x09) || c === 0x7f) {
      if (c === 0x0a || c === 0x0d) throw new TypeError('quote: CR and LF cannot appear in a quoted-string');
      out += text.slice(seg, i) + '\\';
      seg = i;
    }
  }
  return out + text.slice(seg) + '"';
}

/**
 * Split a list header value on top-level commas (§7.3.1) and return the
 * `[start, end)` span of each element, LWS trimmed. Commas inside
 * quoted-strings and `<...>` do not split.
 *
 * An empty value (or only LWS) gives no elements; an empty element (`a,,b`,
 * a leading or trailing comma) is an error — RFC 4475 badinv01.
 *
 * @throws SipParseError BAD_HEADER_VALUE on an empty element, BAD_QUOTED_STRING on an unterminated quote.
 */
export function splitHeaderValueSpans(
  text: string,
  header?: string,
  start = 0,
  end: number = text.length,
): Array<readonly [number, number]> {
  const spans: Array<readonly [number, number]> = [];
  let elem = start;
  let angle = false;
  let sawComma = false;
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (angle) {
      if (c === 0x3e) angle = false;
      i++;
    } else if (c === 0x22) {
      i = quotedStringEnd(text, i, end, header);
    } else if (c === 0x3c) {
      angle = true;
      i++;
    } else if (c === 0x2c) {
      sawComma = true;
      pushElement(text, elem, i, spans, header);
      elem = i + 1;
      i++;
    } else {
      i++;
    }
  }
  const s = skipLws(text, elem, end);
  if (s === end) {
    if (sawComma) throw emptyElement(end, header);
    return spans;
  }
  spans.push([s, trimLwsEnd(text, s, end)]);
  return spans;
}

function pushElement(
  text: string,
  from: number,
  to: number,
  spans: Array<readonly [number, number]>,
  header: string | undefined,
): void {
  const s = skipLws(text, from, to);
  if (s === to) throw emptyElement(to, header);
  spans.push([s, trimLwsEnd(text, s, to)]);
}

function emptyElement(offset: number, header: string | undefined): SipParseError {
  return new SipParseError(
    'BAD_HEADER_VALUE',
    `${where(header, 'header value')}: empty list element (nothing between commas) at offset ${offset}`,
    opts(offset, header),
  );
}

/**
 * Split a list header value on top-level commas, trimming LWS; see
 * {@link splitHeaderValueSpans}.
 *
 * @example
 * splitHeaderValues('"Doe, J" <sip:j@x>, <sip:k@y>') // ['"Doe, J" <sip:j@x>', '<sip:k@y>']
 */
export function splitHeaderValues(text: string, header?: string): string[] {
  requireString(text, 'splitHeaderValues: text');
  return splitHeaderValueSpans(text, header).map(([s, e]) => text.slice(s, e));
}

/** Result of {@link parseParams}. */
export interface ParamsResult {
  readonly params: Param[];
  /** Index of the first character not consumed (LWS after the last parameter skipped). */
  readonly end: number;
}

/**
 * Scan `*( SEMI generic-param )` from `start`, tolerating LWS around `;` and
 * `=`. Stops (without error) at the first character that is not LWS or `;`.
 * Values keep their form as written: a quoted-string value keeps its quotes
 * (use {@link unquote}), so a forwarded parameter is written back unchanged.
 *
 * ```abnf
 * generic-param = token [ EQUAL gen-value ]               ; RFC 3261 §25.1
 * gen-value     = token / host / quoted-string
 * SEMI = SWS ";" SWS    EQUAL = SWS "=" SWS
 * ```
 *
 * @throws SipParseError BAD_PARAMETER on an empty name (`;;`) or a missing value after `=`.
 */
export function parseParams(text: string, start: number, end: number = text.length, header?: string): ParamsResult {
  requireString(text, 'parseParams: text');
  const params: Param[] = [];
  let i = start;
  for (;;) {
    let j = skipLws(text, i, end);
    if (j >= end || text.charCodeAt(j) !== 0x3b) return { params: exactSize(params), end: j };
    j = skipLws(text, j + 1, end);
    const ns = j;
    while (j < end && isTokenChar(text.charCodeAt(j))) j++;
    if (j === ns) {
      throw new SipParseError(
        'BAD_PARAMETER',
        `${where(header, 'parameters')}: expected parameter name after ";" but found ${describeChar(text, j)} at offset ${j}`,
        opts(j, header),
      );
    }
    const name = paramName(text, ns, j);
    let value: string | null = null;
    const k = skipLws(text, j, end);
    if (k < end && text.charCodeAt(k) === 0x3d) {
      const vs = skipLws(text, k + 1, end);
      let ve = vs;
      if (vs < end && text.charCodeAt(vs) === 0x22) {
        ve = quotedStringEnd(text, vs, end, header);
      } else {
        while (ve < end) {
          const c = text.charCodeAt(ve);
          if (c >= 256 || GEN_VALUE[c] !== 1) break;
          ve++;
        }
      }
      if (ve === vs) {
        throw new SipParseError(
          'BAD_PARAMETER',
          `${where(header, 'parameters')}: expected value after "=" in parameter "${name}" but found ${describeChar(text, vs)} at offset ${vs}`,
          opts(vs, header),
        );
      }
      value = text.slice(vs, ve);
      j = ve;
    }
    params.push({ name, value });
    i = j;
  }
}

/** First parameter named `name` (ASCII case-insensitive), or undefined. */
export function findParam(params: readonly Param[], name: string): Param | undefined {
  for (const p of params) {
    if (p.name.length === name.length && asciiLower(p.name) === name) return p;
  }
  return undefined;
}

/** Render parameters as `;name=value...` (values written as stored). */
export function formatParams(params: readonly Param[]): string {
  let out = '';
  for (const p of params) out += p.value === null ? `;${p.name}` : `;${p.name}=${p.value}`;
  return out;
}

/** Error options with `header` only when known (exactOptionalPropertyTypes). */
export function opts(
  offset: number,
  header: string | undefined,
  statusHint?: number,
): { offset: number; header?: string; statusHint?: number } {
  const o: { offset: number; header?: string; statusHint?: number } = { offset };
  if (header !== undefined) o.header = header;
  if (statusHint !== undefined) o.statusHint = statusHint;
  return o;
}
