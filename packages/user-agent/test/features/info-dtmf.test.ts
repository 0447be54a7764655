import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InfoDtmfError,
  formatInfoDtmf,
  isInfoDtmfType,
  parseDtmf,
  parseDtmfRelay,
  parseInfoDtmf,
  type InfoDtmfErrorCode,
} from '../../src/features/info-dtmf.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('SIP INFO DTMF bodies: application/dtmf-relay', () => {
  it.each([
    ['the canonical body', 'Signal=5\r\nDuration=160\r\n', '5', 160],
    ['LF line ends, spaces around =', 'Signal = #\nDuration = 250\n', '#', 250],
    ['keys in any case and order, unknown keys ignored', 'duration=100\r\nFoo=bar\r\nSIGNAL=*\r\n', '*', 100],
    ['no Duration', 'Signal=9', '9', null],
    ['lower-case A-D', 'Signal=d\r\n', 'D', null],
    ['event code 10 for * (some gateways)', 'Signal=10\r\nDuration=80', '*', 80],
    ['event code 11 for #', 'Signal=11', '#', null],
  ])('%s', (_name, body, digit, durationMs) => {
    expect(parseDtmfRelay(body)).toEqual({ digit, durationMs });
    expect(parseDtmfRelay(enc(body))).toEqual({ digit, durationMs });
  });

  it.each([
    ['an empty body', '', 'INFO_DTMF_MISSING_SIGNAL', 400],
    ['no Signal line', 'Duration=160', 'INFO_DTMF_MISSING_SIGNAL', 400],
    ['an empty signal', 'Signal=\r\n', 'INFO_DTMF_MISSING_SIGNAL', 400],
    ['a line without =', 'Signal 5', 'INFO_DTMF_BAD_SYNTAX', 400],
    ['an unknown key', 'Signal=E', 'INFO_DTMF_BAD_SIGNAL', 400],
    ['two keys', 'Signal=12#', 'INFO_DTMF_BAD_SIGNAL', 400],
    ['event code 16 (flash is not a key)', 'Signal=16', 'INFO_DTMF_BAD_SIGNAL', 400],
    ['a zero duration', 'Signal=1\r\nDuration=0', 'INFO_DTMF_BAD_DURATION', 400],
    ['a negative duration', 'Signal=1\r\nDuration=-5', 'INFO_DTMF_BAD_DURATION', 400],
    ['a duration beyond maxDurationMs', 'Signal=1\r\nDuration=600000', 'INFO_DTMF_BAD_DURATION', 400],
    ['a control byte', 'Signal=1\u0000', 'INFO_DTMF_BAD_SYNTAX', 400],
    ['a body beyond maxBodyBytes', `Signal=1\r\n${'X=y\r\n'.repeat(300)}`, 'INFO_DTMF_BODY_TOO_LARGE', 413],
  ] as const)('%s → %s', (_name, body, code: InfoDtmfErrorCode, statusHint) => {
    for (const input of [body, enc(body)]) {
      try {
        parseDtmfRelay(input);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(InfoDtmfError);
        expect((e as InfoDtmfError).code).toBe(code);
        expect((e as InfoDtmfError).statusHint).toBe(statusHint);
      }
    }
  });
});

describe('SIP INFO DTMF bodies: application/dtmf', () => {
  it('the key alone, whitespace tolerated; no duration', () => {
    expect(parseDtmf('7')).toEqual({ digit: '7', durationMs: null });
    expect(parseDtmf(' #\r\n')).toEqual({ digit: '#', durationMs: null });
  });

  it('anything else is a typed error', () => {
    expect(() => parseDtmf('')).toThrow(expect.objectContaining({ code: 'INFO_DTMF_MISSING_SIGNAL' }));
    expect(() => parseDtmf('Signal=5')).toThrow(expect.objectContaining({ code: 'INFO_DTMF_BAD_SIGNAL' }));
  });
});

describe('parseInfoDtmf dispatches on Content-Type', () => {
  it('media type matched case-insensitively, parameters ignored', () => {
    expect(parseInfoDtmf('Application/DTMF-Relay; charset=us-ascii', 'Signal=3')).toEqual({ digit: '3', durationMs: null });
    expect(parseInfoDtmf('application/dtmf', '4')).toEqual({ digit: '4', durationMs: null });
    expect(isInfoDtmfType('application/dtmf-relay')).toBe(true);
    expect(isInfoDtmfType('application/sdp')).toBe(false);
    expect(isInfoDtmfType(undefined)).toBe(false);
  });

  it.each([undefined, 'application/sdp', 'text/plain'])('%s → INFO_DTMF_UNSUPPORTED_TYPE, statusHint 415', (type) => {
    expect(() => parseInfoDtmf(type, 'Signal=1')).toThrow(expect.objectContaining({ code: 'INFO_DTMF_UNSUPPORTED_TYPE', statusHint: 415 }));
  });
});

describe('formatInfoDtmf', () => {
  it('dtmf-relay by default with Duration 160; application/dtmf is the key alone', () => {
    expect(formatInfoDtmf('5')).toEqual({ contentType: 'application/dtmf-relay', body: 'Signal=5\r\nDuration=160\r\n' });
    expect(formatInfoDtmf('a', { durationMs: 250 })).toEqual({ contentType: 'application/dtmf-relay', body: 'Signal=A\r\nDuration=250\r\n' });
    expect(formatInfoDtmf('#', { type: 'application/dtmf' })).toEqual({ contentType: 'application/dtmf', body: '#' });
  });

  it('misuse is a TypeError naming the argument', () => {
    expect(() => formatInfoDtmf('12')).toThrow(/digit/);
    expect(() => formatInfoDtmf('E')).toThrow(/digit/);
    expect(() => formatInfoDtmf('1', { durationMs: 0 })).toThrow(/durationMs/);
    expect(() => formatInfoDtmf('1', { type: 'text/plain' as never })).toThrow(/type/);
  });

  it('property: parse ∘ format is the identity for every key, duration and type', () => {
    fc.assert(
      fc.property(fc.constantFrom(...'0123456789*#ABCDabcd'), fc.integer({ min: 1, max: 60_000 }), fc.boolean(), (digit, durationMs, relay) => {
        const { contentType, body } = formatInfoDtmf(digit, relay ? { durationMs } : { type: 'application/dtmf' });
        expect(parseInfoDtmf(contentType, body)).toEqual({ digit: digit.toUpperCase(), durationMs: relay ? durationMs : null });
      }),
    );
  });
});
