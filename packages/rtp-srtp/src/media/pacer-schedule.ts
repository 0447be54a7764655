/** Options for {@link PacerSchedule}. */
export interface PacerScheduleOptions {
  /** Tick period in ms; default 20 (one audio frame). */
  readonly periodMs?: number;
  /**
   * Most overdue ticks delivered at once after a stall (e.g. a GC pause); older ones are skipped
   * so the peer is not flooded with a burst. Default 5.
   */
  readonly maxCatchUp?: number;
}

/** Result of {@link PacerSchedule.poll}. */
export interface PacerPoll {
  /** Ticks to run now (0 when called early). */
  readonly ticks: number;
  /** Index of the first tick to run (ticks are numbered from 0 at the start time). */
  readonly firstTick: number;
  /** Overdue ticks dropped by the catch-up limit. */
  readonly skipped: number;
  /** Absolute time the next tick is due. */
  readonly nextDeadlineMs: number;
}

/**
 * Drift-free tick schedule: tick n is due at `start + n × period`, computed from the start, never
 * from the previous tick, so timer lateness never accumulates (unlike chaining setInterval or
 * setTimeout(period)). Pure: the caller supplies the time.
 */
export class PacerSchedule {
  readonly #start: number;
  readonly #period: number;
  readonly #maxCatchUp: number;
  #next = 0;
  #emitted = 0;
  #skipped = 0;

  /**
   * @param startMs - time of tick 0 on the caller's monotonic clock
   * @param options - see {@link PacerScheduleOptions}
   */
  constructor(startMs: number, options: PacerScheduleOptions = {}) {
    if (!Number.isFinite(startMs)) throw new RangeError('startMs must be finite');
    this.#start = startMs;
    this.#period = options.periodMs ?? 20;
    if (!(this.#period > 0) || !Number.isFinite(this.#period)) throw new RangeError('periodMs must be positive');
    this.#maxCatchUp = options.maxCatchUp ?? 5;
    if (!Number.isInteger(this.#maxCatchUp) || this.#maxCatchUp < 1) throw new RangeError('maxCatchUp must be a positive integer');
  }

  /** Ticks delivered so far (excluding skipped ones). */
  get emitted(): number {
    return this.#emitted;
  }

  /** Ticks skipped so far by the catch-up limit. */
  get skipped(): number {
    return this.#skipped;
  }

  /** Due time of tick `n`. */
  deadline(n: number): number {
    return this.#start + n * this.#period;
  }

  /** Reports which ticks are due at `nowMs` and marks them emitted. */
  poll(nowMs: number): PacerPoll {
    const dueCount = nowMs < this.#start ? 0 : Math.floor((nowMs - this.#start) / this.#period) + 1;
    let pending = dueCount - this.#next;
    let skipped = 0;
    if (pending > this.#maxCatchUp) {
      skipped = pending - this.#maxCatchUp;
      this.#next += skipped;
      this.#skipped += skipped;
      pending = this.#maxCatchUp;
    }
    const firstTick = this.#next;
    const ticks = Math.max(0, pending);
    this.#next += ticks;
    this.#emitted += ticks;
    return { ticks, firstTick, skipped, nextDeadlineMs: this.deadline(this.#next) };
  }
}
