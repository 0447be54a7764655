/**
 * Churn options of `trunkline load` (issue 14 soak): `--hold MIN..MAX` draws each call's hold from
 * a range with `--seed`; and the echo endpoint's `--t1` (RFC 3261 §17.1.1.1) that lets a soak
 * see the endpoint empty after 64·T1.
 */
import { describe, expect, it } from 'vitest';
import { CliUsageError, parseEchoArgs, parseLoadArgs } from '../../src/index.js';
import { holdTimeMs } from '../../src/load/hold-time.js';

const load = (...args: string[]): ReturnType<typeof parseLoadArgs> => parseLoadArgs(['sip:echo@127.0.0.1', '-c', '10', ...args]);

describe('trunkline load --hold MIN..MAX and --seed', () => {
  it('a fixed hold is a range of one; a range and a seed are kept', () => {
    expect(load()).toMatchObject({ holdMs: 10_000, holdMaxMs: 10_000, seed: undefined });
    expect(load('--hold', '2s')).toMatchObject({ holdMs: 2000, holdMaxMs: 2000 });
    expect(load('--hold', '5s..30s', '--seed', '42')).toMatchObject({ holdMs: 5000, holdMaxMs: 30_000, seed: 42 });
    expect(load('--hold', '500ms..1.5s')).toMatchObject({ holdMs: 500, holdMaxMs: 1500 });
  });

  it.each([
    ['backwards', ['--hold', '30s..5s'], /--hold: the range 30s..5s ends before it starts/],
    ['three parts', ['--hold', '1s..2s..3s'], /--hold: expected a duration or MIN..MAX/],
    ['open end', ['--hold', '1s..'], /--hold: expected seconds or a duration/],
    ['negative seed', ['--seed', '-1'], /--seed/],
  ])('%s → CliUsageError', (_, args, message) => {
    expect(() => load(...args)).toThrow(CliUsageError);
    expect(() => load(...args)).toThrow(message);
  });

  it('each call holds within the range, the same for the same seed and call number, spread over the range', () => {
    const holds = Array.from({ length: 1000 }, (_, n) => holdTimeMs(5000, 30_000, 14, n));
    expect(Math.min(...holds)).toBeGreaterThanOrEqual(5000);
    expect(Math.max(...holds)).toBeLessThanOrEqual(30_000);
    expect(holds).toEqual(Array.from({ length: 1000 }, (_, n) => holdTimeMs(5000, 30_000, 14, n)));
    expect(holds).not.toEqual(Array.from({ length: 1000 }, (_, n) => holdTimeMs(5000, 30_000, 15, n)));
    const mean = holds.reduce((a, b) => a + b, 0) / holds.length;
    expect(mean).toBeGreaterThan(16_500);
    expect(mean).toBeLessThan(18_500);
    expect(Math.min(...holds)).toBeLessThan(6000);
    expect(Math.max(...holds)).toBeGreaterThan(29_000);
    expect(holdTimeMs(2000, 2000, 1, 7)).toBe(2000);
  });
});

describe('trunkline echo --t1', () => {
  it('default: the user agent’s T1; --t1 sets it, bounded', () => {
    expect(parseEchoArgs([])).toMatchObject({ t1Ms: undefined });
    expect(parseEchoArgs(['--t1', '50ms'])).toMatchObject({ t1Ms: 50 });
    expect(() => parseEchoArgs(['--t1', '5ms'])).toThrow(/--t1: must be from 0.01 s/);
  });
});
