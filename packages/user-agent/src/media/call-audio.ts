import { endianness } from 'node:os';
import { Readable, Writable } from 'node:stream';
import { Resampler, type AudioFrame } from '@trunkline/codecs';
import type { PlayoutQueue } from './playout-queue.js';
import type { ReadBuffer } from './read-buffer.js';

/** Sample rates the app may read and write at. */
export type AppSampleRate = 8000 | 16000 | 24000 | 48000;

/** A 20 ms frame of the peer's audio at the app's rate. */
export interface CallAudioFrame extends AudioFrame {
  /**
   * True when (part of) the frame was concealed rather than decoded: the packet was lost or late,
   * or the peer sent nothing (repeated, faded audio for a short gap, then silence).
   */
  readonly concealed: boolean;
}

/** Internals a {@link CallAudio} is built from (by `CallMedia`). */
export interface CallAudioParts {
  /** The app's rate. */
  readonly sampleRate: AppSampleRate;
  /** Rate of the playout queue (the codec's clock rate). */
  readonly queueRate: number;
  /** Outgoing queue. */
  readonly queue: PlayoutQueue;
  /** Incoming frames. */
  readonly frames: ReadBuffer<CallAudioFrame>;
}

const LITTLE_ENDIAN = endianness() === 'LE';

/**
 * `call.audio`: read the peer's audio (async iteration of {@link CallAudioFrame}s), write the
 * app's (any chunk length, at the app's rate). One reader at a time: the iterator, `readable()`
 * and the stream all take from the same buffer.
 *
 * @example
 * ```ts
 * for await (const frame of call.audio) call.audio.write(frame); // echo
 * ```
 */
export class CallAudio implements AsyncIterable<CallAudioFrame> {
  /** The app's sample rate (frames read and PCM written). */
  readonly sampleRate: AppSampleRate;
  readonly #queue: PlayoutQueue;
  readonly #frames: ReadBuffer<CallAudioFrame>;
  readonly #down: Resampler;

  /** @internal Built by `CallMedia`; apps use `call.audio`. */
  constructor(parts: CallAudioParts) {
    this.sampleRate = parts.sampleRate;
    this.#queue = parts.queue;
    this.#frames = parts.frames;
    this.#down = new Resampler({ fromRate: parts.sampleRate, toRate: parts.queueRate });
  }

  /** Milliseconds of written audio not yet sent. */
  get queuedMs(): number {
    return this.#queue.queuedMs;
  }

  /**
   * Queues audio to send: 16-bit PCM at {@link sampleRate}, any length (or a frame read from this
   * call). It is resampled, re-framed to the negotiated ptime and paced out in real time. Resolves
   * when less than `maxQueuedMs` is queued (await it for backpressure). A write while the queue is
   * already full, or after the call ended, is dropped and counted (`metrics.drops.writeOverflowMs`).
   */
  write(pcm: Int16Array | AudioFrame): Promise<void> {
    let samples: Int16Array;
    if (pcm instanceof Int16Array) samples = pcm;
    else if (pcm !== null && typeof pcm === 'object' && pcm.samples instanceof Int16Array) {
      if (pcm.sampleRate !== this.sampleRate) throw new TypeError(`pcm.sampleRate ${pcm.sampleRate} is not the call's ${this.sampleRate} Hz`);
      samples = pcm.samples;
    } else throw new TypeError('pcm must be an Int16Array or an AudioFrame');
    // process() without an out buffer returns a fresh array, which the queue may keep.
    return this.#queue.write(this.#down.process(samples));
  }

  /**
   * Barge-in: drops all queued audio; the peer hears silence from the next frame on (within one
   * ptime). Pending marks fire with `cleared: true`.
   */
  clear(): void {
    this.#down.reset();
    this.#queue.clear();
  }

  /** A 'mark' event fires once all audio written before this call has been sent. */
  mark(name: string): void {
    if (typeof name !== 'string') throw new TypeError('name must be a string');
    // The resampler holds back its filter delay (a few ms): flush it so the mark follows all of it.
    const tail = this.#down.flush();
    if (tail.length > 0) void this.#queue.write(tail);
    this.#queue.mark(name);
  }

  /** Frames of the peer's audio as they arrive; ends when the call's media closes. */
  [Symbol.asyncIterator](): AsyncIterator<CallAudioFrame> {
    return this.#frames;
  }

  /**
   * The peer's audio as a byte stream: 16-bit signed little-endian PCM, mono, at
   * {@link sampleRate}, one chunk per frame; ends when the media closes.
   */
  readable(): Readable {
    const frames = this.#frames;
    return new Readable({
      read(): void {
        frames.next().then(
          (r) => this.push(r.done === true ? null : toLittleEndianBytes(r.value.samples)),
          (e: unknown) => this.destroy(e instanceof Error ? e : new Error(String(e))),
        );
      },
    });
  }

  /**
   * A byte sink for the app's audio: 16-bit signed little-endian PCM, mono, at {@link sampleRate},
   * chunks of any length (an odd byte waits for the next chunk). Backpressure follows `write()`.
   */
  writable(): Writable {
    let carry: number | undefined;
    return new Writable({
      write: (chunk: Buffer, _encoding, callback): void => {
        let bytes: Uint8Array = chunk;
        if (carry !== undefined) {
          const joined = new Uint8Array(chunk.length + 1);
          joined[0] = carry;
          joined.set(chunk, 1);
          bytes = joined;
          carry = undefined;
        }
        if (bytes.length % 2 === 1) {
          carry = bytes[bytes.length - 1];
          bytes = bytes.subarray(0, bytes.length - 1);
        }
        this.write(fromLittleEndianBytes(bytes)).then(() => callback(), callback);
      },
    });
  }
}

function toLittleEndianBytes(samples: Int16Array): Buffer {
  const bytes = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  return LITTLE_ENDIAN ? bytes : Buffer.from(bytes).swap16();
}

function fromLittleEndianBytes(bytes: Uint8Array): Int16Array {
  // A copy: aligned, and independent of the stream's buffer (which is reused).
  const copy = Buffer.from(bytes);
  if (!LITTLE_ENDIAN) copy.swap16();
  return new Int16Array(copy.buffer, copy.byteOffset, copy.length / 2);
}
