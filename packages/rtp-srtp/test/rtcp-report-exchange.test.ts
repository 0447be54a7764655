import { describe, expect, it } from 'vitest';
import { StreamStats, ntpFromUnixMs, parseRtcp, serializeRtcp } from '../src/index.js';

// Two endpoints on one virtual clock (ms since an arbitrary Unix time), 50 ms one-way delay.
const T0 = 1_700_000_000_000;
const ntpAt = (ms: number) => ntpFromUnixMs(T0 + ms);

describe('RFC 3550 §6.4 report exchange between two StreamStats', () => {
  it('SR from A, RR from B with LSR/DLSR, RTT of 100 ms at A; fraction lost reaches the sender', () => {
    const a = new StreamStats();
    const b = new StreamStats();
    const A = 0xaaaa0001;
    const B = 0xbbbb0002;
    // A sends 50 packets, every 10th lost on the way to B.
    for (let i = 0; i < 50; i++) {
      a.onSent(172);
      if (i % 10 !== 9) b.onReceived({ ssrc: A, sequenceNumber: i, timestamp: i * 160 }, 172, i * 20 + 50);
    }
    const sr = serializeRtcp(a.buildRtcp({ localSsrc: A, cname: 'a@example', nowMs: 1000, ntp: ntpAt(1000), rtpTimestamp: 8000 }));
    const srParsed = parseRtcp(sr);
    expect(srParsed[0]).toMatchObject({ type: 'sr', ssrc: A, packetCount: 50, octetCount: 50 * 160, rtpTimestamp: 8000 });
    expect(srParsed[1]).toEqual({ type: 'sdes', chunks: [{ ssrc: A, items: [{ type: 1, text: 'a@example' }] }] });

    b.onRtcp(srParsed, 1050, ntpAt(1050), B);
    const rr = parseRtcp(serializeRtcp(b.buildRtcp({ localSsrc: B, cname: 'b@example', nowMs: 1550, ntp: ntpAt(1550) })));
    expect(rr[0]).toMatchObject({ type: 'rr', ssrc: B });
    const block = rr[0]?.type === 'rr' ? rr[0].reports[0] : undefined;
    expect(block).toMatchObject({ ssrc: A, cumulativeLost: 4, highestSequence: 48 });
    expect(block?.delaySinceLastSr).toBe(Math.round(0.5 * 65536));

    a.onRtcp(rr, 1600, ntpAt(1600), A);
    const snap = a.snapshot();
    expect(snap.rttMs).toBeCloseTo(100, 0); // 16.16 fixed point: ±1/65536 s
    expect(snap.remoteLossPercent).toBeCloseTo(((block?.fractionLost ?? 0) * 100) / 256, 9);
    expect(block?.fractionLost).toBe(Math.floor((4 * 256) / 48));
  });

  it('a receiver-only endpoint sends RR + SDES, with no blocks before any source is valid', () => {
    const s = new StreamStats();
    expect(s.buildRtcp({ localSsrc: 1, cname: 'x', nowMs: 0, ntp: ntpAt(0), rtpTimestamp: 0 })).toEqual([
      { type: 'rr', ssrc: 1, reports: [], profileExtension: new Uint8Array(0) },
      { type: 'sdes', chunks: [{ ssrc: 1, items: [{ type: 1, text: 'x' }] }] },
    ]);
  });
});
