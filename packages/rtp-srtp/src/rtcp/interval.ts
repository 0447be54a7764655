/**
 * RTCP transmission interval (RFC 3550 §6.2, §6.3.1, algorithm of §A.7). Pure: the random value is
 * an input, so the computation is reproducible.
 */

/** Inputs of {@link rtcpInterval}. */
export interface RtcpIntervalInput {
  /** Current estimate of session members, including ourselves (≥ 1). */
  readonly members: number;
  /** Current estimate of senders, including ourselves if we sent (≥ 0). */
  readonly senders: number;
  /** RTCP bandwidth in octets per second (typically 5% of the session bandwidth, §6.2). */
  readonly rtcpBandwidth: number;
  /** Whether we sent RTP since the second-to-last report. */
  readonly weSent: boolean;
  /** Average compound RTCP packet size in octets, including UDP/IP headers (§6.3.3). */
  readonly avgRtcpSize: number;
  /** Whether no RTCP has been sent yet; halves the minimum interval (§6.2). */
  readonly initial: boolean;
  /** A random value in [0, 1), e.g. `Math.random()`. */
  readonly random: number;
  /** Minimum interval in seconds; default 5 (§6.2). */
  readonly minInterval?: number;
}

/** Fraction of the RTCP bandwidth reserved for senders (§6.2). */
export const RTCP_SENDER_BW_FRACTION = 0.25;
/** Compensation for "timer reconsideration" converging below the intended average (§A.7): e − 3/2. */
export const RTCP_COMPENSATION = Math.E - 1.5;

/**
 * Computes the randomized deterministic interval of §A.7 `rtcp_interval()`, in seconds: the
 * deterministic interval `avg_rtcp_size * n / rtcp_bw` (bounded below by the minimum), scaled by a
 * uniform factor in [0.5, 1.5) and divided by e − 3/2.
 */
export function rtcpInterval(input: RtcpIntervalInput): number {
  const { members, senders, weSent, avgRtcpSize, initial, random } = input;
  let rtcpBw = input.rtcpBandwidth;
  if (!Number.isFinite(members) || members < 1) throw new RangeError('members must be ≥ 1');
  if (!Number.isFinite(senders) || senders < 0 || senders > members) throw new RangeError('senders must be within 0..members');
  if (!(rtcpBw > 0) || !Number.isFinite(rtcpBw)) throw new RangeError('rtcpBandwidth must be positive');
  if (!(avgRtcpSize > 0) || !Number.isFinite(avgRtcpSize)) throw new RangeError('avgRtcpSize must be positive');
  if (!(random >= 0 && random < 1)) throw new RangeError('random must be in [0, 1)');
  let minTime = input.minInterval ?? 5;
  if (!(minTime >= 0)) throw new RangeError('minInterval must be ≥ 0');
  if (initial) minTime /= 2;
  let n = members;
  // §6.2: if senders are at most a quarter of members, they share 25% of the RTCP bandwidth.
  if (senders <= members * RTCP_SENDER_BW_FRACTION) {
    if (weSent) {
      rtcpBw *= RTCP_SENDER_BW_FRACTION;
      n = senders;
    } else {
      rtcpBw *= 1 - RTCP_SENDER_BW_FRACTION;
      n -= senders;
    }
  }
  let t = (avgRtcpSize * n) / rtcpBw;
  if (t < minTime) t = minTime;
  // §6.3.1: randomize to [0.5, 1.5) of the computed interval to avoid synchronization.
  t *= random + 0.5;
  return t / RTCP_COMPENSATION;
}

/**
 * Updates the average compound RTCP packet size (§6.3.3): avg = 1/16 · size + 15/16 · avg.
 */
export function updateAvgRtcpSize(avgRtcpSize: number, packetSize: number): number {
  return packetSize / 16 + (15 / 16) * avgRtcpSize;
}
