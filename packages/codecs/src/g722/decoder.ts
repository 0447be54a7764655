/**
 * ITU-T G.722 decoder, 64 kbit/s mode (mode 1): one octet in, two 16 kHz
 * 16-bit samples out (G.722 §4).
 *
 * Each octet carries ILOW (bits 5–0) and IH (bits 7–6). The lower band output
 * uses the 6-bit inverse quantiser (INVQBL, block 5L) while its predictor is
 * driven by the 4-bit one (INVQAL), exactly as in the encoder, so the two
 * ADPCM loops stay in step; the receive QMF (§4.4) recombines the bands.
 * Output scaling mirrors {@link G722Encoder}: unity gain end to end.
 *
 * @module
 */
import { requireInt16Array, requireUint8Array } from '../arguments.js';
import { AdpcmBand, sat16 } from './adpcm-band.js';
import { QM2, QM4, QM6, RH2, RL42, WH, WL } from './tables.js';
import { QMF_TAPS_A, QMF_TAPS_B } from './qmf.js';

/** Limit of the reconstructed sub-band signals RL/RH (§4.2, 15-bit signed). */
function limit15(x: number): number {
  return x > 16383 ? 16383 : x < -16384 ? -16384 : x;
}

/**
 * A stateful G.722 decoder for one stream.
 *
 * @example
 * const dec = new G722Decoder();
 * const pcm = new Int16Array(320);
 * dec.decode(rtpPayload160Octets, pcm); // 20 ms at 16 kHz
 */
export class G722Decoder {
  private readonly low = new AdpcmBand(32);
  private readonly high = new AdpcmBand(8);
  /** Receive QMF delay line (§4.4): newest pair at the end. */
  private readonly x = new Int32Array(24);

  /** Return to the initial state (G.722 §3.6 reset). */
  reset(): void {
    this.low.reset();
    this.high.reset();
    this.x.fill(0);
  }

  /**
   * Decode G.722 octets.
   *
   * @param payload - coded octets (an RTP payload)
   * @param out - optional destination with room for `2 * payload.length` samples; nothing is allocated when given
   * @returns 16 kHz samples: a view of `out` when given, else a new array
   * @throws RangeError when `out` is too short
   */
  decode(payload: Uint8Array, out?: Int16Array): Int16Array {
    requireUint8Array(payload, 'G722Decoder.decode: payload');
    if (out !== undefined) requireInt16Array(out, 'G722Decoder.decode: out');
    const count = payload.length * 2;
    const dst = out ?? new Int16Array(count);
    if (dst.length < count) throw new RangeError(`G722Decoder.decode: out has ${dst.length} samples, need ${count}`);
    const low = this.low;
    const high = this.high;
    const x = this.x;
    let o = 0;
    for (let n = 0; n < payload.length; n++) {
      const code = payload[n]!;
      const ilow = code & 0x3f;
      const ih = code >> 6;
      // Lower band. INVQBL (6-bit) and RECONS give the output RL ...
      const rl = limit15(low.s + ((low.det * QM6[ilow]!) >> 15));
      // ... while INVQAL (4-bit) feeds the adaptation, as in the encoder.
      const ril = ilow >> 2;
      const dlt = (low.det * QM4[ril]!) >> 15;
      low.adaptScale(WL[RL42[ril]!]!, 18432, 8);
      low.predict(dlt);
      // Higher band: INVQAH, RECONS, LOGSCH/SCALEH, block 4H.
      const dh = (high.det * QM2[ih]!) >> 15;
      const rh = limit15(high.s + dh);
      high.adaptScale(WH[RH2[ih]!]!, 22528, 10);
      high.predict(dh);
      // Receive QMF (§4.4): xd = RL − RH, xs = RL + RH enter the delay line.
      for (let k = 0; k < 22; k++) x[k] = x[k + 2]!; // a loop: copyWithin per pair measured ~10x slower
      x[22] = rl + rh;
      x[23] = rl - rh;
      let sumA = 0;
      let sumB = 0;
      for (let k = 0; k < 12; k++) {
        sumA += x[2 * k + 1]! * QMF_TAPS_A[k]!;
        sumB += x[2 * k]! * QMF_TAPS_B[k]!;
      }
      dst[o++] = sat16(sumA >> 11);
      dst[o++] = sat16(sumB >> 11);
    }
    return dst.length === count ? dst : dst.subarray(0, count);
  }
}
