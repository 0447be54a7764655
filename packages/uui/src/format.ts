/**
 * RFC 7433 §4.1 User-to-User header value serializer.
 * @module
 */
import { UuiError } from './errors.js';
import { isGenValue, isToken, quoteString } from './grammar.js';
import { encodeHex } from './hex.js';
import { resolveMaxOctets } from './options.js';
import type { UuiData } from './uui-data.js';

/** Options for {@link formatUui}. */
export interface UuiFormatOptions {
  /** Most octets of data written (discriminator included). Default 129, see `ISDN_UUI_MAX_OCTETS`. */
  readonly maxOctets?: number;
}

const RESERVED = new Set(['purpose', 'content', 'encoding']);

/**
 * Writes one User-to-User header value: uppercase hex data, then
 * `;encoding=hex`, `;purpose=` and `;content=` when present, then the other
 * parameters in order (quoted-strings escaped). `parseUui(formatUui(x))`
 * equals `x`.
 *
 * @param uui - the value to write
 * @param options - limits; see {@link UuiFormatOptions}
 * @returns the header value (without `User-to-User:`)
 * @throws UuiError `MISSING_DATA` (no octets), `OVERSIZE`, `MALFORMED_PARAMETER`
 *   (a name or value the grammar cannot carry), `DUPLICATE_PARAMETER`
 *   (`purpose`/`content`/`encoding` in `params`)
 * @throws TypeError when `uui` is not shaped like {@link UuiData}
 *
 * @example
 * ```ts
 * formatUui({ data: Uint8Array.of(0x04, 0x41), encoding: 'hex', purpose: 'isdn-uui', params: [] });
 * // '0441;encoding=hex;purpose=isdn-uui'
 * ```
 */
export function formatUui(uui: UuiData, options: UuiFormatOptions = {}): string {
  if (typeof uui !== 'object' || uui === null) throw new TypeError('uui must be an object');
  if (!(uui.data instanceof Uint8Array)) throw new TypeError('uui.data must be a Uint8Array');
  if (uui.encoding !== 'hex') throw new TypeError(`uui.encoding must be 'hex', got ${String(uui.encoding)}`);
  if (!Array.isArray(uui.params)) throw new TypeError('uui.params must be an array');
  const maxOctets = resolveMaxOctets(options.maxOctets);
  if (uui.data.length === 0) {
    // uui-data is 1*token-char: zero octets have no representation.
    throw new UuiError('MISSING_DATA', 'UUI data must have at least one octet');
  }
  if (uui.data.length > maxOctets) {
    throw new UuiError('OVERSIZE', `UUI data is ${uui.data.length} octets, more than maxOctets ${maxOctets}`, {
      offset: maxOctets,
    });
  }
  let out = encodeHex(uui.data) + ';encoding=hex';
  if (uui.purpose !== undefined) out += ';purpose=' + tokenValue('purpose', uui.purpose);
  if (uui.content !== undefined) out += ';content=' + tokenValue('content', uui.content);
  for (const p of uui.params) {
    if (typeof p.name !== 'string' || !isToken(p.name)) {
      throw new UuiError('MALFORMED_PARAMETER', `parameter name ${JSON.stringify(p.name)} is not a token`);
    }
    if (RESERVED.has(p.name.toLowerCase())) {
      throw new UuiError(
        'DUPLICATE_PARAMETER',
        `${JSON.stringify(p.name)} belongs in the purpose/content/encoding fields, not in params`,
      );
    }
    out += ';' + p.name;
    if (p.value === null) continue;
    if (typeof p.value !== 'string') throw new TypeError(`value of parameter ${p.name} must be a string or null`);
    if (p.quoted) {
      const q = quoteString(p.value);
      if (q === undefined) {
        throw new UuiError('MALFORMED_PARAMETER', `value of parameter ${JSON.stringify(p.name)} contains CR or LF`);
      }
      out += '=' + q;
    } else {
      if (!isGenValue(p.value)) {
        throw new UuiError(
          'MALFORMED_PARAMETER',
          `value of parameter ${JSON.stringify(p.name)} is not a token or host; set quoted: true`,
        );
      }
      out += '=' + p.value;
    }
  }
  return out;
}

function tokenValue(name: string, value: string): string {
  if (typeof value !== 'string' || !isToken(value)) {
    throw new UuiError('MALFORMED_PARAMETER', `${name} ${JSON.stringify(value)} is not a token`);
  }
  return value;
}
