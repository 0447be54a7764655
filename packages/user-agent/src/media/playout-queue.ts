/** Options of {@link PlayoutQueue}. */
export interface PlayoutQueueOptions {
  /** Sample rate of the queued PCM (the codec's clock rate), Hz. */
  readonly sampleRate: number;
  /**
   * Queue bound in ms. A write is admitted whole while less than this is queued (so the queue holds
   * at most this plus one chunk); a write arriving at or above it is dropped and counted.
   */
  readonly maxQueuedMs: number;
  /**
   * Called when a mark is passed: `cleared` false once all audio written before it has been
   * taken (and the caller has sent it, see {@link PlayoutQueue.releaseMarks}), true when a
   * clear() or close() dropped audio before it.
   */
  readonly onMark?: (name: string, cleared: boolean) => void;
  /** Called by every `clear()` (barge-in), after the queue is empty: filters fed from the queue reset here. */
  readonly onClear?: () => void;
}

interface Mark {
  readonly name: string;
  /** Cumulative sample position the mark follows. */
  readonly at: number;
}

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * The outgoing audio queue of one call, pure and clock-free: PCM chunks of any length go in,
 * fixed frames come out one per pacer tick, with named marks between chunks, barge-in `clear()`,
 * and backpressure promises. Positions are cumulative sample counts, so marks need no bookkeeping
 * when chunks are split across frames.
 */
export class PlayoutQueue {
  readonly #rate: number;
  readonly #maxSamples: number;
  readonly #onMark: ((name: string, cleared: boolean) => void) | undefined;
  readonly #onClear: (() => void) | undefined;
  readonly #chunks: Int16Array[] = [];
  #offset = 0;
  #written = 0;
  #consumed = 0;
  #marks: Mark[] = [];
  #waiters: (() => void)[] = [];
  #droppedSamples = 0;
  #closed = false;

  /** @param options - see {@link PlayoutQueueOptions} */
  constructor(options: PlayoutQueueOptions) {
    if (!Number.isInteger(options.sampleRate) || options.sampleRate <= 0) throw new TypeError('options.sampleRate must be a positive integer');
    if (!(options.maxQueuedMs > 0) || !Number.isFinite(options.maxQueuedMs)) throw new TypeError('options.maxQueuedMs must be a positive number');
    this.#rate = options.sampleRate;
    this.#maxSamples = (options.maxQueuedMs * options.sampleRate) / 1000;
    this.#onMark = options.onMark;
    this.#onClear = options.onClear;
  }

  /** Samples queued and not yet taken. */
  get queuedSamples(): number {
    return this.#written - this.#consumed;
  }

  /** Milliseconds of audio queued and not yet taken. */
  get queuedMs(): number {
    return ((this.#written - this.#consumed) * 1000) / this.#rate;
  }

  /** Samples refused because the queue was full (or closed) when they were written. */
  get droppedSamples(): number {
    return this.#droppedSamples;
  }

  /** Marks not yet passed. */
  get pendingMarks(): number {
    return this.#marks.length;
  }

  /**
   * Queues a chunk (kept by reference: pass a copy you will not modify). Resolves once less than
   * `maxQueuedMs` is queued; a chunk written while the queue is full (the writer ignored the
   * previous promise) or closed is dropped and counted in {@link droppedSamples}.
   */
  write(chunk: Int16Array): Promise<void> {
    if (this.#closed || this.#written - this.#consumed >= this.#maxSamples) {
      this.#droppedSamples += chunk.length;
      return this.#whenBelow();
    }
    if (chunk.length > 0) {
      this.#chunks.push(chunk);
      this.#written += chunk.length;
    }
    return this.#whenBelow();
  }

  /** Places a mark after everything written so far. */
  mark(name: string): void {
    if (this.#closed) {
      this.#onMark?.(name, true);
      return;
    }
    this.#marks.push({ name, at: this.#written });
  }

  /**
   * Takes the next frame into `out` (one packet's worth: its length is the frame size, so a change
   * of ptime needs nothing here); a partial last frame is padded with silence. Returns false,
   * leaving `out` untouched, when nothing is queued.
   */
  next(out: Int16Array): boolean {
    const n = out.length;
    let filled = 0;
    while (filled < n && this.#chunks.length > 0) {
      const chunk = this.#chunks[0]!;
      const take = Math.min(n - filled, chunk.length - this.#offset);
      out.set(chunk.subarray(this.#offset, this.#offset + take), filled);
      filled += take;
      this.#offset += take;
      if (this.#offset === chunk.length) {
        this.#chunks.shift();
        this.#offset = 0;
      }
    }
    if (filled === 0) return false;
    if (filled < n) out.fill(0, filled, n);
    this.#consumed += filled;
    this.#wake();
    return true;
  }

  /** Fires the marks whose audio has all been taken; call after sending what {@link next} gave. */
  releaseMarks(): void {
    while (this.#marks.length > 0 && this.#marks[0]!.at <= this.#consumed) this.#onMark?.(this.#marks.shift()!.name, false);
  }

  /**
   * Barge-in: drops everything queued, so the next frame is silence. Marks whose audio was all
   * taken fire normally, the others fire as cleared. Backpressure waiters resolve.
   */
  clear(): void {
    const reached = this.#consumed;
    this.#chunks.length = 0;
    this.#offset = 0;
    this.#consumed = this.#written;
    const marks = this.#marks;
    this.#marks = [];
    // State is committed before any callback runs, so a callback may write or mark again.
    this.#onClear?.();
    for (const m of marks) this.#onMark?.(m.name, m.at > reached);
    this.#wake();
  }

  /** Clears and refuses further audio; every pending promise resolves. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.clear();
  }

  #whenBelow(): Promise<void> {
    if (this.#closed || this.#written - this.#consumed < this.#maxSamples) return RESOLVED;
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #wake(): void {
    if (this.#waiters.length === 0 || (!this.#closed && this.#written - this.#consumed >= this.#maxSamples)) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}
