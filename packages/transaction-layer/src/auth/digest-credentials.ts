/**
 * Digest credentials (Authorization / Proxy-Authorization) — RFC 3261
 * §20.7, §20.28, §22.2-22.4; parameters per RFC 7616 §3.4.
 *
 * ```abnf
 * credentials     = ("Digest" LWS digest-response) / other-response
 * digest-response = dig-resp *(COMMA dig-resp)
 * dig-resp        = username / realm / nonce / digest-uri / dresponse / algorithm
 *                   / cnonce / opaque / message-qop / nonce-count / auth-param
 * ```
 */
import { formatCredentials, parseCredentials } from '@trunkline/sip-parser';
import { type DigestAlgorithm, parseDigestAlgorithm } from './digest-algorithm.js';
import { DigestAuthError } from './digest-auth-error.js';
import type { DigestQop } from './digest-response.js';

/** A decoded Digest Authorization / Proxy-Authorization value. */
export interface DigestCredentials {
  /** The user name, or its userhash when `userhash` is true (RFC 7616 §3.4.4). */
  readonly username: string;
  readonly realm: string;
  readonly nonce: string;
  readonly uri: string;
  readonly response: string;
  readonly algorithm: DigestAlgorithm;
  readonly qop: DigestQop | null;
  readonly nc: string | null;
  readonly cnonce: string | null;
  readonly opaque: string | null;
  readonly userhash: boolean;
}

/**
 * Decode one Authorization / Proxy-Authorization value.
 *
 * @returns null for a scheme other than Digest.
 * @throws DigestAuthError DIGEST_BAD_CHALLENGE (malformed, missing parameter, unknown
 *   qop), DIGEST_UNSUPPORTED_ALGORITHM.
 */
export function parseDigestCredentials(value: string): DigestCredentials | null {
  let c;
  try {
    c = parseCredentials(value, 'Authorization');
  } catch (e) {
    throw new DigestAuthError('DIGEST_BAD_CHALLENGE', `credentials do not parse: ${(e as Error).message}`, { cause: e });
  }
  if (c.scheme.toLowerCase() !== 'digest') return null;
  const p = c.params;
  const need = (name: string): string => {
    const v = p.get(name);
    if (v === undefined) throw new DigestAuthError('DIGEST_BAD_CHALLENGE', `Digest credentials lack "${name}" (RFC 7616 §3.4)`);
    return v;
  };
  const realm = need('realm');
  const algorithm = parseDigestAlgorithm(p.get('algorithm'));
  if (algorithm === null) throw new DigestAuthError('DIGEST_UNSUPPORTED_ALGORITHM', `algorithm ${p.get('algorithm') ?? ''} is not supported`, { realm });
  const qopText = p.get('qop')?.toLowerCase();
  if (qopText !== undefined && qopText !== 'auth' && qopText !== 'auth-int') {
    throw new DigestAuthError('DIGEST_BAD_CHALLENGE', `qop=${qopText} is not auth or auth-int`, { realm });
  }
  return {
    username: need('username'),
    realm,
    nonce: need('nonce'),
    uri: need('uri'),
    response: need('response'),
    algorithm,
    qop: qopText ?? null,
    nc: p.get('nc') ?? null,
    cnonce: p.get('cnonce') ?? null,
    opaque: p.get('opaque') ?? null,
    userhash: p.get('userhash')?.toLowerCase() === 'true',
  };
}

/**
 * Write a credentials value in the order of RFC 3261 §22.4's examples;
 * quoting per §25.1 (algorithm, qop and nc as tokens).
 */
export function formatDigestCredentials(c: DigestCredentials): string {
  const params = new Map<string, string>();
  params.set('username', c.username);
  params.set('realm', c.realm);
  params.set('nonce', c.nonce);
  params.set('uri', c.uri);
  params.set('response', c.response);
  params.set('algorithm', c.algorithm);
  if (c.cnonce !== null) params.set('cnonce', c.cnonce);
  if (c.opaque !== null) params.set('opaque', c.opaque);
  if (c.qop !== null) params.set('qop', c.qop);
  if (c.nc !== null) params.set('nc', c.nc);
  if (c.userhash) params.set('userhash', 'true');
  return formatCredentials({ scheme: 'Digest', params, raw: '' }, 'credentials');
}
