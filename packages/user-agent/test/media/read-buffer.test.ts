import { describe, expect, it } from 'vitest';
import { ReadBuffer } from '../../src/media/index.js';

describe('ReadBuffer: the bounded read side', () => {
  it('a reader slower than real time loses the oldest frames, counted; memory stays at capacity', async () => {
    const b = new ReadBuffer<number>({ capacity: 3 });
    for (let i = 0; i < 10; i++) b.push(i);
    expect(b.size).toBe(3);
    expect(b.dropped).toBe(7);
    expect(await b.next()).toEqual({ value: 7, done: false });
    expect(b.shift()).toBe(8);
    expect(b.shift()).toBe(9);
    expect(b.shift()).toBeUndefined();
  });

  it('a waiting reader gets the next item directly; close() ends it, buffered items are still read', async () => {
    const b = new ReadBuffer<string>({ capacity: 2 });
    const waiting = b.next();
    b.push('a');
    expect(await waiting).toEqual({ value: 'a', done: false });
    b.push('b');
    const pending = [b.next(), b.next()];
    b.close();
    expect(await Promise.all(pending)).toEqual([
      { value: 'b', done: false },
      { value: undefined, done: true },
    ]);
    b.push('ignored');
    expect(b.size).toBe(0);
  });

  it('for await ends when closed; break does not close the buffer', async () => {
    const b = new ReadBuffer<number>({ capacity: 8 });
    [1, 2, 3].forEach((i) => b.push(i));
    for await (const v of b) if (v === 2) break;
    expect(b.closed).toBe(false);
    b.close();
    const rest: number[] = [];
    for await (const v of b) rest.push(v);
    expect(rest).toEqual([3]);
  });

  it('misuse is a TypeError naming the option', () => {
    expect(() => new ReadBuffer({ capacity: 0 })).toThrow(/options.capacity/);
  });
});
