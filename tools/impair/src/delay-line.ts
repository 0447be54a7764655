/**
 * The datagrams in flight on one direction of a link, in departure order: a
 * binary min-heap keyed by (departure time, arrival rank), so two datagrams
 * due at the same instant leave in the order they arrived. Pure: the caller
 * owns the clock and the one timer that wakes it at {@link DelayLine.nextAt}.
 */

interface Entry<T> {
  readonly at: number;
  readonly rank: number;
  readonly item: T;
}

/** A departure-ordered queue of `T`. */
export class DelayLine<T> {
  readonly #heap: Entry<T>[] = [];
  #rank = 0;

  /** Datagrams waiting. */
  get size(): number {
    return this.#heap.length;
  }

  /** Departure time of the next one, undefined when empty. */
  get nextAt(): number | undefined {
    return this.#heap[0]?.at;
  }

  /** Queues `item` to leave at `at`. */
  push(at: number, item: T): void {
    const h = this.#heap;
    h.push({ at, rank: this.#rank++, item });
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }

  /** Removes and returns the next item due at or before `now`, or undefined. */
  popDue(now: number): T | undefined {
    const h = this.#heap;
    const top = h[0];
    if (top === undefined || top.at > now) return undefined;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top.item;
  }

  /** Empties the line, returning what was waiting (in no particular order). */
  clear(): T[] {
    const items = this.#heap.map((e) => e.item);
    this.#heap.length = 0;
    return items;
  }
}

function before<T>(a: Entry<T>, b: Entry<T>): boolean {
  return a.at < b.at || (a.at === b.at && a.rank < b.rank);
}
