import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  keyValuesFromUui,
  parseUui,
  parseUuiList,
  selectUui,
  splitUuiHeader,
  textFromUui,
  UuiError,
} from '../src/index.js';

/** Runs fn; anything thrown must be a UuiError. */
function onlyUuiErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof UuiError)) throw e;
    expect(typeof e.code).toBe('string');
    expect(e.message.length).toBeGreaterThan(0);
  }
}

// Fragments of the grammar, so random strings reach deep states, not only the first check.
const fragment = fc.constantFrom(
  '0', '4', '41', 'A', 'f', 'g', ';', '=', '"', '\\', ',', ' ', '\t', '\r\n ', '\r', '\n', '[', ':',
  'encoding', 'ENCODING', 'hex', 'purpose', 'content', 'isdn-uui', 'x', '\u0000', 'é', '\u{1F600}',
);
const grammarish = fc.array(fragment, { maxLength: 40 }).map((a) => a.join(''));
const anyString = fc.oneof(grammarish, fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ maxLength: 60 }));

describe('RFC 7433 §4.1 untrusted input never throws anything but UuiError', () => {
  it('parseUui on arbitrary strings', () => {
    fc.assert(
      fc.property(anyString, (s) => onlyUuiErrors(() => parseUui(s))),
      { numRuns: 2000 },
    );
  });

  it('parseUuiList, selectUui and splitUuiHeader never throw on arrays of strings', () => {
    fc.assert(
      fc.property(fc.array(anyString, { maxLength: 4 }), (values) => {
        const entries = parseUuiList(values);
        expect(entries.length).toBe(values.reduce((n, v) => n + splitUuiHeader(v).length, 0));
        selectUui(values, { purpose: 'isdn-uui' });
      }),
      { numRuns: 500 },
    );
  });

  it('textFromUui and keyValuesFromUui on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (bytes) => {
        onlyUuiErrors(() => textFromUui(bytes));
        onlyUuiErrors(() => keyValuesFromUui(bytes));
      }),
      { numRuns: 500 },
    );
  });
});
