/**
 * The client side of SIP digest authentication — RFC 3261 §22.2 (UAC to
 * UAS), §22.3 (to proxies), RFC 7616 §3.4, RFC 8760 §2.4 (algorithm choice).
 */
import { randomBytes } from 'node:crypto';
import type { SipRequest, SipResponse } from '@trunkline/sip-parser';
import { type DigestAlgorithm, algorithmStrength } from './digest-algorithm.js';
import { DigestAuthError } from './digest-auth-error.js';
import { type DigestChallenge, parseDigestChallenge } from './digest-challenge.js';
import { type DigestCredentials, formatDigestCredentials, parseDigestCredentials } from './digest-credentials.js';
import { type DigestQop, computeDigest, computeUserhash, formatNonceCount, parseNonceCount } from './digest-response.js';

/** A user's credentials for one realm (or any realm, when `realm` is absent). */
export interface DigestUserCredentials {
  readonly username: string;
  readonly password: string;
  /** Only answer challenges for this realm. Default: any realm. */
  readonly realm?: string;
}

/** Supplies credentials for a realm, or undefined when there are none. */
export type DigestCredentialsLookup = (realm: string) => DigestUserCredentials | undefined;

/** Options of {@link answerChallenge} and {@link DigestClient}. */
export interface DigestClientOptions {
  /** Random bytes for cnonce generation; injected in tests. Default `crypto.randomBytes`. */
  randomBytes?: (size: number) => Uint8Array;
  /** Random bytes per cnonce (hex-encoded, so twice as many characters). Default 16. */
  cnonceBytes?: number;
  /** Algorithms this client accepts. Default: all of RFC 7616 / RFC 8760 (MD5 included for interoperability). */
  algorithms?: readonly DigestAlgorithm[];
  /**
   * Which challenge to answer when one realm offers several algorithms.
   * `strongest` (default): SHA-512-256 > SHA-256 > MD5, the "local policy"
   * RFC 8760 §2.4 allows, because challenges are not integrity-protected and
   * an on-path attacker could reorder them to put MD5 first (RFC 8760 §3).
   * `topmost`: the first supported one, RFC 8760 §2.4's default rule.
   */
  algorithmChoice?: 'strongest' | 'topmost';
  /** Prefer qop=auth-int when offered alongside auth. Default false (auth, which survives body rewriting by B2BUAs). */
  preferAuthInt?: boolean;
  /** Send `userhash` when the server offers it (RFC 7616 §3.4.4). Default true. */
  userhash?: boolean;
}

/** One header to add to the retried (or pre-authenticated) request. */
export interface AuthorizationHeader {
  /** Authorization answers WWW-Authenticate (401), Proxy-Authorization answers Proxy-Authenticate (407). */
  readonly name: 'Authorization' | 'Proxy-Authorization';
  readonly value: string;
  readonly realm: string;
}

type ChallengeHeader = 'WWW-Authenticate' | 'Proxy-Authenticate';
const ANSWER: Readonly<Record<ChallengeHeader, AuthorizationHeader['name']>> = {
  'WWW-Authenticate': 'Authorization',
  'Proxy-Authenticate': 'Proxy-Authorization',
};

interface Chosen {
  readonly header: ChallengeHeader;
  readonly challenge: DigestChallenge;
}

/**
 * The challenges to answer: per (header, realm) one — the strongest
 * supported algorithm, or the topmost supported one (RFC 8760 §2.4); ties go
 * to the earlier challenge, so the server's order (§2.3) still decides among
 * equals. Both header names are read whatever the status: a forking proxy
 * merges 401 and 407 challenges (RFC 3261 §16.7 step 6).
 */
function chooseChallenges(response: SipResponse, accepted: readonly DigestAlgorithm[], choice: 'strongest' | 'topmost'): Chosen[] {
  const best = new Map<string, Chosen>();
  let lastError: DigestAuthError | undefined;
  for (const header of ['Proxy-Authenticate', 'WWW-Authenticate'] as const) {
    for (const value of response.headers.getAll(header)) {
      let challenge: DigestChallenge | null;
      try {
        challenge = parseDigestChallenge(value);
      } catch (e) {
        // One bad or unknown-algorithm challenge must not hide a usable one beside it.
        if (e instanceof DigestAuthError) {
          lastError = e;
          continue;
        }
        throw e;
      }
      if (challenge === null || !accepted.includes(challenge.algorithm)) continue;
      const key = `${header}\u0000${challenge.realm}`;
      const prev = best.get(key);
      const better = prev === undefined || (choice === 'strongest' && algorithmStrength(challenge.algorithm) > algorithmStrength(prev.challenge.algorithm));
      if (better) {
        best.set(key, { header, challenge });
      }
    }
  }
  if (best.size === 0) {
    throw new DigestAuthError('NO_USABLE_CHALLENGE', `${response.status} carries no Digest challenge this client can answer`, {
      cause: lastError,
    });
  }
  return [...best.values()];
}

function chooseQop(challenge: DigestChallenge, preferAuthInt: boolean): DigestQop | null {
  if (challenge.qop.length === 0) return null; // RFC 2069 compatibility
  if (preferAuthInt && challenge.qop.includes('auth-int')) return 'auth-int';
  return challenge.qop.includes('auth') ? 'auth' : 'auth-int';
}

function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Everything needed to compute credentials for one realm. */
interface RealmState {
  readonly header: AuthorizationHeader['name'];
  readonly challenge: DigestChallenge;
  readonly user: DigestUserCredentials;
  readonly qop: DigestQop | null;
  readonly cnonce: string;
  /** The nonce came with `stale=true`: a second `stale` for its first use is not retried. */
  readonly fromStale: boolean;
  /** Last nonce count used with this nonce. */
  nc: number;
}

function credentialsFor(state: RealmState, request: SipRequest, nc: number, userhashEnabled: boolean): AuthorizationHeader {
  const ch = state.challenge;
  const ncText = state.qop === null ? null : formatNonceCount(nc);
  const uri = request.requestUri; // RFC 3261 §22.4: digest-uri is the Request-URI as sent
  const needCnonce = state.qop !== null || ch.algorithm.endsWith('-sess');
  const input = {
    algorithm: ch.algorithm,
    username: state.user.username,
    realm: ch.realm,
    secret: { password: state.user.password },
    nonce: ch.nonce,
    method: request.method,
    uri,
    qop: state.qop,
    body: request.body,
    ...(ncText === null ? {} : { nc: ncText }),
    ...(needCnonce ? { cnonce: state.cnonce } : {}),
  };
  const { response } = computeDigest(input);
  const userhash = ch.userhash && userhashEnabled;
  const creds: DigestCredentials = {
    username: userhash ? computeUserhash(ch.algorithm, state.user.username, ch.realm) : state.user.username,
    realm: ch.realm,
    nonce: ch.nonce,
    uri,
    response,
    algorithm: ch.algorithm,
    qop: state.qop,
    nc: ncText,
    cnonce: needCnonce ? state.cnonce : null,
    opaque: ch.opaque,
    userhash,
  };
  return { name: state.header, value: formatDigestCredentials(creds), realm: ch.realm };
}

interface ResolvedOptions {
  readonly randomBytes: (size: number) => Uint8Array;
  readonly cnonceBytes: number;
  readonly algorithms: readonly DigestAlgorithm[];
  readonly preferAuthInt: boolean;
  readonly userhash: boolean;
  readonly algorithmChoice: 'strongest' | 'topmost';
}

function resolveOptions(o: DigestClientOptions): ResolvedOptions {
  const algorithms = o.algorithms ?? ['SHA-512-256', 'SHA-512-256-sess', 'SHA-256', 'SHA-256-sess', 'MD5', 'MD5-sess'];
  if (algorithms.length === 0) throw new TypeError('algorithms must not be empty');
  const cnonceBytes = o.cnonceBytes ?? 16;
  if (!Number.isInteger(cnonceBytes) || cnonceBytes < 4) throw new TypeError('cnonceBytes must be an integer ≥ 4');
  return {
    randomBytes: o.randomBytes ?? ((n: number) => randomBytes(n)),
    cnonceBytes,
    algorithms,
    preferAuthInt: o.preferAuthInt ?? false,
    userhash: o.userhash ?? true,
    algorithmChoice: o.algorithmChoice ?? 'strongest',
  };
}

function lookupUser(credentials: DigestUserCredentials | DigestCredentialsLookup, realm: string): DigestUserCredentials {
  const user = typeof credentials === 'function' ? credentials(realm) : credentials;
  if (user === undefined || (user.realm !== undefined && user.realm !== realm)) {
    throw new DigestAuthError('DIGEST_NO_CREDENTIALS', `no credentials for realm "${realm}"`, { realm });
  }
  return user;
}

function checkExchange(response: SipResponse, request: SipRequest): void {
  if (response === null || typeof response !== 'object' || response.isRequest !== false) throw new TypeError('expected a SipResponse');
  if (request === null || typeof request !== 'object' || request.isRequest !== true) throw new TypeError('expected a SipRequest');
}

/**
 * Answer the challenges of a 401/407 for `request` — RFC 3261 §22.2, §22.3:
 * one Authorization (for WWW-Authenticate) or Proxy-Authorization (for
 * Proxy-Authenticate) per challenged realm, each with the strongest algorithm
 * offered for that realm (RFC 8760 §2.4), nc=00000001 and a fresh cnonce.
 *
 * Stateless; {@link DigestClient} adds the per-realm cache, nonce counts,
 * stale handling and pre-authentication.
 *
 * @throws DigestAuthError NO_USABLE_CHALLENGE, DIGEST_NO_CREDENTIALS.
 * @example
 * for (const h of answerChallenge(res401, register, { username: 'agent', password })) retry.headers.append(h.name, h.value);
 */
export function answerChallenge(
  challengeResponse: SipResponse,
  request: SipRequest,
  credentials: DigestUserCredentials | DigestCredentialsLookup,
  options: DigestClientOptions = {},
): AuthorizationHeader[] {
  checkExchange(challengeResponse, request);
  const o = resolveOptions(options);
  return chooseChallenges(challengeResponse, o.algorithms, o.algorithmChoice).map(({ header, challenge }) => {
    const state: RealmState = {
      header: ANSWER[header],
      challenge,
      user: lookupUser(credentials, challenge.realm),
      qop: chooseQop(challenge, o.preferAuthInt),
      cnonce: hex(o.randomBytes(o.cnonceBytes)),
      fromStale: false,
      nc: 1,
    };
    return credentialsFor(state, request, 1, o.userhash);
  });
}

/** The Digest credentials `request` already carries for `realm` under `name`, if any. */
function sentCredentials(request: SipRequest, name: AuthorizationHeader['name'], realm: string): DigestCredentials | null {
  for (const value of request.headers.getAll(name)) {
    try {
      const c = parseDigestCredentials(value);
      if (c !== null && c.realm === realm) return c;
    } catch {
      // Whatever we cannot read, we did not send; ignore it.
    }
  }
  return null;
}

/**
 * A UAC's digest state: credentials cache per realm, nonce counts, and
 * pre-authentication of later requests — RFC 3261 §22.2-22.3, RFC 7616 §3.4.
 *
 * - `handleChallenge(401/407, request)` returns the headers for the retry.
 * - A `stale=true` challenge (RFC 7616 §3.3) is answered with the new nonce
 *   and the cached credentials, without calling the lookup again — once: a
 *   second `stale=true` for the first use of that new nonce is
 *   {@link DigestAuthError} `DIGEST_STALE_REPEATED` (no retry loop).
 * - A challenge for a realm the challenged request already answered, without
 *   `stale`, for the same nonce or for our first use of a nonce (nc=1), means
 *   the credentials were refused: {@link DigestAuthError} `DIGEST_AUTH_REJECTED`
 *   (§22.2: do not retry with the same credentials).
 * - `authorize(request)` pre-authenticates with the cached nonce, counting nc up.
 *
 * @example
 * const auth = new DigestClient({ username: 'agent', password });
 * setAuthorization(retry, auth.handleChallenge(res401, register));
 * setAuthorization(nextRegister, auth.authorize(nextRegister));
 */
export class DigestClient {
  readonly #credentials: DigestUserCredentials | DigestCredentialsLookup;
  readonly #options: ResolvedOptions;
  readonly #realms = new Map<string, RealmState>();

  /** @throws TypeError for invalid options or credentials. */
  constructor(credentials: DigestUserCredentials | DigestCredentialsLookup, options: DigestClientOptions = {}) {
    if (typeof credentials !== 'function' && (typeof credentials?.username !== 'string' || typeof credentials.password !== 'string')) {
      throw new TypeError('credentials must be { username, password } or a lookup function');
    }
    this.#credentials = credentials;
    this.#options = resolveOptions(options);
  }

  /** Realms with cached state. */
  get realms(): string[] {
    return [...new Set([...this.#realms.values()].map((s) => s.challenge.realm))];
  }

  /**
   * Take in a 401/407 for `request` and return the headers for the retry:
   * the challenged realms answered, other cached realms pre-authenticated.
   *
   * @throws DigestAuthError NO_USABLE_CHALLENGE, DIGEST_NO_CREDENTIALS, DIGEST_AUTH_REJECTED, DIGEST_STALE_REPEATED.
   */
  handleChallenge(challengeResponse: SipResponse, request: SipRequest): AuthorizationHeader[] {
    checkExchange(challengeResponse, request);
    const chosen = chooseChallenges(challengeResponse, this.#options.algorithms, this.#options.algorithmChoice);
    const updates: Array<[string, RealmState]> = [];
    for (const { header, challenge } of chosen) {
      const name = ANSWER[header];
      const key = `${name}\u0000${challenge.realm}`;
      const prev = this.#realms.get(key);
      const sent = sentCredentials(request, name, challenge.realm);
      const firstUse = sent !== null && (sent.nc === null || parseNonceCount(sent.nc) === 1);
      let user: DigestUserCredentials;
      if (sent !== null && challenge.stale && prev !== undefined) {
        // RFC 7616 §3.3: stale — the credentials were right, only the nonce aged; retry
        // silently, but once: a stale nonce that was fresh when we first used it means a
        // server that would never accept us (clock or TTL trouble, or a hostile peer).
        if (prev.fromStale && firstUse && sent.nonce === prev.challenge.nonce) {
          this.#realms.delete(key);
          throw new DigestAuthError('DIGEST_STALE_REPEATED', `realm "${challenge.realm}" answered stale=true to the nonce it had just issued`, {
            realm: challenge.realm,
          });
        }
        user = prev.user;
      } else {
        if (sent !== null && !challenge.stale) {
          if (sent.nonce === challenge.nonce || firstUse) {
            this.#realms.delete(key);
            throw new DigestAuthError('DIGEST_AUTH_REJECTED', `credentials for realm "${challenge.realm}" were rejected`, {
              realm: challenge.realm,
            });
          }
        }
        user = lookupUser(this.#credentials, challenge.realm);
      }
      updates.push([
        key,
        {
          header: name,
          challenge,
          user,
          qop: chooseQop(challenge, this.#options.preferAuthInt),
          cnonce: hex(this.#options.randomBytes(this.#options.cnonceBytes)),
          fromStale: challenge.stale,
          nc: 0,
        },
      ]);
    }
    // Commit only once every challenge was answerable.
    for (const [key, state] of updates) this.#realms.set(key, state);
    return this.authorize(request);
  }

  /**
   * Credentials for every cached realm, for a new request (pre-authentication,
   * RFC 3261 §22.3 / RFC 7616 §3.4: the same nonce with the next nc).
   */
  authorize(request: SipRequest): AuthorizationHeader[] {
    if (request === null || typeof request !== 'object' || request.isRequest !== true) throw new TypeError('expected a SipRequest');
    const out: AuthorizationHeader[] = [];
    for (const state of this.#realms.values()) {
      state.nc++;
      out.push(credentialsFor(state, request, state.nc, this.#options.userhash));
    }
    return out;
  }

  /** Drop the cached state of `realm`, or of every realm. */
  forget(realm?: string): void {
    if (realm === undefined) this.#realms.clear();
    else for (const [k, s] of this.#realms) if (s.challenge.realm === realm) this.#realms.delete(k);
  }
}

/**
 * Put `headers` on `request`, replacing any Authorization / Proxy-Authorization
 * lines it carries (a retried request is a new request, §22.2).
 */
export function setAuthorization(request: SipRequest, headers: readonly AuthorizationHeader[]): void {
  request.headers.remove('Authorization');
  request.headers.remove('Proxy-Authorization');
  for (const h of headers) request.headers.append(h.name, h.value);
}
