/**
 * Hold times of a load run: fixed, or drawn per call from a range so that
 * calls keep ending and starting for the whole run (churn, issue 14 soak).
 *
 * @module
 */
import { createHash } from 'node:crypto';

/**
 * The hold time of call `callNumber`: `minMs` when the range is empty, else
 * uniform in [`minMs`, `maxMs`] from a hash of (`seed`, `callNumber`). A
 * hash rather than a stream of random numbers, so that call k holds for the
 * same time in every run with the same seed, whatever order calls start and
 * fail in.
 *
 * @param minMs - shortest hold, ms
 * @param maxMs - longest hold, ms (≥ `minMs`)
 * @param seed - the run's seed
 * @param callNumber - the run-wide call number
 */
export function holdTimeMs(minMs: number, maxMs: number, seed: number, callNumber: number): number {
  if (maxMs <= minMs) return minMs;
  const u = createHash('sha256').update(`${seed}:${callNumber}`).digest().readUInt32BE(0) / 2 ** 32;
  return Math.round(minMs + u * (maxMs - minMs));
}
