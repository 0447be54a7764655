/**
 * The digest computation — RFC 7616 §3.4.1-3.4.3 (`response`, A1, A2),
 * RFC 2617 §3.2.2 (MD5-sess, auth-int), RFC 2069 §2.1.2 (no qop), as
 * required for SIP by RFC 3261 §22.4 and RFC 8760 §2.
 *
 * ```
 * qop = auth | auth-int : response = KD(H(A1), nonce ":" nc ":" cnonce ":" qop ":" H(A2))
 * no qop (RFC 2069)     : response = KD(H(A1), nonce ":" H(A2))
 * A1 = username ":" realm ":" passwd                          (plain)
 * A1 = H(username ":" realm ":" passwd) ":" nonce ":" cnonce  (-sess)
 * A2 = method ":" digest-uri                                  (auth / none)
 * A2 = method ":" digest-uri ":" H(entity-body)               (auth-int)
 * KD(secret, data) = H(secret ":" data)
 * ```
 */
import { type DigestAlgorithm, type DigestHashName, digestHash, hashOf, isSessionAlgorithm } from './digest-algorithm.js';

/** Quality of protection — RFC 7616 §3.3. */
export type DigestQop = 'auth' | 'auth-int';

/** The shared secret: the password, or the stored H(username ":" realm ":" password) for the algorithm's hash. */
export type DigestSecret = { readonly password: string } | { readonly ha1: string };

/** Inputs of {@link computeDigest}. */
export interface DigestInput {
  readonly algorithm: DigestAlgorithm;
  /** The user name (not the userhash; hashing it is a separate step, RFC 7616 §3.4.4). */
  readonly username: string;
  readonly realm: string;
  readonly secret: DigestSecret;
  readonly nonce: string;
  /** The request's method. */
  readonly method: string;
  /** The `uri` parameter (digest-uri), normally the Request-URI as sent. */
  readonly uri: string;
  /** Null for RFC 2069 compatibility (no qop in the challenge). */
  readonly qop: DigestQop | null;
  /** Nonce count as 8 hex digits; required with qop. */
  readonly nc?: string;
  /** Client nonce; required with qop and with `-sess`. */
  readonly cnonce?: string;
  /** The message body, for auth-int. Default: empty. */
  readonly body?: Uint8Array;
}

/** The intermediate and final values, all lower-case hex. */
export interface DigestComputation {
  readonly ha1: string;
  readonly ha2: string;
  readonly response: string;
}

/** H(username ":" realm ":" password) — the non-session H(A1), what a server may store instead of the password. */
export function computeHA1(hash: DigestHashName, username: string, realm: string, password: string): string {
  return digestHash(hash, `${username}:${realm}:${password}`);
}

/** `userhash` — RFC 7616 §3.4.4: H(username ":" realm), sent in place of the username. */
export function computeUserhash(algorithm: DigestAlgorithm, username: string, realm: string): string {
  return digestHash(hashOf(algorithm), `${username}:${realm}`);
}

/** nc-value — RFC 7616 §3.4: the count as exactly 8 lower-case hex digits. */
export function formatNonceCount(count: number): string {
  if (!Number.isInteger(count) || count < 1 || count > 0xffff_ffff) throw new TypeError('nonce count must be an integer 1..2^32-1');
  return count.toString(16).padStart(8, '0');
}

/** The count in an nc-value, or null when it is not 8 hex digits. */
export function parseNonceCount(nc: string): number | null {
  return /^[0-9a-fA-F]{8}$/.test(nc) ? Number.parseInt(nc, 16) : null;
}

const EMPTY = new Uint8Array(0);

/**
 * Compute H(A1), H(A2) and `response` — RFC 7616 §3.4.1.
 *
 * @throws TypeError when qop is set without nc/cnonce, or `-sess` without cnonce.
 * @example
 * computeDigest({ algorithm: 'MD5', username: 'agent', realm: 'voice.example.com',
 *   secret: { password: 's3cr3t-pa55' }, nonce, method: 'REGISTER', uri: 'sips:voice.example.com',
 *   qop: 'auth', nc: '00000001', cnonce: '0a4f113b' }).response
 */
export function computeDigest(input: DigestInput): DigestComputation {
  const hash = hashOf(input.algorithm);
  const base = 'password' in input.secret ? computeHA1(hash, input.username, input.realm, input.secret.password) : input.secret.ha1.toLowerCase();
  let ha1 = base;
  if (isSessionAlgorithm(input.algorithm)) {
    // RFC 7616 §3.4.2 / RFC 2617 §3.2.2.2: A1 for -sess binds nonce and cnonce.
    if (input.cnonce === undefined) throw new TypeError(`${input.algorithm} needs a cnonce`);
    ha1 = digestHash(hash, `${base}:${input.nonce}:${input.cnonce}`);
  }
  // RFC 7616 §3.4.3: auth-int adds H(entity-body); RFC 3261 §22.4 hashes an empty body as "".
  const a2 =
    input.qop === 'auth-int'
      ? `${input.method}:${input.uri}:${digestHash(hash, input.body ?? EMPTY)}`
      : `${input.method}:${input.uri}`;
  const ha2 = digestHash(hash, a2);
  let response: string;
  if (input.qop === null) {
    response = digestHash(hash, `${ha1}:${input.nonce}:${ha2}`); // RFC 2069 §2.1.2
  } else {
    if (input.nc === undefined || input.cnonce === undefined) throw new TypeError('qop needs nc and cnonce');
    response = digestHash(hash, `${ha1}:${input.nonce}:${input.nc}:${input.cnonce}:${input.qop}:${ha2}`);
  }
  return { ha1, ha2, response };
}
