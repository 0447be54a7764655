import { writeWav } from '@trunkline/codecs';

/** Which way a recorded frame travelled: `in` from the peer (the caller), `out` to it (the app). */
export type MediaDirectionTag = 'in' | 'out';

/**
 * A recording tap on the call's media path. Frames are decoded PCM at the app's sample rate, as
 * carried on the wire: `in` after decoding (concealment included), `out` decoded back from the
 * encoded payload that was sent. The frame is only valid during the call: copy it to keep it.
 */
export interface RecordingTap {
  /** One frame of one direction. A throw is reported as the media's 'error' event. */
  onFrame(direction: MediaDirectionTag, frame: Int16Array): void;
}

/** Options of {@link StereoWavRecorder}. */
export interface StereoWavRecorderOptions {
  /** Sample rate of the frames it receives (the call's app sample rate), Hz. */
  readonly sampleRate: number;
  /** Longest recording kept, seconds; later audio is not recorded and `truncated` turns true. Default 3600. */
  readonly maxSeconds?: number;
  /**
   * When one direction pauses (hold, DTMF) the other channel runs ahead; once it leads by more
   * than this, the quiet channel is padded with silence so both stay aligned. Default 60 ms.
   */
  readonly maxSkewMs?: number;
}

/**
 * A {@link RecordingTap} that keeps both directions and writes one stereo WAV: the caller (`in`)
 * on the left channel, the app (`out`) on the right — the layout compliance recording and ASR
 * scoring expect.
 */
export class StereoWavRecorder implements RecordingTap {
  readonly #rate: number;
  readonly #maxSamples: number;
  readonly #maxSkew: number;
  readonly #channels: [Int16Array[], Int16Array[]] = [[], []];
  readonly #lengths = [0, 0];
  #truncated = false;

  /** @param options - see {@link StereoWavRecorderOptions} */
  constructor(options: StereoWavRecorderOptions) {
    if (!Number.isInteger(options.sampleRate) || options.sampleRate <= 0) throw new TypeError('options.sampleRate must be a positive integer');
    const maxSeconds = options.maxSeconds ?? 3600;
    if (!(maxSeconds > 0)) throw new TypeError('options.maxSeconds must be positive');
    const maxSkewMs = options.maxSkewMs ?? 60;
    if (!(maxSkewMs >= 0)) throw new TypeError('options.maxSkewMs must be non-negative');
    this.#rate = options.sampleRate;
    this.#maxSamples = Math.floor(maxSeconds * options.sampleRate);
    this.#maxSkew = Math.round((maxSkewMs * options.sampleRate) / 1000);
  }

  /** Whether audio beyond `maxSeconds` was left out. */
  get truncated(): boolean {
    return this.#truncated;
  }

  /** Recorded duration (the longer channel), seconds. */
  get seconds(): number {
    return Math.max(this.#lengths[0]!, this.#lengths[1]!) / this.#rate;
  }

  /** @inheritDoc */
  onFrame(direction: MediaDirectionTag, frame: Int16Array): void {
    const ch = direction === 'in' ? 0 : 1;
    const other = 1 - ch;
    if (this.#lengths[ch]! + frame.length > this.#maxSamples) {
      this.#truncated = true;
      return;
    }
    this.#append(ch, frame.slice());
    const lead = this.#lengths[ch]! - this.#lengths[other]!;
    if (lead > this.#maxSkew) this.#append(other, new Int16Array(lead - this.#maxSkew));
  }

  /** Both channels so far as one stereo 16-bit WAV file (left: `in`, right: `out`). */
  toWav(): Uint8Array {
    const n = Math.max(this.#lengths[0]!, this.#lengths[1]!);
    const interleaved = new Int16Array(2 * n);
    for (let ch = 0; ch < 2; ch++) {
      let at = 0;
      for (const chunk of this.#channels[ch]!) {
        for (let i = 0; i < chunk.length; i++) interleaved[2 * (at + i) + ch] = chunk[i]!;
        at += chunk.length;
      }
    }
    return writeWav(interleaved, this.#rate, 2);
  }

  #append(ch: number, samples: Int16Array): void {
    this.#channels[ch]!.push(samples);
    this.#lengths[ch]! += samples.length;
  }
}
