/** Options of {@link ReadBuffer}. */
export interface ReadBufferOptions {
  /** Items held at most; when full, a push drops the oldest and counts it. */
  readonly capacity: number;
}

/**
 * A bounded FIFO between a real-time producer and an application reader that may be slower: the
 * producer never waits, the oldest items are dropped (and counted) when the reader falls more than
 * `capacity` behind, and the reader awaits `next()` (async iteration). Pure and clock-free; one
 * ring of `capacity` slots, no allocation per item.
 */
export class ReadBuffer<T> implements AsyncIterableIterator<T> {
  readonly #ring: (T | undefined)[];
  #head = 0;
  #size = 0;
  #dropped = 0;
  #closed = false;
  #readers: ((r: IteratorResult<T>) => void)[] = [];

  /** @param options - see {@link ReadBufferOptions} */
  constructor(options: ReadBufferOptions) {
    if (!Number.isInteger(options.capacity) || options.capacity < 1) throw new TypeError('options.capacity must be a positive integer');
    this.#ring = new Array<T | undefined>(options.capacity).fill(undefined);
  }

  /** Items waiting to be read. */
  get size(): number {
    return this.#size;
  }

  /** Items dropped because the reader was too slow. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Whether close() was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Adds an item: straight to a waiting reader, else into the ring (dropping the oldest when full). */
  push(item: T): void {
    if (this.#closed) return;
    const reader = this.#readers.shift();
    if (reader !== undefined) {
      reader({ value: item, done: false });
      return;
    }
    const cap = this.#ring.length;
    if (this.#size === cap) {
      this.#head = (this.#head + 1) % cap;
      this.#size--;
      this.#dropped++;
    }
    this.#ring[(this.#head + this.#size) % cap] = item;
    this.#size++;
  }

  /** Takes the oldest item without waiting, or undefined. */
  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#ring[this.#head];
    this.#ring[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#ring.length;
    this.#size--;
    return item;
  }

  /** The next item, waiting for one; done once closed and drained. */
  next(): Promise<IteratorResult<T>> {
    if (this.#size > 0) return Promise.resolve({ value: this.shift() as T, done: false });
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.#readers.push(resolve));
  }

  /** Ends this iteration (e.g. `break` in `for await`) without closing the buffer. */
  return(): Promise<IteratorResult<T>> {
    return Promise.resolve({ value: undefined, done: true });
  }

  /** Ends the stream: waiting readers get `done`, buffered items can still be read. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const readers = this.#readers;
    this.#readers = [];
    for (const r of readers) r({ value: undefined, done: true });
  }

  /** Async iteration over the same buffer (one reader at a time is the intended use). */
  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
