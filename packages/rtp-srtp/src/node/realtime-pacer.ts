import { performance } from 'node:perf_hooks';
import { PacerSchedule, type PacerScheduleOptions } from '../media/pacer-schedule.js';
import { PacerWheelEntry, wheelFor, type PacerWheel } from './pacer-wheel.js';

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
 * Thin real-time driver for {@link PacerSchedule}: each poll is scheduled for the next absolute
 * deadline on the monotonic clock, so timer lateness never accumulates. Pacers do not own timers:
 * every pacer on the same timer source shares one wheel and its single timeout (a thousand calls
 * are one timer, not a thousand chains of them), and a pacer is polled at most one millisecond
 * after its deadline plus the timer's own lateness.
 */
export class RealtimePacer {
  readonly #options: RealtimePacerOptions;
  readonly #timers: PacerTimers;
  readonly #wheel: PacerWheel;
  #schedule: PacerSchedule | undefined;
  #entry: PacerWheelEntry | undefined;
  #running = false;

  /** @param options - see {@link RealtimePacerOptions} */
  constructor(options: RealtimePacerOptions) {
    if (typeof options.onTick !== 'function') throw new TypeError('onTick must be a function');
    this.#options = options;
    this.#timers = options.timers ?? realTimers;
    this.#wheel = wheelFor(this.#timers);
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
    const now = this.#timers.now();
    this.#schedule = new PacerSchedule(now, this.#options);
    const entry = new PacerWheelEntry(this.#run);
    this.#entry = entry;
    this.#run(now, entry);
  }

  /** Stops ticking. Idempotent. */
  stop(): void {
    this.#running = false;
    if (this.#entry !== undefined) this.#wheel.cancel(this.#entry);
    this.#entry = undefined;
  }

  /** Runs the ticks due at `now`, then waits on the wheel for the next deadline. */
  #run = (now: number, entry: PacerWheelEntry | undefined = this.#entry): void => {
    const schedule = this.#schedule;
    if (!this.#running || schedule === undefined || entry === undefined || entry !== this.#entry) return;
    const poll = schedule.poll(now);
    for (let i = 0; i < poll.ticks && this.#running; i++) {
      const n = poll.firstTick + i;
      try {
        this.#options.onTick(n, schedule.deadline(n));
      } catch (error) {
        this.#options.onError?.(error);
      }
    }
    // Stopped (and perhaps started again, with a new entry) by its own tick: this entry is done.
    if (!this.#running || entry !== this.#entry) return;
    this.#wheel.schedule(entry, poll.nextDeadlineMs);
  };
}
