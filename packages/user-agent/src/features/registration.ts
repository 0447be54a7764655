/**
 * A REGISTER client — RFC 3261 §10.2 — as a pure machine for one binding
 * (one AOR + Contact at one registrar, its own Call-ID and CSeq).
 *
 * It builds the REGISTER requests and reads their final responses; the
 * caller sends them (a `SipEndpoint` adds the Via) and feeds back responses,
 * transaction failures and the clock:
 *
 * - 401/407 are answered with the transaction layer's `DigestClient`
 *   (§22.2; later refreshes pre-authenticate with the cached nonce).
 * - 423 Interval Too Brief: retried with the Min-Expires asked (§10.2.8).
 * - 2xx: the granted expiry is the Contact's `expires` for our binding,
 *   else the Expires header, else what we asked (§10.2.4). The refresh goes
 *   out at min(granted/2, granted − margin), never earlier than granted/3,
 *   counted from when the REGISTER was sent (the registrar's clock started
 *   no earlier), so a binding never lapses while a refresh is under way.
 * - Other failures, timeouts and transport errors: retried after an
 *   exponential backoff with jitter (RFC 5626 §4.5): W = min(max, base·2^n)
 *   for the n-th consecutive failure, the wait drawn uniformly from [W/2, W];
 *   a Retry-After (§20.33) on the response is honoured instead when longer.
 * - `close()` removes the binding with Expires: 0 (§10.2.2), after the
 *   REGISTER in flight completes (§10.2: one REGISTER at a time per Call-ID).
 */
import { TrunklineError } from '@trunkline/errors';
import {
  SipParseError,
  createRequest,
  findParam,
  parseExpires,
  parseRetryAfter,
  parseUri,
  uriEquals,
  type NameAddr,
  type SipRequest,
  type SipResponse,
  type Uri,
} from '@trunkline/sip-parser';
import {
  DigestAuthError,
  DigestClient,
  setAuthorization,
  type AuthorizationHeader,
  type DigestClientOptions,
  type DigestCredentialsLookup,
  type DigestUserCredentials,
} from '@trunkline/transaction-layer';
import { randomToken } from '../sip-helpers.js';

/** Codes of {@link RegistrationError}, unique across Trunkline. */
export type RegistrationErrorCode =
  /** The registrar answered a final 3xx-6xx we could not act on; `status` says which. */
  | 'REGISTRATION_REJECTED'
  /** No final response: Timer F, or the request could not be sent. */
  | 'REGISTRATION_TIMEOUT'
  /** A 401/407 we could not answer (no credentials, no usable challenge) or whose answer was refused. */
  | 'REGISTRATION_AUTH_FAILED'
  /** 423 without a Min-Expires larger than what we asked (§10.2.8). */
  | 'REGISTRATION_INTERVAL_TOO_BRIEF'
  /** A 2xx that grants our Contact 0 seconds: nothing is bound. */
  | 'REGISTRATION_NOT_BOUND';

/** Why a registration attempt failed. `status` is the registrar's final status, null without one. */
export class RegistrationError extends TrunklineError<RegistrationErrorCode> {
  /** The final status of the failed attempt, or null (timeout, transport error). */
  readonly status: number | null;

  constructor(code: RegistrationErrorCode, message: string, status: number | null, options: { cause?: unknown } = {}) {
    super(code, message, options);
    this.status = status;
  }
}

/** Backoff of failed attempts (RFC 5626 §4.5). */
export interface RegistrationRetryOptions {
  /** base-time (ms). Default 30 000 (RFC 5626 §4.5, when no flow works). */
  readonly baseMs?: number;
  /** max-time (ms). Default 1 800 000 (30 minutes). */
  readonly maxMs?: number;
}

/** Options of {@link Registration}. */
export interface RegistrationOptions {
  /** The registrar's URI, the Request-URI of every REGISTER (§10.2: e.g. `sip:example.com`). Required. */
  readonly registrar: string;
  /** The address of record, in To and From (§10.2). Required. */
  readonly aor: string;
  /** The Contact URI to bind (where requests for the AOR should reach us). Required. */
  readonly contact: string;
  /** Expiry asked for, seconds. Default 3600 (§10.2.1.1's usual value). */
  readonly expires?: number;
  /** Digest credentials for 401/407 (§22.2). Default none: a challenge fails with REGISTRATION_AUTH_FAILED. */
  readonly credentials?: DigestUserCredentials | DigestCredentialsLookup;
  /** Options of the `DigestClient`. Default its defaults. */
  readonly digest?: DigestClientOptions;
  /** Refresh at least this long before the binding expires, seconds. Default 30. */
  readonly refreshMarginSeconds?: number;
  /** Backoff of failed attempts. */
  readonly retry?: RegistrationRetryOptions;
  /** Call-ID of every REGISTER of this binding (§10.2: SHOULD stay the same). Default random. */
  readonly callId?: string;
  /** From tag. Default random. */
  readonly fromTag?: string;
  /** Extra header fields on every REGISTER (User-Agent, ...). Default none. */
  readonly headers?: ReadonlyArray<readonly [string, string]>;
  /** Uniform [0, 1) source for the backoff jitter. Default `Math.random`. */
  readonly random?: () => number;
}

/** Where the machine is. */
export type RegistrationState =
  /** Not started. */
  | 'idle'
  /** A REGISTER is in flight and nothing is bound yet (or the binding lapsed). */
  | 'registering'
  /** The binding holds (a refresh may be in flight). */
  | 'registered'
  /** An attempt failed; waiting for the backoff to retry. */
  | 'waiting'
  /** The Expires: 0 REGISTER of `close()` is in flight (or waits for the one before it). */
  | 'unregistering'
  /** Done. */
  | 'closed';

/** What the machine asks of its driver, and what it reports. */
export type RegistrationOutput =
  /** Send this REGISTER in a new client transaction (no Via yet: the endpoint adds it). */
  | { readonly type: 'send'; readonly request: SipRequest }
  /** The registrar bound our Contact for `expires` seconds (after every successful (re)registration). */
  | { readonly type: 'registered'; readonly expires: number; readonly bindings: readonly NameAddr[] }
  /** The binding is gone: removed by `close()`, or lapsed while refreshes failed. */
  | { readonly type: 'unregistered'; readonly reason: 'closed' | 'expired' }
  /** An attempt failed; `retryAt` (ms) is when the next starts, null when none will (closing). */
  | { readonly type: 'failed'; readonly error: RegistrationError; readonly retryAt: number | null }
  /** The machine is closed: nothing more will happen. */
  | { readonly type: 'closed' };

interface InFlight {
  readonly request: SipRequest;
  readonly cseq: number;
  readonly sentAt: number;
  readonly removal: boolean;
  /** 401/407 rounds answered in this attempt. */
  readonly authRounds: number;
  /** 423 rounds in this attempt. */
  readonly briefRounds: number;
}

/** Challenges answered per attempt: the challenge, and one stale/renewed nonce. */
const MAX_AUTH_ROUNDS = 2;
/** 423 answers retried per attempt (each must raise the interval). */
const MAX_BRIEF_ROUNDS = 2;

function positive(name: string, v: number | undefined, def: number, min = 1): number {
  const x = v ?? def;
  if (typeof x !== 'number' || !Number.isFinite(x) || x < min) throw new TypeError(`${name} must be a number ≥ ${min}, got ${String(x)}`);
  return x;
}

/**
 * One registration binding as a sans-I/O machine.
 *
 * @example
 * const reg = new Registration({ registrar: 'sip:example.com', aor: 'sip:alice@example.com',
 *   contact: 'sip:alice@203.0.113.10:5060', credentials: { username: 'alice', password } });
 * handle(reg.start(now));                   // → { type: 'send', request }
 * handle(reg.receiveResponse(final, now));  // → send (auth retry) / registered / failed
 * handle(reg.tick(now));                    // at reg.nextDeadline: refresh or retry
 * handle(reg.close(now));                   // Expires: 0
 */
export class Registration {
  readonly registrar: string;
  readonly aor: string;
  readonly contact: string;
  readonly callId: string;
  readonly #contactUri: Uri;
  readonly #fromTag: string;
  readonly #digest: DigestClient | null;
  readonly #marginMs: number;
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #headers: ReadonlyArray<readonly [string, string]>;
  readonly #random: () => number;
  #expires: number;
  #state: RegistrationState = 'idle';
  #cseq = 0;
  #inFlight: InFlight | null = null;
  #closing = false;
  #failures = 0;
  /** When the current binding lapses (ms), or null when nothing is bound. */
  #boundUntil: number | null = null;
  /** When the next REGISTER (refresh or retry) is due, or null. */
  #nextAt: number | null = null;

  /** @throws TypeError for invalid options (URIs that do not parse included). */
  constructor(options: RegistrationOptions) {
    if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
    for (const name of ['registrar', 'aor', 'contact'] as const) {
      const v = options[name];
      if (typeof v !== 'string' || v === '') throw new TypeError(`options.${name} must be a non-empty URI string`);
      try {
        parseUri(v);
      } catch (e) {
        throw new TypeError(`options.${name} is not a URI: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
    }
    this.registrar = options.registrar;
    this.aor = options.aor;
    this.contact = options.contact;
    this.#contactUri = parseUri(options.contact);
    this.#expires = positive('options.expires', options.expires, 3600);
    if (!Number.isInteger(this.#expires)) throw new TypeError('options.expires must be an integer');
    this.#marginMs = positive('options.refreshMarginSeconds', options.refreshMarginSeconds, 30, 0) * 1000;
    this.#baseMs = positive('options.retry.baseMs', options.retry?.baseMs, 30_000);
    this.#maxMs = positive('options.retry.maxMs', options.retry?.maxMs, 1_800_000);
    if (this.#maxMs < this.#baseMs) throw new TypeError('options.retry.maxMs must be ≥ options.retry.baseMs');
    this.callId = options.callId ?? `${randomToken(12)}@trunkline`;
    this.#fromTag = options.fromTag ?? randomToken(6);
    this.#digest = options.credentials === undefined ? null : new DigestClient(options.credentials, options.digest ?? {});
    this.#headers = options.headers ?? [];
    if (options.random !== undefined && typeof options.random !== 'function') throw new TypeError('options.random must be a function');
    this.#random = options.random ?? Math.random;
  }

  /** Where the machine is. */
  get state(): RegistrationState {
    return this.#state;
  }

  /** True while the registrar holds our binding. */
  get registered(): boolean {
    return this.#boundUntil !== null;
  }

  /** When the binding lapses unless refreshed (ms), or null. */
  get boundUntil(): number | null {
    return this.#boundUntil;
  }

  /** The expiry we ask for (raised by 423 answers). */
  get expires(): number {
    return this.#expires;
  }

  /** Consecutive failed attempts. */
  get failures(): number {
    return this.#failures;
  }

  /** The earliest deadline (ms): a refresh, a retry or the binding's lapse; null when none. */
  get nextDeadline(): number | null {
    const a = this.#inFlight === null ? this.#nextAt : null;
    const b = this.#boundUntil;
    if (a === null) return b;
    return b === null ? a : Math.min(a, b);
  }

  /** Sends the first REGISTER. Idempotent once started. */
  start(now: number): RegistrationOutput[] {
    checkNow(now);
    if (this.#state !== 'idle') return [];
    return [this.#send(now, false, 0, 0)];
  }

  /**
   * The final response to the REGISTER in flight. Provisional responses and
   * responses to an earlier REGISTER (CSeq mismatch) are ignored.
   */
  receiveResponse(response: SipResponse, now: number): RegistrationOutput[] {
    checkNow(now);
    if (response === null || typeof response !== 'object' || response.isRequest !== false) throw new TypeError('response must be a SipResponse');
    const f = this.#inFlight;
    if (f === null || response.status < 200 || response.cseq?.seq !== f.cseq || response.cseq.method !== 'REGISTER') return [];
    this.#inFlight = null;
    const status = response.status;
    if (status === 401 || status === 407) return this.#challenged(f, response, now);
    if (status === 423 && !f.removal) return this.#tooBrief(f, response, now);
    if (status >= 300) {
      return this.#failed(new RegistrationError('REGISTRATION_REJECTED', `REGISTER answered ${status} ${response.reason}`, status), now, retryAfterMs(response));
    }
    if (f.removal) return this.#finish(true);
    return this.#bound(f, response, now);
  }

  /** The REGISTER in flight got no final response (Timer F, transport error). */
  requestFailed(now: number, cause?: unknown): RegistrationOutput[] {
    checkNow(now);
    const f = this.#inFlight;
    if (f === null) return [];
    this.#inFlight = null;
    const error = new RegistrationError('REGISTRATION_TIMEOUT', 'REGISTER got no final response', null, { cause });
    if (f.removal) return [{ type: 'failed', error, retryAt: null }, ...this.#finish(false)];
    return this.#failed(error, now, 0);
  }

  /** Work due at `now`: the binding lapsing, a refresh, a retry. */
  tick(now: number): RegistrationOutput[] {
    checkNow(now);
    const out: RegistrationOutput[] = [];
    if (this.#boundUntil !== null && now >= this.#boundUntil) {
      this.#boundUntil = null;
      if (this.#state === 'registered') this.#state = this.#inFlight === null ? 'waiting' : 'registering';
      out.push({ type: 'unregistered', reason: 'expired' });
    }
    if (this.#inFlight === null && this.#nextAt !== null && now >= this.#nextAt && !this.#closing) {
      this.#nextAt = null;
      out.push(this.#send(now, false, 0, 0));
    }
    return out;
  }

  /**
   * Registers again now, out of schedule: the flow the binding was made over
   * failed (RFC 5626 §4.4.1: no CRLF pong; §4.5: form a new flow). Nothing
   * when a REGISTER is already in flight, before start() or while closing.
   */
  refreshNow(now: number): RegistrationOutput[] {
    checkNow(now);
    if (this.#state === 'idle' || this.#closing || this.#state === 'closed' || this.#inFlight !== null) return [];
    this.#nextAt = null;
    return [this.#send(now, false, 0, 0)];
  }

  /**
   * Removes the binding (Expires: 0, §10.2.2) and closes: at once when
   * nothing is bound or in flight, else after the REGISTER in flight
   * completes. Ends with a `closed` output. Idempotent.
   */
  close(now: number): RegistrationOutput[] {
    checkNow(now);
    if (this.#closing || this.#state === 'closed') return [];
    this.#closing = true;
    this.#nextAt = null;
    if (this.#inFlight !== null) {
      this.#state = 'unregistering';
      return [];
    }
    if (this.#boundUntil === null) return this.#finish(false);
    return [this.#send(now, true, 0, 0)];
  }

  /** Builds a REGISTER (new CSeq, §10.2.4) and marks it in flight. */
  #send(now: number, removal: boolean, authRounds: number, briefRounds: number, auth?: readonly AuthorizationHeader[]): RegistrationOutput {
    this.#cseq++;
    const expires = removal ? 0 : this.#expires;
    const request = createRequest({
      method: 'REGISTER',
      uri: this.registrar,
      headers: [
        ['Max-Forwards', '70'],
        ['From', `<${this.aor}>;tag=${this.#fromTag}`],
        ['To', `<${this.aor}>`],
        ['Call-ID', this.callId],
        ['CSeq', `${this.#cseq} REGISTER`],
        ['Contact', removal ? `<${this.contact}>;expires=0` : `<${this.contact}>`],
        ['Expires', String(expires)],
        ...this.#headers,
      ],
    });
    // The answer to a challenge, or pre-authentication with the cached nonce (RFC 7616 §3.4): a refresh needs no new challenge.
    if (auth !== undefined) setAuthorization(request, auth);
    else if (this.#digest !== null) setAuthorization(request, this.#digest.authorize(request));
    this.#inFlight = { request, cseq: this.#cseq, sentAt: now, removal, authRounds, briefRounds };
    this.#state = removal ? 'unregistering' : this.#boundUntil === null ? 'registering' : 'registered';
    return { type: 'send', request };
  }

  /** §22.2: answer the challenge in a new REGISTER (the retried request is a new request, new CSeq). */
  #challenged(f: InFlight, response: SipResponse, now: number): RegistrationOutput[] {
    let error: RegistrationError | null = null;
    let auth: AuthorizationHeader[] = [];
    if (this.#digest === null) {
      error = new RegistrationError('REGISTRATION_AUTH_FAILED', `REGISTER challenged (${response.status}) and no credentials are configured`, response.status);
    } else if (f.authRounds >= MAX_AUTH_ROUNDS) {
      error = new RegistrationError('REGISTRATION_AUTH_FAILED', `REGISTER challenged ${f.authRounds + 1} times in a row`, response.status);
    } else {
      try {
        // The digest covers method, Request-URI and body (§22.4), not the CSeq: the answer fits the new REGISTER.
        auth = this.#digest.handleChallenge(response, f.request);
      } catch (e) {
        if (!(e instanceof DigestAuthError)) throw e;
        error = new RegistrationError('REGISTRATION_AUTH_FAILED', `REGISTER challenge not answered: ${e.message}`, response.status, { cause: e });
      }
    }
    if (error !== null) {
      if (f.removal) return [{ type: 'failed', error, retryAt: null }, ...this.#finish(false)];
      return this.#failed(error, now, 0);
    }
    return [this.#send(now, f.removal, f.authRounds + 1, f.briefRounds, auth)];
  }

  /** §10.2.8: 423 Interval Too Brief — retry with the Min-Expires asked. */
  #tooBrief(f: InFlight, response: SipResponse, now: number): RegistrationOutput[] {
    let min: number | null = null;
    const v = response.headers.get('Min-Expires');
    if (v !== undefined) {
      try {
        min = parseExpires(v, 'Min-Expires');
      } catch (e) {
        if (!(e instanceof SipParseError)) throw e;
      }
    }
    if (min === null || min <= this.#expires || f.briefRounds >= MAX_BRIEF_ROUNDS) {
      const why = min === null ? 'without a readable Min-Expires' : min <= this.#expires ? `with Min-Expires ${min} ≤ ${this.#expires}` : 'too often';
      return this.#failed(new RegistrationError('REGISTRATION_INTERVAL_TOO_BRIEF', `423 ${why}`, 423), now, 0);
    }
    this.#expires = min;
    return [this.#send(now, false, f.authRounds, f.briefRounds + 1)];
  }

  /** §10.2.4: a 2xx lists the bindings; ours tells the granted expiry. */
  #bound(f: InFlight, response: SipResponse, now: number): RegistrationOutput[] {
    let bindings: readonly NameAddr[] = [];
    try {
      bindings = response.contact;
    } catch (e) {
      if (!(e instanceof SipParseError)) throw e; // unreadable Contact list: fall back on Expires
    }
    const granted = grantedExpiry(bindings, this.#contactUri, response, this.#expires);
    if (granted === 0) {
      return this.#failed(new RegistrationError('REGISTRATION_NOT_BOUND', 'the 2xx grants our Contact 0 seconds', response.status), now, 0);
    }
    this.#failures = 0;
    const g = granted * 1000;
    this.#boundUntil = f.sentAt + g;
    const delay = Math.max(Math.min(g / 2, g - this.#marginMs), g / 3);
    this.#nextAt = f.sentAt + delay;
    this.#state = 'registered';
    const out: RegistrationOutput[] = [{ type: 'registered', expires: granted, bindings }];
    // close() while this REGISTER was in flight: now remove what it bound.
    if (this.#closing) out.push(this.#send(now, true, 0, 0));
    return out;
  }

  /** A failed attempt: report it and plan the retry (RFC 5626 §4.5), or finish when closing. */
  #failed(error: RegistrationError, now: number, retryAfter: number): RegistrationOutput[] {
    this.#failures++;
    if (this.#closing) {
      const out: RegistrationOutput[] = [{ type: 'failed', error, retryAt: null }];
      if (this.#boundUntil !== null) out.push(this.#send(now, true, 0, 0));
      else out.push(...this.#finish(false));
      return out;
    }
    const w = Math.min(this.#maxMs, this.#baseMs * 2 ** Math.min(this.#failures, 30));
    const wait = Math.max(w * (0.5 + 0.5 * this.#random()), Math.min(retryAfter, this.#maxMs));
    this.#nextAt = now + wait;
    this.#state = this.#boundUntil === null ? 'waiting' : 'registered';
    return [{ type: 'failed', error, retryAt: this.#nextAt }];
  }

  #finish(removed: boolean): RegistrationOutput[] {
    const wasBound = this.#boundUntil !== null;
    this.#state = 'closed';
    this.#boundUntil = null;
    this.#nextAt = null;
    this.#inFlight = null;
    const out: RegistrationOutput[] = [];
    if (wasBound && removed) out.push({ type: 'unregistered', reason: 'closed' });
    out.push({ type: 'closed' });
    return out;
  }
}

/** The granted expiry of our binding, seconds (§10.2.4, §10.3 step 8). */
function grantedExpiry(bindings: readonly NameAddr[], ours: Uri, response: SipResponse, asked: number): number {
  for (const b of bindings) {
    if (!uriEquals(b.uri, ours)) continue;
    const p = findParam(b.params, 'expires');
    if (p?.value != null) {
      try {
        return parseExpires(p.value, 'Contact expires');
      } catch (e) {
        if (!(e instanceof SipParseError)) throw e;
      }
    }
  }
  const h = response.headers.get('Expires');
  if (h !== undefined) {
    try {
      return parseExpires(h, 'Expires');
    } catch (e) {
      if (!(e instanceof SipParseError)) throw e;
    }
  }
  return asked;
}

/** Retry-After of a response in ms (§20.33), 0 when absent or unreadable. */
function retryAfterMs(response: SipResponse): number {
  const v = response.headers.get('Retry-After');
  if (v === undefined) return 0;
  try {
    return parseRetryAfter(v, 'Retry-After').deltaSeconds * 1000;
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
    return 0;
  }
}

function checkNow(now: number): void {
  if (typeof now !== 'number' || !Number.isFinite(now)) throw new TypeError(`now must be a finite number, got ${String(now)}`);
}
