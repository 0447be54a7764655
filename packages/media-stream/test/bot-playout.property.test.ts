/**
 * BotPlayout against a model sink (properties): audio reaches the sink in order and in whole
 * frames, every mark comes back exactly once and in the order sent (through the sink after its
 * audio, or returned by clear), and the queue never holds more than its bound.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BotPlayout, type PlayoutSink } from '../src/index.js';

const FRAME = 160;

/** A sink like call.audio: marks are positional, clear() fires the pending ones; write() waits for a tick. */
class ModelSink implements PlayoutSink {
  readonly audio: number[] = [];
  readonly chunkLengths: number[] = [];
  readonly marks: string[] = [];
  readonly pending: string[] = [];
  waiters: (() => void)[] = [];
  write(pcm: Int16Array): Promise<void> {
    this.audio.push(...pcm);
    this.chunkLengths.push(pcm.length);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  mark(name: string): void {
    this.pending.push(name);
  }
  clear(): void {
    this.marks.push(...this.pending.splice(0));
    for (const w of this.waiters.splice(0)) w();
  }
  /** The pacer sent everything: pending marks fire, writers resume. */
  tick(): void {
    this.marks.push(...this.pending.splice(0));
    for (const w of this.waiters.splice(0)) w();
  }
}

type Op = { readonly push: number } | { readonly mark: true } | { readonly clear: true } | { readonly tick: true };
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.integer({ min: 1, max: 700 }).map((n) => ({ push: n })),
  fc.constant({ mark: true as const }),
  fc.constant({ clear: true as const }),
  fc.constant({ tick: true as const }),
);
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('BotPlayout (model-based)', () => {
  it('whole frames in order, each mark back once in order, bounded', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), fc.integer({ min: 400, max: 4000 }), async (ops, bound) => {
        const sink = new ModelSink();
        const returned: string[] = [];
        const p = new BotPlayout(sink, { maxQueuedSamples: bound, frameSamples: FRAME, onMarkDropped: (n) => returned.push(n), onError: (e) => { throw e; } });
        const sinkMarks = (): string[] => sink.marks;
        let next = 0;
        let sample = 0;
        const sent: string[] = [];
        for (const o of ops) {
          if ('push' in o) p.pushAudio(Int16Array.from({ length: o.push }, () => sample++));
          else if ('mark' in o) {
            const name = `m${next++}`;
            sent.push(name);
            p.pushMark(name);
          }
          else if ('clear' in o) p.clear();
          else sink.tick();
          await settle();
          expect(p.queuedSamples).toBeLessThanOrEqual(bound);
        }
        p.clear();
        await settle();
        // Every mark exactly once, in order, whichever way it came back.
        const all = [...sinkMarks(), ...returned].sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
        expect(all).toEqual(sent);
        const order = (names: string[]): boolean => names.every((n, i) => i === 0 || Number(n.slice(1)) > Number(names[i - 1]!.slice(1)));
        expect(order(sinkMarks())).toBe(true);
        // Audio in order: the samples are a counter (at most 40 × 700 < 32768), gaps only where dropped or cleared.
        expect(sink.audio.every((v, i) => i === 0 || v > sink.audio[i - 1]!)).toBe(true);
      }),
    );
  });

  it('holds a partial frame until the next chunk completes it; a mark sends the partial first', async () => {
    const sink = new ModelSink();
    const p = new BotPlayout(sink, { maxQueuedSamples: 10_000, frameSamples: FRAME, onMarkDropped: () => undefined, onError: () => undefined });
    p.pushAudio(new Int16Array(100));
    expect(sink.chunkLengths).toEqual([]);
    p.pushAudio(new Int16Array(250));
    expect(sink.chunkLengths).toEqual([320]);
    sink.tick();
    p.pushMark('end');
    await settle();
    expect(sink.chunkLengths).toEqual([320, 30]);
    // The mark waits behind the write that precedes it, then fires once that audio is sent.
    sink.tick();
    await settle();
    sink.tick();
    expect(sink.marks).toEqual(['end']);
  });
});
