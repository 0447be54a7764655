/**
 * The media side of one load call: real-time PCMU packets carrying a marker
 * (the call's number and the packet's number), and the check of what the
 * echo endpoint sends back, matched by that marker (the endpoint reflects
 * payloads byte for byte). One {@link MediaClock} paces every leg of a run
 * from the monotonic clock.
 *
 * @module
 */
import { createSocket, type Socket } from 'node:dgram';
import { isRtcpPacket, SrtpContext, type SdesKeyParams, type SrtpProfile } from '@trunkline/rtp-srtp';
import type { LatencyHistogram } from './latency-histogram.js';

/** Packet time of the load calls, ms (20 ms PCMU, RFC 3551 §4.5.14). */
export const PTIME_MS = 20;
/** PCMU payload bytes per packet (8000 Hz × 20 ms). */
const PAYLOAD_BYTES = 160;
/** RTP fixed header (RFC 3550 §5.1). */
const HEADER_BYTES = 12;
/** Room for the SRTP auth tag (and MKI) after the payload. */
const TRAILER_BYTES = 32;
/** Send times remembered per call: a packet echoed later than this many packets counts as lost. */
const SENT_RING = 1024;
/** Packets a leg may send at once to catch up after the event loop stalled; beyond that, the slots are skipped (and counted). */
const MAX_CATCH_UP = 5;
/**
 * Buffers a leg cycles through for sending. `dgram` reads a buffer only after an asynchronous
 * address lookup (even for an IP literal), so every packet sent in one tick needs its own.
 */
const SEND_BUFFERS = MAX_CATCH_UP + 1;
/** μ-law silence (RFC 3551 §4.5.14): the filler after the marker. */
const PCMU_SILENCE = 0xff;

/** Counters a leg adds to (shared by all legs of a run). */
export interface MediaTotals {
  sent: number;
  echoed: number;
  /** RTCP packets received (rtcp-mux): not counted as echoes. */
  rtcp: number;
  /** Packets back that carried another call's marker, or none. */
  foreign: number;
  /** Echoes of a packet already counted, or back after {@link SENT_RING} packets (counted lost). */
  lateOrDuplicate: number;
  /** SRTP packets that failed authentication or replay checks. */
  srtpDrops: number;
  /** Send slots skipped because the process fell more than {@link MAX_CATCH_UP} packets behind. */
  pacerSkipped: number;
}

/** What a leg needs to know once the call is answered. */
export interface EchoLegStart {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly payloadType: number;
  /** SDES keys, or null for plain RTP. */
  readonly srtp: { readonly profile: SrtpProfile; readonly localKey: SdesKeyParams; readonly remoteKey: SdesKeyParams } | null;
}

/** One call's RTP socket, sender and echo checker. */
export class EchoLeg {
  /** The local RTP port (for the SDP offer). */
  readonly port: number;
  /** Packets sent and echoed by this leg. */
  sent = 0;
  echoed = 0;
  /** When the next packet is due (`performance.now()`, ms); set by {@link MediaClock.add}. */
  nextDue = 0;
  readonly #socket: Socket;
  readonly #callNumber: number;
  readonly #totals: MediaTotals;
  readonly #turnaround: LatencyHistogram;
  readonly #sentAt = new Float64Array(SENT_RING);
  readonly #sentNumber = new Int32Array(SENT_RING).fill(-1);
  readonly #plain = new Uint8Array(HEADER_BYTES + PAYLOAD_BYTES);
  readonly #wire: Buffer[] = [];
  readonly #recv = new Uint8Array(1500);
  #start: EchoLegStart | null = null;
  #protect: SrtpContext | null = null;
  #unprotect: SrtpContext | null = null;
  #seq: number;
  #timestamp: number;
  readonly #ssrc: number;
  #closed = false;

  private constructor(socket: Socket, callNumber: number, totals: MediaTotals, turnaround: LatencyHistogram) {
    this.#socket = socket;
    this.port = socket.address().port;
    this.#callNumber = callNumber;
    this.#totals = totals;
    this.#turnaround = turnaround;
    this.#seq = (Math.random() * 0x10000) >>> 0;
    this.#timestamp = (Math.random() * 0x100000000) >>> 0;
    this.#ssrc = (Math.random() * 0x100000000) >>> 0;
    for (let i = 0; i < SEND_BUFFERS; i++) this.#wire.push(Buffer.alloc(HEADER_BYTES + PAYLOAD_BYTES + TRAILER_BYTES));
    this.#plain.fill(PCMU_SILENCE, HEADER_BYTES);
    socket.on('message', (data) => this.#receive(data));
    socket.on('error', () => undefined);
  }

  /**
   * Binds a leg's RTP socket on `address`, port 0.
   *
   * @param callNumber - the run-wide call number written into every payload
   */
  static async open(address: string, callNumber: number, totals: MediaTotals, turnaround: LatencyHistogram): Promise<EchoLeg> {
    const socket = createSocket(address.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new EchoLeg(socket, callNumber, totals, turnaround);
  }

  /** Starts checking (and, once on a {@link MediaClock}, sending) towards the answered endpoint. */
  start(start: EchoLegStart): void {
    this.#start = start;
    if (start.srtp !== null) {
      this.#protect = new SrtpContext({ profile: start.srtp.profile, ...start.srtp.localKey });
      this.#unprotect = new SrtpContext({ profile: start.srtp.profile, ...start.srtp.remoteKey });
    }
    this.#plain[0] = 0x80; // V=2, no padding, extension or CSRC (RFC 3550 §5.1)
    this.#plain[1] = start.payloadType & 0x7f;
    new DataView(this.#plain.buffer).setUint32(8, this.#ssrc);
  }

  /** Sends the next packet: marker = call number and packet number (big-endian, payload bytes 0..7). */
  sendOne(now: number): void {
    const start = this.#start;
    if (start === null || this.#closed) return;
    const n = this.sent;
    const view = new DataView(this.#plain.buffer);
    view.setUint16(2, this.#seq);
    view.setUint32(4, this.#timestamp);
    view.setUint32(HEADER_BYTES, this.#callNumber);
    view.setUint32(HEADER_BYTES + 4, n);
    this.#seq = (this.#seq + 1) & 0xffff;
    this.#timestamp = (this.#timestamp + PAYLOAD_BYTES) >>> 0;
    const out = this.#wire[n % SEND_BUFFERS]!;
    let length = this.#plain.length;
    if (this.#protect !== null) length = this.#protect.protectInto(this.#plain, out);
    else out.set(this.#plain);
    const slot = n % SENT_RING;
    this.#sentAt[slot] = now;
    this.#sentNumber[slot] = n;
    this.sent++;
    this.#totals.sent++;
    this.#socket.send(out, 0, length, start.remotePort, start.remoteAddress);
  }

  /** Closes the socket. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.close();
  }

  #receive(data: Buffer): void {
    const now = performance.now();
    // RTCP shares the port (rtcp-mux, RFC 5761 §4): the endpoint's reports are not echoes.
    if (isRtcpPacket(data)) return void this.#totals.rtcp++;
    let packet: Uint8Array = data;
    if (this.#unprotect !== null) {
      try {
        packet = this.#recv.subarray(0, this.#unprotect.unprotectInto(data, this.#recv));
      } catch {
        this.#totals.srtpDrops++;
        return;
      }
    }
    if (packet.length < HEADER_BYTES || packet[0]! >> 6 !== 2) return void this.#totals.foreign++;
    // Header length: CSRCs and a header extension may precede the payload (RFC 3550 §5.1, §5.3.1).
    let offset = HEADER_BYTES + 4 * (packet[0]! & 0x0f);
    if ((packet[0]! & 0x10) !== 0 && packet.length >= offset + 4) offset += 4 + 4 * ((packet[offset + 2]! << 8) | packet[offset + 3]!);
    if (packet.length < offset + 8) return void this.#totals.foreign++;
    const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
    if (view.getUint32(offset) !== this.#callNumber) return void this.#totals.foreign++;
    const n = view.getUint32(offset + 4);
    const slot = n % SENT_RING;
    if (this.#sentNumber[slot] !== n) {
      // Never sent, or so late that its slot was reused: counted as lost.
      this.#totals.lateOrDuplicate++;
      return;
    }
    this.#sentNumber[slot] = -1;
    this.echoed++;
    this.#totals.echoed++;
    this.#turnaround.add(now - this.#sentAt[slot]!);
  }
}

/** How often the clock looks for due packets, ms. */
const TICK_MS = 5;

/**
 * Paces every leg at {@link PTIME_MS}: packet k of a leg is due at its start
 * + k·ptime on `performance.now()`, so timer lateness never accumulates.
 */
export class MediaClock {
  readonly #legs = new Set<EchoLeg>();
  readonly #totals: MediaTotals;
  #timer: NodeJS.Timeout | null = null;

  constructor(totals: MediaTotals) {
    this.#totals = totals;
  }

  /** Legs being paced. */
  get size(): number {
    return this.#legs.size;
  }

  /** Starts pacing a started leg: its first packet goes now. */
  add(leg: EchoLeg): void {
    const now = performance.now();
    leg.nextDue = now;
    this.#legs.add(leg);
    this.#timer ??= setInterval(() => this.#tick(), TICK_MS);
    leg.sendOne(now);
    leg.nextDue += PTIME_MS;
  }

  /** Stops pacing a leg. */
  remove(leg: EchoLeg): void {
    this.#legs.delete(leg);
    if (this.#legs.size === 0 && this.#timer !== null) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }

  #tick(): void {
    const now = performance.now();
    for (const leg of this.#legs) {
      let burst = 0;
      while (leg.nextDue <= now && burst < MAX_CATCH_UP) {
        leg.sendOne(now);
        leg.nextDue += PTIME_MS;
        burst++;
      }
      if (leg.nextDue <= now) {
        const skipped = Math.floor((now - leg.nextDue) / PTIME_MS) + 1;
        this.#totals.pacerSkipped += skipped;
        leg.nextDue += skipped * PTIME_MS;
      }
    }
  }
}
