/**
 * The unit of audio passed between Trunkline layers, and a framer that cuts an
 * arbitrary-length PCM stream into fixed-duration frames (20 ms by default, the
 * RTP packetisation interval of RFC 3551 §4.5 for G.711).
 *
 * @module
 */
import { requireInt16Array } from './arguments.js';

/** One frame of 16-bit mono linear PCM. */
export interface AudioFrame {
  /** Samples, signed 16-bit, mono. */
  samples: Int16Array;
  /** Sample rate in Hz. */
  sampleRate: number;
  /** RTP timestamp of the first sample (RFC 3550 §5.1), when the frame came from or goes to RTP. */
  rtpTimestamp?: number;
}

/** Options of {@link Framer}. */
export interface FramerOptions {
  /** Sample rate in Hz (positive integer). */
  sampleRate: number;
  /** Frame duration in ms (default 20); `sampleRate * frameMs / 1000` must be a whole number. */
  frameMs?: number;
  /**
   * RTP timestamp of the first sample. When given, frames carry `rtpTimestamp`,
   * advancing by the frame length modulo 2^32 (RFC 3550 §5.1).
   */
  startTimestamp?: number;
}

/**
 * Buffers PCM of any length and hands out whole frames; the remainder waits
 * for the next {@link Framer.push}. Frames own their samples (fresh arrays), so
 * callers may keep them.
 *
 * @example
 * const framer = new Framer({ sampleRate: 8000 });       // 160-sample frames
 * for (const frame of framer.push(pcm)) send(frame);
 * const last = framer.flush({ pad: true });               // zero-padded tail, if any
 */
export class Framer {
  /** Sample rate of the frames, Hz. */
  readonly sampleRate: number;
  /** Samples per frame. */
  readonly frameSamples: number;
  readonly #pending: Int16Array;
  #fill = 0;
  #timestamp: number | undefined;

  /**
   * @param options - rate, frame duration and optional RTP timestamp origin
   * @throws RangeError when the frame length is not a positive whole number of samples
   */
  constructor(options: FramerOptions) {
    const frameMs = options.frameMs ?? 20;
    const { sampleRate } = options;
    if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new RangeError(`sampleRate must be a positive integer, got ${sampleRate}`);
    const frameSamples = (sampleRate * frameMs) / 1000;
    if (!Number.isInteger(frameSamples) || frameSamples <= 0) {
      throw new RangeError(`frameMs ${frameMs} is not a whole number of samples at ${sampleRate} Hz`);
    }
    if (options.startTimestamp !== undefined && !(Number.isInteger(options.startTimestamp) && options.startTimestamp >= 0 && options.startTimestamp < 2 ** 32)) {
      throw new RangeError(`startTimestamp must be a 32-bit unsigned integer, got ${options.startTimestamp}`);
    }
    this.sampleRate = sampleRate;
    this.frameSamples = frameSamples;
    this.#pending = new Int16Array(frameSamples);
    this.#timestamp = options.startTimestamp;
  }

  /** Samples buffered, waiting for a full frame. */
  get pendingSamples(): number {
    return this.#fill;
  }

  /**
   * Add samples; return every frame completed by them (possibly none).
   *
   * @param pcm - next samples of the stream
   */
  push(pcm: Int16Array): AudioFrame[] {
    requireInt16Array(pcm, 'Framer.push: pcm');
    const frames: AudioFrame[] = [];
    const size = this.frameSamples;
    let i = 0;
    if (this.#fill > 0) {
      const take = Math.min(size - this.#fill, pcm.length);
      this.#pending.set(pcm.subarray(0, take), this.#fill);
      this.#fill += take;
      i = take;
      if (this.#fill === size) {
        frames.push(this.#frame(this.#pending.slice()));
        this.#fill = 0;
      }
    }
    for (; i + size <= pcm.length; i += size) frames.push(this.#frame(pcm.slice(i, i + size)));
    if (i < pcm.length) {
      this.#pending.set(pcm.subarray(i), this.#fill);
      this.#fill += pcm.length - i;
    }
    return frames;
  }

  /**
   * Take the buffered partial frame, if any.
   *
   * @param options - `pad: true` zero-pads it to a full frame (default false: a short frame)
   * @returns the partial frame, or undefined when nothing is buffered
   */
  flush(options: { pad?: boolean } = {}): AudioFrame | undefined {
    if (this.#fill === 0) return undefined;
    const samples = options.pad === true ? this.#pending.slice() : this.#pending.slice(0, this.#fill);
    if (options.pad === true) samples.fill(0, this.#fill);
    this.#fill = 0;
    return this.#frame(samples);
  }

  #frame(samples: Int16Array): AudioFrame {
    if (this.#timestamp === undefined) return { samples, sampleRate: this.sampleRate };
    const rtpTimestamp = this.#timestamp;
    this.#timestamp = (this.#timestamp + samples.length) % 2 ** 32;
    return { samples, sampleRate: this.sampleRate, rtpTimestamp };
  }
}
