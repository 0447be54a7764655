/**
 * A binary min-heap of (deadline, key) with lazy invalidation: callers push a
 * new entry whenever a key's deadline changes and `popDue` skips entries whose
 * deadline is no longer current. Keeps `nextDeadline` O(1) and expiry O(log n)
 * with thousands of live transactions.
 */
export class DeadlineQueue {
  private readonly at: number[] = [];
  private readonly keys: string[] = [];

  get size(): number {
    return this.at.length;
  }

  push(when: number, key: string): void {
    let i = this.at.length;
    this.at.push(when);
    this.keys.push(key);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.at[parent]! <= when) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Earliest entry's deadline (possibly stale), or null. */
  peek(): number | null {
    return this.at.length > 0 ? this.at[0]! : null;
  }

  /** Earliest entry's key, or null. */
  peekKey(): string | null {
    return this.keys.length > 0 ? this.keys[0]! : null;
  }

  /** Removes and returns the earliest entry if it is due. */
  popDue(now: number): { when: number; key: string } | null {
    if (this.at.length === 0 || this.at[0]! > now) return null;
    const when = this.at[0]!;
    const key = this.keys[0]!;
    this.removeHead();
    return { when, key };
  }

  /** Drops the earliest entry. */
  removeHead(): void {
    if (this.at.length === 0) return;
    const lastAt = this.at.pop()!;
    const lastKey = this.keys.pop()!;
    if (this.at.length > 0) {
      this.at[0] = lastAt;
      this.keys[0] = lastKey;
      this.siftDown(0);
    }
  }

  private siftDown(i: number): void {
    const n = this.at.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.at[l]! < this.at[m]!) m = l;
      if (r < n && this.at[r]! < this.at[m]!) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(a: number, b: number): void {
    const t = this.at[a]!;
    this.at[a] = this.at[b]!;
    this.at[b] = t;
    const k = this.keys[a]!;
    this.keys[a] = this.keys[b]!;
    this.keys[b] = k;
  }
}
