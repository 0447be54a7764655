/**
 * Exponential (logarithmic) sine sweep, the test signal of the echo test: its
 * autocorrelation has one sharp peak, so the round-trip delay is unambiguous
 * and the normalised cross-correlation tells "my audio came back" from
 * anything else (Farina, "Simultaneous measurement of impulse response and
 * distortion with a swept-sine technique", AES 108th Convention, 2000).
 *
 * ```
 *   f(t) = f0 · (f1/f0)^(t/T)
 *   φ(t) = 2π · f0 · T / ln(f1/f0) · ((f1/f0)^(t/T) − 1)
 * ```
 *
 * @module
 */

/** Options of {@link generateChirp}. */
export interface ChirpOptions {
  /** Sample rate, Hz (default 8000). */
  readonly sampleRate?: number;
  /** Length of the sweep, ms (required; the echo test uses a few seconds). */
  readonly durationMs: number;
  /** Start frequency, Hz (default 300, the bottom of the telephone band). */
  readonly f0?: number;
  /** End frequency, Hz (default 3400, the top of the telephone band); below f0 sweeps downwards. */
  readonly f1?: number;
  /** Peak amplitude in sample units, 0 to 32767 (default 8000, about −15 dBFS RMS). */
  readonly amplitude?: number;
  /**
   * Raised-cosine fade in and fade out, ms each (default 10), so the sweep
   * does not start or stop with a click. At most half of `durationMs`.
   */
  readonly fadeMs?: number;
}

/**
 * Generate an exponential sine sweep from `f0` to `f1` as 16-bit PCM.
 *
 * @param options - see {@link ChirpOptions}
 * @returns `round(durationMs · sampleRate / 1000)` samples
 * @throws TypeError naming the option when one is out of range
 *
 * @example
 * ```ts
 * const chirp = generateChirp({ sampleRate: 8000, durationMs: 5000 }); // 40 000 samples, 300→3400 Hz
 * ```
 */
export function generateChirp(options: ChirpOptions): Int16Array {
  const { sampleRate = 8000, durationMs, f0 = 300, f1 = 3400, amplitude = 8000, fadeMs = 10 } = options;
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) throw new TypeError(`sampleRate must be a positive integer, got ${sampleRate}`);
  if (!Number.isFinite(durationMs) || durationMs <= 0) throw new TypeError(`durationMs must be a positive number, got ${durationMs}`);
  const nyquist = sampleRate / 2;
  if (!Number.isFinite(f0) || f0 <= 0 || f0 >= nyquist) throw new TypeError(`f0 must be between 0 and ${nyquist} Hz (exclusive), got ${f0}`);
  if (!Number.isFinite(f1) || f1 <= 0 || f1 >= nyquist) throw new TypeError(`f1 must be between 0 and ${nyquist} Hz (exclusive), got ${f1}`);
  if (f0 === f1) throw new TypeError(`f0 and f1 must differ (a sweep), both are ${f0}`);
  if (!Number.isFinite(amplitude) || amplitude < 0 || amplitude > 32767) throw new TypeError(`amplitude must be between 0 and 32767, got ${amplitude}`);
  if (!Number.isFinite(fadeMs) || fadeMs < 0 || fadeMs > durationMs / 2) {
    throw new TypeError(`fadeMs must be between 0 and durationMs / 2 (${durationMs / 2}), got ${fadeMs}`);
  }

  const length = Math.round((durationMs * sampleRate) / 1000);
  const out = new Int16Array(length);
  const seconds = length / sampleRate;
  const logRatio = Math.log(f1 / f0);
  const phaseScale = (2 * Math.PI * f0 * seconds) / logRatio;
  const rateOverT = logRatio / seconds;
  const fade = Math.round((fadeMs * sampleRate) / 1000);
  for (let n = 0; n < length; n++) {
    const t = n / sampleRate;
    let gain = amplitude;
    const fromEdge = Math.min(n, length - 1 - n);
    if (fromEdge < fade) gain *= 0.5 - 0.5 * Math.cos((Math.PI * fromEdge) / fade);
    out[n] = Math.round(gain * Math.sin(phaseScale * Math.expm1(rateOverT * t)));
  }
  return out;
}
