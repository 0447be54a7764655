import type { PacerTimers } from './realtime-pacer.js';

/** Slots of the wheel, one millisecond each (a power of two: the slot of `ms` is `ms & MASK`). */
const WHEEL_SLOTS = 256;
const MASK = WHEEL_SLOTS - 1;

/**
 * One scheduled wake-up of one pacer: made once per `start()`, then moved from slot to slot on
 * every tick (no allocation per tick). Linked into its slot's list while waiting.
 */
export class PacerWheelEntry {
  /** Absolute time (ms, the timers' clock) the pacer wants to run at. */
  due = 0;
  /** Slot index while linked, -1 otherwise. */
  slot = -1;
  next: PacerWheelEntry | null = null;
  prev: PacerWheelEntry | null = null;
  /** Set by {@link PacerWheel.cancel}: the entry is never run again. */
  cancelled = false;

  /** @param run - called at (or just after) `due` with the time; it reschedules through the wheel if it wants to go on */
  constructor(readonly run: (now: number) => void) {}
}

/**
 * A hashed timer wheel shared by every pacer on one timer source: 1 ms slots keyed by due time,
 * and a single timeout armed for the end of the earliest non-empty slot. A thousand calls with a
 * 20 ms ptime then cost at most a thousand wake-ups a second (about fifty pacers per wake-up)
 * instead of fifty thousand timeouts. Each pacer keeps its own drift-free schedule; the wheel only
 * decides when it is polled, at most 1 ms (one slot) plus the timer's own lateness after its due
 * time, and never accumulates that lateness. Entries due further ahead than the wheel's span
 * wait in their slot for later rounds.
 */
export class PacerWheel {
  readonly #timers: PacerTimers;
  readonly #heads: Array<PacerWheelEntry | null> = new Array<PacerWheelEntry | null>(WHEEL_SLOTS).fill(null);
  /** The first millisecond not processed completely. */
  #cursor = 0;
  #count = 0;
  #handle: unknown = undefined;
  /** When the armed timeout fires (ms), Infinity when none is armed. */
  #armedAt = Infinity;
  #processing = false;

  /** @param timers - the clock and timeouts every pacer on this wheel uses */
  constructor(timers: PacerTimers) {
    this.#timers = timers;
  }

  /** Entries waiting. */
  get size(): number {
    return this.#count;
  }

  /** Schedules `entry` to run at `due` (absolute ms). The entry must not be linked already. */
  schedule(entry: PacerWheelEntry, due: number): void {
    if (this.#count === 0 && !this.#processing) this.#cursor = Math.floor(this.#timers.now());
    entry.due = due;
    // Never behind the cursor: a slot already processed would be seen again only a round later.
    const ms = Math.max(Math.floor(due), this.#cursor);
    this.#link(entry, ms & MASK);
    if (!this.#processing && ms + 1 < this.#armedAt) this.#arm(ms + 1);
  }

  /** Takes `entry` off the wheel for good (idempotent); the timeout is cleared when nothing waits. */
  cancel(entry: PacerWheelEntry): void {
    entry.cancelled = true;
    if (entry.slot >= 0) this.#unlink(entry);
    if (this.#count === 0 && !this.#processing) this.#disarm();
  }

  #link(entry: PacerWheelEntry, slot: number): void {
    const head = this.#heads[slot] ?? null;
    entry.slot = slot;
    entry.prev = null;
    entry.next = head;
    if (head !== null) head.prev = entry;
    this.#heads[slot] = entry;
    this.#count++;
  }

  #unlink(entry: PacerWheelEntry): void {
    if (entry.prev !== null) entry.prev.next = entry.next;
    else this.#heads[entry.slot] = entry.next;
    if (entry.next !== null) entry.next.prev = entry.prev;
    entry.slot = -1;
    entry.next = null;
    entry.prev = null;
    this.#count--;
  }

  #arm(at: number): void {
    if (this.#handle !== undefined) this.#timers.clearTimeout(this.#handle);
    this.#armedAt = at;
    this.#handle = this.#timers.setTimeout(this.#wake, Math.max(0, at - this.#timers.now()));
  }

  #disarm(): void {
    if (this.#handle !== undefined) this.#timers.clearTimeout(this.#handle);
    this.#handle = undefined;
    this.#armedAt = Infinity;
  }

  #wake = (): void => {
    this.#handle = undefined;
    this.#armedAt = Infinity;
    const now = this.#timers.now();
    const last = Math.floor(now);
    // After a stall longer than the wheel's span every slot is visited once.
    let ms = Math.max(this.#cursor, last - MASK);
    this.#processing = true;
    try {
      for (; ms <= last; ms++) this.#runSlot(ms & MASK, now);
    } finally {
      this.#processing = false;
      // The current millisecond stays unprocessed: its slot may still hold entries due later in it.
      this.#cursor = Math.max(this.#cursor, last);
      this.#armNext();
    }
  };

  /** Runs every entry of `slot` that is due at `now`; the others (later rounds) stay. */
  #runSlot(slot: number, now: number): void {
    let later: PacerWheelEntry | null = null;
    for (let e = this.#heads[slot] ?? null; e !== null; e = this.#heads[slot] ?? null) {
      this.#unlink(e);
      if (e.due > now) {
        // Held aside (linked through `next` only) so this loop ends; relinked below.
        e.next = later;
        later = e;
        continue;
      }
      e.run(now); // contained by the pacer; may schedule e again, into a later slot (its next due is > now)
    }
    while (later !== null) {
      const e: PacerWheelEntry = later;
      later = e.next;
      // Cancelled while held aside (a pacer stopped by another one's tick): dropped here.
      if (!e.cancelled) this.#link(e, slot);
      else e.next = null;
    }
  }

  #armNext(): void {
    if (this.#count === 0) {
      this.#disarm();
      return;
    }
    for (let i = 0; i < WHEEL_SLOTS; i++) {
      const ms = this.#cursor + i;
      if (this.#heads[ms & MASK] !== null) {
        this.#arm(ms + 1);
        return;
      }
    }
  }
}

const wheels = new WeakMap<PacerTimers, PacerWheel>();

/** The wheel shared by every pacer using `timers` (one per process for the real timers). */
export function wheelFor(timers: PacerTimers): PacerWheel {
  let wheel = wheels.get(timers);
  if (wheel === undefined) {
    wheel = new PacerWheel(timers);
    wheels.set(timers, wheel);
  }
  return wheel;
}
