/**
 * RFC 7433 §4.1 User-to-User header value parser.
 *
 * ```
 * UUI             = "User-to-User" HCOLON uui-value *(COMMA uui-value)
 * uui-value       = uui-data *(SEMI uui-param)
 * uui-data        = token / quoted-string
 * uui-param       = pkg-param / cont-param / enc-param / generic-param
 * pkg-param       = "purpose" EQUAL pkg-param-value
 * pkg-param-value = token                  ; "isdn-uui" (RFC 7434)
 * cont-param      = "content" EQUAL cont-param-value
 * cont-param-value = token                 ; "isdn-uui" (RFC 7434)
 * enc-param       = "encoding" EQUAL enc-param-value
 * enc-param-value = token / "hex"
 * SEMI = SWS ";" SWS    EQUAL = SWS "=" SWS        (RFC 3261 §25.1)
 * ```
 * The ABNF as printed in RFC 7433 swaps the right-hand sides of `uui-data`
 * and `uui-param`; the prose and every example put the data first and the
 * parameters after it, which is what is implemented here.
 * @module
 */
import { UuiError } from './errors.js';
import {
  isGenValueChar,
  isToken,
  isTokenChar,
  isWsp,
  readQuotedString,
  scanWhile,
  unfold,
} from './grammar.js';
import { decodeHex } from './hex.js';
import { resolveParseOptions, type ResolvedUuiParseOptions, type UuiParseOptions } from './options.js';
import { ISDN_UUI, type UuiData, type UuiParam } from './uui-data.js';

interface RawValue {
  readonly text: string;
  readonly quoted: boolean;
  readonly offset: number;
}

interface RawParam {
  readonly name: string;
  readonly value: RawValue | null;
  readonly offset: number;
}

const KNOWN = new Set(['purpose', 'content', 'encoding']);

/**
 * Parses one User-to-User header value (one uui-value, RFC 7433 §4.1).
 *
 * - Parameter names are case-insensitive and may come in any order; SP/HTAB
 *   (and header folding) around `;` and `=` are skipped (RFC 3261 SEMI/EQUAL).
 * - `encoding=hex` (any case) decodes the data as hex of either case. With no
 *   `encoding`, see {@link UuiParseOptions.absentEncoding}.
 * - `purpose`/`content` are kept as received, absent stays absent; unknown
 *   parameters are kept in order with quoted-string values unescaped.
 * - Data is never truncated: more than `maxOctets` octets is an error.
 *
 * @param headerValue - the value after `User-to-User:`, one uui-value
 * @param options - limits; see {@link UuiParseOptions}
 * @returns the decoded value
 * @throws UuiError for anything malformed in `headerValue`
 * @throws TypeError / RangeError for a non-string value or invalid options
 *
 * @example
 * ```ts
 * const uui = parseUui('0441424344;encoding=hex;purpose=isdn-uui');
 * uui.data; // Uint8Array [0x04, 0x41, 0x42, 0x43, 0x44]
 * ```
 */
export function parseUui(headerValue: string, options?: UuiParseOptions): UuiData {
  return parseWith(headerValue, resolveParseOptions(options));
}

/** {@link parseUui} with options already resolved (used by the list functions). */
export function parseWith(headerValue: string, opts: ResolvedUuiParseOptions): UuiData {
  if (typeof headerValue !== 'string') throw new TypeError('headerValue must be a string');
  if (headerValue.length > opts.maxValueLength) {
    throw new UuiError(
      'VALUE_TOO_LONG',
      `User-to-User value is ${headerValue.length} characters, more than maxValueLength ${opts.maxValueLength}`,
      { offset: opts.maxValueLength },
    );
  }
  const s = unfold(headerValue);
  let i = scanWhile(s, 0, isWsp);
  if (i === s.length) throw new UuiError('EMPTY_VALUE', 'User-to-User value is empty', { offset: 0 });

  // uui-data = token / quoted-string
  let data: RawValue;
  if (s.charCodeAt(i) === 0x22) {
    const q = readQuotedString(s, i);
    if (q.value.length === 0) throw new UuiError('MISSING_DATA', 'User-to-User data is an empty quoted-string', { offset: i });
    data = { text: q.value, quoted: true, offset: i };
    i = q.end;
  } else {
    const end = scanWhile(s, i, isTokenChar);
    if (end === i) {
      const c = s.charCodeAt(i);
      if (c === 0x3b) throw new UuiError('MISSING_DATA', 'User-to-User value has parameters but no data', { offset: i });
      throw unexpected(s, i, 'uui-data');
    }
    data = { text: s.slice(i, end), quoted: false, offset: i };
    i = end;
  }

  const params: RawParam[] = [];
  for (;;) {
    i = scanWhile(s, i, isWsp);
    if (i === s.length) break;
    const c = s.charCodeAt(i);
    if (c !== 0x3b) {
      if (c === 0x2c) {
        throw new UuiError(
          'MULTIPLE_VALUES',
          `comma at offset ${i}: several uui-values in one header; split them with splitUuiHeader`,
          { offset: i },
        );
      }
      throw unexpected(s, i, "';' or end of value");
    }
    i = scanWhile(s, i + 1, isWsp);
    const nameStart = i;
    i = scanWhile(s, i, isTokenChar);
    if (i === nameStart) {
      throw new UuiError('EMPTY_PARAMETER_NAME', `parameter without a name at offset ${nameStart}`, {
        offset: nameStart,
      });
    }
    const name = s.slice(nameStart, i);
    if (params.length >= opts.maxParams) {
      throw new UuiError('TOO_MANY_PARAMETERS', `more than maxParams ${opts.maxParams} parameters`, {
        offset: nameStart,
      });
    }
    const afterName = scanWhile(s, i, isWsp);
    let value: RawValue | null = null;
    if (s.charCodeAt(afterName) === 0x3d) {
      i = scanWhile(s, afterName + 1, isWsp);
      if (s.charCodeAt(i) === 0x22) {
        const q = readQuotedString(s, i);
        value = { text: q.value, quoted: true, offset: i };
        i = q.end;
      } else {
        const end = scanWhile(s, i, isGenValueChar);
        if (end === i) {
          throw new UuiError('MISSING_PARAMETER_VALUE', `parameter ${JSON.stringify(name)} has '=' but no value`, {
            offset: i,
          });
        }
        value = { text: s.slice(i, end), quoted: false, offset: i };
        i = end;
      }
    } else {
      i = afterName;
    }
    params.push({ name, value, offset: nameStart });
  }

  return decode(data, params, opts);
}

function unexpected(s: string, i: number, expected: string): UuiError {
  return new UuiError(
    'UNEXPECTED_CHARACTER',
    `unexpected character ${JSON.stringify(s[i])} at offset ${i}; expected ${expected}`,
    { offset: i },
  );
}

function decode(data: RawValue, raw: readonly RawParam[], opts: ResolvedUuiParseOptions): UuiData {
  let purpose: string | undefined;
  let content: string | undefined;
  let encoding: RawValue | undefined;
  const params: UuiParam[] = [];
  const seen = new Set<string>();
  for (const p of raw) {
    const lname = p.name.toLowerCase();
    if (!KNOWN.has(lname)) {
      params.push({ name: p.name, value: p.value?.text ?? null, quoted: p.value?.quoted ?? false });
      continue;
    }
    if (seen.has(lname)) {
      throw new UuiError('DUPLICATE_PARAMETER', `parameter ${JSON.stringify(lname)} appears more than once`, {
        offset: p.offset,
      });
    }
    seen.add(lname);
    // pkg-param-value, cont-param-value and enc-param-value are tokens.
    if (p.value === null || p.value.quoted || !isToken(p.value.text)) {
      throw new UuiError('MALFORMED_PARAMETER', `parameter ${JSON.stringify(lname)} needs a token value`, {
        offset: p.offset,
      });
    }
    if (lname === 'purpose') purpose = p.value.text;
    else if (lname === 'content') content = p.value.text;
    else encoding = p.value;
  }

  if (encoding === undefined) {
    // Same rule as effectiveContent(): isdn-uui is the default content of the default package.
    const effective = content ?? ((purpose ?? ISDN_UUI).toLowerCase() === ISDN_UUI ? ISDN_UUI : undefined);
    if (effective === undefined || effective.toLowerCase() !== ISDN_UUI) {
      throw new UuiError(
        'UNKNOWN_ENCODING',
        `no encoding parameter, and content ${JSON.stringify(effective ?? '(package-defined)')} has no encoding known here`,
        { offset: data.offset },
      );
    }
    if (opts.absentEncoding === 'reject') {
      throw new UuiError('MISSING_ENCODING', 'User-to-User value has no encoding parameter', { offset: data.offset });
    }
  } else if (encoding.text.toLowerCase() !== 'hex') {
    // RFC 7433 §4.1: hex is the only encoding defined.
    throw new UuiError('UNKNOWN_ENCODING', `unsupported encoding ${JSON.stringify(encoding.text)}; only hex is defined`, {
      offset: encoding.offset,
    });
  }

  // uui-data = token / quoted-string (RFC 7433 §4.1): a quoted form carries the same
  // hex digits between its quotes (quoted-pairs undone). Offsets then count from
  // the first character after the opening DQUOTE.
  const digitsAt = data.quoted ? data.offset + 1 : data.offset;
  // Checked before decoding: an oversize value is rejected without allocating it.
  if (Math.ceil(data.text.length / 2) > opts.maxOctets) {
    throw new UuiError(
      'OVERSIZE',
      `UUI data is ${Math.ceil(data.text.length / 2)} octets, more than maxOctets ${opts.maxOctets}`,
      { offset: digitsAt + 2 * opts.maxOctets },
    );
  }
  const bytes = decodeHex(data.text, digitsAt);

  const out: { -readonly [K in keyof UuiData]: UuiData[K] } = { data: bytes, encoding: 'hex', params };
  if (purpose !== undefined) out.purpose = purpose;
  if (content !== undefined) out.content = content;
  return out;
}
