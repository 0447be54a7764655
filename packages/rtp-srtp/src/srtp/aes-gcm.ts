import { AesCounterBlocks } from './aes-counter-blocks.js';
import { AES_GCM_IV } from './srtp-iv.js';

/**
 * AES-GCM (NIST SP 800-38D) with 96-bit IVs and 128-bit tags, as SRTP uses it (RFC 7714 §7).
 *
 * Why not `createCipheriv('aes-128-gcm')`: it must be created per packet (node:crypto cannot re-IV
 * a cipher), and that costs several microseconds, far more than the work itself. Here the CTR part
 * is {@link AesCounterBlocks} (batched over consecutive SRTP indices, as for AES-CM) and GHASH
 * runs in TypeScript with Shoup's 8-bit tables (4 KiB per key). Measured in bench/srtp.bench.ts;
 * checked against node:crypto in test/srtp-vectors.test.ts.
 *
 * Keystream layout per packet: block 0 = E_K(J0) (the tag mask), block j >= 1 = E_K(inc32^j(J0)),
 * the data keystream (SP 800-38D §7.1, J0 = IV || 0^31 || 1).
 */
export class AesGcm {
  readonly #blocks: AesCounterBlocks;
  // M[4i .. 4i+3] = i·H for every byte value i, in GCM's bit order (SP 800-38D §6.3).
  readonly #m = new Int32Array(1024);
  readonly #y = new Int32Array(4);
  readonly #len = new Uint8Array(16);
  readonly #block = new Uint8Array(16);

  /** @param key - 16 or 32 byte AES key */
  constructor(key: Uint8Array) {
    this.#blocks = new AesCounterBlocks(key, 'AES-GCM', AES_GCM_IV);
    const h = this.#blocks.encryptBlocks(new Uint8Array(16));
    const m = this.#m;
    let v0 = readI32(h, 0), v1 = readI32(h, 4), v2 = readI32(h, 8), v3 = readI32(h, 12);
    // Bit 0x80 of a byte is the coefficient of x^0: M[0x80] = H, M[0x40] = H·x, ..., M[0x01] = H·x^7.
    for (let k = 0x80; k >= 1; k >>= 1) {
      m[4 * k] = v0;
      m[4 * k + 1] = v1;
      m[4 * k + 2] = v2;
      m[4 * k + 3] = v3;
      const lsb = v3 & 1;
      v3 = (v3 >>> 1) | (v2 << 31);
      v2 = (v2 >>> 1) | (v1 << 31);
      v1 = (v1 >>> 1) | (v0 << 31);
      v0 = (v0 >>> 1) ^ (lsb ? 0xe1000000 | 0 : 0);
    }
    for (let i = 2; i < 256; i <<= 1) {
      for (let j = 1; j < i; j++) {
        for (let w = 0; w < 4; w++) m[4 * (i + j) + w] = m[4 * i + w]! ^ m[4 * j + w]!;
      }
    }
  }

  /** Tag mask and keystream (`blocks` blocks, the first being E_K(J0)) for one 12-byte IV. */
  keystream(iv: Uint8Array, blocks: number): Uint8Array {
    return this.#blocks.keystream(iv, blocks);
  }

  /**
   * Tag masks and keystreams for `count` consecutive SRTP indices of one SSRC, `blocks` blocks each
   * (packet k at byte offset k * blocks * 16). IV = (00 00 || SSRC || ROC || SEQ) XOR salt,
   * RFC 7714 §8.1.
   */
  srtpBatch(salt: Uint8Array, ssrc: number, index: number, count: number, blocks: number): Uint8Array {
    return this.#blocks.srtpBatch(salt, ssrc, index, count, blocks);
  }

  /**
   * Computes the 16-byte tag of (aad, ciphertext) into `tag[tagOffset..]`: GHASH_H(A || C || lengths)
   * XOR E_K(J0) (SP 800-38D §7.1 steps 5-6), with E_K(J0) at ks[ksOffset..].
   */
  tag(
    ks: Uint8Array,
    ksOffset: number,
    aad: Uint8Array,
    aadOffset: number,
    aadLength: number,
    ct: Uint8Array,
    ctOffset: number,
    ctLength: number,
    tag: Uint8Array,
    tagOffset: number,
  ): void {
    const y = this.#y;
    y.fill(0);
    this.#ghash(aad, aadOffset, aadLength);
    this.#ghash(ct, ctOffset, ctLength);
    const l = this.#len;
    writeBits(l, 0, aadLength);
    writeBits(l, 8, ctLength);
    this.#ghash(l, 0, 16);
    for (let w = 0; w < 4; w++) {
      const v = y[w]!;
      const o = tagOffset + 4 * w;
      const k = ksOffset + 4 * w;
      tag[o] = (v >>> 24) ^ ks[k]!;
      tag[o + 1] = ((v >>> 16) & 0xff) ^ ks[k + 1]!;
      tag[o + 2] = ((v >>> 8) & 0xff) ^ ks[k + 2]!;
      tag[o + 3] = (v & 0xff) ^ ks[k + 3]!;
    }
  }

  /** Y = (Y XOR block) · H over data[off, off + len), the last block zero-padded (SP 800-38D §6.4). */
  #ghash(d: Uint8Array, off: number, len: number): void {
    const y = this.#y;
    const m = this.#m;
    const end = off + len;
    for (; off + 16 <= end; off += 16) {
      gmul(y, m, y[0]! ^ readI32(d, off), y[1]! ^ readI32(d, off + 4), y[2]! ^ readI32(d, off + 8), y[3]! ^ readI32(d, off + 12));
    }
    if (off < end) {
      const t = this.#block;
      t.fill(0);
      for (let i = 0; off + i < end; i++) t[i] = d[off + i]!;
      gmul(y, m, y[0]! ^ readI32(t, 0), y[1]! ^ readI32(t, 4), y[2]! ^ readI32(t, 8), y[3]! ^ readI32(t, 12));
    }
  }
}

function readI32(p: Uint8Array, o: number): number {
  return (p[o]! << 24) | (p[o + 1]! << 16) | (p[o + 2]! << 8) | p[o + 3]!;
}

// 64-bit big-endian bit length; SRTP lengths are far below 2^29 bytes.
function writeBits(p: Uint8Array, o: number, bytes: number): void {
  const bits = bytes * 8;
  p[o] = 0;
  p[o + 1] = 0;
  p[o + 2] = 0;
  p[o + 3] = 0;
  p[o + 4] = bits >>> 24;
  p[o + 5] = (bits >>> 16) & 0xff;
  p[o + 6] = (bits >>> 8) & 0xff;
  p[o + 7] = bits & 0xff;
}

// R8[r]: what shifting the 8 bits r out of the low end of Z folds into Z's top word
// (reduction by x^128 + x^7 + x^2 + x + 1, i.e. 0xE1 in GCM's reflected order).
const R8 = new Int32Array(256);
for (let r = 0; r < 256; r++) {
  let z0 = 0, z3 = r;
  for (let k = 0; k < 8; k++) {
    const lsb = z3 & 1;
    z3 >>>= 1;
    z0 = (z0 >>> 1) ^ (lsb ? 0xe1000000 | 0 : 0);
  }
  R8[r] = z0;
}

// GHASH multiplication Z = X · H with 8-bit tables, X given as 4 big-endian words (generated,
// unrolled: Horner over the 16 bytes from the last, shifting Z by 8 bits per step).
function gmul(y: Int32Array, m: Int32Array, x0: number, x1: number, x2: number, x3: number): void {
  let i = (x3 & 0xff) << 2;
  let z0 = m[i]!, z1 = m[i + 1]!, z2 = m[i + 2]!, z3 = m[i + 3]!, r: number;
  r = z3 & 0xff;
  z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R8[r]!;
  i = ((x3 >>> 8) & 0xff) << 2;
  z0 ^= m[i]!; z1 ^= m[i + 1]!; z2 ^= m[i + 2]!; z3 ^= m[i + 3]!;
  r = z3 & 0xff;
  z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R8[r]!;
  i = ((x3 >>> 16) & 0xff) << 2;
  z0 ^= m[i]!; z1 ^= m[i + 1]!; z2 ^= m[i + 2]!; z3 ^= m[i + 3]!;
  r = z3 & 0xff;
  z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R8[r]!;
  i = (x3 >>> 24) << 2;
  z0 ^= m[i]!; z1 ^= m[i + 1]!; z2 ^= m[i + 2]!; z3 ^= m[i + 3]!;
  r = z3 & 0xff;
  z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R8[r]!;
  i = (x2 & 0xff) << 2;
  z0 ^= m[i]!; z1 ^= m[i + 1]!; z2 ^= m[i + 2]!; z3 ^= m[i + 3]!;
  r = z3 & 0xff;
  z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R8[r]!;
  i = ((x2 >>> 8) & 0xff) << 2;
  z0 ^= m[i]!; z1 ^= m[i + 1]!; z2 ^= m[i + 2]!; z3 ^= m[i + 3]!;
  r = z3 & 0xff;
  z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R8[r]!;
  i = ((x2 >>> 16) & 0xff) << 2;
  z0 ^= m[i]!; z1 ^= m[i + 1]!; z2 ^= m[i + 2]!; z3 ^= m[i + 3]!;
  r = z3 & 0xff;
  z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R8[r]!;
  i = (x2 >>> 24) << 2;
  z0 ^= m[i]!; z1 ^= m[i + 1]!; z2 ^= m[i + 2]!; z3 ^= m[i + 3]!;
  r = z3 & 0xff;
  z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R8[r]!;
  i = (x1 & 0xff) << 2;
  z0 ^= m[i]!; z1 ^= m[i + 1]!; z2 ^= m[i + 2]!; z3 ^= m[i + 3]!;
  r = z3 & 0xff;
  z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R8[r]!;
  i = ((x1 >>> 8) & 0xff) << 2;
  z0 ^= m[i]!; z1 ^= m[i + 1]!; z2 ^= m[i + 2]!; z3 ^= m[i + 3]!;
  r = z3 & 0xff;
  z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R8[r]!;
  i = ((x1 >>> 16) & 0xff) << 2;
  z0 ^= m[i]!; z1 ^= m[i + 1]!; z2 ^= m[i + 2]!; z3 ^= m[i + 3]!;
  r = z3 & 0xff;
  z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R8[r]!;
  i = (x1 >>> 24) << 2;
  z0 ^= m[i]!; z1 ^= m[i + 1]!; z2 ^= m[i + 2]!; z3 ^= m[i + 3]!;
  r = z3 & 0xff;
  z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R8[r]!;
  i = (x0 & 0xff) << 2;
  z0 ^= m[i]!; z1 ^= m[i + 1]!; z2 ^= m[i + 2]!; z3 ^= m[i + 3]!;
  r = z3 & 0xff;
  z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R8[r]!;
  i = ((x0 >>> 8) & 0xff) << 2;
  z0 ^= m[i]!; z1 ^= m[i + 1]!; z2 ^= m[i + 2]!; z3 ^= m[i + 3]!;
  r = z3 & 0xff;
  z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R8[r]!;
  i = ((x0 >>> 16) & 0xff) << 2;
  z0 ^= m[i]!; z1 ^= m[i + 1]!; z2 ^= m[i + 2]!; z3 ^= m[i + 3]!;
  r = z3 & 0xff;
  z3 = (z3 >>> 8) | (z2 << 24); z2 = (z2 >>> 8) | (z1 << 24); z1 = (z1 >>> 8) | (z0 << 24); z0 = (z0 >>> 8) ^ R8[r]!;
  i = (x0 >>> 24) << 2;
  z0 ^= m[i]!; z1 ^= m[i + 1]!; z2 ^= m[i + 2]!; z3 ^= m[i + 3]!;
  y[0] = z0; y[1] = z1; y[2] = z2; y[3] = z3;
}
