import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SRTP_PROFILES, SrtpContext, SrtpError, srtpProfileParameters, type SrtpProfile } from '../src/index.js';

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function pair(profile: SrtpProfile, seed: number, extra: { mki?: Uint8Array; replayWindowSize?: number } = {}) {
  const p = srtpProfileParameters(profile);
  const masterKey = new Uint8Array(p.keyLength).map((_, i) => (seed * 31 + i * 7) & 0xff);
  const masterSalt = new Uint8Array(p.saltLength).map((_, i) => (seed * 17 + i * 3) & 0xff);
  return {
    tx: new SrtpContext({ profile, masterKey, masterSalt, ...extra }),
    rx: new SrtpContext({ profile, masterKey, masterSalt, ...extra }),
  };
}

function rtp(seq: number, ssrc: number, payload: Uint8Array, cc = 0): Uint8Array {
  const p = new Uint8Array(12 + cc * 4 + payload.length);
  p[0] = 0x80 | cc;
  p[1] = 0;
  p[2] = (seq >>> 8) & 0xff;
  p[3] = seq & 0xff;
  p[8] = ssrc >>> 24;
  p[9] = (ssrc >>> 16) & 0xff;
  p[10] = (ssrc >>> 8) & 0xff;
  p[11] = ssrc & 0xff;
  for (let i = 0; i < cc * 4; i++) p[12 + i] = i;
  p.set(payload, 12 + cc * 4);
  return p;
}

function rtcp(ssrc: number, body: Uint8Array): Uint8Array {
  const p = new Uint8Array(8 + body.length);
  p[0] = 0x80;
  p[1] = 201;
  p[4] = ssrc >>> 24;
  p[5] = (ssrc >>> 16) & 0xff;
  p[6] = (ssrc >>> 8) & 0xff;
  p[7] = ssrc & 0xff;
  p.set(body, 8);
  return p;
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    if (!(e instanceof SrtpError)) throw e;
    return e.code;
  }
}

const profileArb = fc.constantFrom(...SRTP_PROFILES);
/** A stream: start sequence number (often just before the wrap), packet count, payload sizes. */
const streamArb = fc.record({
  profile: profileArb,
  start: fc.oneof(fc.integer({ min: 65400, max: 65535 }), fc.nat({ max: 65535 })),
  ssrc: fc.nat({ max: 0xffffffff }),
  // Sizes vary so the keystream cache sees packets longer than the ones it was made for.
  payloads: fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 150 }),
  swaps: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 20 })), { maxLength: 60 }),
  cc: fc.nat({ max: 3 }),
});

describe('RFC 3711 properties of SrtpContext (fast-check)', () => {
  it('RFC 3711 §3.3: unprotect(protect(p)) == p across wraps and reordering within the window', () => {
    fc.assert(
      fc.property(streamArb, ({ profile, start, ssrc, payloads, swaps, cc }) => {
        const { tx, rx } = pair(profile, start);
        const plain = payloads.map((pl, i) => rtp((start + i) & 0xffff, ssrc, pl, cc));
        const prot = plain.map((p) => tx.protect(p));
        const order = prot.map((_, i) => i);
        // Local swaps keep every packet within 20 of its place: inside the 64-packet window. The
        // first packet stays first: it is the one that fixes the receiver's ROC (RFC 3711 §3.3.1).
        for (const [at, d] of swaps) {
          const i = 1 + (at % Math.max(1, order.length - 1));
          if (i >= order.length) continue;
          const j = Math.min(order.length - 1, i + d);
          [order[i], order[j]] = [order[j]!, order[i]!];
        }
        for (const i of order) expect(toHex(rx.unprotect(prot[i]!))).toBe(toHex(plain[i]!));
      }),
      { numRuns: 120 },
    );
  });

  it('RFC 3711 §3.3.2: every replayed packet is rejected, and rejection does not change state', () => {
    fc.assert(
      fc.property(streamArb, fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), ({ profile, start, ssrc, payloads }, picks) => {
        const { tx, rx } = pair(profile, start + 1);
        const prot = payloads.map((pl, i) => tx.protect(rtp((start + i) & 0xffff, ssrc, pl)));
        for (const p of prot) rx.unprotect(p);
        for (const k of picks) {
          const code = codeOf(() => rx.unprotect(prot[k % prot.length]!));
          expect(['SRTP_REPLAYED', 'SRTP_TOO_OLD']).toContain(code);
        }
        // The next packet in sequence is still accepted.
        const next = tx.protect(rtp((start + payloads.length) & 0xffff, ssrc, new Uint8Array(5)));
        expect(() => rx.unprotect(next)).not.toThrow();
      }),
      { numRuns: 100 },
    );
  });

  it('RFC 3711 §3.4: SRTCP round-trips and replays are rejected', () => {
    fc.assert(
      fc.property(profileArb, fc.array(fc.uint8Array({ maxLength: 80 }), { minLength: 1, maxLength: 40 }), fc.boolean(), (profile, bodies, encrypt) => {
        const p = srtpProfileParameters(profile);
        const masterKey = new Uint8Array(p.keyLength).fill(3);
        const masterSalt = new Uint8Array(p.saltLength).fill(9);
        const tx = new SrtpContext({ profile, masterKey, masterSalt, encryptRtcp: encrypt });
        const rx = new SrtpContext({ profile, masterKey, masterSalt });
        const plain = bodies.map((b) => rtcp(0x01020304, b));
        const prot = plain.map((q) => tx.protectRtcp(q));
        prot.forEach((q, i) => expect(toHex(rx.unprotectRtcp(q))).toBe(toHex(plain[i]!)));
        expect(codeOf(() => rx.unprotectRtcp(prot[prot.length - 1]!))).toBe('SRTP_REPLAYED');
      }),
      { numRuns: 100 },
    );
  });

  it('RFC 3711 §3.3 step 5: any single flipped bit in an SRTP packet is rejected and changes nothing', () => {
    fc.assert(
      fc.property(
        profileArb,
        fc.uint8Array({ maxLength: 48 }),
        fc.nat(),
        fc.nat({ max: 7 }),
        fc.boolean(),
        (profile, payload, at, bit, withMki) => {
          const { tx, rx } = pair(profile, 5, withMki ? { mki: new Uint8Array([1, 2, 3]) } : {});
          const plain = rtp(1000, 0xabcdef01, payload, 1);
          const prot = tx.protect(plain);
          const bad = prot.slice();
          const i = at % bad.length;
          bad[i] = bad[i]! ^ (1 << bit);
          expect(['SRTP_AUTH_FAILED', 'SRTP_MALFORMED', 'SRTP_UNKNOWN_MKI']).toContain(codeOf(() => rx.unprotect(bad)));
          expect(toHex(rx.unprotect(prot))).toBe(toHex(plain));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('RFC 3711 §3.4: any single flipped bit in an SRTCP packet is rejected and changes nothing', () => {
    fc.assert(
      fc.property(profileArb, fc.uint8Array({ maxLength: 48 }), fc.nat(), fc.nat({ max: 7 }), (profile, body, at, bit) => {
        const { tx, rx } = pair(profile, 6);
        const plain = rtcp(77, body);
        const prot = tx.protectRtcp(plain);
        const bad = prot.slice();
        const i = at % bad.length;
        bad[i] = bad[i]! ^ (1 << bit);
        expect(['SRTP_AUTH_FAILED', 'SRTP_MALFORMED']).toContain(codeOf(() => rx.unprotectRtcp(bad)));
        expect(toHex(rx.unprotectRtcp(prot))).toBe(toHex(plain));
      }),
      { numRuns: 300 },
    );
  });

  it('random bytes never throw anything but SrtpError', () => {
    fc.assert(
      fc.property(profileArb, fc.uint8Array({ maxLength: 200 }), fc.boolean(), (profile, bytes, asRtpHeader) => {
        const { rx } = pair(profile, 9);
        const b = bytes.slice();
        // Half the inputs look like RTP v2 so parsing gets past the version check.
        if (asRtpHeader && b.length > 0) b[0] = (b[0]! & 0x3f) | 0x80;
        for (const f of [() => rx.unprotect(b), () => rx.unprotectRtcp(b)]) {
          try {
            f();
          } catch (e) {
            expect(e).toBeInstanceOf(SrtpError);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('protect and unprotect into a caller buffer, and in place, give the same bytes', () => {
    fc.assert(
      fc.property(profileArb, fc.uint8Array({ maxLength: 100 }), (profile, payload) => {
        const a = pair(profile, 11);
        const b = pair(profile, 11);
        const plain = rtp(4242, 99, payload);
        const expected = a.tx.protect(plain);
        const buf = new Uint8Array(plain.length + b.tx.rtpOverhead + 7);
        buf.set(plain);
        const inPlace = b.tx.protect(buf.subarray(0, plain.length), buf);
        expect(toHex(inPlace)).toBe(toHex(expected));
        const out = new Uint8Array(300);
        expect(toHex(a.rx.unprotect(expected, out))).toBe(toHex(plain));
        expect(toHex(b.rx.unprotect(inPlace, inPlace))).toBe(toHex(plain));
      }),
      { numRuns: 100 },
    );
  });
});
