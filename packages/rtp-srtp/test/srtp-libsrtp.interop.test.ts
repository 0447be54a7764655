/**
 * Interop with libsrtp itself (Debian libsrtp2-dev), through test/interop/srtp-helper.c compiled at
 * test time. Fails, with the install command, when libsrtp2 is missing: CI installs it via
 * scripts/install-peers.sh.
 */
import { describe, expect, it } from 'vitest';
import { SRTP_PROFILES, SrtpContext, srtpProfileParameters, type SrtpProfile } from '../src/index.js';
import { buildSrtpHelper, runSrtpHelper } from './interop/libsrtp-helper.js';

const toHex = (b: Uint8Array | string): string => (typeof b === 'string' ? b : Buffer.from(b).toString('hex'));

/** Deterministic PRNG (xorshift32), so failures reproduce. */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

const SSRCS = [0x11223344, 0xcafef00d];

/**
 * RTP packets of two interleaved SSRCs whose sequence numbers start near 65535 and roll over
 * (RFC 3711 §3.3.1), with varied payload sizes, CSRC lists and header extensions.
 */
function rtpPackets(seed: number, perSsrc = 160): Uint8Array[] {
  const rnd = prng(seed);
  const out: Uint8Array[] = [];
  for (let i = 0; i < perSsrc; i++) {
    for (const [k, ssrc] of SSRCS.entries()) {
      const seq = (65450 + k * 20 + i) & 0xffff;
      const cc = rnd() % 5 === 0 ? 2 : 0;
      const ext = rnd() % 4 === 0 ? 1 : 0;
      const payload = rnd() % 240;
      const hl = 12 + cc * 4 + (ext ? 8 : 0);
      const p = new Uint8Array(hl + payload);
      for (let j = 0; j < p.length; j++) p[j] = rnd() & 0xff;
      p[0] = 0x80 | (ext ? 0x10 : 0) | cc;
      p[1] = (rnd() & 0x80) | 0;
      p[2] = seq >>> 8;
      p[3] = seq & 0xff;
      p[8] = ssrc >>> 24;
      p[9] = (ssrc >>> 16) & 0xff;
      p[10] = (ssrc >>> 8) & 0xff;
      p[11] = ssrc & 0xff;
      if (ext) {
        const at = 12 + cc * 4;
        p[at] = 0xbe;
        p[at + 1] = 0xde;
        p[at + 2] = 0;
        p[at + 3] = 1;
      }
      out.push(p);
    }
  }
  return out;
}

/** RTCP receiver reports (PT 201) with random report blocks, all from `ssrc`. */
function rtcpPackets(seed: number, count = 40, ssrc = 0x5eed5eed): Uint8Array[] {
  const rnd = prng(seed);
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const blocks = rnd() % 3;
    const p = new Uint8Array(8 + blocks * 24);
    for (let j = 8; j < p.length; j++) p[j] = rnd() & 0xff;
    p[0] = 0x80 | blocks;
    p[1] = 201;
    const words = p.length / 4 - 1;
    p[2] = words >>> 8;
    p[3] = words & 0xff;
    p[4] = ssrc >>> 24;
    p[5] = (ssrc >>> 16) & 0xff;
    p[6] = (ssrc >>> 8) & 0xff;
    p[7] = ssrc & 0xff;
    out.push(p);
  }
  return out;
}

/** Reorders packets locally: swaps neighbours within distance 6 (well inside a 64-packet window). */
function reorder<T>(items: readonly T[], seed: number): T[] {
  const rnd = prng(seed);
  const a = [...items];
  for (let i = 0; i + 6 < a.length; i += 3) {
    const j = i + (rnd() % 6);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

function keySalt(profile: SrtpProfile, seed: number): { key: Uint8Array; salt: Uint8Array; both: Uint8Array } {
  const p = srtpProfileParameters(profile);
  const rnd = prng(seed);
  const both = new Uint8Array(p.keyLength + p.saltLength).map(() => rnd() & 0xff);
  return { key: both.subarray(0, p.keyLength), salt: both.subarray(p.keyLength), both };
}

describe('libsrtp interop (RFC 3711, RFC 6188, RFC 7714)', () => {
  // No beforeAll: a missing libsrtp must fail every test (with the install hint), not skip them.
  it('libsrtp2 is installed and the helper compiles (apt-get install libsrtp2-dev pkg-config)', () => {
    expect(buildSrtpHelper()).toMatch(/srtp-helper$/);
  });

  for (const [n, profile] of SRTP_PROFILES.entries()) {
    describe(profile, () => {
      const { key, salt, both } = keySalt(profile, 1000 + n);
      const packets = rtpPackets(7 + n);

      it('RFC 3711 §3.3: Trunkline protect is byte-identical to libsrtp across the sequence rollover', () => {
        const theirs = runSrtpHelper('protect', profile, both, packets);
        const ctx = new SrtpContext({ profile, masterKey: key, masterSalt: salt });
        const ours = packets.map((p) => ctx.protect(p));
        expect(theirs.map(toHex)).toEqual(ours.map(toHex));
        expect(ctx.rolloverCounter(SSRCS[0]!)).toBe(1);
      });

      it('RFC 3711 §3.3.1: Trunkline unprotects libsrtp packets delivered reordered around the wrap', () => {
        const theirs = runSrtpHelper('protect', profile, both, packets);
        const ctx = new SrtpContext({ profile, masterKey: key, masterSalt: salt });
        const order = reorder(
          theirs.map((t, i) => [t, i] as const),
          99 + n,
        );
        for (const [t, i] of order) {
          if (typeof t === 'string') throw new Error(`libsrtp failed: ${t}`);
          expect(toHex(ctx.unprotect(t))).toBe(toHex(packets[i]!));
        }
        // §3.3.2: a replay inside the window is refused as such, an old one as too old.
        const last = theirs[theirs.length - 1];
        const early = theirs[10];
        if (typeof last === 'string' || last === undefined) throw new Error('libsrtp failed');
        if (typeof early === 'string' || early === undefined) throw new Error('libsrtp failed');
        expect(() => ctx.unprotect(last)).toThrowError(expect.objectContaining({ code: 'SRTP_REPLAYED' }));
        expect(() => ctx.unprotect(early)).toThrowError(expect.objectContaining({ code: 'SRTP_TOO_OLD' }));
      });

      it('RFC 3711 §3.3: libsrtp unprotects Trunkline packets delivered reordered around the wrap', () => {
        const ctx = new SrtpContext({ profile, masterKey: key, masterSalt: salt });
        const ours = packets.map((p, i) => [ctx.protect(p), i] as const);
        const order = reorder(ours, 3 + n);
        const result = runSrtpHelper(
          'unprotect',
          profile,
          both,
          order.map(([p]) => p),
        );
        expect(result.map(toHex)).toEqual(order.map(([, i]) => toHex(packets[i]!)));
      });

      it('RFC 3711 §3.4: SRTCP both ways', () => {
        const rtcp = rtcpPackets(50 + n);
        const theirs = runSrtpHelper('protect-rtcp', profile, both, rtcp);
        const rx = new SrtpContext({ profile, masterKey: key, masterSalt: salt });
        theirs.forEach((t, i) => {
          if (typeof t === 'string') throw new Error(`libsrtp failed: ${t}`);
          expect(toHex(rx.unprotectRtcp(t))).toBe(toHex(rtcp[i]!));
        });
        const tx = new SrtpContext({ profile, masterKey: key, masterSalt: salt });
        const ours = rtcp.map((p) => tx.protectRtcp(p));
        expect(runSrtpHelper('unprotect-rtcp', profile, both, ours).map(toHex)).toEqual(rtcp.map(toHex));
      });
    });
  }
});
