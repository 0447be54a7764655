import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DelayLine } from '../src/index.js';

describe('DelayLine', () => {
  it('pops what is due, in departure order, ties in arrival order', () => {
    const line = new DelayLine<string>();
    line.push(30, 'c');
    line.push(10, 'a');
    line.push(10, 'b');
    line.push(20, 'x');
    expect(line.nextAt).toBe(10);
    expect(line.popDue(9)).toBeUndefined();
    expect([line.popDue(20), line.popDue(20), line.popDue(20), line.popDue(20)]).toEqual(['a', 'b', 'x', undefined]);
    expect(line.size).toBe(1);
    expect(line.clear()).toEqual(['c']);
    expect(line.nextAt).toBeUndefined();
  });

  it('any pushes come out sorted by (time, push order) (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 300 }), (times) => {
        const line = new DelayLine<number>();
        times.forEach((t, i) => line.push(t, i));
        const out: number[] = [];
        for (let i = line.popDue(Infinity); i !== undefined; i = line.popDue(Infinity)) out.push(i);
        const expected = times.map((t, i) => ({ t, i })).sort((a, b) => a.t - b.t || a.i - b.i).map((e) => e.i);
        expect(out).toEqual(expected);
      }),
    );
  });
});
