/**
 * In-band DTMF receiver with ITU-T Q.24-style acceptance tests.
 *
 * The signal is analysed in blocks of 12.75 ms (102 samples at 8 kHz) that
 * overlap by half (a decision every 6.4 ms). For each block the complex DFT at
 * the 8 Q.23 frequencies is taken (Goertzel-equivalent correlations with
 * precomputed tables), then:
 *
 * 1. the strongest row and column tone are picked;
 * 2. each must reach `minToneLevelDbfs`;
 * 3. twist (column level − row level) must lie in [−reverseTwistDb, +normalTwistDb]
 *    (Q.24 Table A: normal twist up to 8 dB, reverse up to 4 dB);
 * 4. other tones of each group must be `relativePeakDb` below the chosen one;
 * 5. the two tones must carry most of the block's energy (`minToneToTotalDb`),
 *    which rejects speech, music and noise;
 * 6. the frequency of each tone, estimated from its phase advance since the
 *    previous block, must be within `frequencyTolerance` of nominal (Q.24: operate
 *    within 1.5 %, never operate beyond 3.5 %; the default 2.5 % sits between);
 * 7. both half blocks must carry a similar energy (`halfBlockToleranceDb`), so
 *    blocks only partly covered by a tone do not count.
 *
 * A digit is reported once it passes in as many consecutive blocks as fit
 * wholly inside `minDurationMs` (Q.24: operate at 40 ms; with the defaults a
 * tone of 23 ms or less never passes that many), and the detector re-arms after
 * as many failing blocks as fit inside `minPauseMs` (Q.24: 40 ms pause, while
 * an interruption of up to 10 ms fails too few blocks to end the digit).
 *
 * @module
 */
import { DTMF_COLUMN_HZ, DTMF_KEYPAD, DTMF_ROW_HZ } from './dtmf.js';
import type { DtmfDigit } from './dtmf.js';
import { FULL_SCALE } from './level.js';
import { requireInt16Array } from './arguments.js';

/** Options of {@link DtmfDetector}; every threshold has a Q.24-minded default. */
export interface DtmfDetectorOptions {
  /** Sample rate, Hz (integer, at least 8000; default 8000). */
  sampleRate?: number;
  /** Shortest tone that must be reported, ms (default 40). */
  minDurationMs?: number;
  /** Shortest pause between two reports of the same or another digit, ms (default 40). */
  minPauseMs?: number;
  /** Largest accepted excess of the high-group level over the low group, dB (default 8). */
  normalTwistDb?: number;
  /** Largest accepted excess of the low-group level over the high group, dB (default 4). */
  reverseTwistDb?: number;
  /** Largest accepted relative frequency deviation of each tone (default 0.025). */
  frequencyTolerance?: number;
  /** Lowest accepted level of each tone, dBFS RMS (default −40). */
  minToneLevelDbfs?: number;
  /** Smallest margin of the chosen tone over others of its group, dB (default 8). */
  relativePeakDb?: number;
  /** Lowest accepted ratio of the two tones' power to the block power, dB (default −3). */
  minToneToTotalDb?: number;
  /** Largest energy difference between the two halves of a block, dB (default 3). */
  halfBlockToleranceDb?: number;
}

/** A detected digit. */
export interface DtmfEvent {
  /** The digit. */
  digit: DtmfDigit;
  /** Index (in samples since the start or last reset) of the first block the digit was seen in. */
  sample: number;
  /** The same position in milliseconds. */
  timeMs: number;
}

/** Samples per analysis block at 8 kHz (12.75 ms), scaled with the sample rate; blocks advance by half of it. */
export const DTMF_BLOCK_SAMPLES_8K = 102;

const FREQS: readonly number[] = [...DTMF_ROW_HZ, ...DTMF_COLUMN_HZ];
const NO_EVENTS: readonly DtmfEvent[] = Object.freeze([]);
const dbToPower = (db: number): number => 10 ** (db / 10);

/**
 * Streaming DTMF detector. Feed any chunk sizes; digits are reported once, at
 * the block where they are recognised.
 *
 * @example
 * const det = new DtmfDetector({ sampleRate: 8000 });
 * for (const frame of frames) for (const e of det.process(frame.samples)) console.log(e.digit);
 */
export class DtmfDetector {
  /** Sample rate, Hz. */
  readonly sampleRate: number;
  /** Samples per analysis block. */
  readonly blockSamples: number;
  /** Samples between the starts of consecutive blocks (half a block). */
  readonly hopSamples: number;
  /** Consecutive passing blocks needed to report a digit. */
  readonly durationBlocks: number;
  /** Consecutive failing blocks that end a digit. */
  readonly pauseBlocks: number;

  readonly #cos: Float64Array;
  readonly #sin: Float64Array;
  readonly #block: Float64Array;
  readonly #power = new Float64Array(8);
  readonly #offset = new Float64Array(8); // estimated frequency deviation, relative
  readonly #re = new Float64Array(8);
  readonly #im = new Float64Array(8);
  readonly #prevRe = new Float64Array(8);
  readonly #prevIm = new Float64Array(8);
  #hasPrevious = false;
  readonly #minTonePower: number;
  readonly #normalTwist: number;
  readonly #reverseTwist: number;
  readonly #tolerance: number;
  readonly #relativePeak: number;
  readonly #toneToTotal: number;
  readonly #halfTolerance: number;
  #fill = 0;
  #blockStart = 0; // sample index of the first sample in #block
  #candidate: DtmfDigit | undefined;
  #candidateCount = 0;
  #candidateStart = 0;
  #current: DtmfDigit | undefined;
  #misses = 0;

  /**
   * @param options - thresholds; all optional
   * @throws RangeError on out-of-range options
   */
  constructor(options: DtmfDetectorOptions = {}) {
    const sampleRate = options.sampleRate ?? 8000;
    if (!Number.isInteger(sampleRate) || sampleRate < 8000) throw new RangeError(`sampleRate must be an integer >= 8000, got ${sampleRate}`);
    const num = (name: keyof DtmfDetectorOptions, def: number, lo: number, hi: number): number => {
      const v = options[name] ?? def;
      if (typeof v !== 'number' || !(v >= lo && v <= hi)) throw new RangeError(`${name} must be in [${lo}, ${hi}], got ${String(v)}`);
      return v;
    };
    const minDurationMs = num('minDurationMs', 40, 0, 10_000);
    const minPauseMs = num('minPauseMs', 40, 0, 10_000);
    this.#normalTwist = dbToPower(num('normalTwistDb', 8, 0, 40));
    this.#reverseTwist = dbToPower(num('reverseTwistDb', 4, 0, 40));
    this.#tolerance = num('frequencyTolerance', 0.025, 0, 0.2);
    const minLevel = num('minToneLevelDbfs', -40, -120, 0);
    this.#relativePeak = dbToPower(num('relativePeakDb', 8, 0, 60));
    this.#toneToTotal = dbToPower(num('minToneToTotalDb', -3, -40, 0));
    this.#halfTolerance = dbToPower(num('halfBlockToleranceDb', 3, 0, 40));
    // Tone power of a sine = A^2/2; level in dBFS is RMS relative to full scale.
    this.#minTonePower = (FULL_SCALE * 10 ** (minLevel / 20)) ** 2;

    this.sampleRate = sampleRate;
    const N = Math.round((DTMF_BLOCK_SAMPLES_8K * sampleRate) / 8000 / 2) * 2;
    this.blockSamples = N;
    const hop = N / 2;
    this.hopSamples = hop;
    // A span of T samples always holds floor((T - N) / hop) whole blocks, hop-aligned:
    // 4 for 40 ms at 8 kHz. A 23 ms tone gives at most 3 passing blocks, since blocks
    // less than ~75 % covered fail the half-block test; a 10 ms gap fails at most 3.
    const whole = (ms: number): number => Math.max(1, Math.floor(((ms * sampleRate) / 1000 - N) / hop));
    this.durationBlocks = whole(minDurationMs);
    this.pauseBlocks = whole(minPauseMs);
    this.#cos = new Float64Array(8 * N);
    this.#sin = new Float64Array(8 * N);
    for (let f = 0; f < 8; f++) {
      const w = (2 * Math.PI * FREQS[f]!) / sampleRate;
      for (let n = 0; n < N; n++) {
        this.#cos[f * N + n] = Math.cos(w * n);
        this.#sin[f * N + n] = Math.sin(w * n);
      }
    }
    this.#block = new Float64Array(N);
  }

  /**
   * Analyse the next samples of the stream.
   *
   * @param samples - 16-bit PCM at `sampleRate`
   * @returns digits recognised in these samples (usually none: then a shared
   * empty array, so the per-frame call allocates nothing)
   */
  process(samples: Int16Array): readonly DtmfEvent[] {
    requireInt16Array(samples, 'DtmfDetector.process: samples');
    let events: DtmfEvent[] | undefined;
    const N = this.blockSamples;
    const hop = this.hopSamples;
    let i = 0;
    while (i < samples.length) {
      const take = Math.min(N - this.#fill, samples.length - i);
      this.#block.set(samples.subarray(i, i + take), this.#fill);
      this.#fill += take;
      i += take;
      if (this.#fill === N) {
        const e = this.#step(this.#analyse());
        if (e !== undefined) (events ??= []).push(e);
        // Slide by half a block: the second half becomes the next block's first.
        this.#block.copyWithin(0, hop, N);
        this.#fill = N - hop;
        this.#blockStart += hop;
      }
    }
    return events ?? NO_EVENTS;
  }

  /** Forget the stream (buffered samples, digit state and the sample counter). */
  reset(): void {
    this.#fill = 0;
    this.#blockStart = 0;
    this.#candidate = undefined;
    this.#candidateCount = 0;
    this.#current = undefined;
    this.#misses = 0;
    this.#hasPrevious = false;
  }

  /** Digit state machine over block decisions. */
  #step(d: DtmfDigit | undefined): DtmfEvent | undefined {
    if (d !== undefined && d === this.#candidate) {
      this.#candidateCount++;
    } else {
      this.#candidate = d;
      this.#candidateCount = d === undefined ? 0 : 1;
      this.#candidateStart = this.#blockStart;
    }
    if (this.#current !== undefined) {
      if (d === this.#current) this.#misses = 0;
      else if (++this.#misses >= this.pauseBlocks) this.#current = undefined;
    }
    if (this.#current === undefined && this.#candidate !== undefined && this.#candidateCount >= this.durationBlocks) {
      this.#current = this.#candidate;
      this.#misses = 0;
      const sample = this.#candidateStart;
      return { digit: this.#candidate, sample, timeMs: (sample * 1000) / this.sampleRate };
    }
    return undefined;
  }

  /** Block decision: the digit this block carries, if it passes every test. */
  #analyse(): DtmfDigit | undefined {
    const N = this.blockSamples;
    const H = N / 2;
    const x = this.#block;
    const cos = this.#cos;
    const sin = this.#sin;
    let energyA = 0;
    let energyB = 0;
    for (let n = 0; n < H; n++) energyA += x[n]! * x[n]!;
    for (let n = H; n < N; n++) energyB += x[n]! * x[n]!;
    const total = energyA + energyB;
    for (let f = 0; f < 8; f++) {
      const base = f * N;
      let r = 0;
      let im = 0;
      for (let n = 0; n < N; n++) {
        r += x[n]! * cos[base + n]!;
        im -= x[n]! * sin[base + n]!;
      }
      // Power of a sine A cos(wn+φ) is A²/2 = 2|X|²/N² over N samples.
      this.#power[f] = (2 * (r * r + im * im)) / (N * N);
      // Blocks start H samples apart, so a tone at w(1+e) advances by w(1+e)H:
      // the phase advance beyond wH gives e (unambiguous while |e w H| < π).
      const pr = this.#prevRe[f]!;
      const pi = this.#prevIm[f]!;
      const w = (2 * Math.PI * FREQS[f]!) / this.sampleRate;
      const adv = Math.atan2(im * pr - r * pi, r * pr + im * pi) - w * H;
      const wrapped = adv - 2 * Math.PI * Math.round(adv / (2 * Math.PI));
      this.#offset[f] = wrapped / (w * H);
      this.#re[f] = r;
      this.#im[f] = im;
    }
    const hasPrevious = this.#hasPrevious;
    this.#prevRe.set(this.#re);
    this.#prevIm.set(this.#im);
    this.#hasPrevious = true;
    if (total === 0 || !hasPrevious) return undefined;
    // A block only partly covered by a tone (its start or end) has unequal halves.
    if (energyA > energyB * this.#halfTolerance || energyB > energyA * this.#halfTolerance) return undefined;
    const row = this.#best(0);
    const col = this.#best(4);
    if (row < 0 || col < 0) return undefined;
    const pr = this.#power[row]!;
    const pc = this.#power[col]!;
    if (pr < this.#minTonePower || pc < this.#minTonePower) return undefined;
    if (pc > pr * this.#normalTwist || pr > pc * this.#reverseTwist) return undefined;
    if (pr + pc < (total / N) * this.#toneToTotal) return undefined;
    if (Math.abs(this.#offset[row]!) > this.#tolerance || Math.abs(this.#offset[col]!) > this.#tolerance) return undefined;
    return DTMF_KEYPAD[row]![col - 4];
  }

  /** Index of the strongest of 4 tones from `first`, or −1 when it does not stand out. */
  #best(first: number): number {
    let best = first;
    for (let f = first + 1; f < first + 4; f++) if (this.#power[f]! > this.#power[best]!) best = f;
    const limit = this.#power[best]! / this.#relativePeak;
    for (let f = first; f < first + 4; f++) if (f !== best && this.#power[f]! > limit) return -1;
    return best;
  }
}
