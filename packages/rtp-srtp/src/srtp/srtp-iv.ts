/**
 * The per-packet IVs of the SRTP ciphers: the session salt XORed with the SSRC and the packet index,
 * where the index i is the 48-bit SRTP index ROC || SEQ (RFC 3711 §3.3.1) or the 31-bit SRTCP
 * index (RFC 3711 §3.4), both big-endian in the same 6 bytes. The two layouts differ only in where
 * the SSRC starts:
 *
 *   AES-CM  (RFC 3711 §4.1.1): IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), 16 bytes
 *           salt[0..4) | salt[4..8) ^ SSRC | salt[8..14) ^ i | 00 00 (block counter)
 *   AES-GCM (RFC 7714 §8.1, §9.1): IV = (00 00 || SSRC || i) XOR salt, 12 bytes
 *           salt[0..2) | salt[2..6) ^ SSRC | salt[6..12) ^ i
 */

/** How a cipher's IV and block counter fill a 16-byte counter block. */
export interface SrtpIvLayout {
  /** Where the SSRC starts in the IV. */
  readonly ssrcAt: number;
  /** Bytes of IV at the start of a block; the block counter fills the rest. */
  readonly ivLength: number;
  /** The counter of a packet's first block. */
  readonly firstCounter: number;
}

/** AES-CM (RFC 3711 §4.1.1): 14-byte IV, 16-bit block counter from 0. */
export const AES_CM_IV: SrtpIvLayout = { ssrcAt: 4, ivLength: 14, firstCounter: 0 };
/** AES-GCM (RFC 7714 §8.1; SP 800-38D §7.1): 12-byte IV, 32-bit counter from 1 (block 0 is J0). */
export const AES_GCM_IV: SrtpIvLayout = { ssrcAt: 2, ivLength: 12, firstCounter: 1 };

/**
 * Writes `iv[0, ssrcAt + 10)`, the IV of (`ssrc`, index `i`) in the layout whose SSRC starts at
 * `ssrcAt`; the block counter after it is left alone.
 */
export function srtpIv(iv: Uint8Array, salt: Uint8Array, ssrcAt: number, ssrc: number, i: number): Uint8Array {
  const at = ssrcAt;
  for (let k = 0; k < at; k++) iv[k] = salt[k]!;
  iv[at] = salt[at]! ^ (ssrc >>> 24);
  iv[at + 1] = salt[at + 1]! ^ ((ssrc >>> 16) & 0xff);
  iv[at + 2] = salt[at + 2]! ^ ((ssrc >>> 8) & 0xff);
  iv[at + 3] = salt[at + 3]! ^ (ssrc & 0xff);
  const roc = Math.floor(i / 65536);
  iv[at + 4] = salt[at + 4]! ^ (roc >>> 24);
  iv[at + 5] = salt[at + 5]! ^ ((roc >>> 16) & 0xff);
  iv[at + 6] = salt[at + 6]! ^ ((roc >>> 8) & 0xff);
  iv[at + 7] = salt[at + 7]! ^ (roc & 0xff);
  iv[at + 8] = salt[at + 8]! ^ ((i >>> 8) & 0xff);
  iv[at + 9] = salt[at + 9]! ^ (i & 0xff);
  return iv;
}
