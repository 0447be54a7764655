/**
 * Normalised cross-correlation of what was sent against what came back, by
 * FFT: finds the round-trip delay of an echo and how alike the two are.
 *
 * ```
 *   r[d]  = Σ_t sent[t] · received[t + d]                       (raw, by FFT)
 *   d*    = argmax_{minLag ≤ d ≤ maxLag} |r[d]|
 *   peak  = r[d*] / √(Σ_overlap sent² · Σ_overlap received²)   (Cauchy–Schwarz: −1..1)
 * ```
 *
 * The lag is chosen on the raw correlation, which favours lags with a long
 * overlap; normalising every lag first would let a few samples of overlap at
 * the edge score ±1.
 *
 * @module
 */

import { Fft } from './fft.js';

/** PCM a correlation accepts: 16-bit samples or floating point. */
export type PcmSamples = Int16Array | Float32Array | Float64Array;

/** Default largest delay searched, ms: a generous round trip through a trunk and a media server. */
export const DEFAULT_MAX_LAG_MS = 2000;

/** Options of {@link crossCorrelate}. */
export interface CrossCorrelateOptions {
  /** Sample rate of both signals, Hz (required: lags are reported in ms too). */
  readonly sampleRate: number;
  /** Largest delay of `received` behind `sent` searched, ms (default {@link DEFAULT_MAX_LAG_MS}). */
  readonly maxLagMs?: number;
  /**
   * Smallest delay searched, ms (default 0: an echo cannot come back before
   * it was sent). Negative values let `received` lead `sent`.
   */
  readonly minLagMs?: number;
}

/** Result of {@link crossCorrelate}. */
export interface CrossCorrelation {
  /** Correlation at the best lag, normalised by the overlap's energy: −1..1 (0 when either side is silent there). */
  readonly peak: number;
  /** Delay of `received` behind `sent`, samples. */
  readonly lagSamples: number;
  /** The same delay in ms. */
  readonly lagMs: number;
  /** Samples that overlap at that lag. */
  readonly overlapSamples: number;
}

// FFT tables of recently used sizes: a correlation of a 5 s call reuses them.
const FFT_CACHE_SIZES = 4;
const fftCache = new Map<number, Fft>();

function fftOfSize(size: number): Fft {
  let fft = fftCache.get(size);
  if (fft === undefined) {
    fft = new Fft(size);
    if (fftCache.size >= FFT_CACHE_SIZES) fftCache.delete(fftCache.keys().next().value!);
    fftCache.set(size, fft);
  }
  return fft;
}

/**
 * Cross-correlate `received` against `sent` over the delays
 * `minLagMs..maxLagMs` and return the strongest match, normalised.
 * O((n + m) log(n + m)): two complex FFTs of the next power of two above
 * `n + maxLag` carry both real signals at once.
 *
 * @param sent - the signal played (e.g. {@link generateChirp}'s output)
 * @param received - what came back, recorded from the same instant
 * @param options - see {@link CrossCorrelateOptions}
 * @throws TypeError naming the option when one is out of range
 *
 * @example
 * ```ts
 * const sent = generateChirp({ sampleRate: 8000, durationMs: 1000 });
 * const received = new Int16Array(sent.length + 960);
 * received.set(sent, 960);                    // came back 120 ms later
 * crossCorrelate(sent, received, { sampleRate: 8000 }); // { peak: 1, lagSamples: 960, lagMs: 120, ... }
 * ```
 */
export function crossCorrelate(sent: PcmSamples, received: PcmSamples, options: CrossCorrelateOptions): CrossCorrelation {
  const { sampleRate, maxLagMs = DEFAULT_MAX_LAG_MS, minLagMs = 0 } = options;
  if (!Number.isFinite(sampleRate) || sampleRate <= 0) throw new TypeError(`sampleRate must be a positive number, got ${sampleRate}`);
  if (!Number.isFinite(maxLagMs)) throw new TypeError(`maxLagMs must be a finite number, got ${maxLagMs}`);
  if (!Number.isFinite(minLagMs) || minLagMs > maxLagMs) throw new TypeError(`minLagMs must be a finite number ≤ maxLagMs (${maxLagMs}), got ${minLagMs}`);

  const n = sent.length;
  // Received samples beyond n + maxLag can never align with a sent sample.
  const maxLagWanted = Math.floor((maxLagMs * sampleRate) / 1000);
  const m = Math.min(received.length, Math.max(0, n + maxLagWanted));
  // Lags with any overlap are −(n−1)..m−1.
  const minLag = Math.max(Math.ceil((minLagMs * sampleRate) / 1000), -(n - 1));
  const maxLag = Math.min(maxLagWanted, m - 1);
  if (n === 0 || m === 0 || minLag > maxLag) return { peak: 0, lagSamples: 0, lagMs: 0, overlapSamples: 0 };

  // Circular correlation of size N equals the linear one on lags a..b when
  // N ≥ max(m − a, n + b): the aliases d ± N then fall outside −(n−1)..m−1.
  let size = 1;
  while (size < Math.max(m - minLag, n + maxLag, n, m)) size <<= 1;
  const fft = fftOfSize(size);
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  for (let t = 0; t < n; t++) re[t] = sent[t]!;
  for (let t = 0; t < m; t++) im[t] = received[t]!;
  fft.forward(re, im);

  // Two real spectra from one complex one, z = x + i·y:
  //   X[k] = (Z[k] + conj Z[N−k]) / 2,   Y[k] = (Z[k] − conj Z[N−k]) / 2i
  // then R[k] = conj(X[k]) · Y[k], Hermitian because r is real.
  for (let k = 0; k <= size >> 1; k++) {
    const j = (size - k) & (size - 1);
    const a = re[k]!;
    const b = im[k]!;
    const c = re[j]!;
    const d = im[j]!;
    const xr = (a + c) / 2;
    const xi = (b - d) / 2;
    const yr = (b + d) / 2;
    const yi = (c - a) / 2;
    const rr = xr * yr + xi * yi;
    const ri = xr * yi - xi * yr;
    re[k] = rr;
    im[k] = ri;
    re[j] = rr;
    im[j] = -ri;
  }
  fft.inverse(re, im);

  let best = minLag;
  let bestAbs = -1;
  for (let d = minLag; d <= maxLag; d++) {
    const v = Math.abs(re[d < 0 ? d + size : d]!);
    if (v > bestAbs) {
      bestAbs = v;
      best = d;
    }
  }

  // Exact dot product and energies over the overlap at the chosen lag.
  const from = Math.max(0, -best);
  const to = Math.min(n, m - best);
  let dot = 0;
  let sentEnergy = 0;
  let receivedEnergy = 0;
  for (let t = from; t < to; t++) {
    const x = sent[t]!;
    const y = received[t + best]!;
    dot += x * y;
    sentEnergy += x * x;
    receivedEnergy += y * y;
  }
  const denominator = Math.sqrt(sentEnergy * receivedEnergy);
  const peak = denominator > 0 ? Math.max(-1, Math.min(1, dot / denominator)) : 0;
  return { peak, lagSamples: best, lagMs: (best * 1000) / sampleRate, overlapSamples: to - from };
}
