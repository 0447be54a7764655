import { getRandomValues } from 'node:crypto';

/**
 * A source of uniformly distributed unsigned 32-bit integers. Injected wherever the RFCs ask for
 * random values (initial sequence number, timestamp, SSRC: RFC 3550 §5.1, §8.1) so tests are
 * deterministic.
 */
export type RandomUint32 = () => number;

const scratch = new Uint32Array(16);
let scratchIndex = scratch.length;

/**
 * Cryptographically strong default for {@link RandomUint32}. RFC 3550 §5.1 wants the initial
 * values unpredictable to make known-plaintext attacks on SRTP harder, hence a CSPRNG, not Math.random.
 */
export const cryptoRandomUint32: RandomUint32 = () => {
  if (scratchIndex >= scratch.length) {
    getRandomValues(scratch);
    scratchIndex = 0;
  }
  return scratch[scratchIndex++] ?? 0;
};
