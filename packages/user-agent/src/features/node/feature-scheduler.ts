/**
 * The Node adapter of {@link DeadlineScheduler}: ONE timer armed at the
 * earliest deadline of every registration, keep-alive and session timer of a
 * user agent, so their work runs one job at a time in deadline order and
 * never races (see deadline-scheduler.ts).
 */
import { channel } from 'node:diagnostics_channel';
import { DeadlineScheduler } from '../deadline-scheduler.js';

/** `node:diagnostics_channel` name on which a job that threw is published (`{ key, error }`). */
export const FEATURE_SCHEDULER_ERROR_CHANNEL = 'trunkline:user-agent:feature-scheduler-error';
const errorChannel = channel(FEATURE_SCHEDULER_ERROR_CHANNEL);

/** Options for {@link FeatureScheduler}. */
export interface FeatureSchedulerOptions {
  /** Monotonic clock in ms. Default `performance.now`. */
  readonly now?: () => number;
  /**
   * Called when a job throws; the scheduler goes on with the next job.
   * Default: none (the error is only published on {@link FEATURE_SCHEDULER_ERROR_CHANNEL}).
   */
  readonly onError?: (error: unknown, key: object) => void;
}

type Job = () => void;

/**
 * Runs callbacks at deadlines on one Node timer. Keys are objects (the
 * registration, the trunk, the call) so owners cannot collide.
 *
 * @example
 * const scheduler = new FeatureScheduler();
 * scheduler.schedule(owner, scheduler.now() + 1000, () => refresh());
 * scheduler.close();
 */
export class FeatureScheduler {
  readonly #queue = new DeadlineScheduler<object>();
  readonly #jobs = new Map<object, Job>();
  readonly #now: () => number;
  readonly #onError: ((error: unknown, key: object) => void) | undefined;
  #timer: NodeJS.Timeout | null = null;
  #timerAt = Infinity;
  #running = false;
  #closed = false;

  constructor(options: FeatureSchedulerOptions = {}) {
    if (options.now !== undefined && typeof options.now !== 'function') throw new TypeError('options.now must be a function');
    if (options.onError !== undefined && typeof options.onError !== 'function') throw new TypeError('options.onError must be a function');
    this.#now = options.now ?? (() => performance.now());
    this.#onError = options.onError;
  }

  /** The scheduler's clock (ms): pass it as `now` to the machines it drives. */
  now(): number {
    return this.#now();
  }

  /** Jobs waiting. */
  get size(): number {
    return this.#queue.size;
  }

  /** True once {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Runs `job` at `at` (ms on {@link now}'s clock), replacing the job of
   * `key`; `at` null cancels it. A job due already runs on a later tick,
   * never synchronously inside this call.
   */
  schedule(key: object, at: number | null, job: Job): void {
    if (typeof key !== 'object' || key === null) throw new TypeError('key must be an object');
    if (typeof job !== 'function') throw new TypeError('job must be a function');
    if (this.#closed) return;
    if (at === null) {
      this.cancel(key);
      return;
    }
    this.#queue.set(key, at);
    this.#jobs.set(key, job);
    this.#arm();
  }

  /** Cancels the job of `key`, if any. */
  cancel(key: object): void {
    this.#queue.delete(key);
    this.#jobs.delete(key);
    this.#arm();
  }

  /** Cancels every job and the timer (idempotent). */
  close(): void {
    this.#closed = true;
    this.#queue.clear();
    this.#jobs.clear();
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#timerAt = Infinity;
  }

  #run(): void {
    this.#timer = null;
    this.#timerAt = Infinity;
    this.#running = true;
    try {
      for (const key of this.#queue.takeDue(this.#now())) {
        const job = this.#jobs.get(key);
        this.#jobs.delete(key);
        if (job === undefined) continue;
        try {
          job();
        } catch (error) {
          if (errorChannel.hasSubscribers) errorChannel.publish({ key, error });
          try {
            this.#onError?.(error, key);
          } catch {
            // An error hook that throws has nowhere left to report to.
          }
        }
      }
    } finally {
      this.#running = false;
      this.#arm();
    }
  }

  #arm(): void {
    if (this.#closed || this.#running) return;
    const next = this.#queue.nextDeadline;
    if (next === null) {
      if (this.#timer !== null) clearTimeout(this.#timer);
      this.#timer = null;
      this.#timerAt = Infinity;
      return;
    }
    if (this.#timer !== null && next >= this.#timerAt) return;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timerAt = next;
    this.#timer = setTimeout(() => this.#run(), Math.max(0, next - this.#now()));
  }
}
