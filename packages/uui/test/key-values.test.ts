import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatKeyValues,
  formatUui,
  keyValuesFromUui,
  parseKeyValues,
  parseUui,
  uuiFromKeyValues,
  UuiError,
  type UuiKeyValue,
} from '../src/index.js';

const CORPUS =
  '04434153452D32303438313B4C414E473D656E2D55533B51554555453D62696C6C696E67;encoding=hex;purpose=isdn-uui;content=isdn-uui';

describe('RFC 7434 IA5 key=value payloads (contact-centre convention)', () => {
  it('reads the corpus payload: a bare case id, then key=value pairs', () => {
    expect(keyValuesFromUui(parseUui(CORPUS))).toEqual([
      { key: 'CASE-20481', value: null },
      { key: 'LANG', value: 'en-US' },
      { key: 'QUEUE', value: 'billing' },
    ]);
  });

  it('writes the corpus header back from the items', () => {
    const items: UuiKeyValue[] = [
      { key: 'CASE-20481', value: null },
      { key: 'LANG', value: 'en-US' },
      { key: 'QUEUE', value: 'billing' },
    ];
    expect(formatUui(uuiFromKeyValues(items))).toBe(CORPUS);
  });

  it('distinguishes bare items, empty values and "=" inside values', () => {
    expect(parseKeyValues('a;b=;c=d=e;;')).toEqual([
      { key: 'a', value: null },
      { key: 'b', value: '' },
      { key: 'c', value: 'd=e' },
      { key: '', value: null },
      { key: '', value: null },
    ]);
    expect(parseKeyValues('')).toEqual([]);
  });

  it('refuses items that would not read back unchanged', () => {
    const bad: UuiKeyValue[][] = [
      [{ key: 'a;b', value: null }],
      [{ key: 'a=b', value: 'c' }],
      [{ key: 'a', value: 'b;c' }],
      [{ key: '', value: null }],
    ];
    for (const items of bad) {
      expect(() => formatKeyValues(items)).toThrow(UuiError);
    }
  });

  it('text -> items -> text is exact for every IA5 string', () => {
    const ia5 = fc.string({ unit: fc.oneof(fc.constantFrom(';', '='), fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c))), maxLength: 60 });
    fc.assert(
      fc.property(ia5, (text) => {
        expect(formatKeyValues(parseKeyValues(text))).toBe(text);
      }),
    );
  });

  it('items -> header -> items is exact for every list formatKeyValues accepts', () => {
    const part = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 10 });
    const item = fc.record({
      key: part.map((s) => s.replace(/[;=]/g, '_')),
      value: fc.option(part.map((s) => s.replace(/;/g, '_')), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 8 }), (items) => {
        fc.pre(!(items.length === 1 && items[0]!.key === '' && items[0]!.value === null));
        fc.pre(formatKeyValues(items).length <= 128);
        expect(keyValuesFromUui(parseUui(formatUui(uuiFromKeyValues(items))))).toEqual(items);
      }),
    );
  });

  it('rejects non-IA5 text in items', () => {
    let code: string | undefined;
    try {
      uuiFromKeyValues([{ key: 'NAME', value: 'Zoë' }]);
    } catch (e) {
      code = (e as UuiError).code;
    }
    expect(code).toBe('NON_IA5_CHARACTER');
  });
});
