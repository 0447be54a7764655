/**
 * Signal level. dBFS here is the RMS relative to 32768, so a full-scale square
 * wave is 0 dBFS and a full-scale sine about −3.01 dBFS (the usual convention for
 * 16-bit PCM; AES17 instead puts a full-scale sine at 0 dBFS).
 *
 * @module
 */
import { requireInt16Array } from './arguments.js';

/** Full scale of 16-bit PCM: the reference of 0 dBFS. */
export const FULL_SCALE = 32768;

/**
 * Root-mean-square value of the samples (0 for an empty array).
 *
 * @param samples - 16-bit PCM
 */
export function rms(samples: Int16Array): number {
  requireInt16Array(samples, 'rms: samples');
  const n = samples.length;
  if (n === 0) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const v = samples[i]!;
    sum += v * v;
  }
  return Math.sqrt(sum / n);
}

/**
 * RMS level in dBFS; `-Infinity` for digital silence or an empty array.
 *
 * @param samples - 16-bit PCM
 */
export function rmsDbfs(samples: Int16Array): number {
  requireInt16Array(samples, 'rmsDbfs: samples');
  const r = rms(samples);
  return r === 0 ? -Infinity : 20 * Math.log10(r / FULL_SCALE);
}

/**
 * Convert a dBFS level to an RMS amplitude in sample units.
 *
 * @param dbfs - level in dBFS
 */
export function dbfsToRms(dbfs: number): number {
  return FULL_SCALE * 10 ** (dbfs / 20);
}
