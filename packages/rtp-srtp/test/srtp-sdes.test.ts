import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  SRTP_PROFILES,
  SrtpContext,
  SrtpError,
  formatCryptoAttribute,
  generateSdesKeyParams,
  parseCryptoAttribute,
  sdesMkiBytes,
} from '../src/index.js';

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('RFC 4568 SDES crypto attribute', () => {
  it('RFC 4568 §4: parses the example offer with lifetime and MKI', () => {
    const a = parseCryptoAttribute(
      'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32',
    );
    expect(a.tag).toBe(1);
    expect(a.profile).toBe('AES_CM_128_HMAC_SHA1_80');
    const k = a.keyParams[0]!;
    const raw = Buffer.from('PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR', 'base64');
    expect(toHex(k.masterKey)).toBe(raw.subarray(0, 16).toString('hex'));
    expect(toHex(k.masterSalt)).toBe(raw.subarray(16).toString('hex'));
    expect(k.lifetime).toBe(2 ** 20);
    expect(k.mki).toEqual({ value: 1n, length: 32 });
  });
  it('RFC 4568 §6.1: decimal lifetime, MKI alone, several key-params and session params', () => {
    const a = parseCryptoAttribute(
      '2 AES_CM_128_HMAC_SHA1_32 inline:YUJDZGVmZ2hpSktMbW9QUXJzVHVWd3l6MTIzNDU2|1066:4;inline:YUJDZGVmZ2hpSktMbW9QUXJzVHVWd3l6MTIzNDU2|1000 UNENCRYPTED_SRTCP',
    );
    expect(a.keyParams).toHaveLength(2);
    expect(a.keyParams[0]!.mki).toEqual({ value: 1066n, length: 4 });
    expect(a.keyParams[0]!.lifetime).toBeUndefined();
    expect(a.keyParams[1]!.lifetime).toBe(1000);
    expect(a.sessionParams).toEqual(['UNENCRYPTED_SRTCP']);
  });
  it('RFC 4568 §7.1.1: an unknown crypto-suite parses with profile undefined', () => {
    const a = parseCryptoAttribute('3 F8_128_HMAC_SHA1_80 inline:MTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5QUJjZGVm');
    expect(a.profile).toBeUndefined();
    expect(a.suite).toBe('F8_128_HMAC_SHA1_80');
  });
  it.each([
    ['missing key-params', '1 AES_CM_128_HMAC_SHA1_80'],
    ['non-numeric tag', 'x AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR'],
    ['ten-digit tag', '1234567890 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR'],
    ['wrong key length', '1 AES_256_CM_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR'],
    ['not base64', '1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCF*anVmcjkpPywjNWhcYD0mXXtxaVBR'],
    ['unknown key method', '1 AES_CM_128_HMAC_SHA1_80 uri:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR'],
    ['MKI length 0', '1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|1:0'],
    ['MKI value too big', '1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|256:1'],
    ['lifetime after MKI', '1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|1:4|2^20'],
    ['bad lifetime', '1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^x'],
  ])('RFC 4568 §9.2: %s is SDES_MALFORMED', (_name, text) => {
    expect(() => parseCryptoAttribute(text)).toThrowError(expect.objectContaining({ code: 'SDES_MALFORMED' }));
  });
  it('RFC 4568 §9.2: format then parse round-trips for every profile', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SRTP_PROFILES),
        fc.nat({ max: 999_999_999 }),
        fc.option(fc.integer({ min: 1, max: 2 ** 48 }), { nil: undefined }),
        fc.option(fc.record({ value: fc.bigInt({ min: 0n, max: 255n }), length: fc.integer({ min: 1, max: 4 }) }), { nil: undefined }),
        (profile, tag, lifetime, mki) => {
          const kp = generateSdesKeyParams(profile, {
            ...(lifetime !== undefined ? { lifetime } : {}),
            ...(mki !== undefined ? { mki } : {}),
          });
          const text = formatCryptoAttribute({ tag, profile, keyParams: [kp] });
          const back = parseCryptoAttribute(text);
          expect(back.tag).toBe(tag);
          expect(back.profile).toBe(profile);
          expect(toHex(back.keyParams[0]!.masterKey)).toBe(toHex(kp.masterKey));
          expect(toHex(back.keyParams[0]!.masterSalt)).toBe(toHex(kp.masterSalt));
          expect(back.keyParams[0]!.lifetime).toBe(lifetime);
          expect(back.keyParams[0]!.mki).toEqual(mki);
          expect(formatCryptoAttribute({ tag, profile, keyParams: back.keyParams })).toBe(text);
        },
      ),
      { numRuns: 200 },
    );
  });
  it('RFC 4568 §6.1: parsed keys key an SrtpContext; the MKI becomes packet bytes', () => {
    const a = parseCryptoAttribute('1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|258:2');
    const k = a.keyParams[0]!;
    expect([...sdesMkiBytes(k.mki!)]).toEqual([1, 2]);
    const ctx = new SrtpContext({ profile: a.profile!, masterKey: k.masterKey, masterSalt: k.masterSalt, mki: sdesMkiBytes(k.mki!) });
    expect(ctx.rtpOverhead).toBe(12);
  });
  it('RFC 4568 §6.1: SDES key params with an MKI spread straight into SrtpContext (issue 8, fault 4)', () => {
    // Before: SdesKeyParams.mki ({ value, length }) did not fit SrtpContextOptions.mki (bytes):
    // a type error under strict tsc, and a RangeError at run time.
    const local = generateSdesKeyParams('AES_CM_128_HMAC_SHA1_80', { mki: { value: 258n, length: 2 } });
    const tx = new SrtpContext({ profile: 'AES_CM_128_HMAC_SHA1_80', ...local });
    const offer = formatCryptoAttribute({ tag: 1, profile: 'AES_CM_128_HMAC_SHA1_80', keyParams: [local] });
    const remote = parseCryptoAttribute(offer);
    const rx = new SrtpContext({ profile: remote.profile!, ...remote.keyParams[0]! });
    expect(tx.rtpOverhead).toBe(2 + 10);
    const rtp = Uint8Array.of(0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 7, 0xaa, 0xbb);
    const srtp = tx.protect(rtp);
    expect([...srtp.subarray(rtp.length, rtp.length + 2)]).toEqual([1, 2]); // the MKI bytes, RFC 3711 §3.1
    expect(rx.unprotect(srtp)).toEqual(rtp);
    const bytesKeyed = new SrtpContext({ profile: 'AES_CM_128_HMAC_SHA1_80', masterKey: local.masterKey, masterSalt: local.masterSalt, mki: Uint8Array.of(1, 2) });
    expect(bytesKeyed.protect(rtp)).toEqual(srtp);
    expect(() => new SrtpContext({ ...local, profile: 'AES_CM_128_HMAC_SHA1_80', mki: { value: 65536n, length: 2 } })).toThrow(RangeError);
    expect(() => new SrtpContext({ ...local, profile: 'AES_CM_128_HMAC_SHA1_80', mki: { value: 1, length: 2 } as never })).toThrow(TypeError);
  });
  it('arbitrary strings never throw anything but SrtpError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (s) => {
        try {
          parseCryptoAttribute(s);
        } catch (e) {
          expect(e).toBeInstanceOf(SrtpError);
        }
        try {
          parseCryptoAttribute(`1 AES_CM_128_HMAC_SHA1_80 inline:${s}`);
        } catch (e) {
          expect(e).toBeInstanceOf(SrtpError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
