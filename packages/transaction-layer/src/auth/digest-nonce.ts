/**
 * Stateless, verifiable nonces — RFC 7616 §3.3 and §5.4 suggest a nonce of
 * the form `time-stamp H(time-stamp ":" ETag ":" secret)`; here:
 *
 * ```
 *  0        8                16                               32 bytes
 * +--------+-----------------+--------------------------------+
 * | issued | random          | HMAC-SHA-256(secret, issued |   |   base64url
 * | ms BE  | (uniqueness)    |   random | realm), first 16 B  |
 * +--------+-----------------+--------------------------------+
 * ```
 *
 * The server keeps no per-nonce state to recognise its own nonces or their
 * age; replay tracking of nonce counts is separate (nonce-count-tracker.ts).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const ISSUED = 8;
const RANDOM = 8;
const MAC = 16;
const LENGTH = ISSUED + RANDOM + MAC;

function mac(secret: Uint8Array, body: Uint8Array, realm: string): Buffer {
  return createHmac('sha256', secret).update(body).update(realm, 'utf8').digest().subarray(0, MAC);
}

/**
 * A new nonce for `realm` issued at `now` (ms).
 * @param random `RANDOM` (8) fresh random bytes.
 */
export function createNonce(secret: Uint8Array, realm: string, now: number, random: Uint8Array): string {
  if (random.length < RANDOM) throw new TypeError(`nonce randomness needs ${RANDOM} bytes`);
  const body = Buffer.alloc(ISSUED + RANDOM);
  body.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(now))), 0);
  body.set(random.subarray(0, RANDOM), ISSUED);
  return Buffer.concat([body, mac(secret, body, realm)]).toString('base64url');
}

/**
 * The issue time of a nonce this secret made for this realm, or null when it
 * is not one of ours (wrong length, bad MAC, tampered).
 *
 * Only the canonical text is ours: 32 bytes are 43 base64url characters whose
 * last one carries 2 unused bits (RFC 4648 §3.5), which a decoder ignores, so
 * without the re-encoding check four strings would verify as one nonce — and
 * the nonce-count tracker, keyed by the text, would count them apart.
 */
export function verifyNonce(secret: Uint8Array, realm: string, nonce: string): number | null {
  if (nonce.length !== Math.ceil((LENGTH * 4) / 3) || !/^[A-Za-z0-9_-]+$/.test(nonce)) return null;
  const bytes = Buffer.from(nonce, 'base64url');
  if (bytes.length !== LENGTH || bytes.toString('base64url') !== nonce) return null;
  const body = bytes.subarray(0, ISSUED + RANDOM);
  if (!timingSafeEqual(bytes.subarray(ISSUED + RANDOM), mac(secret, body, realm))) return null;
  return Number(bytes.readBigUInt64BE(0));
}
