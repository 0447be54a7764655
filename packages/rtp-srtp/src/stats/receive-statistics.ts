import type { RtcpReportBlock } from '../rtcp/packet.js';
import { msToNtpShort } from '../rtcp/ntp.js';

/** Options for {@link RtpReceiveStatistics}; defaults are those of RFC 3550 §A.1. */
export interface RtpReceiveStatisticsOptions {
  /** Media clock rate in Hz, for jitter (e.g. 8000 for PCMU). */
  readonly clockRate: number;
  /** Largest forward jump still taken as in-order (MAX_DROPOUT); default 3000. */
  readonly maxDropout?: number;
  /** Largest backward jump taken as reordering rather than a restart (MAX_MISORDER); default 100. */
  readonly maxMisorder?: number;
  /** Sequential packets needed before a source is valid (MIN_SEQUENTIAL); default 2. */
  readonly minSequential?: number;
}

const RTP_SEQ_MOD = 0x10000;

/** A snapshot of cumulative counters (RFC 3550 §A.3). */
export interface RtpReceiveCounters {
  /** Packets counted as received (duplicates included, as in §A.3). */
  readonly received: number;
  /** Packets expected: extended highest − base + 1. */
  readonly expected: number;
  /** expected − received, unclamped; negative when duplicates exceed losses. */
  readonly lost: number;
  /** Extended highest sequence number (cycles + max_seq). */
  readonly extendedHighestSequence: number;
  /** Interarrival jitter in timestamp units (§A.8). */
  readonly jitter: number;
}

/**
 * Per-source reception statistics: sequence validation with probation (RFC 3550 §A.1), loss
 * accounting (§A.3) and interarrival jitter (§A.8). Pure: arrival times are inputs.
 */
export class RtpReceiveStatistics {
  /** SSRC of the source. */
  readonly ssrc: number;
  readonly #clockRate: number;
  readonly #maxDropout: number;
  readonly #maxMisorder: number;
  readonly #minSequential: number;
  #initialized = false;
  #maxSeq = 0;
  #cycles = 0;
  #baseSeq = 0;
  #badSeq = RTP_SEQ_MOD + 1;
  #probation = 0;
  #received = 0;
  #expectedPrior = 0;
  #receivedPrior = 0;
  #transit: number | undefined;
  #jitter = 0;
  #lastSrMiddle = 0;
  #lastSrArrivalMs = 0;

  /**
   * @param ssrc - the source's SSRC
   * @param options - see {@link RtpReceiveStatisticsOptions}
   */
  constructor(ssrc: number, options: RtpReceiveStatisticsOptions) {
    this.ssrc = ssrc >>> 0;
    if (!(options.clockRate > 0)) throw new RangeError('clockRate must be positive');
    this.#clockRate = options.clockRate;
    this.#maxDropout = positiveInt(options.maxDropout ?? 3000, 'maxDropout');
    this.#maxMisorder = positiveInt(options.maxMisorder ?? 100, 'maxMisorder');
    this.#minSequential = positiveInt(options.minSequential ?? 2, 'minSequential');
  }

  /**
   * Feeds one received packet. Returns true when the packet counts toward statistics (the source
   * is valid and the sequence number plausible), false while on probation or on a suspicious jump.
   *
   * @param seq - RTP sequence number
   * @param rtpTimestamp - RTP timestamp
   * @param arrivalMs - local arrival time in milliseconds (any monotonic origin)
   */
  update(seq: number, rtpTimestamp: number, arrivalMs: number): boolean {
    seq &= 0xffff;
    if (!this.#initialized) {
      // §A.1: new source, not yet valid.
      this.#initSeq(seq);
      this.#maxSeq = (seq - 1) & 0xffff;
      this.#probation = this.#minSequential;
      this.#initialized = true;
    }
    const ok = this.#updateSeq(seq);
    if (ok) this.#updateJitter(rtpTimestamp, arrivalMs);
    return ok;
  }

  #initSeq(seq: number): void {
    this.#baseSeq = seq;
    this.#maxSeq = seq;
    this.#badSeq = RTP_SEQ_MOD + 1;
    this.#cycles = 0;
    this.#received = 0;
    this.#receivedPrior = 0;
    this.#expectedPrior = 0;
  }

  // RFC 3550 §A.1 update_seq().
  #updateSeq(seq: number): boolean {
    const udelta = (seq - this.#maxSeq) & 0xffff;
    if (this.#probation > 0) {
      if (seq === ((this.#maxSeq + 1) & 0xffff)) {
        this.#probation--;
        this.#maxSeq = seq;
        if (this.#probation === 0) {
          this.#initSeq(seq);
          this.#received++;
          return true;
        }
      } else {
        this.#probation = this.#minSequential - 1;
        this.#maxSeq = seq;
      }
      return false;
    } else if (udelta < this.#maxDropout) {
      // In order, with permissible gap; a smaller number means the 16-bit counter wrapped.
      if (seq < this.#maxSeq) this.#cycles += RTP_SEQ_MOD;
      this.#maxSeq = seq;
    } else if (udelta <= RTP_SEQ_MOD - this.#maxMisorder) {
      // A very large jump: accept only if the next packet confirms it (source restarted).
      if (seq === this.#badSeq) {
        this.#initSeq(seq);
        this.#transit = undefined;
      } else {
        this.#badSeq = (seq + 1) & 0xffff;
        return false;
      }
    }
    // Otherwise a duplicate or reordered packet: counted, as §A.3 notes.
    this.#received++;
    return true;
  }

  // RFC 3550 §A.8: J += (|D| − J) / 16, D the change in relative transit time.
  #updateJitter(rtpTimestamp: number, arrivalMs: number): void {
    const arrival = (arrivalMs * this.#clockRate) / 1000;
    const transit = arrival - rtpTimestamp;
    if (this.#transit !== undefined) {
      let d = transit - this.#transit;
      // Timestamps wrap at 2^32: fold the difference into (−2^31, 2^31].
      d = d - Math.round(d / 0x1_0000_0000) * 0x1_0000_0000;
      this.#jitter += (Math.abs(d) - this.#jitter) / 16;
    }
    this.#transit = transit;
  }

  /** Cumulative counters (§A.3). */
  counters(): RtpReceiveCounters {
    const extended = this.#cycles + this.#maxSeq;
    const expected = this.#probation > 0 || !this.#initialized ? 0 : extended - this.#baseSeq + 1;
    const received = this.#probation > 0 ? 0 : this.#received;
    return { received, expected, lost: expected - received, extendedHighestSequence: extended, jitter: this.#jitter };
  }

  /** Interarrival jitter in milliseconds. */
  get jitterMs(): number {
    return (this.#jitter * 1000) / this.#clockRate;
  }

  /** Whether the source has passed probation. */
  get valid(): boolean {
    return this.#initialized && this.#probation === 0;
  }

  /**
   * Records an SR from this source, for the LSR/DLSR fields of our next report (§6.4.1).
   *
   * @param ntpMiddle32 - middle 32 bits of the SR's NTP timestamp
   * @param arrivalMs - local arrival time, same clock as {@link report}'s `nowMs`
   */
  onSenderReport(ntpMiddle32: number, arrivalMs: number): void {
    this.#lastSrMiddle = ntpMiddle32 >>> 0;
    this.#lastSrArrivalMs = arrivalMs;
  }

  /**
   * Builds a report block and starts a new reporting interval (fraction lost is per interval,
   * §A.3 expected_prior/received_prior). Cumulative loss is clamped to the signed 24-bit field.
   *
   * @param nowMs - current time, same clock as {@link onSenderReport}
   */
  report(nowMs: number): RtcpReportBlock {
    const c = this.counters();
    const expectedInterval = c.expected - this.#expectedPrior;
    this.#expectedPrior = c.expected;
    const receivedInterval = c.received - this.#receivedPrior;
    this.#receivedPrior = c.received;
    const lostInterval = expectedInterval - receivedInterval;
    const fractionLost = expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval);
    return {
      ssrc: this.ssrc,
      fractionLost: Math.min(255, fractionLost),
      cumulativeLost: Math.max(-0x800000, Math.min(0x7fffff, c.lost)),
      highestSequence: c.extendedHighestSequence >>> 0,
      jitter: Math.min(0xffffffff, Math.floor(c.jitter)),
      lastSr: this.#lastSrMiddle,
      delaySinceLastSr: this.#lastSrMiddle === 0 ? 0 : msToNtpShort(nowMs - this.#lastSrArrivalMs),
    };
  }
}

function positiveInt(v: number, name: string): number {
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer`);
  return v;
}
