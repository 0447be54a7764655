import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SipParseError } from '../src/errors.js';
import {
  parseExpires,
  parseMaxForwards,
  parseMinSE,
  parseRAck,
  parseReason,
  parseReasonList,
  parseReferTo,
  parseReplaces,
  parseRetryAfter,
  parseRSeq,
  parseSessionExpires,
  parseTokenList,
  parseUInt32,
  parseWarning,
} from '../src/simple-headers.js';
import type { SipUri } from '../src/types.js';
import { fixtureHeaderValue as headerValue } from './support/fixtures.js';
import { expectOnlySipParseErrors, expectParseError } from './support/parse-error.js';

function expectError(f: () => unknown, code: string, offset: number, header: string): SipParseError {
  return expectParseError(f, code, { offset, header, statusHint: 400 });
}

describe('RFC 3261 §25.1 numbers', () => {
  it('RFC 3261 §25.1: parseUInt32 accepts leading zeros and 2^32-1', () => {
    expect(parseUInt32('0')).toBe(0);
    expect(parseUInt32(' 000123 ')).toBe(123);
    expect(parseUInt32('4294967295')).toBe(4294967295);
    expectError(() => parseUInt32('4294967296', 'X'), 'BAD_NUMBER', 0, 'X');
    expectError(() => parseUInt32('', 'X'), 'BAD_NUMBER', 0, 'X');
    expectError(() => parseUInt32('12a', 'X'), 'BAD_NUMBER', 2, 'X');
    expectError(() => parseUInt32('-1', 'X'), 'BAD_NUMBER', 0, 'X');
    expectError(() => parseUInt32('1 2', 'X'), 'BAD_NUMBER', 1, 'X');
  });
  it('RFC 3261 §20.22: Max-Forwards 0-255 (RFC 4475 wsinv 0068, intmeth 255, zeromf 0)', () => {
    expect(parseMaxForwards(headerValue('wsinv', 'Max-Forwards'))).toBe(68);
    expect(parseMaxForwards(headerValue('intmeth', 'Max-Forwards'))).toBe(255);
    expect(parseMaxForwards(headerValue('zeromf', 'Max-Forwards'))).toBe(0);
  });
  it('RFC 4475 §3.1.2.4 scalar02: Max-Forwards 300 is rejected', () => {
    expectError(() => parseMaxForwards(headerValue('scalar02', 'Max-Forwards')), 'BAD_NUMBER', 0, 'Max-Forwards');
  });
  it('RFC 3261 §20.19: Expires delta-seconds', () => {
    expect(parseExpires('3600')).toBe(3600);
    expect(parseExpires('0')).toBe(0);
    expect(parseExpires('4294967295', 'Min-Expires')).toBe(4294967295);
  });
  it('RFC 4475 §3.1.2.4 scalar02: an overlarge Expires is BAD_NUMBER (the caller may default to 3600)', () => {
    const err = expectError(() => parseExpires(headerValue('scalar02', 'Expires')), 'BAD_NUMBER', 0, 'Expires');
    expect(err.message).toContain('of 101 digits');
  });
  it('RFC 3261 §20.19: Expires must be digits only', () => {
    expectError(() => parseExpires('Thu, 01 Dec 1994 16:00:00 GMT'), 'BAD_NUMBER', 0, 'Expires');
    expectError(() => parseExpires('10;x'), 'BAD_NUMBER', 2, 'Expires');
  });
  it('RFC 3262 §7.1: RSeq 1..2^32-1', () => {
    expect(parseRSeq('988789')).toBe(988789);
    expectError(() => parseRSeq('0'), 'BAD_NUMBER', 0, 'RSeq');
    expectError(() => parseRSeq('4294967296'), 'BAD_NUMBER', 0, 'RSeq');
  });
  it('RFC 3262 §7.2: RAck', () => {
    expect(parseRAck('776656 1 INVITE')).toEqual({ rseq: 776656, cseq: 1, method: 'INVITE' });
    expect(parseRAck('  1\t 2   PRACK ')).toEqual({ rseq: 1, cseq: 2, method: 'PRACK' });
    expectError(() => parseRAck('776656 1'), 'BAD_HEADER_VALUE', 8, 'RAck');
    expectError(() => parseRAck('776656 INVITE'), 'BAD_NUMBER', 7, 'RAck');
    expectError(() => parseRAck('776656 1 INVITE x'), 'BAD_HEADER_VALUE', 15, 'RAck');
    expectError(() => parseRAck('0 1 INVITE'), 'BAD_NUMBER', 0, 'RAck');
    expectError(() => parseRAck('1 99999999999 INVITE'), 'BAD_NUMBER', 2, 'RAck');
  });
  it('RFC 3261 §25.1: any 32-bit value round-trips; arbitrary text only throws SipParseError', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.nat(5), (n, zeros) => {
        expect(parseUInt32('0'.repeat(zeros) + String(n))).toBe(n);
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(fc.constantFrom('0', '9', ' ', ';', ',', '"', '='), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })) }), (s) => {
        const parsers = [parseUInt32, parseMaxForwards, parseExpires, parseRSeq, parseRAck, parseTokenList, parseSessionExpires, parseMinSE, parseReason, parseReasonList, parseReplaces, parseReferTo, parseRetryAfter, parseWarning];
        expectOnlySipParseErrors(...parsers.map((f) => () => f(s)));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('RFC 3261 §20 token lists', () => {
  const cases: Array<[string, string[]]> = [
    ['', []],
    ['  ', []],
    ['100rel', ['100rel']],
    ['INVITE, ACK,OPTIONS ,\tCANCEL, BYE', ['INVITE', 'ACK', 'OPTIONS', 'CANCEL', 'BYE']],
    ['timer, replaces, norefersub', ['timer', 'replaces', 'norefersub']],
  ];
  it.each(cases)('RFC 3261 §20.37 parses %j', (text, expected) => {
    expect(parseTokenList(text, 'Supported')).toEqual(expected);
  });
  it('RFC 4475 §3.3.5 bext01: Require and Proxy-Require option tags', () => {
    expect(parseTokenList(headerValue('bext01', 'Require'), 'Require')).toEqual(['nothingSupportsThis', 'nothingSupportsThisEither']);
    expect(parseTokenList(headerValue('bext01', 'Proxy-Require'), 'Proxy-Require')).toEqual([
      'noProxiesSupportThis',
      'norDoAnyProxiesSupportThis',
    ]);
  });
  const bad: Array<[string, number]> = [
    ['a,,b', 2],
    [',a', 0],
    ['a,', 2],
    ['a b', 2],
    ['a;b', 1],
    ['"a"', 0],
  ];
  it.each(bad)('RFC 3261 §25.1 rejects token list %j', (text, offset) => {
    expectError(() => parseTokenList(text, 'Allow'), 'BAD_HEADER_VALUE', offset, 'Allow');
  });
});

describe('RFC 4028 session timers', () => {
  it('RFC 4028 §4: Session-Expires with refresher', () => {
    expect(parseSessionExpires('4000;refresher=uac')).toEqual({
      deltaSeconds: 4000,
      refresher: 'uac',
      params: [{ name: 'refresher', value: 'uac' }],
    });
    expect(parseSessionExpires('1800 ; Refresher = UAS ; x')).toEqual({
      deltaSeconds: 1800,
      refresher: 'uas',
      params: [
        { name: 'Refresher', value: 'UAS' },
        { name: 'x', value: null },
      ],
    });
    expect(parseSessionExpires('90')).toEqual({ deltaSeconds: 90, refresher: null, params: [] });
  });
  it('RFC 4028 §4: bad Session-Expires values', () => {
    expectError(() => parseSessionExpires('4000;refresher=proxy'), 'BAD_PARAMETER', 4, 'Session-Expires');
    expectError(() => parseSessionExpires('4000;refresher'), 'BAD_PARAMETER', 4, 'Session-Expires');
    expectError(() => parseSessionExpires('refresher=uac'), 'BAD_NUMBER', 0, 'Session-Expires');
    expectError(() => parseSessionExpires('4000 x'), 'BAD_HEADER_VALUE', 5, 'Session-Expires');
    expectError(() => parseSessionExpires('99999999999'), 'BAD_NUMBER', 0, 'Session-Expires');
  });
  it('RFC 4028 §5: Min-SE', () => {
    expect(parseMinSE('90')).toBe(90);
    expect(parseMinSE('3600;foo=bar')).toBe(3600);
    expectError(() => parseMinSE(''), 'BAD_NUMBER', 0, 'Min-SE');
  });
});

describe('RFC 3326 Reason', () => {
  it('RFC 3326 §2: SIP and Q.850 reasons', () => {
    expect(parseReason('SIP ;cause=200 ;text="Call completed elsewhere"')).toEqual({
      protocol: 'SIP',
      cause: 200,
      text: 'Call completed elsewhere',
      params: [
        { name: 'cause', value: '200' },
        { name: 'text', value: '"Call completed elsewhere"' },
      ],
    });
    expect(parseReason('Q.850;cause=16;text="Terminated"')).toMatchObject({ protocol: 'Q.850', cause: 16, text: 'Terminated' });
    expect(parseReason('SIP')).toEqual({ protocol: 'SIP', cause: null, text: null, params: [] });
    expect(parseReasonList('SIP;cause=580;text="Precondition Failure", Q.850;cause=47')).toMatchObject([
      { protocol: 'SIP', cause: 580, text: 'Precondition Failure' },
      { protocol: 'Q.850', cause: 47, text: null },
    ]);
    expect(parseReason('SIP;text="a \\"b\\""').text).toBe('a "b"');
  });
  it('RFC 3326 §2: malformed Reason', () => {
    expectError(() => parseReason(';cause=1'), 'BAD_HEADER_VALUE', 0, 'Reason');
    expectError(() => parseReason('SIP;cause=abc'), 'BAD_NUMBER', 10, 'Reason');
    expectError(() => parseReason('SIP;cause=99999999999'), 'BAD_NUMBER', 10, 'Reason');
    expectError(() => parseReason('SIP;text="open'), 'BAD_QUOTED_STRING', 9, 'Reason');
    expectError(() => parseReason('SIP cause=1'), 'BAD_HEADER_VALUE', 4, 'Reason');
    expectError(() => parseReasonList(''), 'BAD_HEADER_VALUE', 0, 'Reason');
  });
});

describe('RFC 3891 Replaces', () => {
  it('RFC 3891 §6.1: example values', () => {
    expect(parseReplaces('98732@sip.example.com ;from-tag=r33th4x0r ;to-tag=ff87ff')).toEqual({
      callId: '98732@sip.example.com',
      toTag: 'ff87ff',
      fromTag: 'r33th4x0r',
      earlyOnly: false,
      params: [
        { name: 'from-tag', value: 'r33th4x0r' },
        { name: 'to-tag', value: 'ff87ff' },
      ],
    });
    expect(parseReplaces('12adf2f34456gs5;to-tag=12345;from-tag=54321;early-only')).toMatchObject({
      callId: '12adf2f34456gs5',
      earlyOnly: true,
    });
    expect(parseReplaces('a<b>:c@[x]{y};to-tag=1;from-tag=2').callId).toBe('a<b>:c@[x]{y}');
  });
  it('RFC 3891 §6.1: both tags are required', () => {
    expectError(() => parseReplaces('abc;to-tag=1'), 'BAD_PARAMETER', 3, 'Replaces');
    expectError(() => parseReplaces('abc;from-tag=1'), 'BAD_PARAMETER', 3, 'Replaces');
    expectError(() => parseReplaces(';to-tag=1;from-tag=2'), 'BAD_HEADER_VALUE', 0, 'Replaces');
    expectError(() => parseReplaces('a@;to-tag=1;from-tag=2'), 'BAD_HEADER_VALUE', 2, 'Replaces');
    expectError(() => parseReplaces('a b;to-tag=1;from-tag=2'), 'BAD_HEADER_VALUE', 2, 'Replaces');
  });
});

describe('RFC 3515 Refer-To', () => {
  it('RFC 3515 §2.1: name-addr with an embedded Replaces header', () => {
    const r = parseReferTo('<sip:dave@denver.example.org?Replaces=12345%40192.168.118.3%3Bto-tag%3D12345%3Bfrom-tag%3D5FFE-3994>');
    const uri = r.uri as SipUri;
    expect(uri.headers).toEqual([{ name: 'Replaces', value: '12345@192.168.118.3;to-tag=12345;from-tag=5FFE-3994' }]);
    expect(parseReplaces(uri.headers[0]?.value ?? '')).toMatchObject({ callId: '12345@192.168.118.3', toTag: '12345', fromTag: '5FFE-3994' });
    expect(parseReferTo('sip:bob@biloxi.example.net').uri.raw).toBe('sip:bob@biloxi.example.net');
    expectError(() => parseReferTo('sip:a@b.com?Replaces=x'), 'BAD_NAME_ADDR', 11, 'Refer-To');
  });
});

describe('RFC 3261 §20.33 Retry-After', () => {
  it('RFC 3261 §20.33: examples', () => {
    expect(parseRetryAfter('18000;duration=3600')).toEqual({
      deltaSeconds: 18000,
      comment: null,
      duration: 3600,
      params: [{ name: 'duration', value: '3600' }],
    });
    expect(parseRetryAfter("120 (I'm in a meeting)")).toEqual({ deltaSeconds: 120, comment: "I'm in a meeting", duration: null, params: [] });
    expect(parseRetryAfter('5 (a (nested) \\) x) ;foo=bar').comment).toBe('a (nested) ) x');
  });
  it('RFC 4475 §3.1.2.5 scalarlg: a 27-digit Retry-After is rejected', () => {
    expectError(() => parseRetryAfter(headerValue('scalarlg', 'Retry-After')), 'BAD_NUMBER', 0, 'Retry-After');
  });
  it('RFC 3261 §20.33: malformed values', () => {
    expectError(() => parseRetryAfter('5 (open'), 'BAD_HEADER_VALUE', 2, 'Retry-After');
    expectError(() => parseRetryAfter('5;duration=x'), 'BAD_NUMBER', 11, 'Retry-After');
    expectError(() => parseRetryAfter('5 x'), 'BAD_HEADER_VALUE', 2, 'Retry-After');
  });
});

describe('RFC 3261 §20.43 Warning', () => {
  it('RFC 3261 §20.43: examples', () => {
    expect(parseWarning('307 isi.edu "Session parameter \'foo\' not understood"')).toEqual([
      { code: 307, agent: 'isi.edu', text: "Session parameter 'foo' not understood" },
    ]);
    expect(parseWarning('301 isi.edu "Incompatible network address type \'E.164\'", 399 [2001:db8::1]:5060 "a, \\"b\\""')).toEqual([
      { code: 301, agent: 'isi.edu', text: "Incompatible network address type 'E.164'" },
      { code: 399, agent: '[2001:db8::1]:5060', text: 'a, "b"' },
    ]);
  });
  it('RFC 4475 §3.1.2.5 scalarlg: a 4-digit warn-code is rejected', () => {
    const value = headerValue('scalarlg', 'Warning');
    expect(value).toBe('1812 overture "In Progress"');
    expectError(() => parseWarning(value), 'BAD_NUMBER', 0, 'Warning');
  });
  it('RFC 3261 §20.43: malformed values', () => {
    expectError(() => parseWarning('30 x "y"'), 'BAD_NUMBER', 0, 'Warning');
    expectError(() => parseWarning('307 isi.edu'), 'BAD_HEADER_VALUE', 11, 'Warning');
    expectError(() => parseWarning('307 isi.edu text'), 'BAD_HEADER_VALUE', 12, 'Warning');
    expectError(() => parseWarning('307 "x"'), 'BAD_HEADER_VALUE', 4, 'Warning');
    expectError(() => parseWarning('307 a "x" y'), 'BAD_HEADER_VALUE', 9, 'Warning');
    expectError(() => parseWarning('307 a "x",'), 'BAD_HEADER_VALUE', 10, 'Warning');
  });
});
