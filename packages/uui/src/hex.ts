import { UuiError } from './errors.js';

// Precomputed tables: the hot path is one lookup per character.
const HEX_UPPER = '0123456789ABCDEF';
const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[0x30 + i] = i;
for (let i = 0; i < 6; i++) {
  NIBBLE[0x41 + i] = 10 + i;
  NIBBLE[0x61 + i] = 10 + i;
}

/**
 * Uppercase hex of `bytes` (RFC 7433 §4.1 `encoding=hex`; uppercase as in
 * deployed trunks, any case is accepted on input).
 *
 * @param bytes - octets to encode
 * @returns two hex digits per octet, uppercase
 */
export function encodeHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += HEX_UPPER[b >> 4]! + HEX_UPPER[b & 0x0f]!;
  return out;
}

/**
 * Decodes hex digits of either case. Validates every character before the
 * length so the error points at the first bad character.
 *
 * @param text - the hex digits
 * @param baseOffset - offset of `text` in the header value, for error reports
 * @returns the octets
 * @throws UuiError `NON_HEX_CHARACTER`, `ODD_HEX_LENGTH`
 */
export function decodeHex(text: string, baseOffset = 0): Uint8Array {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || NIBBLE[c]! < 0) {
      throw new UuiError(
        'NON_HEX_CHARACTER',
        `non-hex character ${JSON.stringify(text[i])} at offset ${baseOffset + i} in hex-encoded UUI data`,
        { offset: baseOffset + i },
      );
    }
  }
  if (text.length % 2 !== 0) {
    throw new UuiError(
      'ODD_HEX_LENGTH',
      `hex-encoded UUI data has an odd number of digits (${text.length}); refusing to drop half an octet`,
      { offset: baseOffset + text.length - 1 },
    );
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = (NIBBLE[text.charCodeAt(2 * i)]! << 4) | NIBBLE[text.charCodeAt(2 * i + 1)]!;
  }
  return out;
}
