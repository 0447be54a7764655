/**
 * One deadline queue for every timed feature of a user agent: registration
 * refreshes and retries, trunk keep-alives, session timers. Pure: it never
 * reads a clock; callers say when (`at`, ms) and ask what is due at `now`.
 *
 * Why one queue: keep-alives and registration refreshes that live on separate
 * timers fire in whatever order the event loop picks and can both decide to
 * talk to the same trunk in the same instant (RFC 5626 §4.4.1 pings racing a
 * §4.2 re-registration). Here everything due is handed out in one ordered
 * batch — by deadline, then by the order the deadlines were set — so the
 * drivers run one after the other and each sees what the previous did.
 */

interface Entry<K> {
  readonly key: K;
  readonly at: number;
  readonly seq: number;
  live: boolean;
}

/**
 * A keyed min-heap of deadlines: at most one deadline per key (setting a key
 * again replaces its deadline). Cancelled entries are dropped lazily, so
 * `set`/`delete` are O(log n) and `nextDeadline` amortised O(1).
 *
 * @example
 * const s = new DeadlineScheduler<string>();
 * s.set('register:alice', 30_000);
 * s.set('options:trunk', 10_000);
 * s.takeDue(30_000); // ['options:trunk', 'register:alice']
 */
export class DeadlineScheduler<K> {
  readonly #heap: Entry<K>[] = [];
  readonly #byKey = new Map<K, Entry<K>>();
  #seq = 0;

  /** Keys with a pending deadline. */
  get size(): number {
    return this.#byKey.size;
  }

  /** The earliest pending deadline (ms), or null when nothing is scheduled. */
  get nextDeadline(): number | null {
    this.#dropDead();
    return this.#heap[0]?.at ?? null;
  }

  /** The deadline of `key`, or null. */
  deadlineOf(key: K): number | null {
    return this.#byKey.get(key)?.at ?? null;
  }

  /**
   * Sets (or replaces) the deadline of `key`; null removes it.
   *
   * @throws TypeError when `at` is neither null nor a finite number.
   */
  set(key: K, at: number | null): void {
    if (at === null) {
      this.delete(key);
      return;
    }
    if (typeof at !== 'number' || !Number.isFinite(at)) throw new TypeError(`at must be a finite number or null, got ${String(at)}`);
    const prev = this.#byKey.get(key);
    if (prev !== undefined) {
      if (prev.at === at) return;
      prev.live = false;
    }
    const entry: Entry<K> = { key, at, seq: this.#seq++, live: true };
    this.#byKey.set(key, entry);
    this.#push(entry);
  }

  /** Removes the deadline of `key`; false when it had none. */
  delete(key: K): boolean {
    const e = this.#byKey.get(key);
    if (e === undefined) return false;
    e.live = false;
    this.#byKey.delete(key);
    return true;
  }

  /**
   * Removes and returns every key due at `now` (deadline ≤ now), earliest
   * first, ties in the order their deadlines were set.
   */
  takeDue(now: number): K[] {
    const out: K[] = [];
    for (;;) {
      this.#dropDead();
      const top = this.#heap[0];
      if (top === undefined || top.at > now) return out;
      this.#pop();
      this.#byKey.delete(top.key);
      out.push(top.key);
    }
  }

  /** Forgets every deadline. */
  clear(): void {
    this.#heap.length = 0;
    this.#byKey.clear();
  }

  #dropDead(): void {
    while (this.#heap.length > 0 && !this.#heap[0]!.live) this.#pop();
  }

  #less(a: Entry<K>, b: Entry<K>): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #push(e: Entry<K>): void {
    const h = this.#heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  #pop(): void {
    const h = this.#heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.#less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.#less(h[r]!, h[m]!)) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
