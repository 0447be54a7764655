/**
 * Streaming rational resampler: upsample by L, low-pass, downsample by M, done as
 * a polyphase FIR so only the needed taps are computed (Crochiere & Rabiner,
 * "Multirate Digital Signal Processing", 1983, ch. 2-3). The low-pass is a
 * Kaiser-windowed sinc designed once per instance.
 *
 * @module
 */
import { kaiserBeta, kaiserLowpass, kaiserOrder } from './fir-design.js';
import { requireInt16Array } from './arguments.js';

/**
 * Filter quality: stop-band attenuation the design aims for.
 * - `low`: 50 dB, shortest filter.
 * - `medium` (default): 70 dB.
 * - `high`: 96 dB (about the 16-bit noise floor).
 */
export type ResamplerQuality = 'low' | 'medium' | 'high';

/** Attenuation targets in dB for each {@link ResamplerQuality}. */
export const RESAMPLER_ATTENUATION_DB: Readonly<Record<ResamplerQuality, number>> = Object.freeze({
  low: 50,
  medium: 70,
  high: 96,
});

/** Default largest interpolation/decimation factor accepted (after reducing the rate ratio). */
export const DEFAULT_MAX_RATE_FACTOR = 1024;

/** Options of {@link Resampler}. */
export interface ResamplerOptions {
  /** Input sample rate in Hz (positive integer), e.g. 8000. */
  fromRate: number;
  /** Output sample rate in Hz (positive integer), e.g. 16000. */
  toRate: number;
  /** Filter quality (default `'medium'`). */
  quality?: ResamplerQuality;
  /**
   * Pass-band edge as a fraction of the lower rate's Nyquist frequency (default
   * 0.85, i.e. 3.4 kHz when one side is 8 kHz). The stop band starts at that
   * Nyquist frequency, so nothing above it aliases or images.
   */
  passbandFraction?: number;
  /**
   * Largest L or M (of the reduced ratio `toRate/fromRate = L/M`) accepted,
   * bounding coefficient memory (default {@link DEFAULT_MAX_RATE_FACTOR}).
   */
  maxRateFactor?: number;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Round to nearest and saturate to 16 bits. */
function toInt16(v: number): number {
  const s = Math.round(v);
  return s > 32767 ? 32767 : s < -32768 ? -32768 : s;
}

/**
 * Integer interpolation (M = 1): the L outputs of one input position share the
 * same K-sample window, so phases are computed in pairs from one load of each
 * input sample (fewer loads, two independent accumulation chains).
 */
function interpolate(coef: Float64Array, K: number, L: number, w: Float64Array, dst: Int16Array, m: number): void {
  let k = 0;
  for (let pos = 0; pos < m; pos++) {
    let p = 0;
    for (; p + 1 < L; p += 2) {
      const c0 = p * K;
      const c1 = c0 + K;
      let a0 = 0;
      let a1 = 0;
      let b0 = 0;
      let b1 = 0;
      let i = 0;
      for (; i + 1 < K; i += 2) {
        const x0 = w[pos + i]!;
        const x1 = w[pos + i + 1]!;
        a0 += coef[c0 + i]! * x0;
        b0 += coef[c1 + i]! * x0;
        a1 += coef[c0 + i + 1]! * x1;
        b1 += coef[c1 + i + 1]! * x1;
      }
      if (i < K) {
        const x0 = w[pos + i]!;
        a0 += coef[c0 + i]! * x0;
        b0 += coef[c1 + i]! * x0;
      }
      dst[k++] = toInt16(a0 + a1);
      dst[k++] = toInt16(b0 + b1);
    }
    if (p < L) {
      const c0 = p * K;
      let a0 = 0;
      let a1 = 0;
      let i = 0;
      for (; i + 1 < K; i += 2) {
        a0 += coef[c0 + i]! * w[pos + i]!;
        a1 += coef[c0 + i + 1]! * w[pos + i + 1]!;
      }
      if (i < K) a0 += coef[c0 + i]! * w[pos + i]!;
      dst[k++] = toInt16(a0 + a1);
    }
  }
}

/**
 * A stateful resampler for one stream of 16-bit mono PCM. Output is the input
 * delayed by {@link Resampler.delaySamples} output samples (linear phase, so the
 * delay is the same at every frequency). Feeding the stream in any chunking
 * gives exactly the same samples as feeding it in one call.
 *
 * @example
 * const up = new Resampler({ fromRate: 8000, toRate: 16000 });
 * const out = new Int16Array(up.maxOutputLength(160));
 * const wide = up.process(frame8k, out); // 320 samples per 20 ms frame
 */
export class Resampler {
  /** Input rate, Hz. */
  readonly fromRate: number;
  /** Output rate, Hz. */
  readonly toRate: number;
  /** Interpolation factor L of the reduced ratio L/M. */
  readonly up: number;
  /** Decimation factor M of the reduced ratio L/M. */
  readonly down: number;
  /** Taps per polyphase branch (multiply-adds per output sample). */
  readonly tapsPerPhase: number;
  /** Delay of the output behind the input, in output samples (exact). */
  readonly delaySamples: number;
  /** The same delay in milliseconds. */
  readonly groupDelayMs: number;

  readonly #coef: Float64Array; // phase p at [p*K, (p+1)*K), time-reversed
  readonly #advance: Int32Array; // input samples to step after an output of phase p
  readonly #nextPhase: Int32Array;
  #work: Float64Array; // K-1 history samples followed by the current input
  #pos = 0; // newest input index of the next output, relative to the current input
  #phase = 0;
  #inputCount = 0;
  #outputCount = 0;
  #zeros: Int16Array | undefined;

  /**
   * @param options - rates and quality; validated here
   * @throws RangeError on non-integer or non-positive rates, an unknown quality,
   * or a rate ratio needing a factor above `maxRateFactor`
   */
  constructor(options: ResamplerOptions) {
    const { fromRate, toRate } = options;
    const quality = options.quality ?? 'medium';
    const passbandFraction = options.passbandFraction ?? 0.85;
    const maxRateFactor = options.maxRateFactor ?? DEFAULT_MAX_RATE_FACTOR;
    for (const [name, v] of [['fromRate', fromRate], ['toRate', toRate]] as const) {
      if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${name} must be a positive integer, got ${v}`);
    }
    const attenuation = RESAMPLER_ATTENUATION_DB[quality];
    if (attenuation === undefined) throw new RangeError(`unknown quality ${String(quality)}`);
    if (!(passbandFraction > 0 && passbandFraction < 1)) {
      throw new RangeError(`passbandFraction must be in (0, 1), got ${passbandFraction}`);
    }
    const g = gcd(fromRate, toRate);
    const L = toRate / g;
    const M = fromRate / g;
    if (L > maxRateFactor || M > maxRateFactor) {
      throw new RangeError(`rate ratio ${toRate}/${fromRate} needs factor ${Math.max(L, M)} > maxRateFactor ${maxRateFactor}`);
    }
    this.fromRate = fromRate;
    this.toRate = toRate;
    this.up = L;
    this.down = M;

    let taps: Float64Array;
    let delay: number;
    if (L === 1 && M === 1) {
      taps = Float64Array.of(1);
      delay = 0;
    } else {
      // Design at the intermediate rate L*fromRate = M*toRate.
      const hiRate = L * fromRate;
      const nyquist = Math.min(fromRate, toRate) / 2;
      const stop = nyquist / hiRate;
      const pass = (passbandFraction * nyquist) / hiRate;
      const order = kaiserOrder(attenuation, stop - pass);
      // Length 2*M*D + 1 puts the centre tap on an output instant, so the delay is
      // exactly D output samples.
      delay = Math.max(1, Math.ceil(order / (2 * M)));
      taps = kaiserLowpass({
        length: 2 * M * delay + 1,
        cutoff: (pass + stop) / 2,
        beta: kaiserBeta(attenuation),
        gain: L, // zero-stuffing by L divides the signal by L
      });
    }
    const K = Math.ceil(taps.length / L);
    this.tapsPerPhase = K;
    this.delaySamples = delay;
    this.groupDelayMs = (delay * 1000) / toRate;
    const coef = new Float64Array(L * K);
    for (let p = 0; p < L; p++) {
      for (let i = 0; i < K; i++) {
        const idx = p + (K - 1 - i) * L;
        coef[p * K + i] = idx < taps.length ? taps[idx]! : 0;
      }
    }
    this.#coef = coef;
    this.#advance = new Int32Array(L);
    this.#nextPhase = new Int32Array(L);
    for (let p = 0; p < L; p++) {
      this.#advance[p] = Math.floor((p + M) / L);
      this.#nextPhase[p] = (p + M) % L;
    }
    this.#work = new Float64Array(K - 1 + 960);
  }

  /**
   * Exact number of samples the next {@link Resampler.process} call returns for
   * `inputLength` input samples (depends on the stream position).
   */
  outputLength(inputLength: number): number {
    const t0 = this.#pos * this.up + this.#phase;
    const n = Math.ceil((inputLength * this.up - t0) / this.down);
    return n > 0 ? n : 0;
  }

  /** Upper bound of {@link Resampler.outputLength} at any stream position: `ceil(inputLength * L / M)`. */
  maxOutputLength(inputLength: number): number {
    return Math.ceil((inputLength * this.up) / this.down);
  }

  /**
   * Resample the next chunk of the stream.
   *
   * @param input - next input samples (any length, including 0)
   * @param out - optional destination of at least `outputLength(input.length)` samples
   * @returns `out`, or a view of its first samples when it is longer, or a new array
   * @throws RangeError when `out` is too short
   */
  process(input: Int16Array, out?: Int16Array): Int16Array {
    requireInt16Array(input, 'Resampler.process: input');
    if (out !== undefined) requireInt16Array(out, 'Resampler.process: out');
    const m = input.length;
    const count = this.outputLength(m);
    const dst = out ?? new Int16Array(count);
    if (dst.length < count) throw new RangeError(`Resampler.process: out has ${dst.length} samples, need ${count}`);
    if (this.up === 1 && this.down === 1) {
      // Same rate: the one-tap filter is the identity; a copy is exact and skips the filter loop.
      if (dst !== input) dst.set(input);
      this.#inputCount += m;
      this.#outputCount += count;
      return dst.length === count ? dst : dst.subarray(0, count);
    }
    const K = this.tapsPerPhase;
    if (this.#work.length < K - 1 + m) {
      const grown = new Float64Array(K - 1 + Math.max(m, this.#work.length * 2));
      grown.set(this.#work.subarray(0, K - 1));
      this.#work = grown;
    }
    const w = this.#work;
    w.set(input, K - 1);
    if (this.down === 1) {
      // Pure interpolation: every call starts at phase 0 and ends at pos = m.
      interpolate(this.#coef, K, this.up, w, dst, m);
      this.#pos = m;
    } else {
      this.#pos = this.#general(w, dst, count);
    }
    // Keep the last K-1 samples as history for the next call.
    w.copyWithin(0, m, m + K - 1);
    this.#pos -= m;
    this.#inputCount += m;
    this.#outputCount += count;
    return dst.length === count ? dst : dst.subarray(0, count);
  }

  /**
   * Any L/M: outputs two at a time, each with its own window position and
   * phase, so the two dot products run as independent chains. Returns the next
   * position; updates the phase.
   */
  #general(w: Float64Array, dst: Int16Array, count: number): number {
    const K = this.tapsPerPhase;
    const coef = this.#coef;
    const advance = this.#advance;
    const nextPhase = this.#nextPhase;
    let pos = this.#pos;
    let phase = this.#phase;
    let k = 0;
    for (; k + 1 < count; k += 2) {
      const c0 = phase * K;
      const p0 = pos;
      pos += advance[phase]!;
      phase = nextPhase[phase]!;
      const c1 = phase * K;
      const p1 = pos;
      pos += advance[phase]!;
      phase = nextPhase[phase]!;
      let a0 = 0;
      let a1 = 0;
      let b0 = 0;
      let b1 = 0;
      let i = 0;
      for (; i + 1 < K; i += 2) {
        a0 += coef[c0 + i]! * w[p0 + i]!;
        b0 += coef[c1 + i]! * w[p1 + i]!;
        a1 += coef[c0 + i + 1]! * w[p0 + i + 1]!;
        b1 += coef[c1 + i + 1]! * w[p1 + i + 1]!;
      }
      if (i < K) {
        a0 += coef[c0 + i]! * w[p0 + i]!;
        b0 += coef[c1 + i]! * w[p1 + i]!;
      }
      dst[k] = toInt16(a0 + a1);
      dst[k + 1] = toInt16(b0 + b1);
    }
    if (k < count) {
      const c0 = phase * K;
      let a0 = 0;
      for (let i = 0; i < K; i++) a0 += coef[c0 + i]! * w[pos + i]!;
      dst[k] = toInt16(a0);
      pos += advance[phase]!;
      phase = nextPhase[phase]!;
    }
    this.#phase = phase;
    return pos;
  }

  /**
   * End the stream: return the delayed tail, then {@link Resampler.reset}. The
   * stream as a whole then has `ceil(inputs * L / M) + delaySamples` outputs; since
   * `process` always returns every output its input allows, the tail is exactly
   * `delaySamples` long.
   *
   * @param out - optional destination of at least `delaySamples` samples
   * @throws RangeError when `out` is too short
   */
  flush(out?: Int16Array): Int16Array {
    if (out !== undefined) requireInt16Array(out, 'Resampler.flush: out');
    const L = this.up;
    const M = this.down;
    const target = Math.ceil((this.#inputCount * L) / M) + this.delaySamples;
    const owed = Math.max(0, target - this.#outputCount);
    const dst = out ?? new Int16Array(owed);
    if (dst.length < owed) throw new RangeError(`Resampler.flush: out has ${dst.length} samples, need ${owed}`);
    let done = 0;
    while (done < owed) {
      // Feed just enough zeros to reach the last owed output.
      const lastIn = Math.floor(((this.#outputCount + owed - done - 1) * M) / L);
      const need = Math.max(1, Math.min(lastIn - this.#inputCount + 1, 4096));
      if (this.#zeros === undefined || this.#zeros.length < need) this.#zeros = new Int16Array(Math.max(need, 256));
      const chunkCount = this.outputLength(need);
      const room = owed - done;
      if (chunkCount <= room) {
        this.process(this.#zeros.subarray(0, need), dst.subarray(done, done + chunkCount));
        done += chunkCount;
      } else {
        const tmp = this.process(this.#zeros.subarray(0, need));
        dst.set(tmp.subarray(0, room), done);
        done += room;
      }
    }
    this.reset();
    return dst.length === owed ? dst : dst.subarray(0, owed);
  }

  /** Forget the stream: clear history and position, as if newly constructed. */
  reset(): void {
    this.#work.fill(0);
    this.#pos = 0;
    this.#phase = 0;
    this.#inputCount = 0;
    this.#outputCount = 0;
  }
}
