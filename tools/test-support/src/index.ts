/**
 * Helpers shared by Trunkline's tests and benchmarks.
 */

/**
 * A small seeded PRNG (mulberry32) returning numbers in [0, 1), so that
 * simulated loss, noise, shuffles and weighted choices replay from a seed.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export { buildPackages, readmeTsBlocks, readmeTypeErrors, typeCheckReadme, type ReadmeBlock, type ReadmeDiagnostic } from './readme-types.js';
export { Baresip, type BaresipOptions } from './baresip.js';
export { freePort, requirePeer } from './ports-and-peers.js';
export { heapAfterGc } from './heap.js';
