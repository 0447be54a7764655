/**
 * Digest challenges (WWW-Authenticate / Proxy-Authenticate) — RFC 3261
 * §20.27, §20.44, §22.1; parameters per RFC 7616 §3.3, RFC 8760 §2.
 *
 * ```abnf
 * challenge  = ("Digest" LWS digest-cln *(COMMA digest-cln)) / other-challenge
 * digest-cln = realm / domain / nonce / opaque / stale / algorithm / qop-options / auth-param
 * ```
 */
import { formatCredentials, parseCredentials } from '@trunkline/sip-parser';
import { type DigestAlgorithm, parseDigestAlgorithm } from './digest-algorithm.js';
import { DigestAuthError } from './digest-auth-error.js';
import type { DigestQop } from './digest-response.js';

/** A decoded Digest challenge. */
export interface DigestChallenge {
  readonly realm: string;
  readonly nonce: string;
  readonly opaque: string | null;
  readonly algorithm: DigestAlgorithm;
  /** Offered qop values in the server's order; empty for an RFC 2069 challenge (no qop). */
  readonly qop: readonly DigestQop[];
  /** RFC 7616 §3.3: the previous request failed only because its nonce was stale. */
  readonly stale: boolean;
  readonly domain: string | null;
  /** RFC 7616 §3.3/§3.4.4: the server accepts a hashed username. */
  readonly userhash: boolean;
  readonly charset: string | null;
}

/**
 * Decode one WWW-Authenticate / Proxy-Authenticate value.
 *
 * Unknown qop values are dropped (RFC 7616 §3.3: "unrecognized options MUST be ignored").
 *
 * @returns null for a scheme other than Digest (Basic, Bearer, ...), which SIP clients ignore.
 * @throws DigestAuthError DIGEST_BAD_CHALLENGE (malformed, or no realm/nonce), DIGEST_UNSUPPORTED_ALGORITHM.
 */
export function parseDigestChallenge(value: string): DigestChallenge | null {
  let c;
  try {
    c = parseCredentials(value, 'WWW-Authenticate');
  } catch (e) {
    throw new DigestAuthError('DIGEST_BAD_CHALLENGE', `challenge does not parse: ${(e as Error).message}`, { cause: e });
  }
  if (c.scheme.toLowerCase() !== 'digest') return null;
  const p = c.params;
  const realm = p.get('realm');
  const nonce = p.get('nonce');
  if (realm === undefined || nonce === undefined) {
    throw new DigestAuthError('DIGEST_BAD_CHALLENGE', 'a Digest challenge needs realm and nonce (RFC 7616 §3.3)');
  }
  const algorithm = parseDigestAlgorithm(p.get('algorithm'));
  if (algorithm === null) {
    throw new DigestAuthError('DIGEST_UNSUPPORTED_ALGORITHM', `algorithm ${p.get('algorithm') ?? ''} is not supported`, { realm });
  }
  const qop: DigestQop[] = [];
  const qopText = p.get('qop');
  if (qopText !== undefined) {
    for (const raw of qopText.split(',')) {
      const q = raw.trim().toLowerCase();
      if ((q === 'auth' || q === 'auth-int') && !qop.includes(q)) qop.push(q);
    }
  }
  return {
    realm,
    nonce,
    opaque: p.get('opaque') ?? null,
    algorithm,
    qop,
    stale: p.get('stale')?.toLowerCase() === 'true',
    domain: p.get('domain') ?? null,
    userhash: p.get('userhash')?.toLowerCase() === 'true',
    charset: p.get('charset') ?? null,
  };
}

/** Options for {@link formatDigestChallenge}: a challenge's fields, with absent ones omitted. */
export type DigestChallengeInit = Pick<DigestChallenge, 'realm' | 'nonce' | 'algorithm'> &
  Partial<Pick<DigestChallenge, 'opaque' | 'qop' | 'stale' | 'domain' | 'userhash' | 'charset'>>;

/**
 * Write a challenge value: `Digest realm="...", nonce="...", ...` — RFC 3261
 * §25.1 quoting (qop-options quoted, algorithm and stale as tokens).
 */
export function formatDigestChallenge(c: DigestChallengeInit): string {
  const params = new Map<string, string>();
  params.set('realm', c.realm);
  if (c.domain !== undefined && c.domain !== null) params.set('domain', c.domain);
  params.set('nonce', c.nonce);
  if (c.opaque !== undefined && c.opaque !== null) params.set('opaque', c.opaque);
  if (c.stale === true) params.set('stale', 'true');
  params.set('algorithm', c.algorithm);
  if (c.qop !== undefined && c.qop.length > 0) params.set('qop', c.qop.join(','));
  if (c.charset !== undefined && c.charset !== null) params.set('charset', c.charset);
  if (c.userhash === true) params.set('userhash', 'true');
  return formatCredentials({ scheme: 'Digest', params, raw: '' }, 'challenge');
}
