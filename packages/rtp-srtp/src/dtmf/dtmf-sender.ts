import type { TelephoneEvent } from './telephone-event.js';

/** Options for {@link telephoneEventPackets}. */
export interface TelephoneEventPlanOptions {
  /** Event code (see {@link dtmfEventCode}). */
  readonly event: number;
  /** Total tone duration in timestamp units (e.g. 800 = 100 ms at 8 kHz). */
  readonly durationSamples: number;
  /** RTP timestamp of the event start (the media clock at the onset). */
  readonly startTimestamp: number;
  /** Update interval in timestamp units; default 160 (20 ms at 8 kHz, the audio ptime). */
  readonly intervalSamples?: number;
  /** Volume in −dBm0; default 10. */
  readonly volume?: number;
  /** Total transmissions of the final packet (RFC 4733 §2.5.1.4 says three); default 3. */
  readonly endTransmissions?: number;
  /** Largest duration one segment can express; default 0xFFFF, the field's maximum (§2.5.1.3). */
  readonly maxSegmentDuration?: number;
}

/** One packet of an event, to be sent `offsetSamples` after the event start. */
export interface TelephoneEventFrame {
  /** When to send, in timestamp units after the event start. */
  readonly offsetSamples: number;
  /** RTP marker bit: set on the first packet of the event only (§2.5.1.2). */
  readonly marker: boolean;
  /** RTP timestamp: the start of the event, or of the current segment (§2.5.1.3). */
  readonly timestamp: number;
  /** Payload content. */
  readonly payload: TelephoneEvent;
}

/**
 * Plans every packet of one RFC 4733 event: the start packet with the marker bit, continuation
 * updates at each interval with a growing duration, and the final packet with the E bit sent
 * `endTransmissions` times at the update interval (§2.5.1.4). Events longer than the 16-bit
 * duration field are split into segments: a segment ends with duration = max, and the next one
 * starts at timestamp + max without the marker bit (§2.5.1.3). Pure: the caller sends each frame
 * when its offset is reached, with the next RTP sequence number and the session's SSRC.
 */
export function telephoneEventPackets(options: TelephoneEventPlanOptions): TelephoneEventFrame[] {
  const interval = options.intervalSamples ?? 160;
  const volume = options.volume ?? 10;
  const endTx = options.endTransmissions ?? 3;
  const maxSeg = options.maxSegmentDuration ?? 0xffff;
  const total = options.durationSamples;
  if (!Number.isInteger(options.event) || options.event < 0 || options.event > 255) throw new RangeError('event outside 0..255');
  if (!Number.isInteger(total) || total < 1) throw new RangeError('durationSamples must be a positive integer');
  if (!Number.isInteger(interval) || interval < 1) throw new RangeError('intervalSamples must be a positive integer');
  if (!Number.isInteger(endTx) || endTx < 1 || endTx > 10) throw new RangeError('endTransmissions must be 1..10');
  if (!Number.isInteger(maxSeg) || maxSeg < interval || maxSeg > 0xffff) throw new RangeError('maxSegmentDuration must be within intervalSamples..65535');
  if (!Number.isInteger(volume) || volume < 0 || volume > 63) throw new RangeError('volume outside 0..63');
  const frames: TelephoneEventFrame[] = [];
  let segStart = 0;
  let segTs = options.startTimestamp >>> 0;
  let first = true;
  const push = (offset: number, duration: number, end: boolean): void => {
    frames.push({ offsetSamples: offset, marker: first, timestamp: segTs, payload: { event: options.event, end, volume, duration } });
    first = false;
  };
  // §2.5.1.2: the first packet goes out at the onset, with the duration so far (zero).
  push(0, 0, false);
  for (let t = Math.min(interval, total); ; t = Math.min(t + interval, total)) {
    while (t - segStart > maxSeg) {
      // §2.5.1.3: close the segment at the field maximum and start a new one.
      push(segStart + maxSeg, maxSeg, false);
      segStart += maxSeg;
      segTs = (segTs + maxSeg) >>> 0;
    }
    const done = t >= total;
    if (!done) {
      push(t, t - segStart, false);
      continue;
    }
    for (let i = 0; i < endTx; i++) push(t + i * interval, t - segStart, true);
    break;
  }
  return frames;
}
