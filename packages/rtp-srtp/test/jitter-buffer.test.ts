import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JitterBuffer, type JitterBufferOutput, type JitterBufferPacket } from '../src/index.js';

interface P extends JitterBufferPacket {
  readonly id: number;
}
const pkt = (n: number, marker = false): P => ({ sequenceNumber: n & 0xffff, timestamp: (n * 160) >>> 0, marker, id: n });

/** Pops everything due at `now`. */
function drainAt(jb: JitterBuffer<P>, now: number): JitterBufferOutput<P>[] {
  const out: JitterBufferOutput<P>[] = [];
  for (let o = jb.pop(now); o !== undefined; o = jb.pop(now)) out.push(o);
  return out;
}
const describeOut = (o: JitterBufferOutput<P>) => (o.kind === 'frame' ? o.packet.id : o.reason);

describe('jitter buffer: playout timing on a virtual clock', () => {
  it('holds the first frame for the initial delay, then plays one frame per 20 ms', () => {
    const jb = new JitterBuffer<P>({ initialDelayMs: 40 });
    for (let i = 0; i < 5; i++) jb.push(pkt(i), i * 20);
    expect(jb.pop(39)).toBeUndefined();
    const played: number[] = [];
    for (let t = 40; t <= 120; t += 20) {
      const o = jb.pop(t);
      if (o?.kind === 'frame') played.push(o.packet.id);
      expect(jb.pop(t)).toBeUndefined(); // nothing more due in the same slot
    }
    expect(played).toEqual([0, 1, 2, 3, 4]);
  });

  it('reorders, skips a lost packet with a conceal marker, and counts it', () => {
    const jb = new JitterBuffer<P>({ initialDelayMs: 60 });
    jb.push(pkt(0), 0);
    jb.push(pkt(2), 40);
    jb.push(pkt(1), 45);
    jb.push(pkt(4), 80);
    jb.push(pkt(5), 100);
    const out: (number | string)[] = [];
    for (let t = 60; t <= 160; t += 20) out.push(...drainAt(jb, t).map(describeOut));
    expect(out).toEqual([0, 1, 2, 'lost', 4, 5]);
    expect(jb.stats).toMatchObject({ played: 5, lost: 1, concealed: 1, late: 0, duplicate: 0 });
  });

  it('a packet arriving after its slot was concealed is late; a replay of a played one is a duplicate', () => {
    const jb = new JitterBuffer<P>({ initialDelayMs: 20 });
    jb.push(pkt(0), 0);
    jb.push(pkt(2), 40);
    drainAt(jb, 60); // 0 at 20, lost 1 at 40, 2 at 60
    expect(jb.push(pkt(1), 61)).toBe('late');
    expect(jb.push(pkt(2), 62)).toBe('duplicate');
    expect(jb.push(pkt(3), 63)).toBe('buffered');
    expect(jb.push(pkt(3), 64)).toBe('duplicate');
    expect(jb.stats).toMatchObject({ late: 1, duplicate: 2, lost: 1 });
  });

  it('sequence numbers wrap at 65535 without a hiccup', () => {
    const jb = new JitterBuffer<P>({ initialDelayMs: 20 });
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) {
      jb.push(pkt(65530 + i), i * 20);
      for (const o of drainAt(jb, i * 20)) if (o.kind === 'frame') ids.push(o.packet.id);
    }
    for (const o of drainAt(jb, 1000)) if (o.kind === 'frame') ids.push(o.packet.id);
    expect(ids).toEqual([...Array(10).keys()].map((i) => 65530 + i));
  });

  it('an underrun conceals and grows the delay by a frame instead of skipping the slot', () => {
    const jb = new JitterBuffer<P>({ initialDelayMs: 20, minDelayMs: 20 });
    jb.push(pkt(0), 0);
    expect(drainAt(jb, 20).map(describeOut)).toEqual([0]);
    expect(drainAt(jb, 40).map(describeOut)).toEqual(['underrun']); // packet 1 is late
    jb.push(pkt(1), 50);
    expect(drainAt(jb, 60).map(describeOut)).toEqual([1]);
    expect(jb.stats).toMatchObject({ underruns: 1, lost: 0, late: 0 });
  });

  it('re-anchors at a talkspurt start (marker on an empty buffer) to the target delay', () => {
    const jb = new JitterBuffer<P>({ initialDelayMs: 40, minDelayMs: 40 });
    jb.push(pkt(0), 0);
    drainAt(jb, 40);
    drainAt(jb, 1000); // silence: underruns
    // RTP timestamps keep counting through silence (RFC 3551 §4.1), so transit is unchanged.
    jb.push({ ...pkt(1, true), timestamp: 1005 * 8 }, 1005);
    expect(jb.pop(1005 + 39)).toBeUndefined();
    expect(jb.pop(1005 + 40)).toMatchObject({ kind: 'frame', packet: { id: 1 } });
  });

  it('the target delay follows measured jitter within [min, max]', () => {
    const jb = new JitterBuffer<P>({ minDelayMs: 20, maxDelayMs: 120, jitterMultiplier: 3 });
    for (let i = 0; i < 200; i++) jb.push(pkt(i), i * 20 + (i % 2 === 0 ? 0 : 30));
    // Alternating 0/30 ms delays: |D| = 30 ms every packet, so J → 30 ms and target → 20 + 3·30.
    expect(jb.stats.jitterMs).toBeCloseTo(30, 3);
    expect(jb.stats.targetDelayMs).toBeCloseTo(110, 2);
    const calm = new JitterBuffer<P>({ minDelayMs: 30, maxDelayMs: 120 });
    for (let i = 0; i < 50; i++) calm.push(pkt(i), i * 20);
    expect(calm.stats.targetDelayMs).toBe(30);
    const wild = new JitterBuffer<P>({ minDelayMs: 20, maxDelayMs: 80 });
    for (let i = 0; i < 200; i++) wild.push(pkt(i), i * 20 + (i % 2 === 0 ? 0 : 200));
    expect(wild.stats.targetDelayMs).toBe(80);
  });

  it('shrinks an oversized delay by dropping a frame once a full window waited too long', () => {
    const jb = new JitterBuffer<P>({ initialDelayMs: 200, minDelayMs: 20, maxDelayMs: 200, shrinkWindow: 10 });
    let t = 0;
    for (let i = 0; i < 100; i++, t += 20) {
      jb.push(pkt(i), t);
      drainAt(jb, t);
    }
    expect(jb.stats.accelerated).toBeGreaterThan(0);
    // After shrinking, frames wait near the (calm-network) target instead of 200 ms.
    expect(jb.stats.buffered).toBeLessThan(5);
  });

  it('bounded memory: a flood far ahead slides the window (maxPackets)', () => {
    const jb = new JitterBuffer<P>({ maxPackets: 8 });
    for (let i = 0; i < 50; i++) jb.push(pkt(i), 0);
    expect(jb.stats.buffered).toBeLessThanOrEqual(8);
    expect(jb.stats.overflow).toBe(42);
  });

  it('a large sequence jump restarts the buffer', () => {
    const jb = new JitterBuffer<P>({ maxSequenceJump: 100 });
    jb.push(pkt(1), 0);
    jb.push(pkt(2), 20);
    expect(jb.push(pkt(5000), 40)).toBe('reset');
    expect(jb.stats).toMatchObject({ resets: 1, flushed: 2, buffered: 1 });
  });

  it('rejects inconsistent options', () => {
    expect(() => new JitterBuffer<P>({ minDelayMs: 100, maxDelayMs: 50 })).toThrow(RangeError);
    expect(() => new JitterBuffer<P>({ maxPackets: 0 })).toThrow(RangeError);
  });
});

describe('jitter buffer: fixed delay (minDelayMs = maxDelayMs) keeps the sender timeline', () => {
  /** Packets 0-9 every 20 ms, but 5-9 held up by a 100 ms stall and delivered together at t = 200. */
  function playStall(jb: JitterBuffer<P>): Array<number | string> {
    const out: Array<number | string> = [];
    for (let t = 0; t <= 300; t += 10) {
      for (let i = 0; i < 10; i++) if ((i < 5 ? i * 20 : 200) === t) jb.push(pkt(i), t);
      out.push(...drainAt(jb, t).map(describeOut));
    }
    return out;
  }

  it('an underrun conceals its slot without growing the delay: frame i plays in slot i, what came too late is late', () => {
    const jb = new JitterBuffer<P>({ minDelayMs: 60, initialDelayMs: 60, maxDelayMs: 60 });
    const out = playStall(jb);
    expect(out.slice(0, 10)).toEqual([0, 1, 2, 3, 4, 'underrun', 'underrun', 7, 8, 9]);
    expect(jb.stats.late).toBe(2);
    expect(jb.stats.accelerated).toBe(0);
  });

  it('an adaptive buffer (the default) holds the slot and grows instead: frame 9 plays two slots later', () => {
    const out = playStall(new JitterBuffer<P>({ minDelayMs: 20, initialDelayMs: 60, maxDelayMs: 200 }));
    expect(out.slice(0, 12)).toEqual([0, 1, 2, 3, 4, 'underrun', 'underrun', 5, 6, 7, 8, 9]);
  });
});

describe('jitter buffer invariants under random loss, duplication, reordering and delay (fast-check)', () => {
  it('every accepted packet is output exactly once, in order; counters add up', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.array(fc.record({ lose: fc.boolean(), dup: fc.nat(2), delay: fc.integer({ min: 0, max: 150 }) }), { minLength: 1, maxLength: 200 }),
        fc.record({ maxPackets: fc.integer({ min: 4, max: 64 }), shrinkWindow: fc.integer({ min: 5, max: 60 }), initialDelayMs: fc.integer({ min: 0, max: 200 }) }),
        (start, ops, opts) => {
          const jb = new JitterBuffer<P>({ ...opts, maxDelayMs: 200 });
          // Arrival events: packet i sent at 20·i, arriving after its random delay (and again for duplicates).
          const arrivals: { at: number; n: number }[] = [];
          ops.forEach((op, i) => {
            if (op.lose) return;
            for (let k = 0; k <= op.dup; k++) arrivals.push({ at: i * 20 + op.delay + k * 7, n: start + i });
          });
          arrivals.sort((a, b) => a.at - b.at);
          const accepted = new Set<number>();
          const output: number[] = [];
          let lastSeq = -Infinity;
          let lastFrameSeq = -Infinity;
          const take = (o: JitterBufferOutput<P>) => {
            expect(o.sequence).toBeGreaterThanOrEqual(lastSeq); // an underrun repeats its slot
            if (o.kind === 'frame') {
              expect(o.sequence).toBeGreaterThan(lastFrameSeq);
              lastFrameSeq = o.sequence;
              output.push(o.packet.id);
            }
            lastSeq = o.sequence;
          };
          let clock = 0;
          for (const a of arrivals) {
            for (; clock <= a.at; clock += 20) for (const o of drainAt(jb, clock)) take(o);
            const r = jb.push(pkt(a.n), a.at);
            if (r === 'buffered') accepted.add(a.n);
            expect(r).not.toBe('reset');
          }
          // Drain: pop while packets remain.
          for (let guard = 0; jb.stats.buffered > 0 && guard < 10000; guard++) {
            const o = jb.pop(clock);
            if (o === undefined) clock += 20;
            else take(o);
          }
          const s = jb.stats;
          // No packet is output twice, and outputs are in sequence order.
          expect(new Set(output).size).toBe(output.length);
          expect(output).toEqual([...output].sort((x, y) => x - y));
          // Every accepted packet is output unless the buffer later discarded it to bound memory or delay.
          for (const id of output) expect(accepted.has(id)).toBe(true);
          expect(accepted.size - output.length).toBe(s.overflow + s.accelerated);
          // Counters add up.
          expect(s.pushed).toBe(arrivals.length);
          expect(s.pushed).toBe(s.played + s.duplicate + s.late + s.overflow + s.accelerated + s.flushed + s.buffered);
          expect(s.played).toBe(output.length);
          expect(s.concealed).toBe(s.lost + s.underruns);
          expect(s.buffered).toBe(0);
          expect(s.targetDelayMs).toBeGreaterThanOrEqual(20);
          expect(s.targetDelayMs).toBeLessThanOrEqual(200);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('without loss, reordering within the delay, or memory pressure, the output is exactly the input', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 150 }), (start, delays) => {
        const jb = new JitterBuffer<P>({ initialDelayMs: 60, minDelayMs: 60, maxDelayMs: 200, maxPackets: 64 });
        const arrivals = delays.map((d, i) => ({ at: i * 20 + d, n: start + i })).sort((a, b) => a.at - b.at);
        const out: number[] = [];
        let clock = 0;
        for (const a of arrivals) {
          for (; clock <= a.at; clock += 20) for (const o of drainAt(jb, clock)) if (o.kind === 'frame') out.push(o.packet.id);
          jb.push(pkt(a.n), a.at);
        }
        for (; jb.stats.buffered > 0; clock += 20) for (const o of drainAt(jb, clock)) if (o.kind === 'frame') out.push(o.packet.id);
        expect(out).toEqual(delays.map((_, i) => start + i));
        expect(jb.stats).toMatchObject({ lost: 0, late: 0, duplicate: 0 });
      }),
      { numRuns: 200 },
    );
  });
});
