/** What the jitter buffer needs from a packet. */
export interface JitterBufferPacket {
  /** RTP sequence number (16 bits). */
  readonly sequenceNumber: number;
  /** RTP timestamp (32 bits), used to measure jitter. */
  readonly timestamp: number;
  /** RTP marker bit: start of a talkspurt for audio (RFC 3551 §4.1); lets playout re-anchor. */
  readonly marker?: boolean;
}

/** Options for {@link JitterBuffer}; all delays in milliseconds. */
export interface JitterBufferOptions {
  /** Media duration of one packet; default 20. */
  readonly frameMs?: number;
  /** RTP clock rate, for jitter measurement; default 8000. */
  readonly clockRate?: number;
  /** Lower bound of the target playout delay; default 20. */
  readonly minDelayMs?: number;
  /**
   * Upper bound of the target playout delay; default 200. With `maxDelayMs` equal to
   * `minDelayMs` the buffer is fixed: an underrun conceals its slot without growing the delay
   * and no frame is ever dropped to shrink it, so the output keeps the sender's timeline exactly
   * (what measuring tools need; a late packet is then counted `late`).
   */
  readonly maxDelayMs?: number;
  /** Delay before the first frame plays; default 60, clamped to [min, max]. */
  readonly initialDelayMs?: number;
  /** Target delay = frameMs + jitterMultiplier × measured jitter, clamped; default 3. */
  readonly jitterMultiplier?: number;
  /** Most packets held at once (bounded memory); default 64. */
  readonly maxPackets?: number;
  /** Played frames observed before the delay may shrink by one frame; default 50 (1 s). */
  readonly shrinkWindow?: number;
  /** Sequence positions remembered to tell late packets from duplicates; default 512. */
  readonly historySize?: number;
  /** A jump larger than this many sequence numbers restarts the buffer; default 1000. */
  readonly maxSequenceJump?: number;
}

/** Result of {@link JitterBuffer.push}. */
export type JitterBufferPushResult = 'buffered' | 'duplicate' | 'late' | 'overflow' | 'reset';

/** Output of {@link JitterBuffer.pop}. */
export type JitterBufferOutput<T> =
  | {
      /** A packet to decode and play. */
      readonly kind: 'frame';
      /** The packet, as pushed. */
      readonly packet: T;
      /** Extended sequence number: monotonic, does not wrap, arbitrary origin. */
      readonly sequence: number;
    }
  | {
      /**
       * Nothing to play for this slot: conceal (PLC) or play silence. `lost`: the packet is missing
       * while later ones are here; `underrun`: the buffer ran dry (late packet or silence), and the
       * playout delay grows by one frame.
       */
      readonly kind: 'conceal';
      /** Why the slot is empty. */
      readonly reason: 'lost' | 'underrun';
      /** Extended sequence number of the slot, when known. */
      readonly sequence: number;
    };

/** Counters of {@link JitterBuffer}. `pushed` = played + duplicate + late + overflow + accelerated + flushed + buffered. */
export interface JitterBufferStats {
  /** Packets given to push(). */
  readonly pushed: number;
  /** Frames output. */
  readonly played: number;
  /** Packets already buffered or played. */
  readonly duplicate: number;
  /** Packets arriving after their slot was concealed. */
  readonly late: number;
  /** Packets dropped to keep memory bounded (maxPackets). */
  readonly overflow: number;
  /** Frames dropped to shrink the delay toward the target. */
  readonly accelerated: number;
  /** Packets dropped by a restart after a large sequence jump. */
  readonly flushed: number;
  /** Packets currently held. */
  readonly buffered: number;
  /** Conceal outputs in total (lost + underrun). */
  readonly concealed: number;
  /** Slots concealed because their packet was missing while later packets were present. */
  readonly lost: number;
  /** Slots concealed because the buffer was empty. */
  readonly underruns: number;
  /** Restarts after a large sequence jump. */
  readonly resets: number;
  /** Measured interarrival jitter, ms (RFC 3550 §A.8 estimator). */
  readonly jitterMs: number;
  /** Current target delay, ms. */
  readonly targetDelayMs: number;
}

interface Entry<T> {
  readonly packet: T;
  readonly arrivalMs: number;
}

/**
 * A sans-I/O adaptive jitter buffer. `push(packet, arrivalMs)` on receive; `pop(nowMs)` from the
 * playout clock (typically every 20 ms, repeated until it returns undefined). Frames come out in
 * sequence order, one per slot, each when its playout time is reached; missing slots produce a
 * conceal marker. Sequence numbers are extended across the 16-bit wrap.
 *
 * Adaptation: the target delay follows the measured jitter within [minDelayMs, maxDelayMs]. The
 * delay grows by one frame per underrun; it re-anchors to the target at a talkspurt start (marker
 * on an empty buffer); and it shrinks by dropping one frame when every frame of the last
 * `shrinkWindow` waited more than one frame beyond the target.
 */
export class JitterBuffer<T extends JitterBufferPacket> {
  readonly #frameMs: number;
  readonly #clockRate: number;
  readonly #minDelay: number;
  readonly #maxDelay: number;
  readonly #initialDelay: number;
  readonly #k: number;
  readonly #maxPackets: number;
  readonly #shrinkWindow: number;
  readonly #historySize: number;
  readonly #maxJump: number;

  readonly #buffer = new Map<number, Entry<T>>();
  /** history[ext % size] = ext + 1 if that slot was played (0 = concealed or never). */
  readonly #history: Float64Array;
  #started = false;
  #outputAny = false;
  #nextSeq = 0;
  #nextDue = 0;
  #highest = 0;
  #transit: number | undefined;
  #jitterMs = 0;
  #windowCount = 0;
  #windowMinWait = Infinity;

  #pushed = 0;
  #played = 0;
  #duplicate = 0;
  #late = 0;
  #overflow = 0;
  #accelerated = 0;
  #flushed = 0;
  #lost = 0;
  #underruns = 0;
  #resets = 0;

  /** @param options - see {@link JitterBufferOptions} */
  constructor(options: JitterBufferOptions = {}) {
    this.#frameMs = positive(options.frameMs ?? 20, 'frameMs');
    this.#clockRate = positive(options.clockRate ?? 8000, 'clockRate');
    this.#minDelay = nonNegative(options.minDelayMs ?? 20, 'minDelayMs');
    this.#maxDelay = nonNegative(options.maxDelayMs ?? 200, 'maxDelayMs');
    if (this.#maxDelay < this.#minDelay) throw new RangeError('maxDelayMs must be ≥ minDelayMs');
    this.#initialDelay = clamp(nonNegative(options.initialDelayMs ?? 60, 'initialDelayMs'), this.#minDelay, this.#maxDelay);
    this.#k = nonNegative(options.jitterMultiplier ?? 3, 'jitterMultiplier');
    this.#maxPackets = positiveInt(options.maxPackets ?? 64, 'maxPackets');
    this.#shrinkWindow = positiveInt(options.shrinkWindow ?? 50, 'shrinkWindow');
    this.#historySize = positiveInt(options.historySize ?? 512, 'historySize');
    this.#maxJump = positiveInt(options.maxSequenceJump ?? 1000, 'maxSequenceJump');
    this.#history = new Float64Array(this.#historySize);
  }

  /** Target playout delay from the jitter estimate, clamped to the configured bounds. */
  get targetDelayMs(): number {
    if (this.#transit === undefined) return this.#initialDelay;
    return clamp(this.#frameMs + this.#k * this.#jitterMs, this.#minDelay, this.#maxDelay);
  }

  /** Counters and estimates. */
  get stats(): JitterBufferStats {
    return {
      pushed: this.#pushed,
      played: this.#played,
      duplicate: this.#duplicate,
      late: this.#late,
      overflow: this.#overflow,
      accelerated: this.#accelerated,
      flushed: this.#flushed,
      buffered: this.#buffer.size,
      concealed: this.#lost + this.#underruns,
      lost: this.#lost,
      underruns: this.#underruns,
      resets: this.#resets,
      jitterMs: this.#jitterMs,
      targetDelayMs: this.targetDelayMs,
    };
  }

  /**
   * Adds a received packet.
   *
   * @param packet - the packet (kept by reference until popped)
   * @param arrivalMs - local arrival time on the same clock as {@link pop}
   */
  push(packet: T, arrivalMs: number): JitterBufferPushResult {
    this.#pushed++;
    const seq = packet.sequenceNumber & 0xffff;
    if (!this.#started) {
      this.#start(seq, arrivalMs);
    }
    // Extend relative to the highest seen: the nearest value with these low 16 bits.
    const ext = this.#highest + (((seq - (this.#highest & 0xffff) + 0x8000) & 0xffff) - 0x8000);
    this.#measureJitter(packet.timestamp, arrivalMs);

    if (Math.abs(ext - this.#nextSeq) > this.#maxJump) {
      // The sender restarted or jumped: drop what we hold and start over at this packet.
      this.#flushed += this.#buffer.size;
      this.#buffer.clear();
      this.#resets++;
      this.#start(seq, arrivalMs);
      this.#insert(this.#highest, packet, arrivalMs);
      return 'reset';
    }
    if (ext < this.#nextSeq) {
      if (!this.#outputAny && this.#highest - ext < this.#maxPackets) {
        // Reordered before playout began: start earlier instead of discarding.
        this.#nextSeq = ext;
      } else {
        const played = this.#nextSeq - ext <= this.#historySize && this.#history[ext % this.#historySize] === ext + 1;
        if (played) this.#duplicate++;
        else this.#late++;
        return played ? 'duplicate' : 'late';
      }
    }
    if (this.#buffer.has(ext)) {
      this.#duplicate++;
      return 'duplicate';
    }
    if (ext > this.#highest) this.#highest = ext;
    if (ext - this.#nextSeq >= this.#maxPackets) {
      // Bounded memory: slide the window forward, giving up the oldest slots.
      const newNext = ext - this.#maxPackets + 1;
      for (let s = this.#nextSeq; s < newNext; s++) {
        if (this.#buffer.delete(s)) this.#overflow++;
        this.#markHistory(s, false);
      }
      this.#nextDue += (newNext - this.#nextSeq) * this.#frameMs;
      this.#nextSeq = newNext;
    }
    // §A.1 / RFC 3551: a marker on the next slot with nothing queued is a talkspurt start;
    // re-anchor playout so the new talkspurt gets exactly the target delay.
    if (packet.marker === true && ext === this.#nextSeq && this.#buffer.size === 0 && this.#outputAny) {
      this.#nextDue = arrivalMs + this.targetDelayMs;
    }
    this.#insert(ext, packet, arrivalMs);
    return 'buffered';
  }

  /**
   * Returns the next output if its playout time has come, else undefined. Call repeatedly with
   * the same `nowMs` to catch up after a pause.
   */
  pop(nowMs: number): JitterBufferOutput<T> | undefined {
    if (!this.#started || nowMs < this.#nextDue) return undefined;
    const seq = this.#nextSeq;
    const entry = this.#buffer.get(seq);
    if (entry !== undefined) {
      this.#buffer.delete(seq);
      this.#advance(seq, true);
      this.#played++;
      this.#outputAny = true;
      this.#considerShrink(this.#nextDue - this.#frameMs - entry.arrivalMs);
      return { kind: 'frame', packet: entry.packet, sequence: seq };
    }
    this.#outputAny = true;
    if (this.#buffer.size === 0 && this.#minDelay !== this.#maxDelay) {
      // Underrun: hold this slot for its packet and let the delay grow by a frame.
      this.#underruns++;
      this.#nextDue += this.#frameMs;
      this.#resetWindow();
      return { kind: 'conceal', reason: 'underrun', sequence: seq };
    }
    if (this.#buffer.size === 0) {
      // Fixed delay: the slot is concealed and playout moves on; its packet, if it comes, is late.
      this.#underruns++;
      this.#advance(seq, false);
      return { kind: 'conceal', reason: 'underrun', sequence: seq };
    }
    this.#lost++;
    this.#advance(seq, false);
    return { kind: 'conceal', reason: 'lost', sequence: seq };
  }

  #start(seq: number, arrivalMs: number): void {
    this.#started = true;
    this.#outputAny = false;
    // Extended numbers start high so reordering before the first packet never goes negative.
    this.#highest = seq + EXT_ORIGIN;
    this.#nextSeq = this.#highest;
    this.#nextDue = arrivalMs + this.targetDelayMs;
    this.#history.fill(0);
    this.#resetWindow();
  }

  #insert(ext: number, packet: T, arrivalMs: number): void {
    this.#buffer.set(ext, { packet, arrivalMs });
  }

  #advance(seq: number, played: boolean): void {
    this.#markHistory(seq, played);
    this.#nextSeq = seq + 1;
    this.#nextDue += this.#frameMs;
  }

  #markHistory(seq: number, played: boolean): void {
    this.#history[seq % this.#historySize] = played ? seq + 1 : 0;
  }

  #considerShrink(waitMs: number): void {
    if (this.#minDelay === this.#maxDelay) return; // fixed delay: never drop to shrink
    if (waitMs < this.#windowMinWait) this.#windowMinWait = waitMs;
    if (++this.#windowCount < this.#shrinkWindow) return;
    const excess = this.#windowMinWait - this.targetDelayMs;
    this.#resetWindow();
    if (excess <= this.#frameMs) return;
    // Every recent frame waited over a frame longer than needed: drop the oldest queued frame.
    const next = this.#buffer.get(this.#nextSeq);
    if (next === undefined) return;
    this.#buffer.delete(this.#nextSeq);
    this.#accelerated++;
    this.#markHistory(this.#nextSeq, false);
    this.#nextSeq++;
  }

  #resetWindow(): void {
    this.#windowCount = 0;
    this.#windowMinWait = Infinity;
  }

  // RFC 3550 §A.8 estimator, in milliseconds.
  #measureJitter(timestamp: number, arrivalMs: number): void {
    const transit = arrivalMs - ((timestamp >>> 0) * 1000) / this.#clockRate;
    if (this.#transit !== undefined) {
      let d = transit - this.#transit;
      const wrapMs = (0x1_0000_0000 * 1000) / this.#clockRate;
      d -= Math.round(d / wrapMs) * wrapMs;
      this.#jitterMs += (Math.abs(d) - this.#jitterMs) / 16;
    }
    this.#transit = transit;
  }
}

const EXT_ORIGIN = 0x100000;

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
function positive(v: number, name: string): number {
  if (!(v > 0) || !Number.isFinite(v)) throw new RangeError(`${name} must be positive`);
  return v;
}
function nonNegative(v: number, name: string): number {
  if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`${name} must be ≥ 0`);
  return v;
}
function positiveInt(v: number, name: string): number {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer`);
  return v;
}
