import { assertNever } from '@trunkline/errors';
import { RTCP_COMPENSATION, rtcpInterval, updateAvgRtcpSize } from './interval.js';
import type { RtcpPacket } from './packet.js';

/**
 * RTCP transmission scheduling (RFC 3550 §6.3, example code §A.7). Sans-I/O: every input carries
 * `now` (ms on the caller's monotonic clock), randomness is injected, and the caller owns the one
 * timer, armed for {@link RtcpScheduler.nextDeadline}.
 *
 * ```
 *   tp  last transmission        tn  next scheduled transmission (nextDeadline)
 *   pmembers  members when tn was last computed
 *   members / senders  this participant included (§6.3.2, §6.3.8)
 * ```
 */

/** What the caller does after {@link RtcpScheduler.onTimer} or {@link RtcpScheduler.leave}. */
export type RtcpTimerAction =
  /** Build and send a compound report now (§6.3.6), then call `onRtcpSent`. */
  | 'send-report'
  /** Send the compound BYE now (§6.3.7); the scheduler is then `closed`. */
  | 'send-bye'
  /** Nothing to send; re-arm the timer for `nextDeadline` (timer reconsideration, §6.3.6). */
  | 'reschedule'
  /** Nothing to send and no timer: the scheduler is closed. */
  | 'idle';

/**
 * `active`: sending reports; `leaving`: BYE back-off of §6.3.7 in progress (members counts BYEs);
 * `closed`: BYE sent or not to be sent.
 */
export type RtcpSchedulerState = 'active' | 'leaving' | 'closed';

/** Options for {@link RtcpScheduler}. */
export interface RtcpSchedulerOptions {
  /**
   * Session bandwidth in bit/s (RFC 3550 §6.2, e.g. from `b=AS`); default 64 000 (G.711 payload
   * rate). Only used to derive `rtcpBandwidth`.
   */
  readonly sessionBandwidth?: number;
  /** RTCP bandwidth in octets/s; default 5% of `sessionBandwidth` (§6.2): 400 for 64 kbit/s. */
  readonly rtcpBandwidth?: number;
  /** Minimum interval Tmin in ms; default 5000 (§6.2), halved before the first report. */
  readonly minIntervalMs?: number;
  /**
   * Initial avg_rtcp_size in octets, "the probable size of the first RTCP packet" including UDP/IP
   * headers (§6.3.2); default 100 (IPv4 + UDP + SR with one block + SDES CNAME).
   */
  readonly initialAvgRtcpSize?: number;
  /** Member timeout multiplier M (§6.3.5); default 5. */
  readonly timeoutMultiplier?: number;
  /** Above this many members, leaving uses the BYE back-off (§6.3.7); default 50. */
  readonly byeBackoffThreshold?: number;
  /**
   * Most remote members tracked; beyond it new SSRCs are not counted, so spoofed SSRCs cannot grow
   * memory without bound. Default 1024.
   */
  readonly maxMembers?: number;
  /** Our SSRC; packets carrying it are not counted as another member. Default: none. */
  readonly localSsrc?: number;
  /** Uniform random source in [0, 1); default `Math.random` (the randomisation is not security relevant). */
  readonly random?: () => number;
}

interface Member {
  /** Last RTP or RTCP packet from this member. */
  lastHeard: number;
  /** Last RTP packet, when it is in the sender table. */
  lastRtp: number | undefined;
}

/**
 * RFC 3550 §6.3 RTCP scheduler for one participant: member and sender tables, the randomised
 * interval with timer reconsideration (§6.3.6), reverse reconsideration on BYE and member timeout
 * (§6.3.4, §6.3.5), avg_rtcp_size (§6.3.3) and the BYE rules (§6.3.7).
 *
 * @example
 * const s = new RtcpScheduler(now, { random: Math.random });
 * // arm one timer for s.nextDeadline; when it fires:
 * if (s.onTimer(now) === 'send-report') s.onRtcpSent(sendCompound(), now);
 * // re-arm for s.nextDeadline (it moves on every input, e.g. a BYE received)
 */
export class RtcpScheduler {
  readonly #rtcpBw: number;
  readonly #minIntervalS: number;
  readonly #timeoutMultiplier: number;
  readonly #byeThreshold: number;
  readonly #maxMembers: number;
  readonly #localSsrc: number | undefined;
  readonly #random: () => number;
  readonly #table = new Map<number, Member>();
  #state: RtcpSchedulerState = 'active';
  #tp: number;
  #tn: number | undefined;
  #pmembers = 1;
  /** In `leaving`, the BYE count of §6.3.7; otherwise unused (members derive from the table). */
  #byeMembers = 1;
  #remoteSenders = 0;
  #weSent = false;
  #lastRtpSent: number | undefined;
  #sentAnything = false;
  #avgRtcpSize: number;
  #initial = true;
  /** Last randomised interval T in ms, for the 2T sender timeout (§6.3.5, §6.3.8). */
  #lastT: number;

  /**
   * Initialises the state of §6.3.2 (tp = tc = now, members = pmembers = 1, senders = 0,
   * initial = true) and schedules the first report at tn = now + T.
   *
   * @param now - current time in ms (monotonic)
   * @param options - see {@link RtcpSchedulerOptions}
   */
  constructor(now: number, options: RtcpSchedulerOptions = {}) {
    if (!Number.isFinite(now)) throw new RangeError('now must be finite');
    const sessionBw = options.sessionBandwidth ?? 64_000;
    if (!(sessionBw > 0) || !Number.isFinite(sessionBw)) throw new RangeError('sessionBandwidth must be positive');
    this.#rtcpBw = options.rtcpBandwidth ?? (sessionBw * 0.05) / 8;
    if (!(this.#rtcpBw > 0) || !Number.isFinite(this.#rtcpBw)) throw new RangeError('rtcpBandwidth must be positive');
    const minMs = options.minIntervalMs ?? 5000;
    if (!(minMs >= 0) || !Number.isFinite(minMs)) throw new RangeError('minIntervalMs must be ≥ 0');
    this.#minIntervalS = minMs / 1000;
    this.#avgRtcpSize = options.initialAvgRtcpSize ?? 100;
    if (!(this.#avgRtcpSize > 0) || !Number.isFinite(this.#avgRtcpSize)) throw new RangeError('initialAvgRtcpSize must be positive');
    this.#timeoutMultiplier = options.timeoutMultiplier ?? 5;
    if (!(this.#timeoutMultiplier > 0)) throw new RangeError('timeoutMultiplier must be positive');
    this.#byeThreshold = options.byeBackoffThreshold ?? 50;
    if (!(this.#byeThreshold >= 0)) throw new RangeError('byeBackoffThreshold must be ≥ 0');
    this.#maxMembers = options.maxMembers ?? 1024;
    if (!Number.isInteger(this.#maxMembers) || this.#maxMembers < 1) throw new RangeError('maxMembers must be a positive integer');
    this.#localSsrc = options.localSsrc === undefined ? undefined : options.localSsrc >>> 0;
    this.#random = options.random ?? Math.random;
    this.#tp = now;
    this.#lastT = this.#interval();
    this.#tn = now + this.#lastT;
  }

  /** Current state. */
  get state(): RtcpSchedulerState {
    return this.#state;
  }

  /** tn: when the timer should fire next (ms), undefined once closed. */
  get nextDeadline(): number | undefined {
    return this.#tn;
  }

  /** tp: time of the last transmission (the start time before the first). */
  get lastTransmission(): number {
    return this.#tp;
  }

  /** members: session members including ourselves (in `leaving`, the BYE count of §6.3.7). */
  get members(): number {
    return this.#state === 'leaving' ? this.#byeMembers : 1 + this.#table.size;
  }

  /** pmembers: members when tn was last recomputed. */
  get pmembers(): number {
    return this.#pmembers;
  }

  /** senders: active senders including ourselves when we_sent (0 while leaving, §6.3.7). */
  get senders(): number {
    return this.#state === 'leaving' ? 0 : this.#remoteSenders + (this.#weSent ? 1 : 0);
  }

  /** we_sent: we sent RTP within the last two report intervals (§6.3.8); an SR is due, not an RR. */
  get weSent(): boolean {
    return this.#state === 'leaving' ? false : this.#weSent;
  }

  /** initial: no report sent yet (§6.2: the minimum interval is halved). */
  get initial(): boolean {
    return this.#initial;
  }

  /** avg_rtcp_size in octets (§6.3.3). */
  get avgRtcpSize(): number {
    return this.#avgRtcpSize;
  }

  /** Whether `ssrc` is in the member table. */
  hasMember(ssrc: number): boolean {
    return this.#table.has(ssrc >>> 0);
  }

  /**
   * We sent an RTP packet (§6.3.8): the first one since we_sent went false adds us to the sender
   * table, then reverse reconsideration runs as §6.3.8 asks (it moves tn only if members dropped).
   */
  onRtpSent(now: number): void {
    this.#sentAnything = true;
    this.#lastRtpSent = now;
    if (this.#state !== 'active' || this.#weSent) return;
    this.#weSent = true;
    this.#reverseReconsider(now);
  }

  /**
   * A valid RTP packet arrived (§6.3.3): its SSRC (and CSRCs) join the member table, the SSRC the
   * sender table. Validation (§6.2.1, e.g. SRTP authentication or §A.1 probation) is the caller's.
   * While leaving nothing is counted (§6.3.7).
   */
  onRtpReceived(packet: { readonly ssrc: number; readonly csrc?: readonly number[] }, now: number): void {
    if (this.#state !== 'active') return;
    const m = this.#touch(packet.ssrc, now);
    if (m !== undefined) {
      if (m.lastRtp === undefined) this.#remoteSenders++;
      m.lastRtp = now;
    }
    for (const c of packet.csrc ?? []) this.#touch(c, now);
  }

  /**
   * A valid compound RTCP packet arrived. `size` is its size on the wire plus UDP/IP headers
   * (§6.2), e.g. datagram length + 28 on IPv4.
   *
   * - §6.3.3: SR/RR and SDES sources join the member table; avg_rtcp_size moves 1/16 toward `size`.
   * - §6.3.4: BYE sources leave both tables; if members fell below pmembers, reverse
   *   reconsideration pulls tn (and tp) closer to now.
   * - §6.3.7 while leaving: only BYE packets count — each one increments members and updates
   *   avg_rtcp_size.
   */
  onRtcpReceived(packets: readonly RtcpPacket[], size: number, now: number): void {
    checkSize(size);
    switch (this.#state) {
      case 'closed':
        return;
      case 'leaving': {
        let byes = 0;
        for (const p of packets) if (p.type === 'bye') byes++;
        if (byes === 0) return;
        this.#byeMembers += byes;
        this.#avgRtcpSize = updateAvgRtcpSize(this.#avgRtcpSize, size);
        return;
      }
      case 'active': {
        this.#avgRtcpSize = updateAvgRtcpSize(this.#avgRtcpSize, size);
        let left = false;
        for (const p of packets) {
          if (p.type === 'sr' || p.type === 'rr') this.#touch(p.ssrc, now);
          else if (p.type === 'sdes') for (const c of p.chunks) this.#touch(c.ssrc, now);
          else if (p.type === 'bye') for (const s of p.ssrcs) left = this.#remove(s) || left;
        }
        if (left) this.#reverseReconsider(now);
        return;
      }
      default:
        assertNever(this.#state, 'RTCP scheduler state');
    }
  }

  /**
   * We sent a compound RTCP packet of `size` octets (wire + UDP/IP headers): avg_rtcp_size moves
   * 1/16 toward it (§6.3.6). Call it after acting on 'send-report', and for any RTCP sent outside
   * the schedule.
   */
  onRtcpSent(size: number, _now: number): void {
    checkSize(size);
    this.#sentAnything = true;
    if (this.#state === 'active') this.#avgRtcpSize = updateAvgRtcpSize(this.#avgRtcpSize, size);
  }

  /**
   * The timer for {@link nextDeadline} fired (§6.3.6). Times out silent members and senders first
   * (§6.3.5, at least once per interval as required), then recomputes T: if tp + T ≤ now, a
   * report (or, while leaving, the BYE) is due and the next tn is now + a fresh T; otherwise tn
   * becomes tp + T (timer reconsideration). A call before tn changes nothing and returns
   * 'reschedule'.
   */
  onTimer(now: number): RtcpTimerAction {
    const tn = this.#tn;
    if (tn === undefined) return 'idle';
    if (now < tn) return 'reschedule';
    switch (this.#state) {
      case 'closed':
        return 'idle';
      case 'active': {
        this.#expire(now);
        const t = this.#interval();
        this.#pmembers = this.members;
        if (this.#tp + t > now) {
          this.#lastT = t;
          this.#tn = this.#tp + t;
          return 'reschedule';
        }
        this.#tp = now;
        // §6.2 halves the minimum for "the first compound RTCP packet" only, so initial is cleared
        // before the next interval is drawn (§A.7's code clears it one draw later).
        this.#initial = false;
        this.#lastT = this.#interval();
        this.#tn = now + this.#lastT;
        return 'send-report';
      }
      case 'leaving': {
        const t = this.#interval();
        this.#pmembers = this.#byeMembers;
        if (this.#tp + t > now) {
          this.#tn = this.#tp + t;
          return 'reschedule';
        }
        this.#close();
        return 'send-bye';
      }
      default:
        return assertNever(this.#state, 'RTCP scheduler state');
    }
  }

  /**
   * We leave the session (§6.3.7). A participant that never sent RTP or RTCP sends no BYE
   * ('idle'). With at most `byeBackoffThreshold` members the BYE goes now ('send-bye'). Above it,
   * the back-off starts: tp = now, members = pmembers = 1, initial, we_sent false, senders 0,
   * avg_rtcp_size = `byeSize`, and the BYE is scheduled at now + T ('reschedule'; a later
   * {@link onTimer} returns 'send-bye'). Idempotent: once leaving or closed it returns 'idle'.
   *
   * @param byeSize - size of our compound BYE packet with UDP/IP headers; default avg_rtcp_size
   */
  leave(now: number, byeSize: number = this.#avgRtcpSize): RtcpTimerAction {
    if (this.#state !== 'active') return 'idle';
    checkSize(byeSize);
    if (!this.#sentAnything) {
      this.#close();
      return 'idle';
    }
    if (this.members <= this.#byeThreshold) {
      this.#close();
      return 'send-bye';
    }
    this.#state = 'leaving';
    this.#tp = now;
    this.#byeMembers = 1;
    this.#pmembers = 1;
    this.#initial = true;
    this.#weSent = false;
    this.#avgRtcpSize = byeSize;
    this.#tn = now + this.#interval();
    return 'reschedule';
  }

  #close(): void {
    this.#state = 'closed';
    this.#tn = undefined;
    this.#table.clear();
    this.#remoteSenders = 0;
  }

  /** T of §6.3.1 in ms, randomised. */
  #interval(): number {
    const seconds = rtcpInterval({
      members: this.members,
      senders: this.senders,
      rtcpBandwidth: this.#rtcpBw,
      weSent: this.weSent,
      avgRtcpSize: this.#avgRtcpSize,
      initial: this.#initial,
      random: this.#random(),
      minInterval: this.#minIntervalS,
    });
    return seconds * 1000;
  }

  /** Adds or refreshes a member (§6.3.3); undefined for our own SSRC or a full table. */
  #touch(ssrc: number, now: number): Member | undefined {
    const key = ssrc >>> 0;
    if (key === this.#localSsrc) return undefined;
    let m = this.#table.get(key);
    if (m === undefined) {
      if (this.#table.size >= this.#maxMembers) return undefined;
      m = { lastHeard: now, lastRtp: undefined };
      this.#table.set(key, m);
    }
    m.lastHeard = now;
    return m;
  }

  #remove(ssrc: number): boolean {
    const key = ssrc >>> 0;
    const m = this.#table.get(key);
    if (m === undefined) return false;
    if (m.lastRtp !== undefined) this.#remoteSenders--;
    this.#table.delete(key);
    return true;
  }

  /**
   * §6.3.5: members silent since now − M·Td (Td deterministic, for a receiver, with the fixed
   * minimum of §6.2) leave; senders silent since now − 2T leave the sender table, and so do we
   * (§6.3.8). Reverse reconsideration follows a member timeout.
   */
  #expire(now: number): void {
    const td =
      rtcpInterval({
        members: this.members,
        senders: this.senders,
        rtcpBandwidth: this.#rtcpBw,
        weSent: false,
        avgRtcpSize: this.#avgRtcpSize,
        initial: false,
        random: 0.5, // factor 1: the deterministic interval, before compensation
        minInterval: this.#minIntervalS,
      }) *
      RTCP_COMPENSATION *
      1000;
    const memberCutoff = now - this.#timeoutMultiplier * td;
    const senderCutoff = now - 2 * this.#lastT;
    let left = false;
    for (const [ssrc, m] of this.#table) {
      if (m.lastHeard < memberCutoff) left = this.#remove(ssrc) || left;
      else if (m.lastRtp !== undefined && m.lastRtp < senderCutoff) {
        m.lastRtp = undefined;
        this.#remoteSenders--;
      }
    }
    if (this.#weSent && (this.#lastRtpSent === undefined || this.#lastRtpSent < senderCutoff)) this.#weSent = false;
    if (left) this.#reverseReconsider(now);
  }

  /** §6.3.4 reverse reconsideration, when members fell below pmembers. */
  #reverseReconsider(now: number): void {
    const members = this.members;
    if (this.#state !== 'active' || members >= this.#pmembers || this.#tn === undefined) return;
    const ratio = members / this.#pmembers;
    this.#tn = now + ratio * (this.#tn - now);
    this.#tp = now - ratio * (now - this.#tp);
    this.#pmembers = members;
  }
}

function checkSize(size: number): void {
  if (!(size > 0) || !Number.isFinite(size)) throw new RangeError('RTCP packet size must be positive');
}
