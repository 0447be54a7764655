/**
 * Silence detection with hangover: a frame is speech when its RMS level reaches
 * the threshold; the detector reports silence only after the level has stayed
 * below it for the hangover time, so pauses between words do not count. Used
 * for one-way-audio detection (media arriving but carrying nothing).
 *
 * @module
 */
import { rms, dbfsToRms } from './level.js';
import { requireInt16Array } from './arguments.js';

/** Options of {@link SilenceDetector}. */
export interface SilenceDetectorOptions {
  /** Sample rate in Hz (positive integer). */
  sampleRate: number;
  /** Frames at or above this RMS level (dBFS) count as sound (default −50 dBFS). */
  thresholdDbfs?: number;
  /** Time below the threshold before reporting silence, ms (default 300). */
  hangoverMs?: number;
}

/**
 * Streaming silence detector. Starts silent (no sound heard yet).
 *
 * @example
 * const vad = new SilenceDetector({ sampleRate: 8000, thresholdDbfs: -45 });
 * for (const frame of frames) vad.process(frame.samples);
 * if (vad.silent && vad.silentMs > 5000) flagOneWayAudio();
 */
export class SilenceDetector {
  /** Threshold in dBFS. */
  readonly thresholdDbfs: number;
  /** Hangover in ms. */
  readonly hangoverMs: number;
  readonly #sampleRate: number;
  readonly #thresholdRms: number;
  readonly #hangoverSamples: number;
  #silent = true;
  #quietSamples = 0; // consecutive samples in frames below the threshold
  #soundSamples = 0; // total samples in frames at or above the threshold

  /**
   * @param options - rate, threshold and hangover
   * @throws RangeError on a bad rate, a non-finite threshold or a negative hangover
   */
  constructor(options: SilenceDetectorOptions) {
    const { sampleRate } = options;
    const thresholdDbfs = options.thresholdDbfs ?? -50;
    const hangoverMs = options.hangoverMs ?? 300;
    if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new RangeError(`sampleRate must be a positive integer, got ${sampleRate}`);
    if (!Number.isFinite(thresholdDbfs)) throw new RangeError(`thresholdDbfs must be finite, got ${thresholdDbfs}`);
    if (!(hangoverMs >= 0 && Number.isFinite(hangoverMs))) throw new RangeError(`hangoverMs must be >= 0, got ${hangoverMs}`);
    this.thresholdDbfs = thresholdDbfs;
    this.hangoverMs = hangoverMs;
    this.#sampleRate = sampleRate;
    this.#thresholdRms = dbfsToRms(thresholdDbfs);
    this.#hangoverSamples = Math.round((hangoverMs * sampleRate) / 1000);
  }

  /** Whether the stream is currently silent (after hangover). */
  get silent(): boolean {
    return this.#silent;
  }

  /** Duration of the current run of below-threshold audio, ms. */
  get silentMs(): number {
    return (this.#quietSamples * 1000) / this.#sampleRate;
  }

  /** Total duration of audio at or above the threshold so far, ms. */
  get soundMs(): number {
    return (this.#soundSamples * 1000) / this.#sampleRate;
  }

  /**
   * Feed one frame (any length; 20 ms is typical).
   *
   * @param samples - 16-bit PCM
   * @returns whether the stream is silent after this frame
   */
  process(samples: Int16Array): boolean {
    requireInt16Array(samples, 'SilenceDetector.process: samples');
    if (samples.length === 0) return this.#silent;
    if (rms(samples) >= this.#thresholdRms) {
      this.#silent = false;
      this.#quietSamples = 0;
      this.#soundSamples += samples.length;
    } else {
      this.#quietSamples += samples.length;
      if (this.#quietSamples >= this.#hangoverSamples) this.#silent = true;
    }
    return this.#silent;
  }

  /** Back to the initial state (silent, counters zero). */
  reset(): void {
    this.#silent = true;
    this.#quietSamples = 0;
    this.#soundSamples = 0;
  }
}
