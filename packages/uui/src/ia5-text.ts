/**
 * IA5 text payloads: discriminator 0x04 followed by 7-bit characters
 * (Q.931 Table 4-26 "IA5 characters"), the usual contact-centre form.
 * @module
 */
import { UuiError } from './errors.js';
import { bytesFromUui, isdnUui, PROTOCOL_DISCRIMINATOR, type IsdnUuiBuildOptions } from './isdn-uui.js';
import type { UuiData } from './uui-data.js';

/**
 * Builds an `isdn-uui` value carrying IA5 text: octet 0 is 0x04, then one
 * octet per character. At the default limit that is up to 128 characters.
 *
 * @param text - characters U+0000..U+007F only
 * @param options - size limit
 * @throws UuiError `NON_IA5_CHARACTER` (offset = index in `text`), `OVERSIZE`
 *
 * @example
 * ```ts
 * formatUui(uuiFromText('CASE-20481'));
 * // '04434153452D3230343831;encoding=hex;purpose=isdn-uui;content=isdn-uui'
 * ```
 */
export function uuiFromText(text: string, options: IsdnUuiBuildOptions = {}): UuiData {
  if (typeof text !== 'string') throw new TypeError('text must be a string');
  const data = new Uint8Array(text.length + 1);
  data[0] = PROTOCOL_DISCRIMINATOR.IA5;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) {
      throw new UuiError('NON_IA5_CHARACTER', `character ${JSON.stringify(text[i])} at index ${i} is not IA5 (7-bit)`, {
        offset: i,
      });
    }
    data[i + 1] = c;
  }
  return isdnUui(data, options.maxOctets);
}

/**
 * The IA5 text of a value whose discriminator is 0x04.
 *
 * @param uui - a parsed value, or its data
 * @throws UuiError `MISSING_DISCRIMINATOR`, `UNEXPECTED_DISCRIMINATOR`,
 *   `NON_IA5_CHARACTER` (an octet above 0x7F; offset = octet index in data)
 */
export function textFromUui(uui: Pick<UuiData, 'data'> | Uint8Array): string {
  const bytes = bytesFromUui(uui, PROTOCOL_DISCRIMINATOR.IA5);
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b > 0x7f) {
      throw new UuiError('NON_IA5_CHARACTER', `octet 0x${b.toString(16).toUpperCase()} at offset ${i + 1} is not IA5`, {
        offset: i + 1,
      });
    }
    out += String.fromCharCode(b);
  }
  return out;
}
