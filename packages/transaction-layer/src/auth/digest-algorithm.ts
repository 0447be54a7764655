/**
 * Digest algorithms — RFC 7616 §3.2 / §6.1 (IANA "HTTP Digest Hash
 * Algorithms"), RFC 8760 (their use in SIP), RFC 2617 §3.2.2.2 (`-sess`).
 */
import { createHash } from 'node:crypto';

/** An algorithm token as it appears in `algorithm=` (canonical spelling). */
export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess' | 'SHA-512-256' | 'SHA-512-256-sess';

/** The hash function under an algorithm. */
export type DigestHashName = 'MD5' | 'SHA-256' | 'SHA-512-256';

/** Every supported algorithm, strongest first — RFC 8760 §2.4 preference order. */
export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = Object.freeze([
  'SHA-512-256',
  'SHA-512-256-sess',
  'SHA-256',
  'SHA-256-sess',
  'MD5',
  'MD5-sess',
]);

const BY_LOWER: ReadonlyMap<string, DigestAlgorithm> = new Map(DIGEST_ALGORITHMS.map((a) => [a.toLowerCase(), a]));

const NODE_HASH: Readonly<Record<DigestHashName, string>> = { MD5: 'md5', 'SHA-256': 'sha256', 'SHA-512-256': 'sha512-256' };

/**
 * The algorithm named by an `algorithm=` value (case-insensitive, RFC 7616
 * §3.3); absent means MD5 (RFC 7616 §3.3, RFC 3261 §25.1). Null for an
 * unknown token.
 */
export function parseDigestAlgorithm(token: string | undefined): DigestAlgorithm | null {
  if (token === undefined) return 'MD5';
  return BY_LOWER.get(token.toLowerCase()) ?? null;
}

/** The hash function of `algorithm`. */
export function hashOf(algorithm: DigestAlgorithm): DigestHashName {
  if (algorithm.startsWith('SHA-512-256')) return 'SHA-512-256';
  if (algorithm.startsWith('SHA-256')) return 'SHA-256';
  return 'MD5';
}

/** True for the `-sess` variants (RFC 7616 §3.4.2, RFC 2617 §3.2.2.2). */
export function isSessionAlgorithm(algorithm: DigestAlgorithm): boolean {
  return algorithm.endsWith('-sess');
}

/**
 * Rank for choosing among several challenges — RFC 8760 §2.4: SHA-512-256 >
 * SHA-256 > MD5; a plain algorithm ranks just above its `-sess` variant.
 */
export function algorithmStrength(algorithm: DigestAlgorithm): number {
  return DIGEST_ALGORITHMS.length - DIGEST_ALGORITHMS.indexOf(algorithm);
}

/** Lower-case hex of H(data) — RFC 7616 §3.4.1 ("H(data)" as 2n hex digits); strings hash as UTF-8. */
export function digestHash(hash: DigestHashName, data: string | Uint8Array): string {
  return createHash(NODE_HASH[hash]).update(data).digest('hex');
}
