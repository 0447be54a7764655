/**
 * A fixed-size latency histogram: bounded memory however long the run,
 * percentiles to the bucket width.
 *
 * @module
 */

/** Width of one bucket below {@link HISTOGRAM_FINE_MS}, ms. */
export const HISTOGRAM_BUCKET_MS = 0.05;
/** Values below this are kept to {@link HISTOGRAM_BUCKET_MS}; above it, to 1 ms, ms. */
export const HISTOGRAM_FINE_MS = 1000;
/** Largest value kept (64·T1 of RFC 3261: Timer B); larger values go to the last bucket, ms. */
export const HISTOGRAM_MAX_MS = 32_000;

const FINE = HISTOGRAM_FINE_MS / HISTOGRAM_BUCKET_MS;
const BUCKETS = FINE + (HISTOGRAM_MAX_MS - HISTOGRAM_FINE_MS) + 1;

const bucketOf = (ms: number): number =>
  ms <= 0 ? 0 : ms < HISTOGRAM_FINE_MS ? Math.floor(ms / HISTOGRAM_BUCKET_MS) : Math.min(BUCKETS - 1, FINE + Math.floor(ms - HISTOGRAM_FINE_MS));
const upperEdge = (i: number): number => (i < FINE ? (i + 1) * HISTOGRAM_BUCKET_MS : HISTOGRAM_FINE_MS + (i - FINE + 1));

/** Percentiles of a {@link LatencyHistogram}, ms (null when it holds no sample). */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

/** Counts latencies in buckets of 0.05 ms up to 1 s, then 1 ms up to {@link HISTOGRAM_MAX_MS}. */
export class LatencyHistogram {
  readonly #counts = new Uint32Array(BUCKETS);
  #count = 0;
  #max = 0;

  /** Adds one latency (ms; negative values count as 0). */
  add(ms: number): void {
    this.#counts[bucketOf(ms)]!++;
    this.#count++;
    if (ms > this.#max) this.#max = ms;
  }

  /** Samples added. */
  get count(): number {
    return this.#count;
  }

  /** The value below which a fraction `q` (0..1) of the samples lie: the upper edge of its bucket, ms. */
  quantile(q: number): number | null {
    if (this.#count === 0) return null;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.#counts[i]!;
      if (seen >= rank) return Math.min(this.#max, upperEdge(i));
    }
    return this.#max;
  }

  /** Count, p50, p99 and max, rounded to 0.01 ms. */
  summary(): LatencySummary {
    const r = (v: number | null): number | null => (v === null ? null : Math.round(v * 100) / 100);
    return { count: this.#count, p50: r(this.quantile(0.5)), p99: r(this.quantile(0.99)), max: this.#count === 0 ? null : r(this.#max) };
  }
}
