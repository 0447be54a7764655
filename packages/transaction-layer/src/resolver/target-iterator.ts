import { ResolverError } from './resolver-error.js';
import type { Target } from './server-location.js';

/**
 * Why the current target is abandoned — RFC 3263 §4.3: a transport error
 * (connection refused, ICMP unreachable, TLS failure), a transaction timeout
 * (Timer B/F), or a 503 Service Unavailable.
 */
export type FailoverReason = 'transport-error' | 'timeout' | 'service-unavailable';

/** Options for {@link TargetIterator}. */
export interface TargetIteratorOptions {
  /** Most targets tried for one request, the first included. Default 5. */
  maxAttempts?: number;
}

/**
 * Walks the targets of {@link locateSipServer} for one request — RFC 3263
 * §4.3: on failure, the next target in the list; bounded by `maxAttempts`.
 *
 * @example
 * const it = new TargetIterator(await locateSipServer(uri));
 * let t = it.current;
 * // ... on timeout:
 * const next = it.nextTarget('timeout'); // null when exhausted
 */
export class TargetIterator {
  readonly #targets: readonly Target[];
  readonly #maxAttempts: number;
  #index = 0;
  readonly #failures: Array<{ target: Target; reason: FailoverReason }> = [];

  /**
   * @throws ResolverError RESOLVER_NOT_FOUND for an empty list.
   * @throws TypeError when `maxAttempts` is not a positive integer.
   */
  constructor(targets: readonly Target[], options: TargetIteratorOptions = {}) {
    const max = options.maxAttempts ?? 5;
    if (!Number.isInteger(max) || max < 1) throw new TypeError('maxAttempts must be a positive integer');
    if (targets.length === 0) throw new ResolverError('RESOLVER_NOT_FOUND', 'no targets to try');
    this.#targets = [...targets];
    this.#maxAttempts = max;
  }

  /** The target to use now; null once exhausted. */
  get current(): Target | null {
    return this.exhausted ? null : this.#targets[this.#index]!;
  }

  /** Targets tried so far (the current one included). */
  get attempts(): number {
    return Math.min(this.#index + 1, this.#maxAttempts);
  }

  /** True when no target is left within the attempt bound. */
  get exhausted(): boolean {
    return this.#index >= this.#targets.length || this.#index >= this.#maxAttempts;
  }

  /** Each abandoned target with its reason, in order. */
  get failures(): ReadonlyArray<{ readonly target: Target; readonly reason: FailoverReason }> {
    return this.#failures;
  }

  /**
   * Abandon the current target for `reason` and move to the next (§4.3).
   * @returns the next target, or null when the list or the attempt bound is exhausted.
   */
  nextTarget(reason: FailoverReason): Target | null {
    const cur = this.current;
    if (cur === null) return null;
    this.#failures.push({ target: cur, reason });
    this.#index++;
    return this.current;
  }

  /**
   * Like {@link nextTarget} but throws when nothing is left.
   * @throws ResolverError TARGETS_EXHAUSTED.
   */
  nextTargetOrThrow(reason: FailoverReason): Target {
    const t = this.nextTarget(reason);
    if (t === null) throw new ResolverError('TARGETS_EXHAUSTED', `all ${this.#failures.length} targets failed`);
    return t;
  }
}

/**
 * The {@link FailoverReason} a final response gives, or null when the response
 * must not cause failover — §4.3: only 503 does (other errors are answers).
 */
export function failoverReasonForStatus(status: number): FailoverReason | null {
  return status === 503 ? 'service-unavailable' : null;
}
