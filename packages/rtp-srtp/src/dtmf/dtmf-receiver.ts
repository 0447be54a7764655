import { dtmfDigit, type TelephoneEvent } from './telephone-event.js';

/** A completed telephone event, reported once. */
export interface ReceivedTelephoneEvent {
  /** Event code. */
  readonly event: number;
  /** DTMF character, undefined for non-DTMF events. */
  readonly digit: string | undefined;
  /** RTP timestamp of the event start. */
  readonly timestamp: number;
  /** Total duration in timestamp units (segments summed). */
  readonly durationSamples: number;
  /** Volume of the last packet, in −dBm0. */
  readonly volume: number;
  /** False when the event was closed without an end packet (lost, or interrupted by a new event). */
  readonly endSeen: boolean;
}

/** Options for {@link TelephoneEventReceiver}. */
export interface TelephoneEventReceiverOptions {
  /** Timestamps of finished events remembered to drop their redundant end packets; default 16. */
  readonly historySize?: number;
  /** Segment length used by senders for long events (§2.5.1.3); default 0xFFFF. */
  readonly maxSegmentDuration?: number;
}

interface Current {
  event: number;
  startTimestamp: number;
  segmentTimestamp: number;
  baseDuration: number;
  duration: number;
  volume: number;
}

/**
 * RFC 4733 receiver: packets with the same RTP timestamp belong to the same event (§2.5.2), so the
 * start, updates and the three redundant end packets yield one report, with the final duration.
 * Handles a lost start packet, lost end packets (closed when the next event begins, or by
 * {@link flush}), and long events split into segments. Returns events; it never sees the clock.
 */
export class TelephoneEventReceiver {
  readonly #history: number[] = [];
  readonly #historySize: number;
  readonly #maxSeg: number;
  #current: Current | undefined;

  /** @param options - see {@link TelephoneEventReceiverOptions} */
  constructor(options: TelephoneEventReceiverOptions = {}) {
    this.#historySize = options.historySize ?? 16;
    this.#maxSeg = options.maxSegmentDuration ?? 0xffff;
    if (!Number.isInteger(this.#historySize) || this.#historySize < 1) throw new RangeError('historySize must be a positive integer');
  }

  /**
   * Feeds one telephone-event packet (already decoded). Returns the events completed by it:
   * usually none or one; two when a new event also closes an unfinished previous one.
   *
   * @param rtp - RTP marker and timestamp of the packet
   * @param payload - decoded payload ({@link parseTelephoneEvent})
   */
  receive(rtp: { readonly timestamp: number; readonly marker: boolean }, payload: TelephoneEvent): ReceivedTelephoneEvent[] {
    const ts = rtp.timestamp >>> 0;
    if (this.#history.includes(ts)) return []; // a redundant end packet of a finished event
    const out: ReceivedTelephoneEvent[] = [];
    const cur = this.#current;
    if (cur !== undefined && ts === cur.segmentTimestamp) {
      if (payload.event !== cur.event) {
        // Same timestamp, different event: a broken sender; close the old one and start anew.
        out.push(this.#close(false));
        this.#start(ts, payload);
      } else {
        cur.duration = Math.max(cur.duration, payload.duration);
        cur.volume = payload.volume;
      }
    } else if (
      cur !== undefined &&
      !rtp.marker &&
      payload.event === cur.event &&
      ((ts - cur.segmentTimestamp) >>> 0) === this.#maxSeg
    ) {
      // §2.5.1.3: next segment of a long event.
      this.#remember(cur.segmentTimestamp);
      cur.baseDuration += this.#maxSeg;
      cur.segmentTimestamp = ts;
      cur.duration = payload.duration;
      cur.volume = payload.volume;
    } else {
      if (cur !== undefined) out.push(this.#close(false));
      this.#start(ts, payload);
    }
    if (payload.end) out.push(this.#close(true));
    return out;
  }

  /** Closes and returns an unfinished event, e.g. when no packet came for a while. */
  flush(): ReceivedTelephoneEvent | undefined {
    return this.#current === undefined ? undefined : this.#close(false);
  }

  #start(ts: number, p: TelephoneEvent): void {
    this.#current = { event: p.event, startTimestamp: ts, segmentTimestamp: ts, baseDuration: 0, duration: p.duration, volume: p.volume };
  }

  #close(endSeen: boolean): ReceivedTelephoneEvent {
    const c = this.#current;
    if (c === undefined) throw new Error('unreachable: no current event');
    this.#current = undefined;
    this.#remember(c.segmentTimestamp);
    return {
      event: c.event,
      digit: dtmfDigit(c.event),
      timestamp: c.startTimestamp,
      durationSamples: c.baseDuration + c.duration,
      volume: c.volume,
      endSeen,
    };
  }

  #remember(ts: number): void {
    this.#history.push(ts);
    if (this.#history.length > this.#historySize) this.#history.shift();
  }
}
