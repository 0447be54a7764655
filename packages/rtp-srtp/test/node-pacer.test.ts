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
  /** Timeouts armed and not fired or cleared yet. */
  get pending(): number {
    return this.#queue.length;
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

describe('pacers share one timer wheel (issue 14: no timer chain per call)', () => {
  it('a thousand pacers on arbitrary phases hold one timeout between them, and each stays anchored to its own phase', () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const timers = new VirtualTimers(() => random()); // 0..1 ms late
    const fired: Array<{ start: number; ticks: number[] }> = [];
    const pacers: RealtimePacer[] = [];
    let maxPending = 0;
    for (let i = 0; i < 1000; i++) {
      timers.runUntil(timers.now() + random() * 0.7); // staggered starts: fractional phases
      const record = { start: timers.now(), ticks: [] as number[] };
      fired.push(record);
      const pacer = new RealtimePacer({
        periodMs: 20,
        timers,
        onTick: (n) => {
          maxPending = Math.max(maxPending, timers.pending);
          record.ticks.push(timers.now() - (record.start + n * 20));
        },
      });
      pacers.push(pacer);
      pacer.start();
      maxPending = Math.max(maxPending, timers.pending);
    }
    timers.runUntil(timers.now() + 2000);
    expect(maxPending).toBe(1);
    for (const r of fired) {
      expect(r.ticks.length).toBeGreaterThanOrEqual(100);
      for (const late of r.ticks) {
        expect(late).toBeGreaterThanOrEqual(0);
        expect(late).toBeLessThan(3 + 1e-9); // one slot (1 ms) + the 1 ms minimum delay + lateness < 1 ms
      }
    }
    for (const p of pacers) p.stop();
    expect(timers.pending).toBe(0); // nothing left armed once every pacer stopped
  });

  it('a tick may stop another pacer due in the same slot, or stop and restart its own pacer; neither runs twice', () => {
    const timers = new VirtualTimers(() => 0);
    const counts = [0, 0, 0];
    const pacers: RealtimePacer[] = [];
    for (let i = 0; i < 3; i++) {
      pacers.push(
        new RealtimePacer({
          periodMs: 20,
          timers,
          onTick: () => {
            counts[i]!++;
            if (i === 0 && counts[0] === 3) {
              pacers[1]!.stop();
              pacers[2]!.stop();
            }
            if (i === 2 && counts[2] === 2) {
              pacers[2]!.stop();
              pacers[2]!.start(); // a fresh schedule, tick 0 again at once
            }
          },
        }),
      );
    }
    for (const p of pacers) p.start();
    timers.runUntil(200);
    // Pacer 0 ran ticks 0..9 (tick 10, due at 200 ms, is polled in the slot that ends at 201 ms);
    // 1 and 2 were stopped by pacer 0's third tick (at 40 ms), before or after their own.
    expect(counts[0]).toBe(10);
    expect(counts[1]).toBeLessThanOrEqual(3);
    expect(counts[2]).toBeLessThanOrEqual(4);
    expect(pacers[1]!.running).toBe(false);
    expect(pacers[2]!.running).toBe(false);
    pacers[0]!.stop();
    expect(timers.pending).toBe(0);
  });

  it('a period longer than the wheel span (256 ms) waits its rounds and stays drift-free', () => {
    const timers = new VirtualTimers(() => 0.5);
    const at: number[] = [];
    const pacer = new RealtimePacer({ periodMs: 700, timers, onTick: (n) => at.push(timers.now() - n * 700) });
    pacer.start();
    timers.runUntil(10_000);
    pacer.stop();
    expect(at).toHaveLength(15);
    for (const late of at) expect(late).toBeLessThan(2.5 + 1e-9);
  });
});

