import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PacerSchedule, RealtimePacer, type PacerTimers } from '../src/index.js';

/** A virtual clock whose timers fire late by a chosen amount, like a loaded event loop. */
class VirtualTimers implements PacerTimers {
  t = 0;
  #queue: { at: number; fn: () => void; id: number }[] = [];
  #id = 0;
  constructor(private readonly lateness: () => number) {}
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.#id;
    this.#queue.push({ at: this.t + Math.max(1, ms) + this.lateness(), fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.#queue = this.#queue.filter((q) => q.id !== handle);
  }
  runUntil(end: number): void {
    for (;;) {
      this.#queue.sort((a, b) => a.at - b.at);
      const next = this.#queue[0];
      if (next === undefined || next.at > end) break;
      this.#queue.shift();
      this.t = next.at;
      next.fn();
    }
    this.t = end;
  }
}

describe('pacer schedule (pure, virtual clock)', () => {
  it('tick n is due at start + n·period, independent of when poll is called', () => {
    const s = new PacerSchedule(1000, { periodMs: 20 });
    expect(s.poll(999)).toMatchObject({ ticks: 0, nextDeadlineMs: 1000 });
    expect(s.poll(1000)).toMatchObject({ ticks: 1, firstTick: 0, nextDeadlineMs: 1020 });
    expect(s.poll(1019.9)).toMatchObject({ ticks: 0 });
    expect(s.poll(1043)).toMatchObject({ ticks: 2, firstTick: 1, nextDeadlineMs: 1060 });
  });

  it('after a stall, at most maxCatchUp ticks burst out; the rest are skipped, not shifted', () => {
    const s = new PacerSchedule(0, { periodMs: 20, maxCatchUp: 3 });
    s.poll(0);
    expect(s.poll(200)).toMatchObject({ ticks: 3, skipped: 7, firstTick: 8, nextDeadlineMs: 220 });
    expect(s.skipped).toBe(7);
  });

  it('property: over any poll times, emitted + skipped = ticks due, and deadlines never drift', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { maxLength: 500 }), (steps) => {
        const s = new PacerSchedule(0, { periodMs: 20, maxCatchUp: 5 });
        let now = 0;
        let delivered = 0;
        let lastTick = -1;
        for (const step of [0, ...steps]) {
          now += step;
          const p = s.poll(now);
          if (p.ticks > 0) {
            expect(p.firstTick).toBe(lastTick + 1 + p.skipped);
            lastTick = p.firstTick + p.ticks - 1;
          }
          delivered += p.ticks;
          expect(p.nextDeadlineMs).toBe((s.emitted + s.skipped) * 20);
          expect(p.nextDeadlineMs).toBeGreaterThan(now);
        }
        expect(s.emitted).toBe(delivered);
        expect(s.emitted + s.skipped).toBe(Math.floor(now / 20) + 1);
      }),
    );
  });
});

describe('real-time pacer driver (virtual timers)', () => {
  it('with late timers, ticks stay anchored: no accumulated drift over 60 simulated seconds', () => {
    let seed = 1;
    const lateness = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2; // 0..2 ms late
    const timers = new VirtualTimers(lateness);
    const fired: { n: number; at: number }[] = [];
    const pacer = new RealtimePacer({ periodMs: 20, timers, onTick: (n) => fired.push({ n, at: timers.now() }) });
    pacer.start();
    timers.runUntil(60_000);
    pacer.stop();
    expect(fired.length).toBeGreaterThanOrEqual(3000);
    expect(fired.length).toBeLessThanOrEqual(3001);
    fired.forEach((f, i) => {
      expect(f.n).toBe(i);
      expect(f.at - i * 20).toBeGreaterThanOrEqual(0);
      expect(f.at - i * 20).toBeLessThan(3 + 1e-9); // bounded by one timer's lateness (+1 ms minimum delay)
    });
  });

  it('a naive chained 20 ms timer on the same clock drifts by the accumulated lateness', () => {
    const timers = new VirtualTimers(() => 1);
    let ticks = 0;
    const loop = () => {
      ticks++;
      timers.setTimeout(loop, 20);
    };
    loop();
    timers.runUntil(60_000);
    expect(ticks).toBeLessThan(2900); // ~1 ms lost per tick: 4.8% fewer ticks
  });

  it('stop() cancels, start() is idempotent, and onTick errors go to onError', () => {
    const timers = new VirtualTimers(() => 0);
    const errors: unknown[] = [];
    const pacer = new RealtimePacer({
      periodMs: 20,
      timers,
      onTick: () => {
        throw new Error('boom');
      },
      onError: (e) => errors.push(e),
    });
    pacer.start();
    pacer.start();
    timers.runUntil(100);
    pacer.stop();
    const count = pacer.emitted;
    timers.runUntil(1000);
    expect(pacer.emitted).toBe(count);
    expect(errors).toHaveLength(count);
    expect(pacer.running).toBe(false);
  });
});
