import { AesCounterBlocks } from './aes-counter-blocks.js';
import { AES_CM_IV } from './srtp-iv.js';

/**
 * AES in Counter Mode as SRTP uses it (RFC 3711 §4.1.1): keystream block j of a packet is
 * AES_k(IV + j), where the IV's low 16 bits are zero, so j never carries into the IV.
 *
 * The keystream comes from {@link AesCounterBlocks} (one long-lived ECB cipher, as node:crypto
 * cannot re-IV a cipher); {@link AesCmKeystream.srtpBatch} makes the keystream of several
 * consecutive packet indices in one call (measured in bench/srtp.bench.ts).
 */
export class AesCmKeystream {
  readonly #blocks: AesCounterBlocks;

  /**
   * @param key - 16 (AES-128) or 32 (AES-256, RFC 6188) byte session encryption key
   */
  constructor(key: Uint8Array) {
    this.#blocks = new AesCounterBlocks(key, 'AES-CM', AES_CM_IV);
  }

  /**
   * Keystream of `length` bytes for `iv` (16 bytes; bytes 14 and 15 are the block counter and are
   * ignored). Returns a buffer of at least `length` bytes.
   */
  keystream(iv: Uint8Array, length: number): Uint8Array {
    const blocks = (length + 15) >>> 4;
    if (blocks > 65536) throw new RangeError('AES-CM keystream longer than 2^20 bytes');
    return this.#blocks.keystream(iv, blocks);
  }

  /**
   * Keystream for `count` consecutive SRTP packet indices `index, index + 1, ...` of one SSRC,
   * `blocks` AES blocks each, packet k at byte offset k * blocks * 16. The IV of index i is
   * (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), RFC 3711 §4.1.1.
   */
  srtpBatch(salt: Uint8Array, ssrc: number, index: number, count: number, blocks: number): Uint8Array {
    return this.#blocks.srtpBatch(salt, ssrc, index, count, blocks);
  }

  /**
   * dst[dstOffset + k] = src[srcOffset + k] XOR keystream[k] for k < length. `dst` may be `src`
   * at the same offset (in place).
   */
  xor(
    iv: Uint8Array,
    src: Uint8Array,
    srcOffset: number,
    dst: Uint8Array,
    dstOffset: number,
    length: number,
  ): void {
    if (length <= 0) return;
    xorInto(this.keystream(iv, length), 0, src, srcOffset, dst, dstOffset, length);
  }
}

/** dst[dstOffset + k] = src[srcOffset + k] XOR ks[ksOffset + k] for k < length. */
export function xorInto(
  ks: Uint8Array,
  ksOffset: number,
  src: Uint8Array,
  srcOffset: number,
  dst: Uint8Array,
  dstOffset: number,
  length: number,
): void {
  for (let k = 0; k < length; k++) dst[dstOffset + k] = src[srcOffset + k]! ^ ks[ksOffset + k]!;
}
