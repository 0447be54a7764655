/**
 * ITU-T G.722 encoder, 64 kbit/s mode (mode 1): 16 kHz 16-bit PCM in, one
 * octet per two input samples out (G.722 §3).
 *
 * Transmit QMF (§3.1) splits each pair of samples into a lower and a higher
 * sub-band sample at 8 kHz; the lower band is coded with 6-bit ADPCM (blocks
 * 1L–4L, §3.3–3.6), the higher band with 2-bit ADPCM (blocks 1H–4H). Octet
 * layout (§1.4.4): IH in bits 7–6, ILOW in bits 5–0.
 *
 * Scaling: the Recommendation codes 14-bit samples; here the full 16-bit range
 * is taken and the QMF output is shifted one bit more (the convention of the
 * widely deployed implementations, so levels match theirs). The ADPCM loop,
 * and therefore the bit stream semantics, are the Recommendation's.
 *
 * @module
 */
import { requireInt16Array, requireUint8Array } from '../arguments.js';
import { AdpcmBand, sat16 } from './adpcm-band.js';
import { ILN, ILP, IHN, IHP, Q2, Q6, QM2, QM4, RH2, RL42, WH, WL } from './tables.js';
import { QMF_TAPS_A, QMF_TAPS_B } from './qmf.js';

/**
 * A stateful G.722 encoder for one stream (one direction of one call).
 *
 * Chunks may have any length: an odd trailing sample is kept and coded with
 * the first sample of the next chunk, so coding a signal in pieces gives the
 * same octets as coding it at once.
 *
 * @example
 * const enc = new G722Encoder();
 * const payload = new Uint8Array(160);
 * enc.encode(pcm16k320Samples, payload); // one 20 ms RTP payload
 */
export class G722Encoder {
  private readonly low = new AdpcmBand(32);
  private readonly high = new AdpcmBand(8);
  /** Transmit QMF delay line, XIN of §3.1: newest samples at the end. */
  private readonly x = new Int32Array(24);
  private pending = 0;
  private hasPending = false;

  /** Return to the initial state (G.722 §3.6 reset), dropping any kept sample. */
  reset(): void {
    this.low.reset();
    this.high.reset();
    this.x.fill(0);
    this.hasPending = false;
  }

  /**
   * The number of octets `encode` will produce for `samples` more input samples.
   *
   * @param samples - input length
   */
  outputLength(samples: number): number {
    return (samples + (this.hasPending ? 1 : 0)) >> 1;
  }

  /**
   * Encode 16 kHz PCM.
   *
   * @param pcm - 16-bit samples at 16 kHz
   * @param out - optional destination with room for `outputLength(pcm.length)` octets; nothing is allocated when given
   * @returns the coded octets: a view of `out` when given, else a new array
   * @throws RangeError when `out` is too short
   */
  encode(pcm: Int16Array, out?: Uint8Array): Uint8Array {
    requireInt16Array(pcm, 'G722Encoder.encode: pcm');
    if (out !== undefined) requireUint8Array(out, 'G722Encoder.encode: out');
    const count = this.outputLength(pcm.length);
    const dst = out ?? new Uint8Array(count);
    if (dst.length < count) throw new RangeError(`G722Encoder.encode: out has ${dst.length} bytes, need ${count}`);
    let i = 0;
    let o = 0;
    if (this.hasPending && pcm.length > 0) {
      dst[o++] = this.encodePair(this.pending, pcm[0]!);
      this.hasPending = false;
      i = 1;
    }
    const end = pcm.length - 1;
    for (; i < end; i += 2) dst[o++] = this.encodePair(pcm[i]!, pcm[i + 1]!);
    if (i === end) {
      this.pending = pcm[i]!;
      this.hasPending = true;
    }
    return dst.length === count ? dst : dst.subarray(0, count);
  }

  private encodePair(x0: number, x1: number): number {
    const x = this.x;
    // Transmit QMF (§3.1): shift two samples in, then one polyphase sum per branch.
    for (let k = 0; k < 22; k++) x[k] = x[k + 2]!; // a loop: copyWithin per pair measured ~10x slower
    x[22] = x0;
    x[23] = x1;
    let sumA = 0;
    let sumB = 0;
    for (let k = 0; k < 12; k++) {
      sumA += x[2 * k + 1]! * QMF_TAPS_A[k]!;
      sumB += x[2 * k]! * QMF_TAPS_B[k]!;
    }
    const xLow = (sumA + sumB) >> 14;
    const xHigh = (sumA - sumB) >> 14;
    return (this.encodeHigh(xHigh) << 6) | this.encodeLow(xLow);
  }

  /** Blocks 1L–4L for one lower sub-band sample; returns ILOW. */
  private encodeLow(xl: number): number {
    const band = this.low;
    // SUBTRA
    const el = sat16(xl - band.s);
    // QUANTL: magnitude in one's complement, compared with the scaled decision levels
    const wd = el >= 0 ? el : ~el; // ~el is the spec's -(el + 1), without creating -0
    let i = 1;
    for (; i < 30; i++) if (wd < (Q6[i]! * band.det) >> 12) break;
    const ilow = el < 0 ? ILN[i]! : ILP[i]!;
    // INVQAL: the 4-bit (embedded core) quantised difference drives the predictor
    const ril = ilow >> 2;
    const dlt = (band.det * QM4[ril]!) >> 15;
    band.adaptScale(WL[RL42[ril]!]!, 18432, 8);
    band.predict(dlt);
    return ilow;
  }

  /** Blocks 1H–4H for one higher sub-band sample; returns IH. */
  private encodeHigh(xh: number): number {
    const band = this.high;
    const eh = sat16(xh - band.s);
    // QUANTH
    const wd = eh >= 0 ? eh : ~eh;
    const mih = wd >= (Q2 * band.det) >> 12 ? 2 : 1;
    const ih = eh < 0 ? IHN[mih]! : IHP[mih]!;
    // INVQAH
    const dh = (band.det * QM2[ih]!) >> 15;
    band.adaptScale(WH[RH2[ih]!]!, 22528, 10);
    band.predict(dh);
    return ih;
  }
}
