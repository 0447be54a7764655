import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RtpReceiveStatistics } from '../src/index.js';

const feed = (s: RtpReceiveStatistics, seqs: number[], tsStep = 160, arrivalStep = 20) =>
  seqs.map((seq, i) => s.update(seq, (seq * tsStep) >>> 0, i * arrivalStep));

describe('RFC 3550 §A.1 sequence validation with probation', () => {
  it('a new source becomes valid after MIN_SEQUENTIAL (2) in-order packets', () => {
    const s = new RtpReceiveStatistics(1, { clockRate: 8000 });
    expect(s.update(100, 0, 0)).toBe(false);
    expect(s.valid).toBe(false);
    expect(s.update(101, 160, 20)).toBe(true);
    expect(s.valid).toBe(true);
    expect(s.counters()).toMatchObject({ received: 1, expected: 1, lost: 0, extendedHighestSequence: 101 });
  });

  it('out-of-order packets during probation restart it', () => {
    const s = new RtpReceiveStatistics(1, { clockRate: 8000 });
    expect(feed(s, [100, 105, 106])).toEqual([false, false, true]);
    expect(s.counters().extendedHighestSequence).toBe(106);
  });

  it('counts cycles across the 16-bit wrap', () => {
    const s = new RtpReceiveStatistics(1, { clockRate: 8000 });
    feed(s, [65533, 65534, 65535, 0, 1]);
    expect(s.counters()).toMatchObject({ extendedHighestSequence: 65536 + 1, expected: 4, received: 4, lost: 0 });
  });

  it('a jump beyond MAX_DROPOUT is ignored until the next packet confirms a restart', () => {
    const s = new RtpReceiveStatistics(1, { clockRate: 8000 });
    feed(s, [10, 11, 12]);
    expect(s.update(20000, 0, 100)).toBe(false);
    expect(s.counters().extendedHighestSequence).toBe(12);
    expect(s.update(20001, 160, 120)).toBe(true);
    expect(s.counters()).toMatchObject({ extendedHighestSequence: 20001, received: 1, expected: 1 });
  });

  it('duplicates count as received and can make loss negative (§6.4.1)', () => {
    const s = new RtpReceiveStatistics(1, { clockRate: 8000 });
    feed(s, [1, 2, 3, 3, 3]);
    expect(s.counters()).toMatchObject({ expected: 2, received: 4, lost: -2 });
    expect(s.report(0).cumulativeLost).toBe(-2);
  });
});

describe('RFC 3550 §A.3 loss and fraction lost per interval', () => {
  it('fraction lost uses expected_prior/received_prior', () => {
    const s = new RtpReceiveStatistics(1, { clockRate: 8000 });
    feed(s, [0, 1, 2, 3]); // valid from 1: base 1
    expect(s.report(0)).toMatchObject({ fractionLost: 0, cumulativeLost: 0, highestSequence: 3 });
    feed(s, [4, 6, 8, 9, 10]); // 7 expected (4..10), 5 received
    const r = s.report(0);
    expect(r.cumulativeLost).toBe(2);
    expect(r.fractionLost).toBe(Math.floor((2 * 256) / 7));
    feed(s, [11, 12]);
    expect(s.report(0).fractionLost).toBe(0);
  });

  it('LSR/DLSR echo the last SR and the time since (§6.4.1)', () => {
    const s = new RtpReceiveStatistics(1, { clockRate: 8000 });
    feed(s, [0, 1]);
    s.onSenderReport(0xb7052000, 1000);
    expect(s.report(6250)).toMatchObject({ lastSr: 0xb7052000, delaySinceLastSr: 0x54000 });
  });

  it('invariant: expected = received + lost, and lost ≥ −duplicates (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.array(fc.record({ drop: fc.boolean(), dup: fc.nat(2), swap: fc.boolean() }), { minLength: 2, maxLength: 300 }),
        (start, ops) => {
          const seqs: number[] = [];
          ops.forEach((op, i) => {
            const seq = (start + i) & 0xffff;
            if (i < 3) {
              // In order at first, so probation ends at start + 1 and nothing precedes the base
              // (a packet older than base_seq would also count as received, §A.3).
              seqs.push(seq);
              return;
            }
            if (op.drop) return;
            for (let k = 0; k <= op.dup; k++) seqs.push(seq);
            if (op.swap && i >= 4) {
              const a = seqs.length - 1;
              [seqs[a - 1], seqs[a]] = [seqs[a] ?? 0, seqs[a - 1] ?? 0];
            }
          });
          const s = new RtpReceiveStatistics(1, { clockRate: 8000 });
          let dups = 0;
          const seen = new Set<number>();
          for (const [i, seq] of seqs.entries()) {
            s.update(seq, 0, i * 20);
            if (seen.has(seq)) dups++;
            seen.add(seq);
          }
          const c = s.counters();
          expect(c.expected).toBe(c.received + c.lost);
          expect(c.lost).toBeGreaterThanOrEqual(-dups);
          expect(c.received).toBeLessThanOrEqual(seqs.length);
          const r = s.report(0);
          expect(r.fractionLost).toBeGreaterThanOrEqual(0);
          expect(r.fractionLost).toBeLessThanOrEqual(255);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('RFC 3550 §A.8 interarrival jitter', () => {
  it('is zero for perfectly paced packets', () => {
    const s = new RtpReceiveStatistics(1, { clockRate: 8000 });
    feed(s, Array.from({ length: 50 }, (_, i) => i));
    expect(s.counters().jitter).toBe(0);
  });

  it('converges to the mean |D| for alternating ±10 ms delay (D = 20 ms = 160 units)', () => {
    const s = new RtpReceiveStatistics(1, { clockRate: 8000 });
    for (let i = 0; i < 400; i++) s.update(i, i * 160, i * 20 + (i % 2 === 0 ? 0 : 20));
    expect(s.counters().jitter).toBeCloseTo(160, 3);
    expect(s.jitterMs).toBeCloseTo(20, 3);
    expect(s.report(0).jitter).toBe(159); // floor of a value converging to 160 from below
  });

  it('one step of the estimator is J += (|D| − J)/16', () => {
    const s = new RtpReceiveStatistics(1, { clockRate: 8000 });
    s.update(0, 0, 0);
    s.update(1, 160, 20);
    s.update(2, 320, 40 + 2); // 2 ms late = 16 units
    expect(s.counters().jitter).toBeCloseTo(1, 12);
  });

  it('is unaffected by the 32-bit timestamp wrap', () => {
    const s = new RtpReceiveStatistics(1, { clockRate: 8000 });
    for (let i = 0; i < 10; i++) s.update(i, (0xffffff00 + i * 160) >>> 0, i * 20);
    expect(s.counters().jitter).toBe(0);
  });
});
