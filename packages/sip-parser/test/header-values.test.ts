import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SipParseError } from '../src/errors.js';
import {
  findParam,
  formatParams,
  parseParams,
  quote,
  splitHeaderValueSpans,
  splitHeaderValues,
  unquote,
} from '../src/header-values.js';
import { expectOnlySipParseErrors, expectParseError } from './support/parse-error.js';

function expectError(f: () => unknown, code: string, offset?: number): SipParseError {
  return expectParseError(f, code, { offset, statusHint: 400 });
}

describe('RFC 3261 §7.3.1 splitting list header values', () => {
  const cases: Array<[string, string[]]> = [
    ['', []],
    ['   ', []],
    ['a', ['a']],
    ['a,b', ['a', 'b']],
    [' a ,\tb , c ', ['a', 'b', 'c']],
    ['"Doe, John" <sip:j@x.com>, <sip:k@y.com>', ['"Doe, John" <sip:j@x.com>', '<sip:k@y.com>']],
    ['<sip:a,b@x.com>;p=1, <sip:c@y.com>', ['<sip:a,b@x.com>;p=1', '<sip:c@y.com>']],
    ['"a \\", b", c', ['"a \\", b"', 'c']],
    ['"a \\\\", b', ['"a \\\\"', 'b']],
    ['x;q="1,2",y', ['x;q="1,2"', 'y']],
    [
      'application/sdp, application/pkcs7-mime, multipart/mixed, multipart/signed, message/sip, message/sipfrag',
      ['application/sdp', 'application/pkcs7-mime', 'multipart/mixed', 'multipart/signed', 'message/sip', 'message/sipfrag'],
    ],
  ];
  it.each(cases)('RFC 3261 §7.3.1 splits %j', (text, expected) => {
    expect(splitHeaderValues(text)).toEqual(expected);
    for (const [s, e] of splitHeaderValueSpans(text)) expect(text.slice(s, e)).toBe(text.slice(s, e).trim());
  });
  const bad: Array<[string, string, number]> = [
    ['a,,b', 'BAD_HEADER_VALUE', 2],
    [',a', 'BAD_HEADER_VALUE', 0],
    ['a,', 'BAD_HEADER_VALUE', 2],
    ['a, ,b', 'BAD_HEADER_VALUE', 3],
    [',', 'BAD_HEADER_VALUE', 0],
    ['"open, b', 'BAD_QUOTED_STRING', 0],
    ['"x\\', 'BAD_QUOTED_STRING', 0],
  ];
  it.each(bad)('RFC 3261 §7.3.1 rejects %j with %s', (text, code, offset) => {
    expectError(() => splitHeaderValues(text, 'Contact'), code, offset);
  });
  it('RFC 4475 §3.1.2.1 badinv01: the Via value ";;,;,," has empty elements', () => {
    const err = expectError(() => splitHeaderValues('SIP/2.0/UDP 192.0.2.15;;,;,,', 'Via'), 'BAD_HEADER_VALUE');
    expect(err.header).toBe('Via');
    expect(err.message).toContain('Via:');
  });
  it('RFC 3261 §7.3.1: joining split elements with commas and splitting again is stable', () => {
    const elem = fc.oneof(
      fc.stringMatching(/^[a-z0-9.;=]{1,8}$/),
      fc.string({ unit: fc.constantFrom('a', ',', ' ', '<', '>'), maxLength: 6 }).map((s) => `"${s}"`),
      fc.string({ unit: fc.constantFrom('a', ',', '"', ' '), maxLength: 6 }).map((s) => `<${s}>`),
    );
    fc.assert(
      fc.property(fc.array(elem, { minLength: 1, maxLength: 6 }), (elems) => {
        expect(splitHeaderValues(elems.join(' , '))).toEqual(elems);
      }),
    );
  });
});

describe('RFC 3261 §25.1 generic-param scanning', () => {
  it('RFC 3261 §25.1: names, values, bare names, quoted values kept as written', () => {
    const text = ';tag=abc ; lr;  q = 0.7;x="a;b,c";maddr=[2001:db8::1];received=2001:db8::9:255';
    expect(parseParams(text, 0)).toEqual({
      params: [
        { name: 'tag', value: 'abc' },
        { name: 'lr', value: null },
        { name: 'q', value: '0.7' },
        { name: 'x', value: '"a;b,c"' },
        { name: 'maddr', value: '[2001:db8::1]' },
        { name: 'received', value: '2001:db8::9:255' },
      ],
      end: text.length,
    });
  });
  it('RFC 3261 §25.1: scanning stops at the first character that is not ";"', () => {
    expect(parseParams('<sip:a@b>;p=1 , next', 9)).toEqual({ params: [{ name: 'p', value: '1' }], end: 14 });
    expect(parseParams('abc', 0)).toEqual({ params: [], end: 0 });
    expect(parseParams(';a=b>', 0)).toEqual({ params: [{ name: 'a', value: 'b' }], end: 4 });
  });
  const bad: Array<[string, string, number]> = [
    [';;', 'BAD_PARAMETER', 1],
    [';a;;b', 'BAD_PARAMETER', 3],
    [';', 'BAD_PARAMETER', 1],
    [';=x', 'BAD_PARAMETER', 1],
    [';a=', 'BAD_PARAMETER', 3],
    [';a= ;b', 'BAD_PARAMETER', 4],
    [';a="x', 'BAD_QUOTED_STRING', 3],
  ];
  it.each(bad)('RFC 3261 §25.1 rejects params %j with %s', (text, code, offset) => {
    const err = expectError(() => parseParams(text, 0, text.length, 'Contact'), code, offset);
    expect(err.header).toBe('Contact');
  });
  it('RFC 3261 §7.3.1: parameter names compare case-insensitively; formatting writes values as stored', () => {
    const { params } = parseParams(';TAG=x;Lr', 0);
    expect(findParam(params, 'tag')).toEqual({ name: 'TAG', value: 'x' });
    expect(findParam(params, 'branch')).toBeUndefined();
    expect(formatParams(params)).toBe(';TAG=x;Lr');
  });
});

describe('RFC 3261 §25.1 quoted-string', () => {
  it('RFC 3261 §25.1: quoted-pairs are resolved', () => {
    expect(unquote('"J Rosenberg \\\\\\""')).toBe('J Rosenberg \\"');
    expect(unquote('"Quoted string \\"\\""')).toBe('Quoted string ""');
    expect(unquote('""')).toBe('');
    expect(unquote('token')).toBe('token');
    expect(unquote('"\\a\\b"')).toBe('ab');
  });
  it('RFC 4475 §3.1.1.2 intmeth: quoted-pairs of BEL, NUL and DEL', () => {
    expect(unquote('"BEL:\\\x07 NUL:\\\x00 DEL:\\\x7f"')).toBe('BEL:\x07 NUL:\x00 DEL:\x7f');
  });
  it('RFC 3261 §25.1: UTF-8 text is allowed in qdtext', () => {
    expect(unquote('"Ĳsbrand 日本"')).toBe('Ĳsbrand 日本');
  });
  const bad: Array<[string, number]> = [
    ['"unterminated', 0],
    ['"a\\"', 0],
    ['"a"b', 3],
    ['"a\x07b"', 2],
    ['"a\nb"', 2],
    ['"a\\\rb"', 2],
    ['"a\\éb"', 2],
  ];
  it.each(bad)('RFC 3261 §25.1 rejects quoted-string %j', (text, offset) => {
    expectError(() => unquote(text), 'BAD_QUOTED_STRING', offset);
  });
  it('RFC 3261 §25.1: quote escapes DQUOTE, backslash and controls', () => {
    expect(quote('a "b" \\c')).toBe('"a \\"b\\" \\\\c"');
    expect(quote('\x00\x07\x7f\t')).toBe('"\\\x00\\\x07\\\x7f\t"');
    expect(() => quote('a\r\nb')).toThrow(TypeError);
  });
  it('RFC 3261 §25.1: unquote ∘ quote is the identity on text without CR/LF', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(fc.constantFrom('"', '\\', '\0', '\x7f', ' ', '\t'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })) }).filter((s) => !/[\r\n]/.test(s)), (s) => {
        expect(unquote(quote(s))).toBe(s);
      }),
    );
  });
  it('RFC 3261 §25.1: arbitrary text never throws anything but SipParseError', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('"', '\\', ',', ';', '=', '<', '>', 'a', ' ', '\0', '\n') }), (s) => {
        expectOnlySipParseErrors(() => unquote(s), () => splitHeaderValues(s), () => parseParams(s, 0));
      }),
      { numRuns: 2000 },
    );
  });
});
