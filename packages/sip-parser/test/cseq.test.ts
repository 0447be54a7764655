import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SipParseError } from '../src/errors.js';
import { MAX_CSEQ, formatCSeq, parseCSeq } from '../src/cseq.js';
import { expectParseError } from './support/parse-error.js';

function expectError(f: () => unknown, offset: number): void {
  expectParseError(f, 'BAD_CSEQ', { offset, header: 'CSeq', statusHint: 400 });
}

describe('RFC 3261 §20.16 CSeq', () => {
  const cases: Array<[string, number, string]> = [
    ['4711 INVITE', 4711, 'INVITE'],
    ['1 ACK', 1, 'ACK'],
    ['0 REGISTER', 0, 'REGISTER'],
    ['0009 INVITE', 9, 'INVITE'], // RFC 4475 §3.1.1.1 wsinv, after unfolding
    ['4294967295 BYE', MAX_CSEQ, 'BYE'],
    ['  12 \t  OPTIONS  ', 12, 'OPTIONS'],
    ["139122385 !interesting-Method0123456789_*+`.%indeed'~", 139122385, "!interesting-Method0123456789_*+`.%indeed'~"], // intmeth
    ['29344 RE%47IST%45R', 29344, 'RE%47IST%45R'], // esc02: not REGISTER
    ['1 invite', 1, 'invite'],
    [`${'0'.repeat(500)}7 INFO`, 7, 'INFO'],
  ];
  it.each(cases)('RFC 3261 §20.16 parses %j', (text, seq, method) => {
    expect(parseCSeq(text)).toEqual({ seq, method });
  });
  const bad: Array<[string, number]> = [
    ['', 0],
    ['INVITE', 0],
    ['1', 1],
    ['1INVITE', 1],
    ['1 ', 1],
    ['1 INVITE x', 8],
    ['-1 INVITE', 0],
    ['+1 INVITE', 0],
    ['1.5 INVITE', 1],
    ['1 INV"ITE', 5],
    ['1 INVITE;x', 8],
    ['4294967296 ACK', 0],
    ['36893488147419103232 REGISTER', 0], // RFC 4475 §3.1.2.4 scalar02
    ['9292394834772304023312 OPTIONS', 0], // RFC 4475 §3.1.2.5 scalarlg
    [`${'9'.repeat(5000)} INVITE`, 0],
  ];
  it.each(bad)('RFC 3261 §20.16 rejects %j', (text, offset) => {
    expectError(() => parseCSeq(text), offset);
  });
  it('RFC 3261 §8.1.1.5: any 32-bit sequence number and token method round-trips', () => {
    const method = fc.string({ unit: fc.constantFrom(...'ABCINVITEabc-.!%*_+`\'~09'.split('')), minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_CSEQ }), method, (seq, m) => {
        expect(parseCSeq(formatCSeq({ seq, method: m }))).toEqual({ seq, method: m });
      }),
    );
  });
  it('RFC 3261 §20.16: arbitrary text either parses or throws SipParseError', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(fc.constantFrom('0', '9', ' ', 'I', '\t'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })) }), (s) => {
        try {
          const c = parseCSeq(s);
          expect(c.seq).toBeLessThanOrEqual(MAX_CSEQ);
        } catch (e) {
          expect(e).toBeInstanceOf(SipParseError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
