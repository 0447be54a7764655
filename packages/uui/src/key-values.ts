/**
 * `;`-separated key=value payloads in IA5 text, as many contact-centre
 * platforms put in UUI: `CASE-20481;LANG=en-US;QUEUE=billing`.
 *
 * Model: split on every `;`, then each item at its first `=`. An item
 * without `=` (`CASE-20481`) is `{ key: 'CASE-20481', value: null }`; `K=`
 * is `{ key: 'K', value: '' }`; values may contain `=`. Keys and values are
 * kept byte for byte (no trimming, no case folding, duplicates kept in
 * order), so text → items → text is exact for every IA5 string, and
 * items → text → items is exact for every list {@link formatKeyValues} accepts.
 * @module
 */
import { UuiError } from './errors.js';
import type { IsdnUuiBuildOptions } from './isdn-uui.js';
import { textFromUui, uuiFromText } from './ia5-text.js';
import type { UuiData } from './uui-data.js';

/** One item of a key=value payload. */
export interface UuiKeyValue {
  /** Text before the first `=` (the whole item when there is none). Never contains `;` or `=`. */
  readonly key: string;
  /** Text after the first `=`, or `null` for a bare item. Never contains `;`. */
  readonly value: string | null;
}

/**
 * Splits `text` into items. The empty string is the empty list.
 *
 * @param text - the payload text
 */
export function parseKeyValues(text: string): UuiKeyValue[] {
  if (typeof text !== 'string') throw new TypeError('text must be a string');
  if (text.length === 0) return [];
  return text.split(';').map((item) => {
    const eq = item.indexOf('=');
    return eq < 0 ? { key: item, value: null } : { key: item.slice(0, eq), value: item.slice(eq + 1) };
  });
}

/**
 * Joins items back into text.
 *
 * @param items - the items
 * @throws UuiError `MALFORMED_KEY_VALUE` for a `;` in a key or value, an `=`
 *   in a key, or a list that is one empty bare item (it would read back as
 *   the empty list)
 */
export function formatKeyValues(items: readonly UuiKeyValue[]): string {
  if (!Array.isArray(items)) throw new TypeError('items must be an array');
  if (items.length === 1 && items[0]!.key === '' && items[0]!.value === null) {
    throw new UuiError('MALFORMED_KEY_VALUE', 'a single empty bare item cannot be told apart from no items');
  }
  const parts: string[] = [];
  for (const [i, it] of items.entries()) {
    if (typeof it.key !== 'string' || (it.value !== null && typeof it.value !== 'string')) {
      throw new TypeError(`item ${i}: key must be a string and value a string or null`);
    }
    if (it.key.includes(';') || it.key.includes('=')) {
      throw new UuiError('MALFORMED_KEY_VALUE', `item ${i}: key ${JSON.stringify(it.key)} contains ';' or '='`, {
        offset: i,
      });
    }
    if (it.value?.includes(';')) {
      throw new UuiError('MALFORMED_KEY_VALUE', `item ${i}: value ${JSON.stringify(it.value)} contains ';'`, {
        offset: i,
      });
    }
    parts.push(it.value === null ? it.key : `${it.key}=${it.value}`);
  }
  return parts.join(';');
}

/**
 * Builds an IA5 (discriminator 0x04) `isdn-uui` value from items.
 *
 * @throws UuiError `MALFORMED_KEY_VALUE`, `NON_IA5_CHARACTER`, `OVERSIZE`
 */
export function uuiFromKeyValues(items: readonly UuiKeyValue[], options: IsdnUuiBuildOptions = {}): UuiData {
  return uuiFromText(formatKeyValues(items), options);
}

/**
 * The items of an IA5 key=value value.
 *
 * @throws UuiError as {@link textFromUui}
 */
export function keyValuesFromUui(uui: Pick<UuiData, 'data'> | Uint8Array): UuiKeyValue[] {
  return parseKeyValues(textFromUui(uui));
}
