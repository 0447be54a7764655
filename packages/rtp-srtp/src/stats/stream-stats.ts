import { ntpMiddle32, rttFromReport, type NtpTimestamp } from '../rtcp/ntp.js';
import { SdesItemType, type RtcpPacket, type RtcpReportBlock } from '../rtcp/packet.js';
import { estimateMos, G711_PLC, type CodecImpairment } from './e-model.js';
import { RtpReceiveStatistics, type RtpReceiveStatisticsOptions } from './receive-statistics.js';

/** Options for {@link StreamStats}. */
export interface StreamStatsOptions extends Partial<Omit<RtpReceiveStatisticsOptions, 'clockRate'>> {
  /** Media clock rate in Hz; default 8000 (G.711). */
  readonly clockRate?: number;
  /** Codec impairment for the MOS estimate; default {@link G711_PLC}. */
  readonly codec?: CodecImpairment;
  /**
   * Delay added to RTT/2 for the E-model's one-way delay (packetization, jitter buffer, codec),
   * in ms; default 40.
   */
  readonly fixedDelayMs?: number;
  /** Sources tracked at once; packets from further SSRCs are counted but not analysed; default 8. */
  readonly maxSources?: number;
}

/** Quality snapshot of one RTP session direction pair, as surfaced in call metrics. */
export interface StreamStatsSnapshot {
  /** RTP packets sent. */
  readonly packetsSent: number;
  /** RTP payload+header bytes sent. */
  readonly bytesSent: number;
  /** RTP packets received (all sources, before validation). */
  readonly packetsReceived: number;
  /** RTP bytes received. */
  readonly bytesReceived: number;
  /** Cumulative packets lost on the inbound stream (§A.3, may be negative with duplicates). */
  readonly packetsLost: number;
  /** Inbound loss in percent of expected, clamped to 0..100. */
  readonly lossPercent: number;
  /** Inbound interarrival jitter in ms (§A.8). */
  readonly jitterMs: number;
  /** Latest round-trip time from RTCP in ms, undefined before the first measurement. */
  readonly rttMs: number | undefined;
  /** Loss the far end reports about our stream (fraction lost × 100 / 256), undefined before its first report. */
  readonly remoteLossPercent: number | undefined;
  /** E-model MOS estimate (G.107) from inbound loss and RTT. */
  readonly mos: number;
}

/** Inputs of {@link StreamStats.buildRtcp}. */
export interface BuildRtcpInput {
  /** Our SSRC. */
  readonly localSsrc: number;
  /** Our canonical name (RFC 3550 §6.5.1), sent in every compound packet. */
  readonly cname: string;
  /** Current time on the clock used for arrivals. */
  readonly nowMs: number;
  /** Current wallclock as NTP (for the SR), e.g. `ntpFromUnixMs(Date.now())`. */
  readonly ntp: NtpTimestamp;
  /** RTP timestamp matching `ntp` on our media clock; when given and we have sent, an SR is built. */
  readonly rtpTimestamp?: number;
}

/**
 * Per-stream counters and quality estimate. Feed it sends, receives, RTT measurements and remote
 * report blocks; read {@link snapshot} at any time. Pure (times are inputs).
 */
export class StreamStats {
  readonly #options: StreamStatsOptions;
  readonly #clockRate: number;
  readonly #maxSources: number;
  readonly #sources = new Map<number, RtpReceiveStatistics>();
  #primary: RtpReceiveStatistics | undefined;
  #packetsSent = 0;
  #bytesSent = 0;
  #payloadOctetsSent = 0;
  #packetsReceived = 0;
  #bytesReceived = 0;
  #rttMs: number | undefined;
  #remoteFraction: number | undefined;

  /** @param options - see {@link StreamStatsOptions} */
  constructor(options: StreamStatsOptions = {}) {
    this.#options = options;
    this.#clockRate = options.clockRate ?? 8000;
    this.#maxSources = options.maxSources ?? 8;
    if (!Number.isInteger(this.#maxSources) || this.#maxSources < 1) throw new RangeError('maxSources must be a positive integer');
  }

  /**
   * Records an outgoing RTP packet.
   *
   * @param bytes - packet size on the wire
   * @param payloadOctets - payload size, for the SR octet count (§6.4.1); default `bytes − 12`
   */
  onSent(bytes: number, payloadOctets = Math.max(0, bytes - 12)): void {
    this.#packetsSent++;
    this.#bytesSent += bytes;
    this.#payloadOctetsSent += payloadOctets;
  }

  /** Records an incoming RTP packet. */
  onReceived(packet: { readonly ssrc: number; readonly sequenceNumber: number; readonly timestamp: number }, bytes: number, arrivalMs: number): void {
    this.#packetsReceived++;
    this.#bytesReceived += bytes;
    let s = this.#sources.get(packet.ssrc);
    if (s === undefined) {
      if (this.#sources.size >= this.#maxSources) return;
      s = new RtpReceiveStatistics(packet.ssrc, { ...this.#receiveOptions(), clockRate: this.#clockRate });
      this.#sources.set(packet.ssrc, s);
    }
    s.update(packet.sequenceNumber, packet.timestamp, arrivalMs);
    // The most recently active valid source is the one the call is hearing.
    if (s.valid) this.#primary = s;
  }

  #receiveOptions(): Partial<RtpReceiveStatisticsOptions> {
    const o: { maxDropout?: number; maxMisorder?: number; minSequential?: number } = {};
    if (this.#options.maxDropout !== undefined) o.maxDropout = this.#options.maxDropout;
    if (this.#options.maxMisorder !== undefined) o.maxMisorder = this.#options.maxMisorder;
    if (this.#options.minSequential !== undefined) o.minSequential = this.#options.minSequential;
    return o;
  }

  /** Records a round-trip time measurement (e.g. from {@link rttFromReport}). */
  onRtt(rttMs: number): void {
    if (Number.isFinite(rttMs) && rttMs >= 0) this.#rttMs = rttMs;
  }

  /** Records a report block the far end sent about our stream. */
  onRemoteReport(block: RtcpReportBlock): void {
    this.#remoteFraction = block.fractionLost;
  }

  /**
   * Digests a received compound RTCP packet: an SR from a tracked source is remembered for LSR/DLSR
   * (§6.4.1); report blocks about `localSsrc` give the far end's view of our stream and, through
   * LSR/DLSR, the round-trip time.
   *
   * @param packets - parsed compound packet
   * @param arrivalMs - arrival time on the same clock as {@link onReceived}
   * @param arrivalNtp - arrival wallclock as NTP (A in the RTT formula)
   * @param localSsrc - our SSRC
   */
  onRtcp(packets: readonly RtcpPacket[], arrivalMs: number, arrivalNtp: NtpTimestamp, localSsrc: number): void {
    for (const p of packets) {
      if (p.type !== 'sr' && p.type !== 'rr') continue;
      if (p.type === 'sr') this.#sources.get(p.ssrc)?.onSenderReport(ntpMiddle32({ seconds: p.ntpSeconds, fraction: p.ntpFraction }), arrivalMs);
      for (const block of p.reports) {
        if (block.ssrc !== localSsrc >>> 0) continue;
        this.onRemoteReport(block);
        const rtt = rttFromReport(ntpMiddle32(arrivalNtp), block.lastSr, block.delaySinceLastSr);
        if (rtt !== undefined) this.onRtt(rtt);
      }
    }
  }

  /**
   * Builds our next compound RTCP packet (§6.1): an SR when we have sent media and `rtpTimestamp`
   * is given, else an RR; one report block per valid source (at most 31); then SDES with CNAME.
   * Starts a new reporting interval for fraction lost.
   */
  buildRtcp(input: BuildRtcpInput): RtcpPacket[] {
    const reports: RtcpReportBlock[] = [];
    for (const s of this.#sources.values()) {
      if (reports.length >= 31) break;
      if (s.valid) reports.push(s.report(input.nowMs));
    }
    const ssrc = input.localSsrc >>> 0;
    const empty = new Uint8Array(0);
    const first: RtcpPacket =
      input.rtpTimestamp !== undefined && this.#packetsSent > 0
        ? {
            type: 'sr',
            ssrc,
            ntpSeconds: input.ntp.seconds,
            ntpFraction: input.ntp.fraction,
            rtpTimestamp: input.rtpTimestamp >>> 0,
            // §6.4.1: the counts wrap modulo 2^32.
            packetCount: this.#packetsSent % 0x1_0000_0000,
            octetCount: this.#payloadOctetsSent % 0x1_0000_0000,
            reports,
            profileExtension: empty,
          }
        : { type: 'rr', ssrc, reports, profileExtension: empty };
    return [first, { type: 'sdes', chunks: [{ ssrc, items: [{ type: SdesItemType.CNAME, text: input.cname }] }] }];
  }

  /** Receive statistics per remote SSRC, e.g. to build RR blocks. */
  get sources(): ReadonlyMap<number, RtpReceiveStatistics> {
    return this.#sources;
  }

  /** Current snapshot. */
  snapshot(): StreamStatsSnapshot {
    const c = this.#primary?.counters();
    const lost = c?.lost ?? 0;
    const lossPercent = c === undefined || c.expected <= 0 ? 0 : Math.max(0, Math.min(100, (lost * 100) / c.expected));
    const oneWay = (this.#rttMs ?? 0) / 2 + (this.#options.fixedDelayMs ?? 40);
    return {
      packetsSent: this.#packetsSent,
      bytesSent: this.#bytesSent,
      packetsReceived: this.#packetsReceived,
      bytesReceived: this.#bytesReceived,
      packetsLost: lost,
      lossPercent,
      jitterMs: this.#primary?.jitterMs ?? 0,
      rttMs: this.#rttMs,
      remoteLossPercent: this.#remoteFraction === undefined ? undefined : (this.#remoteFraction * 100) / 256,
      mos: estimateMos({ packetLossPercent: lossPercent, oneWayDelayMs: oneWay, codec: this.#options.codec ?? G711_PLC }),
    };
  }
}
