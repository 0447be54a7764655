import { TrunklineError } from '@trunkline/errors';
import { describe, expect, it } from 'vitest';
import {
  StreamFramer,
  parseCSeq,
  parseMessage,
  parseNameAddr,
  parseUri,
  parseVia,
  splitHeaderValues,
  tryParseMessage,
  parseExpires,
} from '../src/index.js';

/** Calls with the wrong argument type, each with the argument name its TypeError must carry. */
const misuse: Record<string, [() => unknown, RegExp]> = {
  'parseMessage(42) (issue 8, fault 6: surfaced Node\'s internal buffer error)': [() => parseMessage(42 as never), /parseMessage: data must be a Uint8Array or a string, got number/],
  'parseMessage(null)': [() => parseMessage(null as never), /parseMessage: data must be a Uint8Array or a string, got null/],
  'parseMessage(ArrayBuffer)': [() => parseMessage(new ArrayBuffer(4) as never), /got ArrayBuffer/],
  'tryParseMessage([]) throws (misuse is not a parse result)': [() => tryParseMessage([] as never), /tryParseMessage: data must be a Uint8Array or a string, got Array/],
  'StreamFramer.push("text")': [() => new StreamFramer().push('OPTIONS' as never), /StreamFramer.push: chunk must be a Uint8Array, got string/],
  'parseUri(undefined)': [() => parseUri(undefined as never), /parseUri: text must be a string, got undefined/],
  'parseNameAddr({})': [() => parseNameAddr({} as never), /parseNameAddr: text must be a string, got Object/],
  'parseVia(1)': [() => parseVia(1 as never), /parseVia: text must be a string/],
  'parseCSeq(Buffer)': [() => parseCSeq(Buffer.from('1 INVITE') as never), /parseCSeq: text must be a string, got Buffer/],
  'splitHeaderValues(5)': [() => splitHeaderValues(5 as never), /splitHeaderValues: text must be a string/],
  'parseExpires(60)': [() => parseExpires(60 as never), /parseExpires: text must be a string, got number/],
};

describe('API misuse throws a TypeError naming the argument, never a SipParseError', () => {
  for (const [name, [call, message]] of Object.entries(misuse)) {
    it(name, () => {
      expect(call).toThrow(TypeError);
      expect(call).toThrow(message);
    });
  }

  it('bytes and strings are both accepted', () => {
    const text = 'OPTIONS sip:a@b.example SIP/2.0\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n';
    expect(parseMessage(text).isRequest).toBe(true);
    expect(parseMessage(Buffer.from(text)).isRequest).toBe(true);
    expect(tryParseMessage(new Uint8Array(Buffer.from(text))).ok).toBe(true);
  });
});

describe('errors convention (issue 8)', () => {
  it('SipParseError is a TrunklineError with code, offset and a numeric statusHint', () => {
    const r = tryParseMessage('OPTIONS sip:a@b SIP/2.x\r\n\r\n');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toBeInstanceOf(TrunklineError);
    expect(r.error.name).toBe('SipParseError');
    expect([r.error.code, r.error.statusHint, r.error.offset >= 0]).toEqual(['BAD_VERSION', 505, true]);
  });
});
