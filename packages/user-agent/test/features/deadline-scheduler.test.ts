import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeadlineScheduler } from '../../src/features/deadline-scheduler.js';

describe('DeadlineScheduler (one queue for refreshes and keep-alives)', () => {
  it('hands out due keys by deadline, ties in the order set; one deadline per key', () => {
    const s = new DeadlineScheduler<string>();
    s.set('register:a', 30);
    s.set('options:trunk', 10);
    s.set('register:b', 30);
    s.set('options:trunk', 20); // replaces
    expect(s.size).toBe(3);
    expect(s.nextDeadline).toBe(20);
    expect(s.takeDue(19)).toEqual([]);
    expect(s.takeDue(30)).toEqual(['options:trunk', 'register:a', 'register:b']);
    expect(s.nextDeadline).toBeNull();
  });

  it('delete and set(null) cancel; clear forgets everything', () => {
    const s = new DeadlineScheduler<string>();
    s.set('a', 1);
    s.set('b', 2);
    expect(s.delete('a')).toBe(true);
    expect(s.delete('a')).toBe(false);
    s.set('b', null);
    expect(s.nextDeadline).toBeNull();
    s.set('c', 5);
    s.clear();
    expect(s.takeDue(10)).toEqual([]);
    expect(() => s.set('x', Number.NaN)).toThrow(TypeError);
  });

  it('property: agrees with a sorted-list model under random set/delete/takeDue', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key: fc.integer({ min: 0, max: 7 }), at: fc.integer({ min: 0, max: 100 }) }),
      fc.record({ kind: fc.constant('delete' as const), key: fc.integer({ min: 0, max: 7 }) }),
      fc.record({ kind: fc.constant('take' as const), now: fc.integer({ min: 0, max: 100 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const s = new DeadlineScheduler<number>();
        const model = new Map<number, { at: number; seq: number }>();
        let seq = 0;
        for (const o of ops) {
          if (o.kind === 'set') {
            if (model.get(o.key)?.at !== o.at) model.set(o.key, { at: o.at, seq: seq++ });
            s.set(o.key, o.at);
          } else if (o.kind === 'delete') {
            expect(s.delete(o.key)).toBe(model.delete(o.key));
          } else {
            const due = [...model].filter(([, v]) => v.at <= o.now).sort((x, y) => x[1].at - y[1].at || x[1].seq - y[1].seq);
            for (const [k] of due) model.delete(k);
            expect(s.takeDue(o.now)).toEqual(due.map(([k]) => k));
          }
          const min = Math.min(...[...model.values()].map((v) => v.at));
          expect(s.nextDeadline).toBe(model.size === 0 ? null : min);
          expect(s.size).toBe(model.size);
        }
      }),
      { numRuns: 300 },
    );
  });
});
