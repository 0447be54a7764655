/** Outcome of a replay check, RFC 3711 §3.3.2. */
export type ReplayCheck = 'ok' | 'replayed' | 'too-old';

/**
 * Sliding replay window over packet indices (48-bit SRTP index or 31-bit SRTCP index), RFC 3711
 * §3.3.2. `check` never changes state; `accept` is called only after the packet authenticated, so a
 * forged packet cannot move the window.
 */
export class ReplayWindow {
  /** Window size in packets. */
  readonly size: number;
  readonly #bits: Uint32Array;
  readonly #capacity: number;
  #top = -1;

  /**
   * @param size - packets remembered behind the highest index; RFC 3711 §3.3.2 requires at least 64
   * @throws RangeError when size is not an integer in [64, 32768]
   */
  constructor(size = 64) {
    if (!Number.isInteger(size) || size < 64 || size > 32768) {
      throw new RangeError(`replay window size must be an integer in [64, 32768], got ${size}`);
    }
    this.size = size;
    // A ring of bits addressed by index modulo a capacity >= size.
    const words = Math.ceil(size / 32);
    this.#bits = new Uint32Array(words);
    this.#capacity = words * 32;
  }

  /** Highest accepted index, or -1 before the first. */
  get highest(): number {
    return this.#top;
  }

  /** Whether `index` would be accepted now. */
  check(index: number): ReplayCheck {
    const top = this.#top;
    if (index > top) return 'ok';
    if (top - index >= this.size) return 'too-old';
    const pos = index % this.#capacity;
    return (this.#bits[pos >>> 5]! >>> (pos & 31)) & 1 ? 'replayed' : 'ok';
  }

  /** Marks `index` received; moves the window right when it is the new highest. */
  accept(index: number): void {
    const cap = this.#capacity;
    const bits = this.#bits;
    const top = this.#top;
    if (index > top) {
      if (top < 0 || index - top >= cap) {
        bits.fill(0);
      } else {
        // Clear the slots of the indices the window slides over; they held indices now too old.
        for (let i = top + 1; i <= index; i++) {
          const pos = i % cap;
          bits[pos >>> 5] = bits[pos >>> 5]! & ~(1 << (pos & 31));
        }
      }
      this.#top = index;
    }
    const pos = index % cap;
    bits[pos >>> 5] = bits[pos >>> 5]! | (1 << (pos & 31));
  }
}
