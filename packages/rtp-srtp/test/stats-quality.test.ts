import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  G711_NO_PLC,
  G711_PLC,
  OneWayAudioDetector,
  StreamStats,
  delayImpairment,
  eModelRFactor,
  effectiveEquipmentImpairment,
  estimateMos,
  mosFromR,
} from '../src/index.js';

describe('ITU-T G.107 E-model (simplified)', () => {
  it('Annex B: R = 93.2 (no impairment) gives MOS 4.41; R ≤ 0 gives 1, R ≥ 100 gives 4.5', () => {
    expect(mosFromR(93.2)).toBeCloseTo(1 + 0.035 * 93.2 + 93.2 * 33.2 * 6.8 * 7e-6, 12);
    expect(mosFromR(93.2)).toBeCloseTo(4.409, 3);
    expect(mosFromR(-5)).toBe(1);
    expect(mosFromR(120)).toBe(4.5);
  });

  it('§3.6 Ie,eff with the G.113 Appendix I values for G.711', () => {
    expect(effectiveEquipmentImpairment(0, G711_PLC)).toBe(0);
    expect(effectiveEquipmentImpairment(1, G711_PLC)).toBeCloseTo(95 / 26.1, 12);
    expect(effectiveEquipmentImpairment(1, G711_NO_PLC)).toBeCloseTo(95 / 5.3, 12);
    expect(effectiveEquipmentImpairment(100, G711_PLC)).toBeCloseTo((95 * 100) / 125.1, 12);
  });

  it('§3.5 Idd: zero up to 100 ms, then the X = log2(Ta/100) formula', () => {
    expect(delayImpairment(100)).toBe(0);
    const x = 1; // Ta = 200 ms
    const expected = 25 * ((1 + x ** 6) ** (1 / 6) - 3 * (1 + (x / 3) ** 6) ** (1 / 6) + 2);
    expect(delayImpairment(200)).toBeCloseTo(expected, 12);
    expect(delayImpairment(400)).toBeGreaterThan(delayImpairment(200));
  });

  it('R = 93.2 − Idd − Ie,eff', () => {
    expect(eModelRFactor({ packetLossPercent: 2, oneWayDelayMs: 300, codec: G711_NO_PLC })).toBeCloseTo(
      93.2 - delayImpairment(300) - effectiveEquipmentImpairment(2, G711_NO_PLC),
      12,
    );
  });

  it('MOS stays in [1, 4.5] and never improves with more loss or delay (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 2000, noNaN: true }),
        fc.double({ min: 0, max: 2000, noNaN: true }),
        fc.boolean(),
        (l1, l2, d1, d2, plc) => {
          const codec = plc ? G711_PLC : G711_NO_PLC;
          const [la, lb] = l1 <= l2 ? [l1, l2] : [l2, l1];
          const [da, db] = d1 <= d2 ? [d1, d2] : [d2, d1];
          const good = estimateMos({ packetLossPercent: la, oneWayDelayMs: da, codec });
          const bad = estimateMos({ packetLossPercent: lb, oneWayDelayMs: db, codec });
          expect(good).toBeGreaterThanOrEqual(1);
          expect(good).toBeLessThanOrEqual(4.5);
          expect(bad).toBeLessThanOrEqual(good + 1e-9);
        },
      ),
    );
  });

  it('PLC helps: the same loss costs less with Bpl = 25.1 than 4.3', () => {
    expect(estimateMos({ packetLossPercent: 3, oneWayDelayMs: 50, codec: G711_PLC })).toBeGreaterThan(
      estimateMos({ packetLossPercent: 3, oneWayDelayMs: 50, codec: G711_NO_PLC }),
    );
  });
});

describe('one-way audio detection (injected time)', () => {
  it('flags no-inbound when only outbound media flows for the threshold', () => {
    const d = new OneWayAudioDetector(0, { thresholdMs: 5000 });
    for (let t = 0; t <= 6000; t += 20) d.onSent(t);
    expect(d.check(4999)).toEqual({ kind: 'starting' });
    expect(d.check(6000)).toEqual({ kind: 'no-inbound', sinceMs: 0 });
    expect(d.isOneWay(6000)).toBe(true);
  });

  it('silent inbound packets (comfort noise behind a broken path) count as no media by default', () => {
    const d = new OneWayAudioDetector(0, { thresholdMs: 3000 });
    for (let t = 0; t <= 4000; t += 20) {
      d.onSent(t);
      d.onReceived(t, t > 1000); // audible for 1 s, then silence
    }
    expect(d.check(3999)).toEqual({ kind: 'ok' });
    expect(d.check(4020)).toEqual({ kind: 'no-inbound', sinceMs: 1000 });
    const lenient = new OneWayAudioDetector(0, { thresholdMs: 3000, silenceCountsAsNoMedia: false });
    for (let t = 0; t <= 4000; t += 20) {
      lenient.onSent(t);
      lenient.onReceived(t, true);
    }
    expect(lenient.check(4020)).toEqual({ kind: 'ok' });
  });

  it('accepts a frame energy instead of a silent flag', () => {
    const d = new OneWayAudioDetector(0, { thresholdMs: 1000, silenceEnergyThreshold: 1e-4 });
    d.onSent(0, 0.01);
    d.onReceived(0, 0.01);
    d.onSent(900, 0.01);
    d.onReceived(900, 1e-6); // below threshold: silent
    expect(d.check(1000)).toEqual({ kind: 'no-inbound', sinceMs: 0 });
  });

  it('no-outbound and no-media are told apart', () => {
    const d = new OneWayAudioDetector(0, { thresholdMs: 1000 });
    d.onReceived(900);
    expect(d.check(1500)).toEqual({ kind: 'no-outbound', sinceMs: 0 });
    expect(d.check(2000)).toEqual({ kind: 'no-media', sinceMs: 900 });
    expect(d.isOneWay(2000)).toBe(false);
  });
});

describe('per-stream statistics', () => {
  it('counts packets and bytes both ways, loss %, jitter, RTT and MOS', () => {
    const s = new StreamStats({ fixedDelayMs: 40 });
    for (let i = 0; i < 100; i++) {
      s.onSent(172);
      if (i % 10 === 5) continue; // 10% loss inbound
      s.onReceived({ ssrc: 9, sequenceNumber: i, timestamp: i * 160 }, 172, i * 20);
    }
    s.onRtt(120);
    const snap = s.snapshot();
    expect(snap).toMatchObject({ packetsSent: 100, bytesSent: 17200, packetsReceived: 90, bytesReceived: 15480, rttMs: 120, jitterMs: 0 });
    // valid from seq 1 (probation), highest 99 → 99 expected, 89 counted.
    expect(snap.packetsLost).toBe(10);
    expect(snap.lossPercent).toBeCloseTo((10 * 100) / 99, 9);
    expect(snap.mos).toBeCloseTo(estimateMos({ packetLossPercent: (10 * 100) / 99, oneWayDelayMs: 60 + 40 }), 12);
  });

  it('remote report loss is surfaced as a percentage', () => {
    const s = new StreamStats();
    s.onRemoteReport({ ssrc: 1, fractionLost: 64, cumulativeLost: 3, highestSequence: 10, jitter: 0, lastSr: 0, delaySinceLastSr: 0 });
    expect(s.snapshot().remoteLossPercent).toBe(25);
  });

  it('tracks a bounded number of sources', () => {
    const s = new StreamStats({ maxSources: 2 });
    for (let ssrc = 0; ssrc < 10; ssrc++) s.onReceived({ ssrc, sequenceNumber: 0, timestamp: 0 }, 10, 0);
    expect(s.sources.size).toBe(2);
    expect(s.snapshot().packetsReceived).toBe(10);
  });
});
