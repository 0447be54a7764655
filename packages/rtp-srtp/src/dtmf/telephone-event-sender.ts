import { dtmfEventCode } from './telephone-event.js';
import { telephoneEventPackets, type TelephoneEventFrame } from './dtmf-sender.js';

/** Options for {@link TelephoneEventSender}; durations in timestamp units. */
export interface TelephoneEventSenderOptions {
  /** Samples per pacer tick (the audio ptime); default 160 (20 ms at 8 kHz). */
  readonly samplesPerTick?: number;
  /** Tone duration per digit; default 800 (100 ms at 8 kHz). */
  readonly toneSamples?: number;
  /** Pause between digits, during which audio resumes; default 400 (50 ms). */
  readonly gapSamples?: number;
  /** Volume in −dBm0; default 10. */
  readonly volume?: number;
  /** Digits queued at most; default 64. */
  readonly maxQueued?: number;
}

/**
 * Drives {@link telephoneEventPackets} from the audio pacer: on every tick the caller passes the
 * media timestamp the next audio frame would carry and gets the telephone-event frames to send
 * instead (empty: send audio). Pure; sequence numbers come from the caller's sequencer.
 */
export class TelephoneEventSender {
  readonly #tick: number;
  readonly #tone: number;
  readonly #gap: number;
  readonly #volume: number;
  readonly #maxQueued: number;
  readonly #queue: number[] = [];
  #plan: TelephoneEventFrame[] = [];
  #planStart = 0;
  #gapUntil: number | undefined;

  /** @param options - see {@link TelephoneEventSenderOptions} */
  constructor(options: TelephoneEventSenderOptions = {}) {
    this.#tick = options.samplesPerTick ?? 160;
    this.#tone = options.toneSamples ?? 800;
    this.#gap = options.gapSamples ?? 400;
    this.#volume = options.volume ?? 10;
    this.#maxQueued = options.maxQueued ?? 64;
    for (const [v, n] of [[this.#tick, 'samplesPerTick'], [this.#tone, 'toneSamples'], [this.#maxQueued, 'maxQueued']] as const) {
      if (!Number.isInteger(v) || v < 1) throw new RangeError(`${n} must be a positive integer`);
    }
    if (!Number.isInteger(this.#gap) || this.#gap < 0) throw new RangeError('gapSamples must be a non-negative integer');
  }

  /** Queues DTMF digits (0-9, *, #, A-D). Throws RangeError on other characters or a full queue. */
  enqueue(digits: string): void {
    const codes = [...digits].map(dtmfEventCode);
    if (this.#queue.length + codes.length > this.#maxQueued) throw new RangeError(`more than ${this.#maxQueued} digits queued`);
    this.#queue.push(...codes);
  }

  /** Whether events are being sent or queued. */
  get busy(): boolean {
    return this.#plan.length > 0 || this.#queue.length > 0;
  }

  /**
   * Frames to send on this tick, in order.
   *
   * @param timestamp - media timestamp of this tick (what an audio frame would carry)
   */
  tick(timestamp: number): TelephoneEventFrame[] {
    timestamp >>>= 0;
    if (this.#plan.length === 0) {
      if (this.#gapUntil !== undefined && ((timestamp - this.#gapUntil) | 0) < 0) return [];
      this.#gapUntil = undefined;
      const next = this.#queue.shift();
      if (next === undefined) return [];
      this.#plan = telephoneEventPackets({ event: next, durationSamples: this.#tone, startTimestamp: timestamp, intervalSamples: this.#tick, volume: this.#volume });
      this.#planStart = timestamp;
    }
    const elapsed = (timestamp - this.#planStart) >>> 0;
    const out: TelephoneEventFrame[] = [];
    while (this.#plan.length > 0 && (this.#plan[0]?.offsetSamples ?? Infinity) <= elapsed) {
      const f = this.#plan.shift();
      if (f !== undefined) out.push(f);
    }
    if (this.#plan.length === 0) this.#gapUntil = (timestamp + this.#tick + this.#gap) >>> 0;
    return out;
  }
}
