/**
 * The server side of SIP digest authentication — RFC 3261 §22.1 (challenge),
 * §22.4 (verification), RFC 7616 §3.3-3.5, RFC 8760 §2.3 (one challenge per
 * offered algorithm, most preferred first).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { type SipRequest, parseUri, uriEquals } from '@trunkline/sip-parser';
import { type DigestAlgorithm, type DigestHashName, hashOf } from './digest-algorithm.js';
import { DigestAuthError } from './digest-auth-error.js';
import { formatDigestChallenge } from './digest-challenge.js';
import { type DigestCredentials, parseDigestCredentials } from './digest-credentials.js';
import { type DigestQop, computeDigest, computeUserhash, parseNonceCount } from './digest-response.js';
import { createNonce, verifyNonce } from './digest-nonce.js';
import { NonceCountTracker } from './nonce-count-tracker.js';

/**
 * What the server knows about a user: the password, or stored H(A1) values
 * (H(username ":" realm ":" password)) per hash function.
 */
export type DigestUserSecret =
  | { readonly password: string; readonly username?: string }
  | { readonly ha1: Readonly<Partial<Record<DigestHashName, string>>>; readonly username?: string };

/**
 * Finds a user's secret. With `userhash` true, `username` is the hash
 * H(username ":" realm) (RFC 7616 §3.4.4) and the secret MUST carry the
 * plain `username`. May be async (a database).
 */
export type DigestPasswordLookup = (
  username: string,
  realm: string,
  userhash: boolean,
) => DigestUserSecret | undefined | Promise<DigestUserSecret | undefined>;

/** Options for {@link DigestServer}. */
export interface DigestServerOptions {
  /** The protection space (RFC 7616 §3.3), e.g. the domain. Required. */
  realm: string;
  /** HMAC key for nonces; share it between servers that verify each other's nonces. Default: 32 random bytes. */
  secret?: Uint8Array | string;
  /** Algorithms offered, most preferred first, one challenge each (RFC 8760 §2.3). Default `['SHA-256', 'MD5']`. */
  algorithms?: readonly DigestAlgorithm[];
  /** qop values offered. Default `['auth']`. */
  qop?: readonly DigestQop[];
  /** Accept RFC 2069 credentials without qop (no replay protection). Default false. */
  allowNoQop?: boolean;
  /**
   * Nonce lifetime in ms (RFC 7616 §3.3, §5.5: limit a nonce's life to limit
   * replays): a right response on an older nonce answers "stale". Positive and
   * finite. Default 300 000 (5 min).
   */
  nonceTtlMs?: number;
  /**
   * Nonces whose counts are tracked for replay (RFC 7616 §3.4, §5.5), least
   * recently used evicted first; a nonce evicted (or issued before one) then
   * answers "stale", never trusted again. Bounds memory under a flood of
   * fresh nonces. Default 10 000.
   */
  maxTrackedNonces?: number;
  /** Out-of-order tolerance of nonce counts, 1-64. Default 32. */
  nonceCountWindow?: number;
  /** `opaque` sent and required back; null for none. Default: 16 random bytes, hex. */
  opaque?: string | null;
  /** Offer `userhash=true` (RFC 7616 §3.4.4). Default false. */
  userhash?: boolean;
  /** Challenge as a proxy: 407 / Proxy-Authenticate / Proxy-Authorization (§22.3). Default false (401, UAS/registrar). */
  proxy?: boolean;
  /** Require the digest-uri to match the Request-URI (RFC 7616 §3.4.6). Default true. */
  checkUri?: boolean;
  /** Random bytes source (nonces, defaults). Default `crypto.randomBytes`. */
  randomBytes?: (size: number) => Uint8Array;
}

/** Why credentials were refused. */
export type DigestVerifyFailure =
  /** No Digest credentials for this realm: send a challenge. */
  | 'NO_CREDENTIALS'
  | 'MALFORMED'
  | 'UNSUPPORTED_ALGORITHM'
  | 'QOP_REQUIRED'
  | 'BAD_NONCE_COUNT'
  | 'OPAQUE_MISMATCH'
  /** Not a nonce of ours (or tampered). */
  | 'UNKNOWN_NONCE'
  | 'URI_MISMATCH'
  | 'UNKNOWN_USER'
  | 'WRONG_RESPONSE';

/** Why a nonce is "stale": re-challenge with `stale=true` and a new nonce. */
export type DigestStaleReason = 'EXPIRED' | 'NONCE_COUNT_REUSED' | 'NONCE_STATE_EVICTED';

/** Outcome of {@link DigestServer.verify}. */
export type DigestVerifyResult =
  | {
      readonly status: 'ok';
      /** The plain user name (resolved through the lookup for userhash). */
      readonly username: string;
      readonly realm: string;
      readonly algorithm: DigestAlgorithm;
      readonly qop: DigestQop | null;
    }
  /** RFC 7616 §3.3: the response was right, the nonce was not: challenge again with `stale=true`. */
  | { readonly status: 'stale'; readonly reason: DigestStaleReason }
  | { readonly status: 'bad'; readonly reason: DigestVerifyFailure };

/** A challenge header to put on the 401/407. */
export interface DigestChallengeHeader {
  readonly name: 'WWW-Authenticate' | 'Proxy-Authenticate';
  readonly value: string;
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Issues digest challenges and verifies credentials — RFC 3261 §22, RFC 7616.
 *
 * Nonces are stateless and self-verifying (an HMAC over their issue time), so
 * any server holding the secret recognises them and knows their age; nonce
 * counts are tracked per nonce in bounded memory to refuse replays.
 * Sans-I/O: the time comes in as `now`.
 *
 * @example
 * const server = new DigestServer({ realm: 'voice.example.com', secret });
 * const r = await server.verify(register, lookup, now);
 * if (r.status !== 'ok') send(createResponse(register, 401, { headers: server.challenge(now, { stale: r.status === 'stale' }).map((h) => [h.name, h.value]) }));
 */
export class DigestServer {
  readonly realm: string;
  readonly #secret: Uint8Array;
  readonly #algorithms: readonly DigestAlgorithm[];
  readonly #qop: readonly DigestQop[];
  readonly #allowNoQop: boolean;
  readonly #ttl: number;
  readonly #opaque: string | null;
  readonly #userhash: boolean;
  readonly #proxy: boolean;
  readonly #checkUri: boolean;
  readonly #random: (size: number) => Uint8Array;
  readonly #counts: NonceCountTracker;

  /** @throws TypeError for invalid options. */
  constructor(options: DigestServerOptions) {
    if (typeof options?.realm !== 'string' || options.realm === '') throw new TypeError('realm is required');
    this.realm = options.realm;
    this.#random = options.randomBytes ?? ((n: number) => randomBytes(n));
    const secret = options.secret ?? this.#random(32);
    this.#secret = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
    if (this.#secret.length === 0) throw new TypeError('secret must not be empty');
    this.#algorithms = options.algorithms ?? ['SHA-256', 'MD5'];
    if (this.#algorithms.length === 0) throw new TypeError('algorithms must not be empty');
    this.#qop = options.qop ?? ['auth'];
    this.#allowNoQop = options.allowNoQop ?? false;
    if (this.#qop.length === 0 && !this.#allowNoQop) throw new TypeError('offering no qop needs allowNoQop: true');
    this.#ttl = options.nonceTtlMs ?? 300_000;
    if (!Number.isFinite(this.#ttl) || this.#ttl <= 0) throw new TypeError('nonceTtlMs must be a positive, finite number of ms');
    this.#opaque = options.opaque === undefined ? hex(this.#random(16)) : options.opaque;
    this.#userhash = options.userhash ?? false;
    this.#proxy = options.proxy ?? false;
    this.#checkUri = options.checkUri ?? true;
    const maxTracked = options.maxTrackedNonces ?? 10_000;
    if (!Number.isInteger(maxTracked) || maxTracked < 1) throw new TypeError('maxTrackedNonces must be a positive integer');
    const window = options.nonceCountWindow ?? 32;
    if (!Number.isInteger(window) || window < 1 || window > 64) throw new TypeError('nonceCountWindow must be an integer 1..64');
    this.#counts = new NonceCountTracker(maxTracked, window);
  }

  /**
   * Nonces whose counts are held now: at most `maxTrackedNonces`. Only a
   * right response adds one; challenges and refused credentials cost no state.
   */
  get trackedNonces(): number {
    return this.#counts.size;
  }

  /** 401 for a UAS/registrar, 407 for a proxy (§22.1, §22.3). */
  get status(): 401 | 407 {
    return this.#proxy ? 407 : 401;
  }

  /** A new nonce issued at `now`. */
  createNonce(now: number): string {
    return createNonce(this.#secret, this.realm, now, this.#random(8));
  }

  /**
   * The challenge headers for a 401/407: one per offered algorithm, most
   * preferred first (RFC 8760 §2.3), sharing one nonce.
   *
   * @param options.stale set after a `stale` verification (RFC 7616 §3.3).
   */
  challenge(now: number, options: { stale?: boolean } = {}): DigestChallengeHeader[] {
    const nonce = this.createNonce(now);
    const name = this.#proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate';
    return this.#algorithms.map((algorithm) => ({
      name,
      value: formatDigestChallenge({
        realm: this.realm,
        nonce,
        opaque: this.#opaque,
        algorithm,
        qop: this.#qop,
        stale: options.stale ?? false,
        userhash: this.#userhash,
      }),
    }));
  }

  /**
   * Verify the request's credentials for this realm — RFC 3261 §22.4,
   * RFC 7616 §3.4-3.5. Never throws for untrusted input.
   *
   * @param now the current time (ms, same clock as {@link challenge}).
   */
  async verify(request: SipRequest, lookup: DigestPasswordLookup, now: number): Promise<DigestVerifyResult> {
    if (request === null || typeof request !== 'object' || request.isRequest !== true) throw new TypeError('expected a SipRequest');
    if (typeof lookup !== 'function') throw new TypeError('lookup must be a function');
    let creds: DigestCredentials | null = null;
    let malformed: DigestVerifyFailure | null = null;
    try {
      for (const value of request.headers.getAll(this.#proxy ? 'Proxy-Authorization' : 'Authorization')) {
        try {
          const c = parseDigestCredentials(value);
          if (c !== null && c.realm === this.realm) {
            creds = c;
            break;
          }
        } catch (e) {
          if (!(e instanceof DigestAuthError)) throw e;
          malformed = e.code === 'DIGEST_UNSUPPORTED_ALGORITHM' ? 'UNSUPPORTED_ALGORITHM' : 'MALFORMED';
        }
      }
    } catch {
      return { status: 'bad', reason: 'MALFORMED' };
    }
    if (creds === null) return { status: 'bad', reason: malformed ?? 'NO_CREDENTIALS' };
    return this.#check(request, creds, lookup, now);
  }

  async #check(request: SipRequest, c: DigestCredentials, lookup: DigestPasswordLookup, now: number): Promise<DigestVerifyResult> {
    const bad = (reason: DigestVerifyFailure): DigestVerifyResult => ({ status: 'bad', reason });
    if (!this.#algorithms.includes(c.algorithm)) return bad('UNSUPPORTED_ALGORITHM');
    let nc: number | null = null;
    if (c.qop === null) {
      if (!this.#allowNoQop) return bad('QOP_REQUIRED');
    } else {
      if (!this.#qop.includes(c.qop)) return bad('QOP_REQUIRED');
      if (c.nc === null || c.cnonce === null) return bad('MALFORMED');
      nc = parseNonceCount(c.nc);
      if (nc === null || nc === 0) return bad('BAD_NONCE_COUNT');
    }
    if (c.algorithm.endsWith('-sess') && c.cnonce === null) return bad('MALFORMED');
    if (this.#opaque !== null && c.opaque !== this.#opaque) return bad('OPAQUE_MISMATCH');
    if (c.userhash && !this.#userhash) return bad('MALFORMED');
    const issuedAt = verifyNonce(this.#secret, this.realm, c.nonce);
    if (issuedAt === null) return bad('UNKNOWN_NONCE');
    if (this.#checkUri && !this.#uriMatches(c.uri, request.requestUri)) return bad('URI_MISMATCH');

    // A failing lookup (the application's store) propagates as is: it is not a bad password.
    const secret = await lookup(c.username, c.realm, c.userhash);
    if (secret === undefined) return bad('UNKNOWN_USER');
    const username = secret.username ?? c.username;
    if (c.userhash && !sameText(computeUserhash(c.algorithm, username, c.realm), c.username)) return bad('UNKNOWN_USER');
    const hash = hashOf(c.algorithm);
    let ds: { password: string } | { ha1: string };
    if ('password' in secret) ds = { password: secret.password };
    else {
      const ha1 = secret.ha1[hash];
      if (ha1 === undefined) return bad('UNSUPPORTED_ALGORITHM');
      ds = { ha1 };
    }
    const expected = computeDigest({
      algorithm: c.algorithm,
      username,
      realm: c.realm,
      secret: ds,
      nonce: c.nonce,
      method: request.method,
      uri: c.uri,
      qop: c.qop,
      body: request.body,
      ...(c.nc === null ? {} : { nc: c.nc }),
      ...(c.cnonce === null ? {} : { cnonce: c.cnonce }),
    }).response;
    if (!sameText(expected, c.response.toLowerCase())) return bad('WRONG_RESPONSE');

    // Only now, with a right response, is an old nonce "stale" (RFC 7616 §3.3).
    if (now - issuedAt > this.#ttl || issuedAt - now > this.#ttl) return { status: 'stale', reason: 'EXPIRED' };
    if (nc !== null) {
      switch (this.#counts.check(c.nonce, issuedAt, nc)) {
        case 'ok':
          break;
        case 'evicted':
          return { status: 'stale', reason: 'NONCE_STATE_EVICTED' };
        case 'replay':
        case 'too-old':
          // A replayed count earns only a fresh nonce, which an attacker cannot use (RFC 7616 §5.5).
          return { status: 'stale', reason: 'NONCE_COUNT_REUSED' };
      }
    }
    return { status: 'ok', username, realm: c.realm, algorithm: c.algorithm, qop: c.qop };
  }

  #uriMatches(digestUri: string, requestUri: string): boolean {
    if (digestUri === requestUri) return true;
    try {
      return uriEquals(parseUri(digestUri), parseUri(requestUri));
    } catch {
      return false;
    }
  }
}
