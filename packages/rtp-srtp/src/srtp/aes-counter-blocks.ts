import { createCipheriv, type Cipher } from 'node:crypto';
import { srtpIv, type SrtpIvLayout } from './srtp-iv.js';

/**
 * AES over runs of counter blocks, the keystream engine of both SRTP ciphers: AES-CM (RFC 3711
 * §4.1.1) and the GCTR half of AES-GCM (NIST SP 800-38D §6.5).
 *
 * node:crypto cannot re-IV a cipher, and a `createCipheriv` per packet costs more than the rest of
 * SRTP together. Counter mode is AES-ECB over counter blocks, so one long-lived ECB cipher (no
 * padding) turns a buffer of counter blocks into keystream. Each `update` call has a fixed cost
 * close to that of encrypting a whole packet, so {@link AesCounterBlocks.srtpBatch} makes the
 * keystream of several consecutive packet indices in one call (measured in bench/srtp.bench.ts).
 *
 * Counter block k is the IV, then the first counter, with k added to the low 32 bits big-endian,
 * wrapping within them: SP 800-38D inc32 for GCM, and RFC 3711's IV + k for AES-CM (where k never
 * carries out of the 16-bit counter).
 */
export class AesCounterBlocks {
  readonly #ecb: Cipher;
  #counters = new Uint8Array(4096);
  #counters32 = new Uint32Array(this.#counters.buffer);
  // The IV being expanded, then the first counter (written once, in the constructor).
  readonly #iv = new Uint8Array(16);
  readonly #layout: SrtpIvLayout;
  // A native-endian word view, so a counter block is 4 word stores.
  readonly #iv32 = new Uint32Array(this.#iv.buffer);

  /**
   * @param key - 16 (AES-128) or 32 (AES-256) byte key
   * @param cipher - the cipher's name, for the error message
   * @param layout - where the cipher's IV and counter sit in a block (srtp-iv.ts)
   */
  constructor(key: Uint8Array, cipher: string, layout: SrtpIvLayout) {
    if (key.length !== 16 && key.length !== 32) {
      throw new RangeError(`${cipher} key must be 16 or 32 bytes, got ${key.length}`);
    }
    this.#ecb = createCipheriv(key.length === 16 ? 'aes-128-ecb' : 'aes-256-ecb', key, null);
    this.#ecb.setAutoPadding(false);
    this.#layout = layout;
    for (let i = 15, c = layout.firstCounter; i >= layout.ivLength; i--, c >>>= 8) this.#iv[i] = c & 0xff;
  }

  /** Keystream of `blocks` blocks counting up from `iv` (its first `layout.ivLength` bytes). */
  keystream(iv: Uint8Array, blocks: number): Uint8Array {
    this.#reserve(blocks * 16);
    this.#iv.set(iv.subarray(0, this.#layout.ivLength));
    this.#expand(0, blocks);
    return this.#encrypt(blocks * 16);
  }

  /**
   * Keystream for `count` consecutive SRTP packet indices `index, index + 1, ...` of one SSRC,
   * `blocks` AES blocks each, packet k at byte offset k * blocks * 16.
   */
  srtpBatch(salt: Uint8Array, ssrc: number, index: number, count: number, blocks: number): Uint8Array {
    const bytes = count * blocks * 16;
    const ssrcAt = this.#layout.ssrcAt;
    this.#reserve(bytes);
    for (let k = 0; k < count; k++) {
      srtpIv(this.#iv, salt, ssrcAt, ssrc, index + k);
      this.#expand(k * blocks * 16, blocks);
    }
    return this.#encrypt(bytes);
  }

  /** AES of whole raw blocks, e.g. GCM's hash key H = AES_K(0^128). */
  encryptBlocks(blocks: Uint8Array): Uint8Array {
    return this.#ecb.update(blocks);
  }

  // Room for `bytes` bytes of counter blocks; what was laid out before may be lost.
  #reserve(bytes: number): void {
    if (this.#counters.length < bytes) {
      this.#counters = new Uint8Array(bytes);
      this.#counters32 = new Uint32Array(this.#counters.buffer);
    }
  }

  // Lays out `blocks` counter blocks, counting up from #iv, at byte offset `at` (a multiple of 16).
  #expand(at: number, blocks: number): void {
    const c = this.#counters32;
    const iv = this.#iv;
    const v = this.#iv32;
    const v0 = v[0]!, v1 = v[1]!, v2 = v[2]!;
    const base = (iv[12]! << 24) | (iv[13]! << 16) | (iv[14]! << 8) | iv[15]!;
    for (let k = 0, w = at >>> 2; k < blocks; k++, w += 4) {
      c[w] = v0;
      c[w + 1] = v1;
      c[w + 2] = v2;
      c[w + 3] = nativeWord(base + k);
    }
  }

  // AES of the first `bytes` bytes of counter blocks: the keystream.
  #encrypt(bytes: number): Uint8Array {
    return this.#ecb.update(this.#counters.subarray(0, bytes));
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

// The Uint32Array element whose bytes are `x` big-endian (a byte swap on little-endian machines).
function nativeWord(x: number): number {
  return LITTLE_ENDIAN ? ((x << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | ((x >>> 24) & 0xff)) >>> 0 : x >>> 0;
}
