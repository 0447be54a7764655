import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatUui, parseUui, UuiError, type UuiData, type UuiErrorCode } from '../src/index.js';
import { quoteString } from '../src/grammar.js';
import { mixCase, uuiDataArb } from './arbitraries.js';

function codeOf(fn: () => unknown): UuiErrorCode | 'none' {
  try {
    fn();
    return 'none';
  } catch (e) {
    if (e instanceof UuiError) return e.code;
    throw e;
  }
}

const base: UuiData = { data: Uint8Array.of(0x04, 0x41, 0xff), encoding: 'hex', params: [] };

describe('RFC 7433 §4.1 formatUui', () => {
  it('writes uppercase hex, encoding=hex, then purpose, content and the other parameters in order', () => {
    expect(
      formatUui({
        ...base,
        purpose: 'isdn-uui',
        content: 'isdn-uui',
        params: [
          { name: 'flag', value: null, quoted: false },
          { name: 'v', value: '[2001:db8::1]', quoted: false },
          { name: 'n', value: 'a "b"\\c', quoted: true },
        ],
      }),
    ).toBe('0441FF;encoding=hex;purpose=isdn-uui;content=isdn-uui;flag;v=[2001:db8::1];n="a \\"b\\"\\\\c"');
  });

  it('writes no purpose or content when they are absent', () => {
    expect(formatUui(base)).toBe('0441FF;encoding=hex');
  });

  it('rejects what the grammar cannot carry, with typed errors', () => {
    const table: Record<string, [UuiData, UuiErrorCode]> = {
      'no octets': [{ ...base, data: new Uint8Array(0) }, 'MISSING_DATA'],
      '130 octets': [{ ...base, data: new Uint8Array(130) }, 'OVERSIZE'],
      'purpose not a token': [{ ...base, purpose: 'a b' }, 'MALFORMED_PARAMETER'],
      'empty content': [{ ...base, content: '' }, 'MALFORMED_PARAMETER'],
      'param name not a token': [{ ...base, params: [{ name: 'a=b', value: null, quoted: false }] }, 'MALFORMED_PARAMETER'],
      'unquoted value with a space': [{ ...base, params: [{ name: 'a', value: 'b c', quoted: false }] }, 'MALFORMED_PARAMETER'],
      'empty unquoted value': [{ ...base, params: [{ name: 'a', value: '', quoted: false }] }, 'MALFORMED_PARAMETER'],
      'quoted value with LF': [{ ...base, params: [{ name: 'a', value: 'x\ny', quoted: true }] }, 'MALFORMED_PARAMETER'],
      'encoding in params': [{ ...base, params: [{ name: 'Encoding', value: 'hex', quoted: false }] }, 'DUPLICATE_PARAMETER'],
    };
    for (const [name, [uui, code]] of Object.entries(table)) expect(codeOf(() => formatUui(uui)), name).toBe(code);
  });

  it('honours maxOctets', () => {
    expect(codeOf(() => formatUui(base, { maxOctets: 2 }))).toBe('OVERSIZE');
    expect(formatUui({ ...base, data: new Uint8Array(200) }, { maxOctets: 200 })).toHaveLength(400 + 13);
    expect(() => formatUui(base, { maxOctets: 0 })).toThrow(RangeError);
  });

  it('throws TypeError for values not shaped like UuiData', () => {
    expect(() => formatUui({ ...base, data: [4, 65] as unknown as Uint8Array })).toThrow(TypeError);
    expect(() => formatUui({ ...base, encoding: 'base64' as 'hex' })).toThrow(TypeError);
    expect(() => formatUui(null as unknown as UuiData)).toThrow(TypeError);
  });
});

describe('RFC 7433 §4.1 properties', () => {
  it('parseUui(formatUui(x)) equals x', () => {
    fc.assert(
      fc.property(uuiDataArb, (x) => {
        expect(parseUui(formatUui(x))).toEqual(x);
      }),
      { numRuns: 300 },
    );
  });

  it('formatUui(parseUui(s)) is a fixed point: formatting a parsed value and parsing again changes nothing', () => {
    fc.assert(
      fc.property(uuiDataArb, (x) => {
        const s = formatUui(x);
        expect(formatUui(parseUui(s))).toBe(s);
      }),
    );
  });

  it('hex digit case, parameter-name case, LWS around ";"/"=", and parameter order do not change the result', () => {
    const wsArb = fc.constantFrom('', ' ', '\t', '  ', '\r\n ');
    fc.assert(
      fc.property(
        uuiDataArb,
        fc.array(fc.boolean(), { minLength: 1, maxLength: 16 }),
        fc.array(wsArb, { minLength: 8, maxLength: 8 }),
        fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
        (x, bits, ws, positions) => {
          const w = (i: number): string => ws[i % ws.length]!;
          const hex = mixCase(formatUui(x).slice(0, 2 * x.data.length), bits);
          const segs = x.params.map((p, i) => {
            let seg = `${w(i)};${w(i + 1)}${p.name}`;
            if (p.value !== null) seg += `${w(i + 2)}=${w(i + 3)}${p.quoted ? quoteString(p.value)! : p.value}`;
            return seg;
          });
          const known = [`;${w(4)}${mixCase('encoding', bits)}${w(5)}=${w(6)}${mixCase('hex', bits.slice(1))}`];
          if (x.purpose !== undefined) known.push(`${w(7)};${mixCase('purpose', bits.slice(2))}=${x.purpose}`);
          if (x.content !== undefined) known.push(`;${mixCase('content', bits.slice(3))}${w(1)}=${x.content}`);
          known.forEach((k, i) => segs.splice(positions[i]! % (segs.length + 1), 0, k));
          const header = `${w(0)}${hex}${segs.join('')}${w(2)}`;
          expect(parseUui(header)).toEqual(x);
        },
      ),
      { numRuns: 300 },
    );
  });
});
