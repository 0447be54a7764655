/**
 * Replay protection by nonce count — RFC 7616 §3.4 ("the server can detect
 * request replays by maintaining its own copy of this count — if the same
 * nc-value is seen twice, then the request is a replay") and §5.5.
 *
 * Memory is bounded: at most `maxNonces` nonces, each with a sliding window
 * of `window` counts (like an SRTP replay window, RFC 3711 §3.3.2), so
 * requests sent in parallel may arrive slightly out of order. When a nonce is
 * evicted, every nonce issued no later than it is treated as unknown-state
 * ("stale", forcing a fresh nonce) rather than trusted again.
 */

interface Entry {
  readonly issuedAt: number;
  highest: number;
  /** Bit i set: count `highest - i` was seen. */
  seen: bigint;
}

/** Outcome of {@link NonceCountTracker.check}. */
export type NonceCountVerdict = 'ok' | 'replay' | 'too-old' | 'evicted';

/** Per-nonce sliding windows of seen nonce counts, bounded in number. */
export class NonceCountTracker {
  readonly #max: number;
  readonly #window: number;
  readonly #entries = new Map<string, Entry>();
  /** Latest issue time among evicted nonces; older-or-equal unknown nonces are refused. */
  #evictedUpTo = -Infinity;

  /** @throws TypeError unless `maxNonces` ≥ 1 and 1 ≤ `window` ≤ 64. */
  constructor(maxNonces: number, window: number) {
    if (!Number.isInteger(maxNonces) || maxNonces < 1) throw new TypeError('maxNonces must be a positive integer');
    if (!Number.isInteger(window) || window < 1 || window > 64) throw new TypeError('window must be 1..64');
    this.#max = maxNonces;
    this.#window = window;
  }

  /** Nonces currently tracked. */
  get size(): number {
    return this.#entries.size;
  }

  /** Record `nc` for `nonce` (issued at `issuedAt`) if it was not seen before. */
  check(nonce: string, issuedAt: number, nc: number): NonceCountVerdict {
    let e = this.#entries.get(nonce);
    if (e === undefined) {
      if (issuedAt <= this.#evictedUpTo) return 'evicted';
      e = { issuedAt, highest: 0, seen: 0n };
      this.#entries.set(nonce, e);
      this.#evict();
    } else {
      // Refresh recency: Map order is the LRU order.
      this.#entries.delete(nonce);
      this.#entries.set(nonce, e);
    }
    if (nc > e.highest) {
      const shift = nc - e.highest;
      e.seen = shift >= 64 ? 1n : ((e.seen << BigInt(shift)) | 1n) & 0xffff_ffff_ffff_ffffn;
      e.highest = nc;
      return 'ok';
    }
    const back = e.highest - nc;
    if (back >= this.#window) return 'too-old';
    const bit = 1n << BigInt(back);
    if ((e.seen & bit) !== 0n) return 'replay';
    e.seen |= bit;
    return 'ok';
  }

  #evict(): void {
    while (this.#entries.size > this.#max) {
      const [oldest, entry] = this.#entries.entries().next().value as [string, Entry];
      this.#entries.delete(oldest);
      if (entry.issuedAt > this.#evictedUpTo) this.#evictedUpTo = entry.issuedAt;
    }
  }
}
