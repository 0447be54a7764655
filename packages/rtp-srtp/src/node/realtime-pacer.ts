import { performance } from 'node:perf_hooks';
import { PacerSchedule, type PacerScheduleOptions } from '../media/pacer-schedule.js';

/** Timer functions, injectable so the driver itself can run on a virtual clock in tests. */
export interface PacerTimers {
  /** Monotonic time in ms. */
  now(): number;
  /** Schedules `fn` after `ms`. */
  setTimeout(fn: () => void, ms: number): unknown;
  /** Cancels a scheduled call. */
  clearTimeout(handle: unknown): void;
}

/** Options for {@link RealtimePacer}. */
export interface RealtimePacerOptions extends PacerScheduleOptions {
  /** Called once per tick with the tick index and its ideal due time. A throw stops nothing. */
  readonly onTick: (tick: number, dueMs: number) => void;
  /** Called with errors thrown by `onTick`; default ignores them. */
  readonly onError?: (error: unknown) => void;
  /** Timer source; default `performance.now()` and the global timers. */
  readonly timers?: PacerTimers;
}

const realTimers: PacerTimers = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/**
 * Thin real-time driver for {@link PacerSchedule}: one timeout at a time, each armed for the next
 * absolute deadline on the monotonic clock, so timer lateness never accumulates.
 */
export class RealtimePacer {
  readonly #options: RealtimePacerOptions;
  readonly #timers: PacerTimers;
  #schedule: PacerSchedule | undefined;
  #handle: unknown;
  #running = false;

  /** @param options - see {@link RealtimePacerOptions} */
  constructor(options: RealtimePacerOptions) {
    if (typeof options.onTick !== 'function') throw new TypeError('onTick must be a function');
    this.#options = options;
    this.#timers = options.timers ?? realTimers;
  }

  /** Whether the pacer is running. */
  get running(): boolean {
    return this.#running;
  }

  /** Ticks emitted since start. */
  get emitted(): number {
    return this.#schedule?.emitted ?? 0;
  }

  /** Ticks skipped by the catch-up limit since start. */
  get skipped(): number {
    return this.#schedule?.skipped ?? 0;
  }

  /** Starts ticking; tick 0 fires immediately. Idempotent. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#schedule = new PacerSchedule(this.#timers.now(), this.#options);
    this.#run();
  }

  /** Stops ticking. Idempotent. */
  stop(): void {
    this.#running = false;
    if (this.#handle !== undefined) this.#timers.clearTimeout(this.#handle);
    this.#handle = undefined;
  }

  #run = (): void => {
    this.#handle = undefined;
    const schedule = this.#schedule;
    if (!this.#running || schedule === undefined) return;
    const poll = schedule.poll(this.#timers.now());
    for (let i = 0; i < poll.ticks && this.#running; i++) {
      const n = poll.firstTick + i;
      try {
        this.#options.onTick(n, schedule.deadline(n));
      } catch (error) {
        this.#options.onError?.(error);
      }
    }
    if (!this.#running) return;
    const delay = Math.max(0, poll.nextDeadlineMs - this.#timers.now());
    this.#handle = this.#timers.setTimeout(this.#run, delay);
  };
}
