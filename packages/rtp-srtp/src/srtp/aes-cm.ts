import { createCipheriv, type Cipher } from 'node:crypto';

/**
 * AES in Counter Mode as SRTP uses it (RFC 3711 §4.1.1): keystream block j of a packet is
 * AES_k(IV + j), where the IV's low 16 bits are zero, so j never carries into the IV.
 *
 * node:crypto cannot re-IV a cipher, and a `createCipheriv('aes-128-ctr')` per packet costs more
 * than the rest of SRTP together. Counter mode is AES-ECB over counter blocks, so one long-lived
 * ECB cipher (no padding) turns a buffer of counter blocks into keystream. Each `update` call has a
 * fixed cost close to that of encrypting a whole packet, so {@link AesCmKeystream.srtpBatch} makes
 * the keystream of several consecutive packet indices in one call (measured in bench/srtp.bench.ts).
 */
export class AesCmKeystream {
  readonly #ecb: Cipher;
  #counters: Uint8Array;
  #counters32: Uint32Array;
  // The IV being expanded, and a native-endian word view of it, so counter blocks are 4 stores.
  readonly #iv = new Uint8Array(16);
  readonly #iv32 = new Uint32Array(this.#iv.buffer);

  /**
   * @param key - 16 (AES-128) or 32 (AES-256, RFC 6188) byte session encryption key
   */
  constructor(key: Uint8Array) {
    if (key.length !== 16 && key.length !== 32) {
      throw new RangeError(`AES-CM key must be 16 or 32 bytes, got ${key.length}`);
    }
    this.#ecb = createCipheriv(key.length === 16 ? 'aes-128-ecb' : 'aes-256-ecb', key, null);
    this.#ecb.setAutoPadding(false);
    this.#counters = new Uint8Array(4096);
    this.#counters32 = new Uint32Array(this.#counters.buffer);
  }

  #reserve(bytes: number): void {
    if (this.#counters.length < bytes) {
      this.#counters = new Uint8Array(bytes);
      this.#counters32 = new Uint32Array(this.#counters.buffer);
    }
  }

  // Writes `blocks` counter blocks for the IV in #iv at word offset w.
  #expand(w: number, blocks: number): void {
    const c = this.#counters32;
    const iv = this.#iv;
    const v = this.#iv32;
    const v0 = v[0]!, v1 = v[1]!, v2 = v[2]!;
    for (let j = 0; j < blocks; j++, w += 4) {
      iv[14] = j >>> 8;
      iv[15] = j & 0xff;
      c[w] = v0;
      c[w + 1] = v1;
      c[w + 2] = v2;
      c[w + 3] = v[3]!;
    }
  }

  /**
   * Keystream of `length` bytes for `iv` (16 bytes; bytes 14 and 15 are the block counter and are
   * ignored). Returns a buffer of at least `length` bytes.
   */
  keystream(iv: Uint8Array, length: number): Uint8Array {
    const blocks = (length + 15) >>> 4;
    if (blocks > 65536) throw new RangeError('AES-CM keystream longer than 2^20 bytes');
    this.#reserve(blocks * 16);
    this.#iv.set(iv.subarray(0, 14));
    this.#expand(0, blocks);
    return this.#ecb.update(this.#counters.subarray(0, blocks * 16));
  }

  /**
   * Keystream for `count` consecutive SRTP packet indices `index, index + 1, ...` of one SSRC,
   * `blocks` AES blocks each, packet k at byte offset k * blocks * 16. The IV of index i is
   * (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), RFC 3711 §4.1.1.
   */
  srtpBatch(salt: Uint8Array, ssrc: number, index: number, count: number, blocks: number): Uint8Array {
    const bytes = count * blocks * 16;
    this.#reserve(bytes);
    const iv = this.#iv;
    for (let i = 0; i < 8; i++) iv[i] = salt[i]!;
    iv[4] = iv[4]! ^ (ssrc >>> 24);
    iv[5] = iv[5]! ^ ((ssrc >>> 16) & 0xff);
    iv[6] = iv[6]! ^ ((ssrc >>> 8) & 0xff);
    iv[7] = iv[7]! ^ (ssrc & 0xff);
    for (let k = 0; k < count; k++) {
      const i = index + k;
      const roc = Math.floor(i / 65536);
      iv[8] = salt[8]! ^ (roc >>> 24);
      iv[9] = salt[9]! ^ ((roc >>> 16) & 0xff);
      iv[10] = salt[10]! ^ ((roc >>> 8) & 0xff);
      iv[11] = salt[11]! ^ (roc & 0xff);
      iv[12] = salt[12]! ^ ((i >>> 8) & 0xff);
      iv[13] = salt[13]! ^ (i & 0xff);
      this.#expand(k * blocks * 4, blocks);
    }
    return this.#ecb.update(this.#counters.subarray(0, bytes));
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
