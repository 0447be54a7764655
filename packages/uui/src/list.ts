/**
 * Several User-to-User values on one message: RFC 7433 §4.1 allows a
 * comma-separated list in one header field and several header fields, e.g.
 * one per UUI package.
 * @module
 */
import { UuiError } from './errors.js';
import { resolveParseOptions, type UuiParseOptions } from './options.js';
import { parseWith } from './parse.js';
import { effectiveContent, effectivePurpose, type UuiData } from './uui-data.js';

/**
 * Splits one header field value into its uui-values at commas outside
 * quoted-strings (`UUI = "User-to-User" HCOLON uui-value *(COMMA uui-value)`).
 * Never throws on content: an unterminated quote leaves the rest as one item,
 * which then fails in {@link parseUui}. Empty items are kept so they are
 * reported, not silently dropped.
 *
 * @param headerValue - one header field's value
 * @returns the uui-values, untrimmed
 */
export function splitUuiHeader(headerValue: string): string[] {
  if (typeof headerValue !== 'string') throw new TypeError('headerValue must be a string');
  const out: string[] = [];
  let start = 0;
  let inQuote = false;
  for (let i = 0; i < headerValue.length; i++) {
    const c = headerValue.charCodeAt(i);
    if (inQuote) {
      if (c === 0x5c) i++; // quoted-pair: skip the escaped character
      else if (c === 0x22) inQuote = false;
    } else if (c === 0x22) {
      inQuote = true;
    } else if (c === 0x2c) {
      out.push(headerValue.slice(start, i));
      start = i + 1;
    }
  }
  out.push(headerValue.slice(start));
  return out;
}

/** One entry of {@link parseUuiList}: the value parsed, or why it was not. */
export type UuiListEntry =
  | { readonly ok: true; readonly raw: string; readonly uui: UuiData }
  | { readonly ok: false; readonly raw: string; readonly error: UuiError };

/**
 * Parses every uui-value of every given header field value, one result per
 * uui-value in order. A malformed value yields an `ok: false` entry and does
 * not hide the good ones.
 *
 * @param headerValues - the values of all User-to-User header fields of a message
 * @param options - limits, applied to each value; see {@link UuiParseOptions}
 * @returns one entry per uui-value
 * @throws TypeError / RangeError only for API misuse (non-strings, bad options)
 */
export function parseUuiList(headerValues: readonly string[], options?: UuiParseOptions): UuiListEntry[] {
  if (!Array.isArray(headerValues)) throw new TypeError('headerValues must be an array of strings');
  const opts = resolveParseOptions(options);
  const out: UuiListEntry[] = [];
  for (const hv of headerValues) {
    for (const raw of splitUuiHeader(hv)) {
      try {
        out.push({ ok: true, raw, uui: parseWith(raw, opts) });
      } catch (e) {
        if (!(e instanceof UuiError)) throw e;
        out.push({ ok: false, raw, error: e });
      }
    }
  }
  return out;
}

/** What {@link selectUui} looks for; omitted fields match anything. */
export interface UuiSelector {
  /** Package wanted, compared case-insensitively with the effective purpose (absent = `isdn-uui`). */
  readonly purpose?: string;
  /** Content wanted, compared case-insensitively with the effective content. */
  readonly content?: string;
}

/**
 * The first well-formed uui-value whose effective purpose and content match
 * `selector`, or `undefined`. Malformed values are skipped (use
 * {@link parseUuiList} to see them).
 *
 * @param headerValues - the values of all User-to-User header fields
 * @param selector - purpose/content wanted
 * @param options - parse limits
 *
 * @example
 * ```ts
 * selectUui(['0441;encoding=hex', '00FF;encoding=hex;purpose=acme'], { purpose: 'isdn-uui' });
 * ```
 */
export function selectUui(
  headerValues: readonly string[],
  selector: UuiSelector = {},
  options?: UuiParseOptions,
): UuiData | undefined {
  const purpose = selector.purpose?.toLowerCase();
  const content = selector.content?.toLowerCase();
  for (const entry of parseUuiList(headerValues, options)) {
    if (!entry.ok) continue;
    if (purpose !== undefined && effectivePurpose(entry.uui).toLowerCase() !== purpose) continue;
    if (content !== undefined && effectiveContent(entry.uui)?.toLowerCase() !== content) continue;
    return entry.uui;
  }
  return undefined;
}
