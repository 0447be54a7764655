/**
 * DTMF signalling frequencies (ITU-T Q.23 §2) and a tone generator.
 *
 * ```
 *            1209  1336  1477  1633 Hz   (high group, "columns")
 *    697 Hz    1     2     3     A
 *    770 Hz    4     5     6     B
 *    852 Hz    7     8     9     C
 *    941 Hz    *     0     #     D
 *   (low group, "rows")
 * ```
 *
 * @module
 */
import { requireString } from './arguments.js';

/** One of the 16 DTMF digits. */
export type DtmfDigit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#' | 'A' | 'B' | 'C' | 'D';

/** Low-group (row) frequencies, Hz (Q.23). */
export const DTMF_ROW_HZ: readonly number[] = Object.freeze([697, 770, 852, 941]);
/** High-group (column) frequencies, Hz (Q.23). */
export const DTMF_COLUMN_HZ: readonly number[] = Object.freeze([1209, 1336, 1477, 1633]);

/** Keypad layout: `DTMF_KEYPAD[row][column]`. */
export const DTMF_KEYPAD: readonly (readonly DtmfDigit[])[] = Object.freeze([
  Object.freeze(['1', '2', '3', 'A'] as const),
  Object.freeze(['4', '5', '6', 'B'] as const),
  Object.freeze(['7', '8', '9', 'C'] as const),
  Object.freeze(['*', '0', '#', 'D'] as const),
]);

/**
 * Row and column frequencies of a digit, or undefined for a character that is
 * not a DTMF digit (lower-case a-d are accepted).
 *
 * @param digit - one character
 */
export function dtmfFrequencies(digit: string): { low: number; high: number } | undefined {
  const d = digit.length === 1 ? digit.toUpperCase() : '';
  for (let r = 0; r < 4; r++) {
    const c = DTMF_KEYPAD[r]!.indexOf(d as DtmfDigit);
    if (c >= 0) return { low: DTMF_ROW_HZ[r]!, high: DTMF_COLUMN_HZ[c]! };
  }
  return undefined;
}

/** Options of {@link generateDtmf}. */
export interface GenerateDtmfOptions {
  /** Sample rate, Hz (default 8000). */
  sampleRate?: number;
  /** Duration of each tone, ms (default 100; Q.24 receivers need at least 40). */
  toneMs?: number;
  /** Silence after each tone, ms (default 100; Q.24 receivers need at least 40). */
  gapMs?: number;
  /** Peak amplitude of the low-group tone in sample units (default 8000, about −15 dBFS RMS). */
  amplitude?: number;
  /**
   * Level of the high-group tone relative to the low-group one, dB (default 0).
   * Positive is "normal" twist (high group louder), negative "reverse" twist.
   */
  twistDb?: number;
}

/**
 * Generate DTMF tones: for each digit, `toneMs` of the two summed sines followed
 * by `gapMs` of silence.
 *
 * @param digits - string of DTMF digits (0-9, *, #, A-D, case-insensitive)
 * @param options - timing and level
 * @returns 16-bit PCM
 * @throws RangeError on an unknown digit, non-positive durations, or levels that would clip
 */
export function generateDtmf(digits: string, options: GenerateDtmfOptions = {}): Int16Array {
  requireString(digits, 'generateDtmf: digits');
  const sampleRate = options.sampleRate ?? 8000;
  const toneMs = options.toneMs ?? 100;
  const gapMs = options.gapMs ?? 100;
  const amplitude = options.amplitude ?? 8000;
  const twistDb = options.twistDb ?? 0;
  if (!Number.isInteger(sampleRate) || sampleRate < 4000) throw new RangeError(`sampleRate must be an integer >= 4000, got ${sampleRate}`);
  if (!(toneMs > 0) || !(gapMs >= 0)) throw new RangeError(`toneMs must be > 0 and gapMs >= 0, got ${toneMs}/${gapMs}`);
  const highAmplitude = amplitude * 10 ** (twistDb / 20);
  if (!(amplitude >= 0) || !Number.isFinite(highAmplitude) || amplitude + highAmplitude > 32767) {
    throw new RangeError(`amplitude ${amplitude} with twist ${twistDb} dB would clip`);
  }
  const toneSamples = Math.round((toneMs * sampleRate) / 1000);
  const gapSamples = Math.round((gapMs * sampleRate) / 1000);
  const out = new Int16Array(digits.length * (toneSamples + gapSamples));
  let at = 0;
  for (const ch of digits) {
    const f = dtmfFrequencies(ch);
    if (f === undefined) throw new RangeError(`"${ch}" is not a DTMF digit`);
    const wl = (2 * Math.PI * f.low) / sampleRate;
    const wh = (2 * Math.PI * f.high) / sampleRate;
    for (let n = 0; n < toneSamples; n++) {
      out[at + n] = Math.round(amplitude * Math.sin(wl * n) + highAmplitude * Math.sin(wh * n));
    }
    at += toneSamples + gapSamples;
  }
  return out;
}
