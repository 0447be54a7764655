/**
 * RFC 3261 §7.3.1 (field names are case-insensitive tokens), §7.3.3 (compact
 * forms): the scanner's exact-case lookup of canonical names gives exactly the
 * header id and name span the case-insensitive DFA gives, for every name as it
 * may appear on the wire.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HEADER_ID_COUNT, H_CONTENT_LENGTH, canonicalNameOfId, compactHeaderName, headerId } from '../src/header-names.js';
import { F_NAME_E, F_NAME_S, STRIDE } from '../src/headers.js';
import { parseMessage, tryParseMessage } from '../src/parse.js';

const F_ID = 0;
const START = 'OPTIONS sip:bob@example.com SIP/2.0\r\n';
const CANONICAL = Array.from({ length: HEADER_ID_COUNT - 1 }, (_, i) => canonicalNameOfId(i + 1));

/** Parses `START + lines + CRLF` and returns, per header line, its id and its name as received. */
function scanned(lines: string): { id: number; name: string }[] {
  const m = parseMessage(Buffer.from(`${START}${lines}\r\n`, 'latin1'));
  const h = m.headers as unknown as { _meta: number[]; _n: number; _src: string };
  const out: { id: number; name: string }[] = [];
  for (let o = 0; o < h._n * STRIDE; o += STRIDE) {
    out.push({ id: h._meta[o + F_ID]!, name: h._src.substring(h._meta[o + F_NAME_S]!, h._meta[o + F_NAME_E]!) });
  }
  return out;
}

/** Swap the case of the letters selected by `bits`. */
function recase(name: string, bits: number): string {
  let s = '';
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]!;
    s += (bits >>> i % 31) & 1 ? (ch === ch.toLowerCase() ? ch.toUpperCase() : ch.toLowerCase()) : ch;
  }
  return s;
}

describe('RFC 3261 §7.3.1 header names: exact-case fast path', () => {
  it('every canonical name, with and without whitespace before the colon, gets its id', () => {
    for (const name of CANONICAL) {
      const id = headerId(name);
      expect(id).toBeGreaterThan(0);
      for (const line of [`${name}: 0`, `${name}:0`, `${name} : 0`, `${name}\t:0`]) {
        expect(scanned(`${line}\r\n`)).toEqual([{ id, name }]);
      }
    }
  });

  it('other spellings, compact forms and extended names get what the DFA gives', () => {
    for (const name of CANONICAL) {
      const compact = compactHeaderName(name);
      const variants = [name.toLowerCase(), name.toUpperCase(), `${name}x`, `${name}-1`, `${name}!`, name.slice(0, -1), `X${name}`];
      if (compact !== undefined) variants.push(compact, compact.toUpperCase());
      for (const v of variants) {
        expect(scanned(`${v}: 0\r\n`), v).toEqual([{ id: headerId(v), name: v }]);
      }
    }
  });

  it('a name running into the end of the bytes is rejected as before', () => {
    for (const name of ['Call-ID', 'Content-Length', 'To', 'Via', 'CSeq']) {
      const r = tryParseMessage(Buffer.from(`${START}${name}`, 'latin1'));
      expect(r.ok).toBe(false);
      if (!r.ok) expect([r.error.code, r.error.offset]).toEqual(['BAD_HEADER_LINE', START.length]);
      const r2 = tryParseMessage(Buffer.from(`${START}${name}:`, 'latin1'));
      expect(r2.ok).toBe(false);
      if (!r2.ok) expect(r2.error.code).toBe('MISSING_HEADER_END');
    }
  });

  it('a canonical name followed by a non-token byte is still rejected as a bad name', () => {
    for (const name of ['Call-ID', 'To', 'Via', 'Content-Length']) {
      for (const bad of ['"', '@', '\u00e9', '\u0000', '(']) {
        const r = tryParseMessage(Buffer.from(`${START}${name}${bad}: v\r\n\r\n`, 'latin1'));
        expect(r.ok, JSON.stringify(name + bad)).toBe(false);
        if (!r.ok) expect([r.error.code, r.error.offset]).toEqual(['BAD_HEADER_NAME', START.length + name.length]);
      }
    }
  });

  it('property: any recasing or extension of a known name gets the DFA id and span', () => {
    const nameArb = fc
      .tuple(
        fc.constantFrom(...CANONICAL),
        fc.integer({ min: 0, max: 0x7fffffff }),
        fc.constantFrom('', '', 'x', '-', '.', '1', 'ID', '-Info'),
        fc.integer({ min: 0, max: 3 }),
      )
      .map(([n, bits, tail, cut]) => recase(n, bits).slice(0, Math.max(1, n.length - (cut === 3 ? 1 : 0))) + tail);
    fc.assert(
      fc.property(fc.array(nameArb, { minLength: 1, maxLength: 6 }), (names) => {
        // One Content-Length at most (a second is rejected, §20.14).
        fc.pre(names.filter((n) => headerId(n) === H_CONTENT_LENGTH).length <= 1);
        const got = scanned(names.map((n) => `${n}: 0\r\n`).join(''));
        expect(got).toEqual(names.map((n) => ({ id: headerId(n), name: n })));
      }),
      { numRuns: 500 },
    );
  });
});
