import type { SrtpProfile, TransportAddress } from '@trunkline/rtp-srtp';

/**
 * One-way-audio verdict: `none` while both directions carry audible media (or the call has just
 * started), `no-inbound` / `no-outbound` when one direction has been missing or silent for the
 * threshold, `both-silent` when both have.
 */
export type OneWayAudio = 'none' | 'no-inbound' | 'no-outbound' | 'both-silent';

/** Packets and audio dropped, by reason. */
export interface MediaDrops {
  /** Datagrams that failed SRTP/SRTCP authentication or replay checks (or arrived before negotiation). */
  readonly unprotect: number;
  /** Datagrams that were not valid RTP/RTCP. */
  readonly parse: number;
  /** RTP with a payload type that was not negotiated. */
  readonly payloadType: number;
  /** RTP arriving after its playout slot. */
  readonly late: number;
  /** RTP already received. */
  readonly duplicate: number;
  /** RTP dropped by the jitter buffer to stay bounded or to shrink its delay. */
  readonly jitterBuffer: number;
  /** Frames the app did not read in time (the oldest are dropped beyond `maxReadFrames`). */
  readonly readFrames: number;
  /** Milliseconds of written audio refused because the playout queue was full or the call ended. */
  readonly writeOverflowMs: number;
}

/** Live quality figures of one call's media (`call.metrics`). */
export interface MediaMetrics {
  /** Negotiated codec name (`PCMU`, `PCMA`, `G722`, `OPUS`), null before negotiation. */
  readonly codec: string | null;
  /** Its RTP payload type. */
  readonly payloadType: number | null;
  /** SRTP profile in use, null for plain RTP. */
  readonly srtpSuite: SrtpProfile | null;
  /** Where RTP goes now (signalled, or learned from authenticated media); null when nowhere. */
  readonly remote: TransportAddress | null;
  /** RTP packets sent. */
  readonly packetsSent: number;
  /** RTP packets received (valid). */
  readonly packetsReceived: number;
  /** RTP header + payload bytes sent (without the SRTP tag). */
  readonly bytesSent: number;
  /** RTP header + payload bytes received (without the SRTP tag). */
  readonly bytesReceived: number;
  /** Inbound packets lost (RFC 3550 §A.3 cumulative). */
  readonly packetsLost: number;
  /** Inbound loss, percent of expected. */
  readonly lossPercent: number;
  /** Inbound interarrival jitter (RFC 3550 §A.8), ms. */
  readonly jitterMs: number;
  /** Round-trip time from RTCP LSR/DLSR (RFC 3550 §6.4.1), ms; null before the first measurement. */
  readonly rttMs: number | null;
  /** E-model MOS estimate (ITU-T G.107) from loss and delay; null before any media arrived. */
  readonly mos: number | null;
  /** One-way-audio verdict. */
  readonly oneWayAudio: OneWayAudio;
  /** Frames played out concealed (lost, late or missing packets): repetition, or Opus's PLC. */
  readonly concealedFrames: number;
  /** Lost Opus frames rebuilt from the next packet's in-band FEC (RFC 7587 §3.3); not in `concealedFrames`. */
  readonly fecFrames: number;
  /** Frames dropped because the app read too slowly (also in `drops.readFrames`). */
  readonly droppedReadFrames: number;
  /** Current jitter-buffer target delay, ms. */
  readonly playoutDelayMs: number;
  /** Drop counters by reason. */
  readonly drops: MediaDrops;
}
