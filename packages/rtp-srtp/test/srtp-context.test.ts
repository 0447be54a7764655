import { describe, expect, it } from 'vitest';
import { ReplayWindow, SrtpContext, SrtpError, srtpProfileFromDtlsId, srtpProfileParameters } from '../src/index.js';

const key = new Uint8Array(16).fill(1);
const salt = new Uint8Array(14).fill(2);
const opts = { profile: 'AES_CM_128_HMAC_SHA1_80' as const, masterKey: key, masterSalt: salt };

function rtp(seq: number, ssrc = 0x1234, payload = 20): Uint8Array {
  const p = new Uint8Array(12 + payload);
  p[0] = 0x80;
  p[2] = (seq >>> 8) & 0xff;
  p[3] = seq & 0xff;
  new DataView(p.buffer).setUint32(8, ssrc);
  return p;
}

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof SrtpError) return e.code;
    return (e as Error).name;
  }
  return 'ok';
}

describe('RFC 3711 §3.3.2 replay window', () => {
  it('RFC 3711 §3.3.2: accepts new, rejects duplicates and indices left of the window', () => {
    const w = new ReplayWindow(64);
    expect(w.check(100)).toBe('ok');
    w.accept(100);
    expect(w.check(100)).toBe('replayed');
    expect(w.check(37)).toBe('ok'); // 63 behind: still inside
    expect(w.check(36)).toBe('too-old'); // 64 behind
    w.accept(37);
    expect(w.check(37)).toBe('replayed');
    w.accept(200); // slides: 100 and 37 forgotten as too old
    expect(w.check(100)).toBe('too-old');
    expect(w.check(150)).toBe('ok');
    expect(w.highest).toBe(200);
  });
  it('RFC 3711 §3.3.2: a larger configured window remembers further back', () => {
    const w = new ReplayWindow(1000);
    w.accept(5000);
    w.accept(4100);
    expect(w.check(4100)).toBe('replayed');
    expect(w.check(4001)).toBe('ok');
    expect(w.check(4000)).toBe('too-old');
  });
  it('RFC 3711 §3.3.2: windows smaller than 64 or above 2^15 are API misuse', () => {
    expect(() => new ReplayWindow(63)).toThrow(RangeError);
    expect(() => new ReplayWindow(32769)).toThrow(RangeError);
  });
});

describe('RFC 3711 §3.3.1 rollover counter and App. A index estimation', () => {
  it('RFC 3711 §3.3.1: ROC increments at the wrap on both sides, late packets use ROC-1', () => {
    const tx = new SrtpContext(opts);
    const rx = new SrtpContext(opts);
    const a = tx.protect(rtp(65534));
    const b = tx.protect(rtp(65535));
    const c = tx.protect(rtp(0));
    const d = tx.protect(rtp(1));
    expect(tx.rolloverCounter(0x1234)).toBe(1);
    rx.unprotect(a);
    rx.unprotect(d); // jumps over the wrap
    expect(rx.rolloverCounter(0x1234)).toBe(1);
    rx.unprotect(b); // late, from ROC 0
    rx.unprotect(c);
    expect(code(() => rx.unprotect(b))).toBe('SRTP_REPLAYED');
  });
  it('RFC 3711 App. A: a sequence number "before" the first one of a stream is TOO_OLD, not ROC -1', () => {
    const tx = new SrtpContext(opts);
    const rx = new SrtpContext(opts);
    const first = tx.protect(rtp(10));
    rx.unprotect(first);
    const tx2 = new SrtpContext(opts);
    tx2.setRolloverCounter(0x1234, 0);
    const early = tx2.protect(rtp(65000));
    expect(code(() => rx.unprotect(early))).toBe('SRTP_TOO_OLD');
  });
  it('RFC 3711 §3.3.1: setRolloverCounter lets a receiver join a stream late', () => {
    const tx = new SrtpContext(opts);
    tx.setRolloverCounter(0x99, 7);
    const p = tx.protect(rtp(300, 0x99));
    const rxWrong = new SrtpContext(opts);
    expect(code(() => rxWrong.unprotect(p))).toBe('SRTP_AUTH_FAILED');
    const rx = new SrtpContext(opts);
    rx.setRolloverCounter(0x99, 7);
    expect(rx.unprotect(p)).toEqual(rtp(300, 0x99));
    expect(rx.rolloverCounter(0x99)).toBe(7);
  });
  it('RFC 3711 §9.2: the 2^48th packet of a key is refused with KEY_EXHAUSTED', () => {
    const tx = new SrtpContext(opts);
    tx.setRolloverCounter(1, 0xffffffff);
    tx.protect(rtp(65535, 1));
    expect(code(() => tx.protect(rtp(0, 1)))).toBe('SRTP_KEY_EXHAUSTED');
  });
  it('RFC 3711 §3.3: a failed packet does not advance the ROC', () => {
    const tx = new SrtpContext(opts);
    const rx = new SrtpContext(opts);
    rx.unprotect(tx.protect(rtp(65530)));
    // A forged packet that would move the ROC to 1 fails authentication...
    const forged = tx.protect(rtp(5));
    forged[forged.length - 1]! ^= 0xff;
    expect(code(() => rx.unprotect(forged))).toBe('SRTP_AUTH_FAILED');
    expect(rx.rolloverCounter(0x1234)).toBe(0);
    // ...and the genuine packets around the wrap still decrypt.
    rx.unprotect(tx.protect(rtp(65531)));
    expect(rx.rolloverCounter(0x1234)).toBe(0);
  });
});

describe('SrtpContext options, MKI and limits', () => {
  it('RFC 3711 §3.1: the MKI is carried after the payload and checked on receipt', () => {
    const mki = new Uint8Array([0xde, 0xad]);
    const tx = new SrtpContext({ ...opts, mki });
    const p = tx.protect(rtp(1));
    expect(p.length).toBe(12 + 20 + 2 + 10);
    expect([...p.subarray(32, 34)]).toEqual([0xde, 0xad]);
    const other = new SrtpContext({ ...opts, mki: new Uint8Array([0xbe, 0xef]) });
    expect(code(() => other.unprotect(p))).toBe('SRTP_UNKNOWN_MKI');
    expect(new SrtpContext({ ...opts, mki }).unprotect(p)).toEqual(rtp(1));
  });
  it('RFC 7714 §8: the MKI follows the AEAD tag', () => {
    const o = { profile: 'AEAD_AES_128_GCM' as const, masterKey: key, masterSalt: new Uint8Array(12), mki: new Uint8Array([7]) };
    const p = new SrtpContext(o).protect(rtp(1));
    expect(p.length).toBe(12 + 20 + 16 + 1);
    expect(p[p.length - 1]).toBe(7);
    expect(new SrtpContext(o).unprotect(p)).toEqual(rtp(1));
  });
  it('the number of SSRCs tracked is bounded (SSRC_LIMIT), and removeSsrc frees a slot', () => {
    const tx = new SrtpContext(opts);
    const rx = new SrtpContext({ ...opts, maxSsrcs: 2 });
    rx.unprotect(tx.protect(rtp(1, 1)));
    rx.unprotect(tx.protect(rtp(1, 2)));
    const third = tx.protect(rtp(1, 3));
    expect(code(() => rx.unprotect(third))).toBe('SRTP_SSRC_LIMIT');
    rx.removeSsrc(1);
    expect(rx.unprotect(third)).toEqual(rtp(1, 3));
    expect(rx.ssrcCount).toBe(2);
  });
  it('RFC 3711 §3.4: with encryptRtcp false the E bit is 0 and the payload travels in the clear', () => {
    const tx = new SrtpContext({ ...opts, encryptRtcp: false });
    const rtcp = new Uint8Array([0x80, 201, 0, 1, 0, 0, 0, 5, 9, 9, 9, 9]);
    const p = tx.protectRtcp(rtcp);
    expect([...p.subarray(0, 12)]).toEqual([...rtcp]);
    expect(p[12]! & 0x80).toBe(0);
    expect(new SrtpContext(opts).unprotectRtcp(p)).toEqual(rtcp);
  });
  it('RFC 3711 §3.4: the first SRTCP packet carries index 0, then 1', () => {
    const tx = new SrtpContext(opts);
    const rtcp = new Uint8Array([0x80, 201, 0, 1, 0, 0, 0, 5]);
    expect([...tx.protectRtcp(rtcp).subarray(8, 12)]).toEqual([0x80, 0, 0, 0]);
    expect([...tx.protectRtcp(rtcp).subarray(8, 12)]).toEqual([0x80, 0, 0, 1]);
  });
  it('malformed packets are MALFORMED', () => {
    const rx = new SrtpContext(opts);
    expect(code(() => rx.unprotect(new Uint8Array(21)))).toBe('SRTP_MALFORMED');
    const v1 = rtp(1);
    v1[0] = 0x40;
    expect(code(() => new SrtpContext(opts).protect(v1))).toBe('SRTP_MALFORMED');
    // CSRC count claims more than the packet holds.
    const big = new Uint8Array(30);
    big[0] = 0x8f;
    expect(code(() => rx.unprotect(big))).toBe('SRTP_MALFORMED');
    expect(code(() => rx.unprotectRtcp(new Uint8Array(10)))).toBe('SRTP_MALFORMED');
    const huge = new Uint8Array(70000);
    huge[0] = 0x80;
    expect(code(() => rx.unprotect(huge))).toBe('SRTP_MALFORMED');
    expect(code(() => rx.unprotectRtcp(huge))).toBe('SRTP_MALFORMED');
    expect(code(() => new SrtpContext(opts).protect(huge))).toBe('RangeError');
  });
  it('protectInto/unprotectInto write into the caller buffer and return lengths', () => {
    const tx = new SrtpContext(opts);
    const rx = new SrtpContext(opts);
    const buf = new Uint8Array(100);
    const n = tx.protectInto(rtp(9), buf);
    expect(n).toBe(32 + tx.rtpOverhead);
    expect(buf.subarray(0, n)).toEqual(new SrtpContext(opts).protect(rtp(9)));
    const back = new Uint8Array(100);
    expect(rx.unprotectInto(buf.subarray(0, n), back)).toBe(32);
    expect(back.subarray(0, 32)).toEqual(rtp(9));
  });
  it('API misuse throws RangeError/TypeError', () => {
    expect(() => new SrtpContext({ ...opts, masterKey: new Uint8Array(15) })).toThrow(RangeError);
    expect(() => new SrtpContext({ ...opts, masterSalt: new Uint8Array(12) })).toThrow(RangeError);
    expect(() => new SrtpContext({ ...opts, replayWindowSize: 10 })).toThrow(RangeError);
    expect(() => new SrtpContext({ ...opts, maxSsrcs: 0 })).toThrow(RangeError);
    expect(() => new SrtpContext({ ...opts, mki: new Uint8Array(0) })).toThrow(RangeError);
    expect(() => new SrtpContext({ ...opts, profile: 'NULL_HMAC' as never })).toThrow(TypeError);
    expect(() => new SrtpContext(opts).protect(rtp(1), new Uint8Array(10))).toThrow(RangeError);
  });
  it('RFC 5764 §4.1.2 / RFC 7714 §14.2: DTLS-SRTP profile ids', () => {
    expect(srtpProfileFromDtlsId(0x0001)).toBe('AES_CM_128_HMAC_SHA1_80');
    expect(srtpProfileFromDtlsId(0x0002)).toBe('AES_CM_128_HMAC_SHA1_32');
    expect(srtpProfileFromDtlsId(0x0007)).toBe('AEAD_AES_128_GCM');
    expect(srtpProfileFromDtlsId(0x0008)).toBe('AEAD_AES_256_GCM');
    expect(srtpProfileFromDtlsId(0x0003)).toBeUndefined();
    expect(srtpProfileParameters('AES_CM_128_HMAC_SHA1_32').rtcpTagLength).toBe(10);
  });
});
