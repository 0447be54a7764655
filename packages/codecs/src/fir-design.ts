/**
 * Windowed-sinc FIR low-pass design with a Kaiser window (J. F. Kaiser, "Nonrecursive
 * digital filter design using the I0-sinh window function", 1974; formulas as in
 * Oppenheim & Schafer, Discrete-Time Signal Processing, 3rd ed., §7.5.3).
 *
 * @module
 */

/** Zeroth-order modified Bessel function of the first kind, by its power series. */
export function besselI0(x: number): number {
  const q = (x * x) / 4;
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 500; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/**
 * Kaiser's β for a stop-band attenuation of `attenuationDb` (O&S eq. 7.62).
 *
 * @param attenuationDb - wanted attenuation, dB (positive)
 */
export function kaiserBeta(attenuationDb: number): number {
  const a = attenuationDb;
  if (a > 50) return 0.1102 * (a - 8.7);
  if (a >= 21) return 0.5842 * (a - 21) ** 0.4 + 0.07886 * (a - 21);
  return 0;
}

/**
 * Kaiser's estimate of the filter order (length − 1) for an attenuation and a
 * transition width (O&S eq. 7.63, with Kaiser's original constant 7.95).
 *
 * @param attenuationDb - wanted attenuation, dB
 * @param transitionWidth - transition band width in cycles per sample (0 < w < 0.5)
 * @throws RangeError on a transition width outside (0, 0.5)
 */
export function kaiserOrder(attenuationDb: number, transitionWidth: number): number {
  if (!(transitionWidth > 0 && transitionWidth < 0.5)) throw new RangeError(`transitionWidth must be in (0, 0.5), got ${transitionWidth}`);
  return Math.ceil((attenuationDb - 7.95) / (2.285 * 2 * Math.PI * transitionWidth));
}

/** Parameters of {@link kaiserLowpass}. */
export interface KaiserLowpassOptions {
  /** Number of taps (odd keeps the delay an integer number of samples). */
  length: number;
  /** Cut-off (−6 dB point) in cycles per sample, 0 < cutoff < 0.5. */
  cutoff: number;
  /** Kaiser β (see {@link kaiserBeta}). */
  beta: number;
  /** DC gain of the whole filter (default 1). Polyphase interpolators by L use L. */
  gain?: number;
}

/**
 * Design a linear-phase low-pass FIR: ideal sinc response times a Kaiser window,
 * scaled to the requested DC gain. Symmetric, so the group delay is `(length − 1) / 2`.
 *
 * @returns the taps, `h[0..length-1]`
 * @throws RangeError on a non-positive length or a cut-off outside (0, 0.5)
 */
export function kaiserLowpass(options: KaiserLowpassOptions): Float64Array {
  const { length, cutoff, beta } = options;
  const gain = options.gain ?? 1;
  if (!Number.isInteger(length) || length < 1) throw new RangeError(`length must be a positive integer, got ${length}`);
  if (!(cutoff > 0 && cutoff < 0.5)) throw new RangeError(`cutoff must be in (0, 0.5), got ${cutoff}`);
  const h = new Float64Array(length);
  const centre = (length - 1) / 2;
  const i0Beta = besselI0(beta);
  let sum = 0;
  for (let n = 0; n < length; n++) {
    const t = n - centre;
    const ideal = t === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * t) / (Math.PI * t);
    const r = centre === 0 ? 0 : t / centre;
    const window = besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta;
    h[n] = ideal * window;
    sum += h[n]!;
  }
  const scale = gain / sum;
  for (let n = 0; n < length; n++) h[n] = h[n]! * scale;
  return h;
}
