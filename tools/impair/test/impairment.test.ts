/**
 * The impairment model on virtual time: for large N the decisions' statistics
 * match the parameters (tolerances of about 4 standard errors, so a seed
 * rarely fails by chance and a wrong formula always does), and every decision
 * obeys the model's invariants (fast-check).
 */
import fc from 'fast-check';
import { seededRandom } from '@trunkline/test-support';
import { describe, expect, it } from 'vitest';
import { Impairment, type ImpairmentDecision, type ImpairmentOptions } from '../src/index.js';

/** Decisions for `n` datagrams arriving every `spacingMs` from 0. */
function run(options: ImpairmentOptions, n: number, seed: number, spacingMs = 20): { decisions: ImpairmentDecision[]; model: Impairment } {
  const model = new Impairment(options, seededRandom(seed));
  const decisions: ImpairmentDecision[] = [];
  for (let i = 0; i < n; i++) decisions.push(model.decide(i * spacingMs));
  return { decisions, model };
}

function meanAndStd(xs: readonly number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return { mean, std: Math.sqrt(variance) };
}

const delays = (ds: readonly ImpairmentDecision[]): number[] => ds.flatMap((d) => (d.drop ? [] : [d.delayMs]));
const SEED = 0x5eed;
const N = 100_000;

describe('loss', () => {
  it.each([0.01, 0.05, 0.2, 0.3])('Bernoulli loss %f: the dropped share is within 4 standard errors', (p) => {
    const { decisions, model } = run({ loss: p }, N, SEED);
    const share = decisions.filter((d) => d.drop).length / N;
    expect(Math.abs(share - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / N));
    expect(model.counters).toMatchObject({ decisions: N, dropped: share * N, forwarded: N - share * N, delayed: 0, maxDelayMs: 0 });
  });

  it('Gilbert-Elliott (p 0.01, r 0.25): mean loss p/(p+r) and mean burst 1/r', () => {
    const p = 0.01;
    const r = 0.25;
    const { decisions } = run({ loss: { kind: 'gilbert-elliott', p, r } }, 4 * N, SEED);
    const share = decisions.filter((d) => d.drop).length / decisions.length;
    const bursts: number[] = [];
    let burst = 0;
    for (const d of decisions) {
      if (d.drop) burst++;
      else if (burst > 0) {
        bursts.push(burst);
        burst = 0;
      }
    }
    expect(share).toBeCloseTo(p / (p + r), 2); // 0.0385 ± 0.005
    expect(meanAndStd(bursts).mean).toBeGreaterThan(1 / r - 0.25);
    expect(meanAndStd(bursts).mean).toBeLessThan(1 / r + 0.25);
  });

  it('Gilbert-Elliott with loss in both states: mean (r·lossGood + p·lossBad)/(p+r)', () => {
    const m = { kind: 'gilbert-elliott', p: 0.05, r: 0.2, lossGood: 0.01, lossBad: 0.5 } as const;
    const { decisions } = run({ loss: m }, 4 * N, SEED);
    const share = decisions.filter((d) => d.drop).length / decisions.length;
    expect(share).toBeCloseTo((m.r * m.lossGood + m.p * m.lossBad) / (m.p + m.r), 2);
  });

  it('bursts are what tell Gilbert-Elliott from Bernoulli at the same mean loss', () => {
    const burstiness = (options: ImpairmentOptions): number => {
      const { decisions } = run(options, N, SEED);
      let pairs = 0;
      for (let i = 1; i < decisions.length; i++) if (decisions[i]!.drop && decisions[i - 1]!.drop) pairs++;
      return pairs / decisions.filter((d) => d.drop).length; // P(previous lost | lost)
    };
    expect(burstiness({ loss: 0.05 })).toBeLessThan(0.07);
    expect(burstiness({ loss: { kind: 'gilbert-elliott', p: 0.05 / 0.95 / 4, r: 0.25 } })).toBeGreaterThan(0.7);
  });
});

describe('delay', () => {
  it('uniform: fixed ± jitter, mean fixed, standard deviation jitter/√3', () => {
    const ds = delays(run({ delay: { fixedMs: 40, jitterMs: 30, reorder: true } }, N, SEED).decisions);
    const { mean, std } = meanAndStd(ds);
    expect(Math.min(...ds)).toBeGreaterThanOrEqual(10);
    expect(Math.max(...ds)).toBeLessThanOrEqual(70);
    expect(mean).toBeCloseTo(40, 0);
    expect(std).toBeCloseTo(30 / Math.sqrt(3), 0);
  });

  it('normal: mean fixed, standard deviation jitter', () => {
    const { mean, std } = meanAndStd(delays(run({ delay: { fixedMs: 100, jitterMs: 10, distribution: 'normal', reorder: true } }, N, SEED).decisions));
    expect(mean).toBeCloseTo(100, 0);
    expect(std).toBeCloseTo(10, 0);
  });

  it('exponential: fixed + a one-sided tail of mean jitter', () => {
    const ds = delays(run({ delay: { fixedMs: 5, jitterMs: 20, distribution: 'exponential', reorder: true } }, N, SEED).decisions);
    const { mean, std } = meanAndStd(ds);
    expect(Math.min(...ds)).toBeGreaterThanOrEqual(5);
    expect(mean).toBeCloseTo(25, 0);
    expect(std).toBeCloseTo(20, 0);
  });

  it('RFC 3550 §A.8: reordering allowed, the interarrival jitter of uniform ±a delays tends to E|X−Y| = 2a/3', () => {
    const { decisions } = run({ delay: { fixedMs: 60, jitterMs: 30, reorder: true } }, N, SEED);
    let j = 0;
    let prev: number | undefined;
    for (const d of decisions) {
      if (d.drop) continue;
      if (prev !== undefined) j += (Math.abs(d.delayMs - prev) - j) / 16;
      prev = d.delayMs;
    }
    expect(j).toBeGreaterThan(20 * 0.7);
    expect(j).toBeLessThan(20 * 1.3);
  });

  it('order preserved by default: departures never go backwards, and the delay is max(drawn, previous departure − arrival)', () => {
    const { decisions, model } = run({ delay: { fixedMs: 40, jitterMs: 30 } }, N, SEED);
    let last = -Infinity;
    let raised = 0;
    let backwards = 0;
    for (const d of decisions) {
      if (d.drop) continue;
      if (d.sendAt < last) backwards++;
      if (d.sendAt === last) raised++;
      last = d.sendAt;
    }
    expect(backwards).toBe(0);
    expect(raised).toBeGreaterThan(0); // with 20 ms spacing and ±30 ms, some datagrams wait for the previous one
    expect(model.counters.maxDelayMs).toBeLessThanOrEqual(70);
  });

  it('reorder: true lets later datagrams overtake', () => {
    const { decisions } = run({ delay: { fixedMs: 40, jitterMs: 30, reorder: true } }, 1000, SEED);
    const sends = decisions.flatMap((d) => (d.drop ? [] : [d.sendAt]));
    expect(sends.some((t, i) => i > 0 && t < sends[i - 1]!)).toBe(true);
  });
});

describe('duplication, replay and configuration', () => {
  it('duplicate 0.1: the duplicated share is within 4 standard errors', () => {
    const { decisions, model } = run({ duplicate: 0.1 }, N, SEED);
    const share = decisions.filter((d) => !d.drop && d.duplicate).length / N;
    expect(Math.abs(share - 0.1)).toBeLessThan(4 * Math.sqrt((0.1 * 0.9) / N));
    expect(model.counters.duplicated).toBe(share * N);
  });

  it('the same seed replays the same decisions; another seed does not', () => {
    const o: ImpairmentOptions = { loss: 0.1, delay: { fixedMs: 20, jitterMs: 10, distribution: 'normal' }, duplicate: 0.05 };
    expect(run(o, 500, 1).decisions).toEqual(run(o, 500, 1).decisions);
    expect(run(o, 500, 2).decisions).not.toEqual(run(o, 500, 1).decisions);
  });

  it('configure() changes the model and keeps the counters', () => {
    const model = new Impairment({}, seededRandom(SEED));
    expect(model.active).toBe(false);
    for (let i = 0; i < 100; i++) expect(model.decide(i)).toEqual({ drop: false, sendAt: i, delayMs: 0, duplicate: false });
    model.configure({ loss: 1 });
    expect(model.active).toBe(true);
    expect(model.decide(100)).toEqual({ drop: true });
    expect(model.counters).toMatchObject({ decisions: 101, dropped: 1, forwarded: 100 });
  });

  it.each<[string, ImpairmentOptions, typeof TypeError | typeof RangeError, RegExp]>([
    ['loss above 1', { loss: 1.5 }, RangeError, /options\.loss/],
    ['loss not a number', { loss: 'x' as unknown as number }, TypeError, /options\.loss/],
    ['negative fixed delay', { delay: { fixedMs: -1 } }, RangeError, /options\.delay\.fixedMs/],
    ['infinite jitter', { delay: { jitterMs: Infinity } }, TypeError, /options\.delay\.jitterMs/],
    ['unknown distribution', { delay: { distribution: 'pareto' as 'normal' } }, TypeError, /options\.delay\.distribution/],
    ['Gilbert-Elliott r = 0', { loss: { kind: 'gilbert-elliott', p: 0.1, r: 0 } }, RangeError, /options\.loss\.r/],
    ['unknown loss kind', { loss: { kind: 'x' } as unknown as number }, TypeError, /options\.loss/],
    ['duplicate below 0', { duplicate: -0.1 }, RangeError, /options\.duplicate/],
  ])('%s is refused, naming the option', (_name, options, type, message) => {
    expect(() => new Impairment(options, Math.random)).toThrow(type);
    expect(() => new Impairment(options, Math.random)).toThrow(message);
  });
});

describe('invariants (fast-check)', () => {
  const options = fc.record({
    loss: fc.oneof(
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.record({ kind: fc.constant('gilbert-elliott' as const), p: fc.double({ min: 0, max: 1, noNaN: true }), r: fc.double({ min: 0.01, max: 1, noNaN: true }) }),
    ),
    delay: fc.record({
      fixedMs: fc.double({ min: 0, max: 500, noNaN: true }),
      jitterMs: fc.double({ min: 0, max: 200, noNaN: true }),
      distribution: fc.constantFrom('uniform' as const, 'normal' as const, 'exponential' as const),
      reorder: fc.boolean(),
    }),
    duplicate: fc.double({ min: 0, max: 1, noNaN: true }),
  });

  it('counters add up, nothing leaves before it arrives, and without reorder nothing overtakes', () => {
    fc.assert(
      fc.property(options, fc.integer(), fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { maxLength: 200 }), (o, seed, gaps) => {
        const model = new Impairment(o, seededRandom(seed));
        let now = 0;
        let last = -Infinity;
        let forwarded = 0;
        let duplicated = 0;
        for (const gap of gaps) {
          now += gap;
          const d = model.decide(now);
          if (d.drop) continue;
          forwarded++;
          if (d.duplicate) duplicated++;
          expect(d.sendAt).toBeGreaterThanOrEqual(now);
          expect(d.delayMs).toBeCloseTo(d.sendAt - now, 9);
          if (!o.delay.reorder) expect(d.sendAt).toBeGreaterThanOrEqual(last);
          last = Math.max(last, d.sendAt);
        }
        const c = model.counters;
        expect(c).toMatchObject({ decisions: gaps.length, forwarded, duplicated, dropped: gaps.length - forwarded });
        if (o.delay.distribution === 'uniform' && o.delay.reorder) expect(c.maxDelayMs).toBeLessThanOrEqual(o.delay.fixedMs + o.delay.jitterMs + 1e-9);
      }),
    );
  });
});
