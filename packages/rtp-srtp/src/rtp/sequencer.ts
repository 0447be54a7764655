import { cryptoRandomUint32, type RandomUint32 } from './random.js';

/** Options for {@link RtpSequencer}. */
export interface RtpSequencerOptions {
  /** SSRC to send with; default random (RFC 3550 §8.1). */
  readonly ssrc?: number;
  /** Initial sequence number; default random (RFC 3550 §5.1). */
  readonly initialSequenceNumber?: number;
  /** Initial timestamp; default random (RFC 3550 §5.1). */
  readonly initialTimestamp?: number;
  /** Random source; default {@link cryptoRandomUint32}. */
  readonly random?: RandomUint32;
}

/** Header fields for the next outgoing packet. */
export interface RtpSendHeader {
  /** 16-bit sequence number. */
  readonly sequenceNumber: number;
  /** 32-bit timestamp. */
  readonly timestamp: number;
  /** SSRC. */
  readonly ssrc: number;
}

/**
 * Generates sequence numbers and timestamps for one outgoing stream. Both start at random values
 * (RFC 3550 §5.1: "the initial value of the sequence number SHOULD be random (unpredictable) to make
 * known-plaintext attacks on encryption more difficult"; likewise the timestamp).
 */
export class RtpSequencer {
  #seq: number;
  #ts: number;
  #ssrc: number;

  /** @param options - see {@link RtpSequencerOptions} */
  constructor(options: RtpSequencerOptions = {}) {
    const random = options.random ?? cryptoRandomUint32;
    this.#seq = checkU(options.initialSequenceNumber ?? random() & 0xffff, 0xffff, 'initialSequenceNumber');
    this.#ts = checkU(options.initialTimestamp ?? random() >>> 0, 0xffffffff, 'initialTimestamp');
    this.#ssrc = checkU(options.ssrc ?? random() >>> 0, 0xffffffff, 'ssrc');
  }

  /** Current SSRC. */
  get ssrc(): number {
    return this.#ssrc;
  }

  /** Sequence number the next packet will carry. */
  get nextSequenceNumber(): number {
    return this.#seq;
  }

  /** Timestamp the next packet will carry. */
  get nextTimestamp(): number {
    return this.#ts;
  }

  /**
   * Returns the header of the next packet, then advances the timestamp by `samples` (the media
   * duration this packet covers, in clock-rate units) and the sequence number by one, both wrapping.
   */
  next(samples: number): RtpSendHeader {
    if (!Number.isInteger(samples) || samples < 0 || samples > 0xffffffff) throw new RangeError('samples must be a uint32');
    const h = { sequenceNumber: this.#seq, timestamp: this.#ts, ssrc: this.#ssrc };
    this.#seq = (this.#seq + 1) & 0xffff;
    this.#ts = (this.#ts + samples) >>> 0;
    return h;
  }

  /**
   * Returns the header for a packet that shares the previous timestamp offset by nothing, e.g. an
   * RFC 4733 event update: a new sequence number but a caller-chosen timestamp.
   */
  nextWithTimestamp(timestamp: number): RtpSendHeader {
    const h = { sequenceNumber: this.#seq, timestamp: checkU(timestamp, 0xffffffff, 'timestamp'), ssrc: this.#ssrc };
    this.#seq = (this.#seq + 1) & 0xffff;
    return h;
  }

  /** Advances the media clock without sending (e.g. during silence suppression). */
  skip(samples: number): void {
    if (!Number.isInteger(samples) || samples < 0) throw new RangeError('samples must be a non-negative integer');
    this.#ts = (this.#ts + samples) >>> 0;
  }

  /** Switches to a new SSRC, e.g. after a collision (RFC 3550 §8.2). */
  setSsrc(ssrc: number): void {
    this.#ssrc = checkU(ssrc, 0xffffffff, 'ssrc');
  }
}

function checkU(v: number, max: number, name: string): number {
  if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`${name} ${v} outside 0..${max}`);
  return v;
}
