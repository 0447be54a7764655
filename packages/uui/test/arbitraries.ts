// Arbitraries built from the RFC 7433 §4.1 / RFC 3261 §25.1 grammar.
import fc from 'fast-check';
import type { UuiData, UuiParam } from '../src/index.js';

export const TOKEN_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`\'~';
const RESERVED = new Set(['purpose', 'content', 'encoding']);

export const tokenArb = fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 12 });
export const genValueArb = fc.string({ unit: fc.constantFrom(...TOKEN_CHARS, ':', '[', ']'), minLength: 1, maxLength: 12 });
/** Anything but CR/LF, which have no quoted-string form. */
export const quotedTextArb = fc
  .string({ unit: fc.oneof(fc.constantFrom('"', '\\', ';', ',', '=', ' ', '\t', '\u0000', '\u007f'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 16 })
  .filter((s) => !/[\r\n]/.test(s));

export const paramArb: fc.Arbitrary<UuiParam> = fc.oneof(
  fc.record({ name: tokenArb, value: fc.constant(null), quoted: fc.constant(false) }),
  fc.record({ name: tokenArb, value: genValueArb, quoted: fc.constant(false) }),
  fc.record({ name: tokenArb, value: quotedTextArb, quoted: fc.constant(true) }),
).filter((p) => !RESERVED.has(p.name.toLowerCase()));

export const uuiDataArb: fc.Arbitrary<UuiData> = fc.record(
  {
    data: fc.uint8Array({ minLength: 1, maxLength: 129 }),
    encoding: fc.constant('hex' as const),
    purpose: tokenArb,
    content: tokenArb,
    params: fc.array(paramArb, { maxLength: 6 }),
  },
  { requiredKeys: ['data', 'encoding', 'params'] },
);

/** Randomly upper/lower-cases each character. */
export function mixCase(s: string, bits: readonly boolean[]): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    out += bits[i % Math.max(bits.length, 1)] ? s[i]!.toUpperCase() : s[i]!.toLowerCase();
  }
  return out;
}
