/**
 * Trunk liveness by OPTIONS (RFC 3261 §11) as a pure machine: one probe at a
 * time, every `intervalMs`, `trunk-down` after `failuresBeforeDown`
 * consecutive failures, `trunk-up` on the first answer that proves the trunk
 * serves (the way SIP load balancers health-check their targets, e.g.
 * Kamailio's dispatcher).
 *
 * Which answers prove liveness ({@link isTrunkAlive}, replaceable by the
 * `isAlive` option):
 *
 * | answer | counts as | why |
 * | --- | --- | --- |
 * | 2xx, 3xx, 4xx (not 408) | alive | the trunk's SIP stack read our request and decided |
 * | 501 Not Implemented | alive | a UAS that does not do OPTIONS is still there |
 * | 6xx | alive | a definitive answer from the far end |
 * | 408 Request Timeout | failure | a proxy answered for a next hop that did not |
 * | 500, 502, 503, 504, other 5xx | failure | it answers but cannot serve (overload, gateway down) |
 * | no answer in `responseTimeoutMs`, transport error | failure | |
 *
 * TCP/TLS flows: the CRLF keep-alives of RFC 5626 §4.4.1 are the transport's
 * (`SipTransport` option `keepAlive.crlfIntervalMs`): it pings every outbound
 * connection and closes the flow when no pong comes. The driver reports such
 * a closed flow here ({@link TrunkKeepAlive.flowFailed}): a failure, and an
 * OPTIONS at once over a new connection.
 *
 * Other traffic with the trunk proves liveness too
 * ({@link TrunkKeepAlive.trafficSeen}, e.g. the answers to REGISTER
 * refreshes): the next OPTIONS is pushed back, so keep-alives and
 * registration refreshes driven from one scheduler do not double up.
 */

/** Why a probe failed. */
export type TrunkProbeFailure =
  /** No final answer within `responseTimeoutMs`. */
  | { readonly kind: 'timeout' }
  /** The request could not be sent or the transaction failed (Timer F, transport error). */
  | { readonly kind: 'transport'; readonly cause?: unknown }
  /** An answer that does not prove liveness (408, 5xx except 501). */
  | { readonly kind: 'status'; readonly status: number }
  /** The TCP/TLS flow to the trunk failed (no CRLF pong, RFC 5626 §4.4.1). */
  | { readonly kind: 'flow' };

/** Options of {@link TrunkKeepAlive}. */
export interface TrunkKeepAliveOptions {
  /** Time between the end of one probe and the next while the trunk answers (ms). Default 30 000. */
  readonly intervalMs?: number;
  /** Time between probes after a failed one (ms). Default: `intervalMs`. */
  readonly retryIntervalMs?: number;
  /** A probe without a final answer for this long fails (ms); its transaction is abandoned. Default 8000. */
  readonly responseTimeoutMs?: number;
  /** Consecutive failures that make the trunk down (K). Default 3. */
  readonly failuresBeforeDown?: number;
  /** Which final statuses prove liveness. Default {@link isTrunkAlive}. */
  readonly isAlive?: (status: number) => boolean;
}

/** Liveness as the machine sees it. */
export type TrunkState = 'unknown' | 'up' | 'down' | 'closed';

/** What the machine asks of its driver, and what it reports. */
export type TrunkKeepAliveOutput =
  /** Send an OPTIONS to the trunk; report its outcome with this `id`. */
  | { readonly type: 'probe'; readonly id: number }
  /** Probe `id` timed out: abandon its transaction (its late answer is ignored anyway). */
  | { readonly type: 'abandon'; readonly id: number }
  /** The trunk answers (again). `rttMs`: the probe's round trip, null when other traffic proved it. */
  | { readonly type: 'trunk-up'; readonly status: number; readonly rttMs: number | null }
  /** `failures` consecutive failures; the last one was `failure`. */
  | { readonly type: 'trunk-down'; readonly failures: number; readonly failure: TrunkProbeFailure };

/**
 * The default liveness rule (see the table in this file's header): 2xx-4xx
 * except 408, 501, and 6xx.
 */
export function isTrunkAlive(status: number): boolean {
  if (status < 200) return false;
  if (status === 408) return false;
  if (status >= 500 && status < 600) return status === 501;
  return true;
}

interface Probe {
  readonly id: number;
  readonly sentAt: number;
}

function positive(name: string, v: number | undefined, def: number): number {
  const x = v ?? def;
  if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0) throw new TypeError(`${name} must be a positive number, got ${String(x)}`);
  return x;
}

/**
 * OPTIONS keep-alive of one trunk as a sans-I/O machine.
 *
 * @example
 * const ka = new TrunkKeepAlive({ intervalMs: 30_000, failuresBeforeDown: 3 });
 * handle(ka.start(now));                        // → { type: 'probe', id }
 * handle(ka.receiveResponse(id, 200, now));     // → trunk-up
 * handle(ka.tick(now));                         // at ka.nextDeadline: next probe, or a timeout
 */
export class TrunkKeepAlive {
  readonly #interval: number;
  readonly #retryInterval: number;
  readonly #timeout: number;
  readonly #k: number;
  readonly #isAlive: (status: number) => boolean;
  #state: TrunkState = 'unknown';
  #failures = 0;
  #nextId = 1;
  #probe: Probe | null = null;
  #nextProbeAt: number | null = null;
  #started = false;

  /** @throws TypeError for invalid options. */
  constructor(options: TrunkKeepAliveOptions = {}) {
    this.#interval = positive('options.intervalMs', options.intervalMs, 30_000);
    this.#retryInterval = positive('options.retryIntervalMs', options.retryIntervalMs, this.#interval);
    this.#timeout = positive('options.responseTimeoutMs', options.responseTimeoutMs, 8000);
    const k = options.failuresBeforeDown ?? 3;
    if (!Number.isInteger(k) || k < 1) throw new TypeError(`options.failuresBeforeDown must be an integer ≥ 1, got ${String(k)}`);
    this.#k = k;
    if (options.isAlive !== undefined && typeof options.isAlive !== 'function') throw new TypeError('options.isAlive must be a function');
    this.#isAlive = options.isAlive ?? isTrunkAlive;
  }

  /** `unknown` until the first verdict, then `up` or `down`; `closed` after close(). */
  get state(): TrunkState {
    return this.#state;
  }

  /** Consecutive failures so far. */
  get failures(): number {
    return this.#failures;
  }

  /** The id of the probe in flight, or null. */
  get probeInFlight(): number | null {
    return this.#probe?.id ?? null;
  }

  /** The earliest deadline (ms): the probe's timeout or the next probe; null when none. */
  get nextDeadline(): number | null {
    if (this.#state === 'closed') return null;
    if (this.#probe !== null) return this.#probe.sentAt + this.#timeout;
    return this.#nextProbeAt;
  }

  /** Sends the first probe. Idempotent. */
  start(now: number): TrunkKeepAliveOutput[] {
    checkNow(now);
    if (this.#started || this.#state === 'closed') return [];
    this.#started = true;
    return [this.#send(now)];
  }

  /** The final answer to probe `id` (a stale id is ignored). */
  receiveResponse(id: number, status: number, now: number): TrunkKeepAliveOutput[] {
    checkNow(now);
    if (this.#probe === null || this.#probe.id !== id || status < 200) return [];
    const sentAt = this.#probe.sentAt;
    this.#probe = null;
    if (this.#isAlive(status)) return this.#alive(status, now - sentAt, now);
    return this.#failed({ kind: 'status', status }, now);
  }

  /** Probe `id` got no final answer (transaction timeout, transport error). */
  probeFailed(id: number, now: number, cause?: unknown): TrunkKeepAliveOutput[] {
    checkNow(now);
    if (this.#probe === null || this.#probe.id !== id) return [];
    this.#probe = null;
    return this.#failed(cause === undefined ? { kind: 'transport' } : { kind: 'transport', cause }, now);
  }

  /**
   * A final answer from the trunk to some other request (REGISTER,
   * INVITE...). An alive status counts like a successful probe and pushes the
   * next probe back; other statuses are ignored (they may be that request's
   * own fault).
   */
  trafficSeen(status: number, now: number): TrunkKeepAliveOutput[] {
    checkNow(now);
    if (this.#state === 'closed' || !this.#started || !this.#isAlive(status)) return [];
    const out = this.#markAlive(status, null);
    if (this.#probe === null) this.#nextProbeAt = now + this.#interval;
    return out;
  }

  /**
   * The TCP/TLS flow to the trunk failed (RFC 5626 §4.4.1: no CRLF pong):
   * a failure, and a probe at once (over a new connection).
   */
  flowFailed(now: number): TrunkKeepAliveOutput[] {
    checkNow(now);
    if (this.#state === 'closed' || !this.#started) return [];
    const out: TrunkKeepAliveOutput[] = [];
    if (this.#probe !== null) {
      out.push({ type: 'abandon', id: this.#probe.id });
      this.#probe = null;
    }
    out.push(...this.#failed({ kind: 'flow' }, now));
    this.#nextProbeAt = null;
    out.push(this.#send(now));
    return out;
  }

  /** Work due at `now`: a probe timing out, the next probe. */
  tick(now: number): TrunkKeepAliveOutput[] {
    checkNow(now);
    if (this.#state === 'closed') return [];
    if (this.#probe !== null) {
      if (now < this.#probe.sentAt + this.#timeout) return [];
      const id = this.#probe.id;
      this.#probe = null;
      return [{ type: 'abandon', id }, ...this.#failed({ kind: 'timeout' }, now)];
    }
    if (this.#nextProbeAt !== null && now >= this.#nextProbeAt) return [this.#send(now)];
    return [];
  }

  /** Stops probing. Idempotent; returns the probe to abandon, if one is in flight. */
  close(): TrunkKeepAliveOutput[] {
    if (this.#state === 'closed') return [];
    this.#state = 'closed';
    this.#nextProbeAt = null;
    const p = this.#probe;
    this.#probe = null;
    return p === null ? [] : [{ type: 'abandon', id: p.id }];
  }

  #send(now: number): TrunkKeepAliveOutput {
    const id = this.#nextId++;
    this.#probe = { id, sentAt: now };
    this.#nextProbeAt = null;
    return { type: 'probe', id };
  }

  #alive(status: number, rttMs: number, now: number): TrunkKeepAliveOutput[] {
    this.#nextProbeAt = now + this.#interval;
    return this.#markAlive(status, rttMs);
  }

  #markAlive(status: number, rttMs: number | null): TrunkKeepAliveOutput[] {
    this.#failures = 0;
    if (this.#state === 'up') return [];
    this.#state = 'up';
    return [{ type: 'trunk-up', status, rttMs }];
  }

  #failed(failure: TrunkProbeFailure, now: number): TrunkKeepAliveOutput[] {
    this.#failures++;
    this.#nextProbeAt = now + this.#retryInterval;
    if (this.#failures < this.#k || this.#state === 'down') return [];
    this.#state = 'down';
    return [{ type: 'trunk-down', failures: this.#failures, failure }];
  }
}

function checkNow(now: number): void {
  if (typeof now !== 'number' || !Number.isFinite(now)) throw new TypeError(`now must be a finite number, got ${String(now)}`);
}
