/**
 * State of one G.722 sub-band ADPCM loop and the blocks both sub-bands share:
 * the scale factor adaptation (LOGSCL/SCALEL, LOGSCH/SCALEH, G.722 §3.5 and
 * §3.6) and the adaptive predictor (block 4, §3.6: RECONS, PARREC, UPPOL2,
 * UPPOL1, UPZERO, DELAYA, FILTEP, FILTEZ, PREDIC).
 *
 * The encoder and decoder run the same loop on the same quantised values, so
 * their states stay identical; all arithmetic is 16-bit fixed point with the
 * saturations the Recommendation specifies.
 *
 * @module
 */
import { ILB } from './tables.js';

/** Clamp to the signed 16-bit range (the spec's "limit" on every 16-bit add). */
export function sat16(x: number): number {
  return x > 32767 ? 32767 : x < -32768 ? -32768 : x;
}

/** One sub-band's ADPCM state. Fields mirror the Recommendation's variable names. */
export class AdpcmBand {
  /** Predicted signal SL/SH. */
  s = 0;
  /** Pole section output SPL/SPH. */
  sp = 0;
  /** Zero section output SZL/SZH. */
  sz = 0;
  /** Log scale factor NBL/NBH. */
  nb = 0;
  /** Quantiser scale factor DETL/DETH. */
  det: number;
  /** Reconstructed signal RLT, delays 0..2. */
  readonly r = new Int32Array(3);
  /** Partially reconstructed signal PLT, delays 0..2. */
  readonly p = new Int32Array(3);
  /** Pole coefficients AL1, AL2 (index 1 and 2). */
  readonly a = new Int32Array(3);
  /** Quantised differences DLT, delays 0..6. */
  readonly d = new Int32Array(7);
  /** Zero coefficients BL1..BL6 (index 1..6). */
  readonly b = new Int32Array(7);

  /**
   * @param initialDet - DETL = 32 for the lower band, DETH = 8 for the higher band (§3.6 reset)
   */
  constructor(private readonly initialDet: number) {
    this.det = initialDet;
  }

  /** Return to the reset state of G.722 §3.6 (all zero, initial scale factor). */
  reset(): void {
    this.s = this.sp = this.sz = this.nb = 0;
    this.det = this.initialDet;
    this.r.fill(0);
    this.p.fill(0);
    this.a.fill(0);
    this.d.fill(0);
    this.b.fill(0);
  }

  /**
   * LOGSCL/LOGSCH then SCALEL/SCALEH: adapt the log scale factor by `w` and
   * recompute DET (§3.5, Table 14 ILB).
   *
   * @param w - the WL/WH multiplier for this code
   * @param nbMax - 18432 for the lower band, 22528 for the higher band
   * @param shiftBase - 8 for the lower band, 10 for the higher band
   */
  adaptScale(w: number, nbMax: number, shiftBase: number): void {
    let nb = ((this.nb * 127) >> 7) + w;
    if (nb < 0) nb = 0;
    else if (nb > nbMax) nb = nbMax;
    this.nb = nb;
    const mantissa = ILB[(nb >> 6) & 31]!;
    const shift = shiftBase - (nb >> 11);
    this.det = (shift < 0 ? mantissa << -shift : mantissa >> shift) << 2;
  }

  /**
   * Block 4: update the adaptive predictor with the quantised difference `dx`
   * (DLT/DH) and compute the next prediction `s`.
   */
  predict(dx: number): void {
    const { r, p, a, d, b } = this;
    // RECONS and PARREC
    d[0] = dx;
    r[0] = sat16(this.s + dx);
    p[0] = sat16(this.sz + dx);
    const sg0 = p[0] >> 15;
    const sg1 = p[1]! >> 15;
    const sg2 = p[2]! >> 15;
    // UPPOL2: second pole coefficient, limited to ±12288
    const wd1 = sat16(a[1]! << 2);
    let wd2 = sg0 === sg1 ? 0 - wd1 : wd1; // `0 - x`, not `-x`: -0 would turn the int path into doubles
    if (wd2 > 32767) wd2 = 32767;
    let a2 = (sg0 === sg2 ? 128 : -128) + (wd2 >> 7) + ((a[2]! * 32512) >> 15);
    if (a2 > 12288) a2 = 12288;
    else if (a2 < -12288) a2 = -12288;
    // UPPOL1: first pole coefficient, limited to ±(15360 - AL2)
    let a1 = sat16((sg0 === sg1 ? 192 : -192) + ((a[1]! * 32640) >> 15));
    const lim = sat16(15360 - a2);
    if (a1 > lim) a1 = lim;
    else if (a1 < 0 - lim) a1 = 0 - lim;
    // UPZERO: sign-sign update of the six zero coefficients (uses DLT delays 1..6 before DELAYA)
    const step = dx === 0 ? 0 : 128;
    const sgd = dx >> 15;
    for (let i = 6; i > 0; i--) {
      const bi = sat16(((d[i]! >> 15) === sgd ? step : 0 - step) + ((b[i]! * 32640) >> 15));
      // DELAYA, interleaved: d[i] takes d[i-1] after its sign was read
      d[i] = d[i - 1]!;
      b[i] = bi;
    }
    r[2] = r[1]!;
    r[1] = r[0];
    p[2] = p[1]!;
    p[1] = p[0];
    a[1] = a1;
    a[2] = a2;
    // FILTEP
    const sp = sat16(((a1 * sat16(r[1] + r[1])) >> 15) + ((a2 * sat16(r[2] + r[2])) >> 15));
    // FILTEZ
    let sz = 0;
    for (let i = 6; i > 0; i--) sz += (b[i]! * sat16(d[i]! + d[i]!)) >> 15;
    sz = sat16(sz);
    this.sp = sp;
    this.sz = sz;
    // PREDIC
    this.s = sat16(sp + sz);
  }
}
