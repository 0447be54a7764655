/**
 * Iterative radix-2 decimation-in-time FFT (Cooley & Tukey, 1965) on split
 * real/imaginary `Float64Array`s, in place.
 *
 * ```
 *   X[k] = Σ_{t=0}^{N-1} x[t] · e^{-2πi·k·t/N}          (forward)
 *   x[t] = (1/N) Σ_{k=0}^{N-1} X[k] · e^{+2πi·k·t/N}    (inverse)
 * ```
 *
 * The bit-reversal permutation and the twiddle factors are computed once per
 * size, so a transform allocates nothing.
 *
 * @module
 */

/** Largest transform size accepted by {@link Fft} (2^24 points, 256 MiB of work arrays). */
export const MAX_FFT_SIZE = 1 << 24;

/**
 * A complex FFT of one power-of-two size. Construct once, transform many times.
 *
 * @example
 * ```ts
 * const fft = new Fft(8);
 * const re = Float64Array.from([1, 0, 0, 0, 0, 0, 0, 0]);
 * const im = new Float64Array(8);
 * fft.forward(re, im); // an impulse has a flat spectrum: re = 1, im = 0 everywhere
 * ```
 */
export class Fft {
  /** Number of points. */
  readonly size: number;
  /** `reversed[i]` is `i` with its log2(size) bits reversed. */
  private readonly reversed: Uint32Array;
  /** cos(2πk/N) and sin(2πk/N) for k < N/2. */
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;

  /**
   * @param size - number of points: a power of two from 1 to {@link MAX_FFT_SIZE}
   */
  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1 || size > MAX_FFT_SIZE || (size & (size - 1)) !== 0) {
      throw new TypeError(`size must be a power of two from 1 to ${MAX_FFT_SIZE}, got ${size}`);
    }
    this.size = size;
    const bits = Math.round(Math.log2(size));
    this.reversed = new Uint32Array(size);
    for (let i = 1; i < size; i++) this.reversed[i] = (this.reversed[i >> 1]! >> 1) | ((i & 1) << (bits - 1));
    const half = size >> 1;
    this.cos = new Float64Array(half);
    this.sin = new Float64Array(half);
    for (let k = 0; k < half; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / size);
      this.sin[k] = Math.sin((2 * Math.PI * k) / size);
    }
  }

  /**
   * Forward transform in place.
   *
   * @param re - real parts, length {@link size}
   * @param im - imaginary parts, length {@link size}
   */
  forward(re: Float64Array, im: Float64Array): void {
    this.transform(re, im, -1);
  }

  /**
   * Inverse transform in place, scaled by 1/N so that `inverse(forward(x)) = x`.
   *
   * @param re - real parts, length {@link size}
   * @param im - imaginary parts, length {@link size}
   */
  inverse(re: Float64Array, im: Float64Array): void {
    this.transform(re, im, 1);
    const scale = 1 / this.size;
    for (let i = 0; i < this.size; i++) {
      re[i]! *= scale;
      im[i]! *= scale;
    }
  }

  private transform(re: Float64Array, im: Float64Array, sign: 1 | -1): void {
    const n = this.size;
    if (re.length !== n) throw new TypeError(`re must have length ${n}, got ${re.length}`);
    if (im.length !== n) throw new TypeError(`im must have length ${n}, got ${im.length}`);
    const rev = this.reversed;
    for (let i = 1; i < n; i++) {
      const j = rev[i]!;
      if (j > i) {
        const tr = re[i]!;
        re[i] = re[j]!;
        re[j] = tr;
        const ti = im[i]!;
        im[i] = im[j]!;
        im[j] = ti;
      }
    }
    const cos = this.cos;
    const sin = this.sin;
    for (let len = 2; len <= n; len <<= 1) {
      const half = len >> 1;
      const step = n / len;
      for (let start = 0; start < n; start += len) {
        for (let k = 0, w = 0; k < half; k++, w += step) {
          const wr = cos[w]!;
          const wi = sign * sin[w]!;
          const a = start + k;
          const b = a + half;
          const br = re[b]!;
          const bi = im[b]!;
          const tr = br * wr - bi * wi;
          const ti = br * wi + bi * wr;
          re[b] = re[a]! - tr;
          im[b] = im[a]! - ti;
          re[a]! += tr;
          im[a]! += ti;
        }
      }
    }
  }
}
