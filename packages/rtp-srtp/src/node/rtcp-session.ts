import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { rtcpCompoundSize } from '../rtcp/compound.js';
import { ntpFromUnixMs } from '../rtcp/ntp.js';
import { SdesItemType, type RtcpPacket } from '../rtcp/packet.js';
import { RtcpScheduler, type RtcpSchedulerOptions } from '../rtcp/scheduler.js';
import { rtpPacketSize, type RtpPacket } from '../rtp/packet.js';
import type { StreamStats } from '../stats/stream-stats.js';
import type { MediaSocket } from './media-socket.js';
import type { PacerTimers } from './realtime-pacer.js';
import type { TransportAddress } from '../media/symmetric-latch.js';

/** Options for {@link RtcpSession}. */
export interface RtcpSessionOptions {
  /** The socket whose RTCP side this session owns; RTCP goes through its transform (SRTCP). */
  readonly socket: MediaSocket;
  /** Statistics fed with received RTCP (RTT, remote loss) and read for our reports. */
  readonly stats: StreamStats;
  /** Our SSRC (the one in our RTP). */
  readonly localSsrc: number;
  /** Our canonical name, sent as SDES CNAME in every compound packet (RFC 3550 §6.5.1, RFC 7022). */
  readonly cname: string;
  /** Media clock rate in Hz, for the SR's RTP timestamp (§6.4.1); default 8000. */
  readonly clockRate?: number;
  /**
   * Whether to send RTCP (reports and BYE); default true. With false, incoming RTCP and RTP are
   * still digested into `stats`.
   */
  readonly enabled?: boolean;
  /**
   * Whether RTP seen on the socket (sent and received) is recorded in `stats` (`onSent` /
   * `onReceived`); default true. Set false when the application feeds `stats` itself.
   */
  readonly recordRtp?: boolean;
  /** Reason text of our BYE (§6.6); default none. */
  readonly byeReason?: string;
  /** Scheduling parameters (§6.2): bandwidth, minimum interval, random source, ... */
  readonly scheduler?: Omit<RtcpSchedulerOptions, 'localSsrc'>;
  /** Monotonic clock and one-shot timer; default `performance.now()` and the global timers. */
  readonly timers?: PacerTimers;
  /** Wallclock in Unix ms for NTP timestamps (§4, §6.4.1); default `Date.now`. */
  readonly wallclock?: () => number;
}

/** Events of {@link RtcpSession}. */
export interface RtcpSessionEvents {
  /** We sent a compound RTCP packet (report or BYE). */
  sent: [packets: readonly RtcpPacket[]];
  /** A valid compound RTCP packet arrived (already digested into `stats`). */
  rtcp: [packets: readonly RtcpPacket[], from: TransportAddress];
  /** A source left with an RTCP BYE (§6.6). */
  bye: [ssrc: number, reason: string | undefined];
  /** A listener or send error; the session keeps running. */
  error: [error: Error];
}

const realTimers: PacerTimers = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Longest delay a Node timer accepts. */
const MAX_TIMER_MS = 0x7fff_ffff;

/** UDP + IP header octets counted in RTCP sizes (§6.2): 28 on IPv4, 48 on IPv6. */
function lowerLayerOverhead(address: string | undefined): number {
  return address !== undefined && address.includes(':') ? 48 : 28;
}

/**
 * The RTCP side of a {@link MediaSocket}: an {@link RtcpScheduler} (RFC 3550 §6.3) driven by one
 * timeout armed for its next deadline on a monotonic clock (never setInterval), sending compound
 * SR/RR + SDES CNAME packets built by {@link StreamStats.buildRtcp} through the socket (and so
 * through its SRTCP transform), digesting received RTCP into the stats (RTT, remote loss), and
 * sending a BYE (§6.3.7, §6.6) on close. Closing the socket closes the session first, so the BYE
 * still goes out.
 */
export class RtcpSession extends EventEmitter<RtcpSessionEvents> {
  readonly #socket: MediaSocket;
  readonly #stats: StreamStats;
  readonly #ssrc: number;
  readonly #cname: string;
  readonly #clockRate: number;
  readonly #enabled: boolean;
  readonly #recordRtp: boolean;
  readonly #byeReason: string | undefined;
  readonly #timers: PacerTimers;
  readonly #wallclock: () => number;
  readonly #scheduler: RtcpScheduler;
  #handle: unknown;
  #armedFor: number | undefined;
  #closed = false;
  /** RTP timestamp and clock time of our last RTP packet, for the SR timestamp (two fields: no allocation per packet). */
  #lastRtpTimestamp = 0;
  #lastRtpAt: number | undefined;

  /** @param options - see {@link RtcpSessionOptions} */
  constructor(options: RtcpSessionOptions) {
    super();
    if (typeof options.cname !== 'string' || options.cname.length === 0) throw new TypeError('cname must be a non-empty string');
    if (new TextEncoder().encode(options.cname).length > 255) throw new RangeError('cname must be at most 255 UTF-8 bytes');
    if (options.socket.closed) throw new TypeError('socket is closed');
    if (!Number.isInteger(options.localSsrc) || options.localSsrc < 0 || options.localSsrc > 0xffff_ffff) throw new RangeError('localSsrc must be a uint32');
    this.#socket = options.socket;
    this.#stats = options.stats;
    this.#ssrc = options.localSsrc >>> 0;
    this.#cname = options.cname;
    this.#clockRate = options.clockRate ?? 8000;
    if (!(this.#clockRate > 0) || !Number.isFinite(this.#clockRate)) throw new RangeError('clockRate must be positive');
    this.#enabled = options.enabled ?? true;
    this.#recordRtp = options.recordRtp ?? true;
    this.#byeReason = options.byeReason;
    this.#timers = options.timers ?? realTimers;
    this.#wallclock = options.wallclock ?? Date.now;
    const overhead = lowerLayerOverhead(this.#socket.remoteRtcp?.address);
    this.#scheduler = new RtcpScheduler(this.#timers.now(), {
      initialAvgRtcpSize: overhead + this.#firstPacketSize(),
      ...options.scheduler,
      localSsrc: this.#ssrc,
    });
    this.#socket.on('rtp', this.#onRtp);
    this.#socket.on('rtcp', this.#onRtcp);
    this.#socket.on('rtpSent', this.#onRtpSent);
    this.#socket.on('rtcpSent', this.#onRtcpSent);
    this.#socket.on('closing', this.#onSocketClosing);
    this.#arm();
  }

  /** The scheduler (read-only use: members, senders, next deadline, ...). */
  get scheduler(): RtcpScheduler {
    return this.#scheduler;
  }

  /** Whether close() was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Stops the session: sends SR/RR + SDES + BYE when §6.3.7 allows it now (we sent RTP or RTCP,
   * at most 50 members), removes the socket listeners, cancels the timer. Idempotent. It does not
   * close the socket; closing the socket closes the session first. Above 50 members it leaves
   * without a BYE, which §6.3.7 permits, rather than keep the socket open for the BYE back-off
   * ({@link RtcpScheduler.leave} implements the back-off for drivers that want it).
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#disarm();
    if (this.#enabled) {
      const now = this.#timers.now();
      const packets = [...this.#report(now), this.#bye()];
      const size = lowerLayerOverhead(this.#socket.remoteRtcp?.address) + rtcpCompoundSize(packets);
      if (this.#scheduler.leave(now, size) === 'send-bye') this.#send(packets);
    }
    this.#socket.off('rtp', this.#onRtp);
    this.#socket.off('rtcp', this.#onRtcp);
    this.#socket.off('rtpSent', this.#onRtpSent);
    this.#socket.off('rtcpSent', this.#onRtcpSent);
    this.#socket.off('closing', this.#onSocketClosing);
  }

  /** `using` support. */
  [Symbol.dispose](): void {
    this.close();
  }

  #onSocketClosing = (): void => {
    this.close();
  };

  // Stats count RTP bytes (header + payload + padding), without the SRTP tag, in both directions.
  #onRtp = (packet: RtpPacket): void => {
    const now = this.#timers.now();
    if (this.#recordRtp) this.#stats.onReceived(packet, rtpPacketSize(packet), now);
    // §6.2.1: a new source MAY count only once validated; the §A.1 probation in the stats decides.
    if (this.#stats.sources.get(packet.ssrc)?.valid === false) return;
    this.#scheduler.onRtpReceived(packet, now);
    this.#rearmIfMoved();
  };

  #onRtpSent = (packet: RtpPacket): void => {
    const now = this.#timers.now();
    if (this.#recordRtp) this.#stats.onSent(rtpPacketSize(packet), packet.payload.length);
    this.#lastRtpTimestamp = packet.timestamp;
    this.#lastRtpAt = now;
    this.#scheduler.onRtpSent(now);
    this.#rearmIfMoved();
  };

  // Every compound packet sent on the socket (ours or the application's) counts (§6.3.6), at its
  // size on the wire, i.e. after SRTCP, plus UDP/IP headers.
  #onRtcpSent = (_packets: readonly RtcpPacket[], size: number): void => {
    this.#scheduler.onRtcpSent(size + lowerLayerOverhead(this.#socket.remoteRtcp?.address), this.#timers.now());
  };

  #onRtcp = (packets: readonly RtcpPacket[], from: TransportAddress, size: number): void => {
    const now = this.#timers.now();
    this.#scheduler.onRtcpReceived(packets, size + lowerLayerOverhead(from.address), now);
    this.#stats.onRtcp(packets, now, ntpFromUnixMs(this.#wallclock()), this.#ssrc);
    this.#rearmIfMoved();
    this.#emitSafe('rtcp', packets, from);
    for (const p of packets) {
      if (p.type !== 'bye') continue;
      for (const ssrc of p.ssrcs) this.#emitSafe('bye', ssrc, p.reason);
    }
  };

  #fire = (): void => {
    this.#handle = undefined;
    this.#armedFor = undefined;
    if (this.#closed) return;
    const now = this.#timers.now();
    const action = this.#scheduler.onTimer(now);
    if (action === 'send-report' && this.#enabled) this.#send(this.#report(now));
    else if (action === 'send-bye' && this.#enabled) this.#send([...this.#report(now), this.#bye()]);
    this.#arm();
  };

  /** Our compound report: SR when we sent RTP recently (§6.4), else RR; then SDES CNAME. */
  #report(now: number): RtcpPacket[] {
    const lastAt = this.#lastRtpAt;
    const base = { localSsrc: this.#ssrc, cname: this.#cname, nowMs: now, ntp: ntpFromUnixMs(this.#wallclock()) };
    if (!this.#scheduler.weSent || lastAt === undefined) return this.#stats.buildRtcp(base);
    // §6.4.1: the SR's RTP timestamp is the media clock at the NTP instant, extrapolated from the
    // last packet sent, not that packet's timestamp.
    const rtpTimestamp = (this.#lastRtpTimestamp + Math.round(((now - lastAt) * this.#clockRate) / 1000)) >>> 0;
    return this.#stats.buildRtcp({ ...base, rtpTimestamp });
  }

  #bye(): RtcpPacket {
    return this.#byeReason === undefined ? { type: 'bye', ssrcs: [this.#ssrc] } : { type: 'bye', ssrcs: [this.#ssrc], reason: this.#byeReason };
  }

  #send(packets: readonly RtcpPacket[]): void {
    let sent: boolean;
    try {
      sent = this.#socket.sendRtcp(packets);
    } catch (e) {
      this.#emitSafe('error', e instanceof Error ? e : new Error(String(e)));
      return;
    }
    // avg_rtcp_size was updated by #onRtcpSent, with the size on the wire.
    if (sent) this.#emitSafe('sent', packets);
  }

  /** Size of a first SR with one report block and our SDES CNAME, for the initial avg_rtcp_size (§6.3.2). */
  #firstPacketSize(): number {
    const block = { ssrc: 0, fractionLost: 0, cumulativeLost: 0, highestSequence: 0, jitter: 0, lastSr: 0, delaySinceLastSr: 0 };
    return rtcpCompoundSize([
      { type: 'sr', ssrc: this.#ssrc, ntpSeconds: 0, ntpFraction: 0, rtpTimestamp: 0, packetCount: 0, octetCount: 0, reports: [block], profileExtension: new Uint8Array(0) },
      { type: 'sdes', chunks: [{ ssrc: this.#ssrc, items: [{ type: SdesItemType.CNAME, text: this.#cname }] }] },
    ]);
  }

  #arm(): void {
    this.#disarm();
    const deadline = this.#scheduler.nextDeadline;
    if (this.#closed || deadline === undefined) return;
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, deadline - this.#timers.now()));
    this.#armedFor = deadline;
    this.#handle = this.#timers.setTimeout(this.#fire, delay);
  }

  #disarm(): void {
    if (this.#handle !== undefined) this.#timers.clearTimeout(this.#handle);
    this.#handle = undefined;
    this.#armedFor = undefined;
  }

  /** Reverse reconsideration (§6.3.4) can pull the deadline in: re-arm when it moved. */
  #rearmIfMoved(): void {
    if (!this.#closed && this.#scheduler.nextDeadline !== this.#armedFor) this.#arm();
  }

  #emitSafe<K extends keyof RtcpSessionEvents>(event: K, ...args: RtcpSessionEvents[K]): void {
    if (event === 'error' && this.listenerCount('error') === 0) return;
    try {
      (this.emit as (e: K, ...a: RtcpSessionEvents[K]) => boolean)(event, ...args);
    } catch (e) {
      if (event !== 'error' && this.listenerCount('error') > 0) this.emit('error', e instanceof Error ? e : new Error(String(e)));
    }
  }
}
