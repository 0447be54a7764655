/**
 * Simplified E-model (ITU-T G.107) for a call-quality estimate:
 * R = 93.2 − Id − Ie,eff, with Ie,eff from G.107 §3.6 and the codec values of G.113 Appendix I,
 * Id reduced to its delay term Idd (echo terms Idte/Idle assumed negligible, as for a 4-wire VoIP
 * path with echo control), and MOS from R per G.107 Annex B.
 */

/** Codec impairment parameters (ITU-T G.113 Appendix I). */
export interface CodecImpairment {
  /** Equipment impairment factor Ie. */
  readonly ie: number;
  /** Packet-loss robustness factor Bpl. */
  readonly bpl: number;
}

/** G.711 without packet-loss concealment: Ie = 0, Bpl = 4.3 (G.113 Appendix I). */
export const G711_NO_PLC: CodecImpairment = { ie: 0, bpl: 4.3 };
/** G.711 with packet-loss concealment (G.711 Appendix I PLC): Ie = 0, Bpl = 25.1 (G.113 Appendix I). */
export const G711_PLC: CodecImpairment = { ie: 0, bpl: 25.1 };

/** Inputs of {@link eModelRFactor}. */
export interface EModelInput {
  /** Packet-loss probability Ppl in percent (0..100). */
  readonly packetLossPercent: number;
  /** Mean one-way delay Ta in milliseconds (mouth to ear; RTT/2 plus jitter buffer and codec delay). */
  readonly oneWayDelayMs: number;
  /** Codec parameters; default {@link G711_PLC}. */
  readonly codec?: CodecImpairment;
  /** Burst ratio BurstR (1 for random loss); default 1. */
  readonly burstRatio?: number;
}

/**
 * Delay impairment Idd (G.107 §3.5) for an absolute delay Ta, with mT = 100 ms and sT = 1
 * (default values): 0 up to 100 ms, then 25·{(1+X⁶)^(1/6) − 3(1+(X/3)⁶)^(1/6) + 2}, X = log₂(Ta/100).
 */
export function delayImpairment(oneWayDelayMs: number): number {
  if (!(oneWayDelayMs > 100)) return 0;
  const x = Math.log2(oneWayDelayMs / 100);
  return 25 * (Math.pow(1 + x ** 6, 1 / 6) - 3 * Math.pow(1 + (x / 3) ** 6, 1 / 6) + 2);
}

/**
 * Effective equipment impairment Ie,eff = Ie + (95 − Ie) · Ppl / (Ppl/BurstR + Bpl) (G.107 §3.6).
 */
export function effectiveEquipmentImpairment(packetLossPercent: number, codec: CodecImpairment = G711_PLC, burstRatio = 1): number {
  if (!(packetLossPercent >= 0 && packetLossPercent <= 100)) throw new RangeError('packetLossPercent must be within 0..100');
  if (!(burstRatio > 0)) throw new RangeError('burstRatio must be positive');
  return codec.ie + ((95 - codec.ie) * packetLossPercent) / (packetLossPercent / burstRatio + codec.bpl);
}

/** Transmission rating R of the simplified E-model (default R0 − Is = 93.2, A = 0). */
export function eModelRFactor(input: EModelInput): number {
  if (!(input.oneWayDelayMs >= 0)) throw new RangeError('oneWayDelayMs must be ≥ 0');
  return 93.2 - delayImpairment(input.oneWayDelayMs) - effectiveEquipmentImpairment(input.packetLossPercent, input.codec, input.burstRatio);
}

/** MOS (conversational quality estimate) from R per G.107 Annex B (B.4). */
export function mosFromR(r: number): number {
  if (Number.isNaN(r)) throw new RangeError('R must be a number');
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  // The cubic dips just below 1 for R < ~6.5; clamp so MOS stays monotonic in R and within 1..4.5.
  return Math.max(1, 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6);
}

/** MOS estimate for the given conditions: {@link mosFromR} ∘ {@link eModelRFactor}. */
export function estimateMos(input: EModelInput): number {
  return mosFromR(eModelRFactor(input));
}
