import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PlayoutQueue } from '../../src/media/index.js';

// Virtual time: one next() call is one 20 ms pacer tick at 8 kHz (160 samples).
const FRAME = 160;
const ramp = (n: number, from = 1): Int16Array => Int16Array.from({ length: n }, (_, i) => from + i);

function setup(maxQueuedMs = 2000) {
  const marks: [string, boolean][] = [];
  const q = new PlayoutQueue({ sampleRate: 8000, maxQueuedMs, onMark: (name, cleared) => marks.push([name, cleared]) });
  const frame = new Int16Array(FRAME);
  /** One tick: take a frame (as the pacer does), "send" it, then release marks. */
  const tick = (): Int16Array | undefined => {
    const got = q.next(frame) ? frame.slice() : undefined;
    q.releaseMarks();
    return got;
  };
  return { q, marks, tick };
}

const settled = async (p: Promise<void>): Promise<boolean> => {
  let done = false;
  void p.then(() => (done = true));
  await Promise.resolve();
  await Promise.resolve();
  return done;
};

describe('PlayoutQueue: re-framing any chunk length to the ptime', () => {
  it('30 ms chunks come out as 20 ms frames in order; the last partial frame is padded with silence', () => {
    const { q, tick } = setup();
    void q.write(ramp(240, 1));
    void q.write(ramp(240, 241));
    expect(q.queuedMs).toBe(60);
    const out: number[] = [];
    for (let f = tick(); f !== undefined; f = tick()) out.push(...f);
    expect(out.length).toBe(480);
    expect(out).toEqual([...ramp(480, 1)]);
    void q.write(ramp(100));
    const last = tick()!;
    expect([...last.subarray(0, 100)]).toEqual([...ramp(100)]);
    expect(last.subarray(100).every((s) => s === 0)).toBe(true);
    expect(tick()).toBeUndefined();
  });

  it('output concatenated equals input concatenated for any chunking (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 700 }), { maxLength: 20 }), (lengths) => {
        const { q, tick } = setup(1e9);
        let total = 0;
        for (const n of lengths) {
          void q.write(ramp(n, total + 1));
          total += n;
        }
        const out: number[] = [];
        for (let f = tick(); f !== undefined; f = tick()) out.push(...f);
        expect(out.length).toBe(Math.ceil(total / FRAME) * FRAME);
        expect(out.slice(0, total)).toEqual([...ramp(total, 1)]);
        expect(out.slice(total).every((s) => s === 0)).toBe(true);
      }),
      { numRuns: 100, verbose: true },
    );
  });
});

describe('PlayoutQueue: marks', () => {
  it('a mark fires once the frame holding the last sample written before it has been sent', () => {
    const { q, marks, tick } = setup();
    void q.write(ramp(400)); // 2.5 frames
    q.mark('sentence-1');
    void q.write(ramp(160));
    q.mark('sentence-2');
    tick();
    tick();
    expect(marks).toEqual([]);
    tick(); // samples 320..479: holds the end of the first write
    expect(marks).toEqual([['sentence-1', false]]);
    tick();
    expect(marks).toEqual([['sentence-1', false], ['sentence-2', false]]);
  });

  it('a mark on an empty queue fires at the next tick, not synchronously', () => {
    const { q, marks, tick } = setup();
    q.mark('now');
    expect(marks).toEqual([]);
    expect(tick()).toBeUndefined();
    expect(marks).toEqual([['now', false]]);
  });
});

describe('PlayoutQueue: clear() (barge-in)', () => {
  it('drops everything queued: the next frame is silence; pending marks fire as cleared, reached ones as sent', () => {
    const { q, marks, tick } = setup();
    void q.write(ramp(160));
    q.mark('reached');
    void q.write(ramp(16000)); // 2 s of prompt
    q.mark('tts-end');
    tick();
    q.clear();
    expect(q.queuedMs).toBe(0);
    expect(marks).toEqual([['reached', false], ['tts-end', true]]);
    expect(tick()).toBeUndefined();
    // The queue keeps working after a clear.
    void q.write(ramp(160, 7));
    expect(tick()![0]).toBe(7);
  });

  it('a mark listener may write again from inside clear() (state committed first)', () => {
    const q: PlayoutQueue = new PlayoutQueue({ sampleRate: 8000, maxQueuedMs: 2000, onMark: () => void q.write(ramp(160)) });
    void q.write(ramp(800));
    q.mark('m');
    q.clear();
    expect(q.queuedMs).toBe(20);
  });
});

describe('PlayoutQueue: backpressure and bound', () => {
  it('write() resolves at once below maxQueuedMs, else once enough has been sent', async () => {
    const { q, tick } = setup(200); // 10 frames
    expect(await settled(q.write(ramp(800)))).toBe(true); // 100 ms queued
    const p = q.write(ramp(960)); // 220 ms queued
    expect(await settled(p)).toBe(false);
    tick(); // 200 ms: not below
    expect(await settled(p)).toBe(false);
    tick(); // 180 ms
    expect(await settled(p)).toBe(true);
  });

  it('a write while full (backpressure ignored) is dropped and counted; the queue stays bounded', async () => {
    const { q, tick } = setup(100);
    void q.write(ramp(800)); // exactly 100 ms: full
    const p = q.write(ramp(1600));
    expect(q.queuedMs).toBe(100);
    expect(q.droppedSamples).toBe(1600);
    tick();
    expect(await settled(p)).toBe(true);
  });

  it('close() resolves every waiter, fires pending marks as cleared, and refuses later audio', async () => {
    const { q, marks } = setup(20);
    const p = q.write(ramp(480));
    q.mark('end');
    q.close();
    expect(await settled(p)).toBe(true);
    expect(marks).toEqual([['end', true]]);
    expect(await settled(q.write(ramp(10)))).toBe(true);
    expect(q.queuedMs).toBe(0);
    q.mark('late');
    expect(marks.at(-1)).toEqual(['late', true]);
  });

  it('misuse is a TypeError naming the option', () => {
    expect(() => new PlayoutQueue({ sampleRate: 0, maxQueuedMs: 1 })).toThrow(/options.sampleRate/);
    expect(() => new PlayoutQueue({ sampleRate: 8000, maxQueuedMs: Number.NaN })).toThrow(/options.maxQueuedMs/);
  });
});
