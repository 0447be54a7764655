import { TrunklineError } from '@trunkline/errors';
import { describe, expect, it } from 'vitest';
import { SrtpContext, isRtcpPacket, parseCryptoAttribute, parseRtcp, parseRtp, parseTelephoneEvent } from '../src/index.js';

const ctx = new SrtpContext({ profile: 'AES_CM_128_HMAC_SHA1_80', masterKey: new Uint8Array(16), masterSalt: new Uint8Array(14) });

/** Calls with the wrong argument type, each with the argument name its TypeError must carry. */
const misuse: Record<string, [() => unknown, RegExp]> = {
  'SrtpContext.protect([..]) (was an SrtpError MALFORMED, as if the peer sent it)': [() => ctx.protect([0x80, 0, 0, 1] as never), /SrtpContext.protect: rtp must be a Uint8Array, got Array/],
  'SrtpContext.protectInto(rtp, undefined)': [() => ctx.protectInto(new Uint8Array(12), undefined as never), /SrtpContext.protectInto: out must be a Uint8Array, got undefined/],
  'SrtpContext.unprotect(42)': [() => ctx.unprotect(42 as never), /SrtpContext.unprotect: srtp must be a Uint8Array, got number/],
  'SrtpContext.unprotectInto(ArrayBuffer, out)': [() => ctx.unprotectInto(new ArrayBuffer(40) as never, new Uint8Array(40)), /unprotectInto: srtp must be a Uint8Array, got ArrayBuffer/],
  'SrtpContext.protectRtcp(null)': [() => ctx.protectRtcp(null as never), /SrtpContext.protectRtcp: rtcp must be a Uint8Array, got null/],
  'SrtpContext.unprotectRtcp("x")': [() => ctx.unprotectRtcp('x' as never), /SrtpContext.unprotectRtcp: srtcp must be a Uint8Array, got string/],
  'new SrtpContext({ masterKey: number[] })': [
    () => new SrtpContext({ profile: 'AES_CM_128_HMAC_SHA1_80', masterKey: Array(16).fill(0) as never, masterSalt: new Uint8Array(14) }),
    /masterKey must be a Uint8Array, got Array/,
  ],
  'parseRtp(undefined)': [() => parseRtp(undefined as never), /parseRtp: buf must be a Uint8Array, got undefined/],
  'parseRtcp(42) (was accepted as an empty compound)': [() => parseRtcp(42 as never), /parseRtcp: buf must be a Uint8Array, got number/],
  'parseTelephoneEvent({})': [() => parseTelephoneEvent({} as never), /parseTelephoneEvent: payload must be a Uint8Array/],
  'isRtcpPacket([])': [() => isRtcpPacket([] as never), /isRtcpPacket: buf must be a Uint8Array/],
  'parseCryptoAttribute(1)': [() => parseCryptoAttribute(1 as never), /parseCryptoAttribute: value must be a string, got number/],
};

describe('API misuse throws a TypeError naming the argument', () => {
  for (const [name, [call, message]] of Object.entries(misuse)) {
    it(name, () => {
      expect(call).toThrow(TypeError);
      expect(call).toThrow(message);
    });
  }
});

describe('errors convention (issue 8)', () => {
  it('SrtpError and RtpParseError are TrunklineErrors with prefixed codes', () => {
    expect(() => ctx.unprotect(new Uint8Array(40).fill(0x80))).toThrowError(expect.objectContaining({ name: 'SrtpError', code: 'SRTP_AUTH_FAILED' }));
    expect(() => ctx.unprotect(new Uint8Array(3))).toThrowError(TrunklineError);
    expect(() => parseRtp(Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))).toThrowError(expect.objectContaining({ name: 'RtpParseError', code: 'RTP_BAD_VERSION' }));
    expect(() => parseCryptoAttribute('1 AES_CM_128_HMAC_SHA1_80 inline:@@')).toThrowError(expect.objectContaining({ code: 'SDES_MALFORMED' }));
  });
});
