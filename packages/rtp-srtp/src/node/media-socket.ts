import { EventEmitter } from 'node:events';
import type { RemoteInfo } from 'node:dgram';
import { marshalRtcpTo, parseRtcp, rtcpCompoundSize } from '../rtcp/compound.js';
import type { RtcpPacket } from '../rtcp/packet.js';
import { isRtcpPacket } from '../rtp/demux.js';
import { RtpParseError } from '../rtp/errors.js';
import { SrtpError, type SrtpErrorCode } from '../srtp/srtp-error.js';
import { marshalRtpTo, parseRtp, rtpPacketSize, type RtpPacket } from '../rtp/packet.js';
import type { PortAllocator, RtpSocketPair } from './port-allocator.js';
import { SymmetricLatch, type TransportAddress } from '../media/symmetric-latch.js';
import type { MediaTransform } from '../media/media-transform.js';

/** Options for {@link MediaSocket.open}. */
export interface MediaSocketOptions {
  /** Where the socket pair comes from. */
  readonly allocator: PortAllocator;
  /** Remote RTP address from signalling, if known yet. */
  readonly remote?: TransportAddress;
  /** Remote RTCP address; default remote RTP port + 1. */
  readonly remoteRtcp?: TransportAddress;
  /** Optional SRTP (or other) transform. */
  readonly transform?: MediaTransform;
  /** Learn the remote address from valid incoming media (symmetric RTP); default true. */
  readonly symmetric?: boolean;
  /** Largest outgoing packet (after the transform's expansion); default 1500. */
  readonly maxPacketSize?: number;
  /**
   * RTP and RTCP on the RTP port (RFC 5761): RTCP is sent from the RTP socket and RTCP arriving
   * there is told apart by its packet type (§4); default false. Changeable with
   * {@link MediaSocket.setRtcpMux}.
   */
  readonly rtcpMux?: boolean;
  /**
   * How symmetric RTP follows the peer (ignored when `symmetric` is false); default
   * `'follow-authenticated'`. See {@link MediaLatchPolicy}.
   */
  readonly latchPolicy?: MediaLatchPolicy;
  /**
   * Plain RTP only (no transform): valid packets in a row, one source and one SSRC, before a
   * source other than the signalled `remote` is learned or the latch moves; default 3
   * (60 ms of 20 ms audio). Packets from the signalled address latch at once, and
   * with a transform (SRTP) authentication is the proof, so one packet suffices.
   */
  readonly latchProbation?: number;
}

/** Default of {@link MediaSocketOptions.latchProbation}. */
const PLAIN_RTP_LATCH_PROBATION = 3;

/**
 * Symmetric-RTP latch policy (issue 9, defect 9). Only valid packets (parsed, and authenticated
 * when a transform such as SRTP is set) ever latch.
 *
 * - `'follow-authenticated'` (default): the first valid packet sets the send address, and a valid
 *   packet of the latched SSRC from a new address moves it (NAT rebinding). Over plain RTP a source
 *   other than the signalled one must first send `latchProbation` valid packets in a row.
 * - `'fixed'`: the first valid packet sets the send address and it never moves; datagrams from any
 *   other address are dropped unread (`'unknown-source'`), before the transform sees them, until
 *   {@link MediaSocket.setRemote} forgets the learned address.
 */
export type MediaLatchPolicy = 'follow-authenticated' | 'fixed';

/** Why an incoming datagram was dropped (coarse; {@link MediaDropDetail} tells more). */
export type MediaDropReason = 'parse' | 'unprotect' | 'closed' | 'source';

/**
 * Why an incoming datagram was dropped, in detail: the `detail` argument of the `dropped` event
 * and the keys of {@link MediaSocketCounters.drops}.
 *
 * - `replay`: SRTP/SRTCP index already received (RFC 3711 §3.3.2, `SRTP_REPLAYED`).
 * - `too-old`: index left of the replay window (RFC 3711 §3.3.2, `SRTP_TOO_OLD`).
 * - `auth-failed`: the authentication tag did not verify: forged, corrupted or wrongly keyed
 *   (RFC 3711 §3.3, RFC 7714 §7.2, `SRTP_AUTH_FAILED`).
 * - `unknown-mki`: an MKI this context was not keyed with (RFC 3711 §3.1).
 * - `ssrc-limit`: one SSRC more than the SRTP context tracks (`SRTP_SSRC_LIMIT`).
 * - `key-exhausted`: the master key's packet limit is reached (RFC 3711 §9.2).
 * - `malformed`: not a well-formed (S)RTP/(S)RTCP packet: truncated, wrong version, bad lengths
 *   (`SRTP_MALFORMED` or an `RtpParseError`).
 * - `transform`: the transform refused the packet for another reason (e.g. not keyed yet).
 * - `unknown-source`: from an address other than the latched one under the `'fixed'` policy.
 */
export type MediaDropDetail =
  | 'replay'
  | 'too-old'
  | 'auth-failed'
  | 'unknown-mki'
  | 'ssrc-limit'
  | 'key-exhausted'
  | 'malformed'
  | 'transform'
  | 'unknown-source';

const DROP_DETAILS: readonly MediaDropDetail[] = [
  'replay',
  'too-old',
  'auth-failed',
  'unknown-mki',
  'ssrc-limit',
  'key-exhausted',
  'malformed',
  'transform',
  'unknown-source',
];

const SRTP_DROP: Readonly<Record<SrtpErrorCode, MediaDropDetail>> = {
  SRTP_REPLAYED: 'replay',
  SRTP_TOO_OLD: 'too-old',
  SRTP_AUTH_FAILED: 'auth-failed',
  SRTP_UNKNOWN_MKI: 'unknown-mki',
  SRTP_SSRC_LIMIT: 'ssrc-limit',
  SRTP_KEY_EXHAUSTED: 'key-exhausted',
  SRTP_MALFORMED: 'malformed',
  SDES_MALFORMED: 'transform', // never thrown by unprotect; listed for exhaustiveness
};

/** The detail of a transform's refusal: an SrtpError says why, anything else is the transform's own. */
function unprotectDrop(e: unknown): MediaDropDetail {
  return e instanceof SrtpError ? SRTP_DROP[e.code] : 'transform';
}

/** Events of {@link MediaSocket}. */
export interface MediaSocketEvents {
  /** A valid RTP packet (views into a fresh buffer per datagram); `size` is the datagram length. */
  rtp: [packet: RtpPacket, from: TransportAddress, size: number];
  /** A valid compound RTCP packet; `size` is the datagram length (e.g. for RFC 3550 §6.3.3 avg_rtcp_size). */
  rtcp: [packets: RtcpPacket[], from: TransportAddress, size: number];
  /** An RTP packet was handed to the socket; `size` is its length on the wire (after the transform). */
  rtpSent: [packet: RtpPacket, size: number];
  /** A compound RTCP packet was handed to the socket; `size` is its length on the wire. */
  rtcpSent: [packets: readonly RtcpPacket[], size: number];
  /**
   * close() was called; emitted once, before sending is refused, so a child (e.g. an
   * `RtcpSession`) can still send its last packet (a BYE). Datagrams in flight are flushed before
   * the sockets close.
   */
  closing: [];
  /** The RTP send address moved to where media comes from. */
  latched: [remote: TransportAddress];
  /** An incoming datagram was dropped: the coarse reason, and the detailed one last. */
  dropped: [reason: MediaDropReason, channel: 'rtp' | 'rtcp', from: TransportAddress, detail: MediaDropDetail];
  /** A socket error (the socket stays open when possible). */
  error: [error: Error];
}

/** Counters of a {@link MediaSocket}. */
export interface MediaSocketCounters {
  /** RTP packets sent. */
  readonly rtpSent: number;
  /** RTP packets received and valid. */
  readonly rtpReceived: number;
  /** RTCP compound packets sent. */
  readonly rtcpSent: number;
  /** RTCP compound packets received and valid. */
  readonly rtcpReceived: number;
  /** Datagrams dropped (parse or transform failure, or an unknown source): the sum of `drops`. */
  readonly dropped: number;
  /** Datagrams dropped, by {@link MediaDropDetail}. */
  readonly drops: Readonly<Record<MediaDropDetail, number>>;
}

/**
 * UDP RTP/RTCP socket pair with symmetric RTP and an optional protect/unprotect hook. The thin I/O
 * edge of the package: everything it does with bytes is delegated to the pure parsers.
 */
export class MediaSocket extends EventEmitter<MediaSocketEvents> {
  readonly #pair: RtpSocketPair;
  readonly #allocator: PortAllocator;
  readonly #transform: MediaTransform | undefined;
  readonly #symmetric: boolean;
  readonly #fixedLatch: boolean;
  readonly #rtpLatch: SymmetricLatch;
  readonly #rtcpLatch: SymmetricLatch;
  readonly #scratch: Uint8Array;
  #rtcpMux: boolean;
  #closed = false;
  #closeRequested = false;
  #closing: Promise<void> | undefined;
  #inFlight = 0;
  #drained: (() => void) | undefined;
  #rtpSent = 0;
  #rtpReceived = 0;
  #rtcpSent = 0;
  #rtcpReceived = 0;
  #dropped = 0;
  readonly #drops = new Map<MediaDropDetail, number>(DROP_DETAILS.map((d) => [d, 0]));

  private constructor(pair: RtpSocketPair, options: MediaSocketOptions) {
    super();
    this.#pair = pair;
    this.#allocator = options.allocator;
    this.#transform = options.transform;
    this.#symmetric = options.symmetric ?? true;
    const latchPolicy = options.latchPolicy ?? 'follow-authenticated';
    if (latchPolicy !== 'follow-authenticated' && latchPolicy !== 'fixed') {
      throw new TypeError(`latchPolicy must be 'follow-authenticated' or 'fixed', got ${String(latchPolicy)}`);
    }
    this.#fixedLatch = latchPolicy === 'fixed';
    this.#rtcpMux = options.rtcpMux ?? false;
    const maxPacketSize = options.maxPacketSize ?? 1500;
    if (!Number.isInteger(maxPacketSize) || maxPacketSize < 12 || maxPacketSize > 65507) throw new RangeError('maxPacketSize must be 12..65507');
    this.#scratch = new Uint8Array(maxPacketSize);
    const relatch = !this.#fixedLatch;
    const probation = this.#transform === undefined ? (options.latchProbation ?? PLAIN_RTP_LATCH_PROBATION) : 1;
    this.#rtpLatch = new SymmetricLatch(options.remote === undefined ? { relatch, probation } : { initial: options.remote, relatch, probation });
    const rtcpInitial = options.remoteRtcp ?? (options.remote === undefined ? undefined : { address: options.remote.address, port: options.remote.port + 1 });
    this.#rtcpLatch = new SymmetricLatch(rtcpInitial === undefined ? { relatch } : { initial: rtcpInitial, relatch });
    pair.rtp.on('message', (msg, rinfo) => this.#onRtp(msg, rinfo));
    pair.rtcp.on('message', (msg, rinfo) => {
      if (!this.#rtcpMux) this.#onRtcp(msg, rinfo);
    });
    pair.rtp.on('error', (e) => this.#emitError(e));
    pair.rtcp.on('error', (e) => this.#emitError(e));
  }

  /** Allocates a port pair and wraps it. */
  static async open(options: MediaSocketOptions): Promise<MediaSocket> {
    const pair = await options.allocator.allocate();
    try {
      return new MediaSocket(pair, options);
    } catch (e) {
      await options.allocator.release(pair);
      throw e;
    }
  }

  /** Local RTP port (RTCP is this + 1). */
  get localPort(): number {
    return this.#pair.port;
  }

  /** Where RTP is sent now. */
  get remote(): TransportAddress | undefined {
    return this.#rtpLatch.remote;
  }

  /** Where RTCP is sent now. */
  get remoteRtcp(): TransportAddress | undefined {
    return this.#rtcpLatch.remote;
  }

  /** Whether close() was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Counters. */
  get counters(): MediaSocketCounters {
    return {
      rtpSent: this.#rtpSent,
      rtpReceived: this.#rtpReceived,
      rtcpSent: this.#rtcpSent,
      rtcpReceived: this.#rtcpReceived,
      dropped: this.#dropped,
      drops: Object.fromEntries(this.#drops) as Record<MediaDropDetail, number>,
    };
  }

  /** Whether RTCP shares the RTP port (RFC 5761). */
  get rtcpMux(): boolean {
    return this.#rtcpMux;
  }

  /**
   * Sets the signalled remote addresses (e.g. after a re-INVITE), forgetting learned ones.
   * `undefined` means nowhere (e.g. an SDP `c=0.0.0.0` hold, RFC 3264 §8.4): nothing is sent until
   * a new address is set or valid media is latched.
   */
  setRemote(
    remote: TransportAddress | undefined,
    remoteRtcp: TransportAddress | undefined = remote === undefined ? undefined : { address: remote.address, port: remote.port + 1 },
  ): void {
    this.#rtpLatch.reset(remote);
    this.#rtcpLatch.reset(remoteRtcp);
  }

  /** Turns RTCP multiplexing on the RTP port (RFC 5761) on or off, e.g. after a re-negotiation. */
  setRtcpMux(on: boolean): void {
    this.#rtcpMux = on;
  }

  /**
   * Serializes (without allocating, into a scratch buffer), protects and sends one RTP packet.
   * Returns false when there is no remote yet or the socket is closed.
   */
  sendRtp(packet: RtpPacket): boolean {
    const to = this.#rtpLatch.remote;
    if (this.#closed || to === undefined) return false;
    const size = rtpPacketSize(packet);
    if (size > this.#scratch.length) throw new RangeError(`RTP packet of ${size} bytes exceeds maxPacketSize`);
    const n = marshalRtpTo(packet, this.#scratch, 0);
    const wire = this.#send(this.#pair.rtp, this.#scratch.subarray(0, n), to, 'rtp');
    this.#rtpSent++;
    this.#emitSafe('rtpSent', packet, wire);
    return true;
  }

  /** Serializes, protects and sends a compound RTCP packet. */
  sendRtcp(packets: readonly RtcpPacket[]): boolean {
    const to = this.#rtcpLatch.remote;
    if (this.#closed || to === undefined) return false;
    const size = rtcpCompoundSize(packets);
    if (size > this.#scratch.length) throw new RangeError(`RTCP packet of ${size} bytes exceeds maxPacketSize`);
    const n = marshalRtcpTo(packets, this.#scratch, 0);
    const wire = this.#send(this.#rtcpMux ? this.#pair.rtp : this.#pair.rtcp, this.#scratch.subarray(0, n), to, 'rtcp');
    this.#rtcpSent++;
    this.#emitSafe('rtcpSent', packets, wire);
    return true;
  }

  /** Protects and sends; returns the wire length. */
  #send(socket: RtpSocketPair['rtp'], plain: Uint8Array, to: TransportAddress, channel: 'rtp' | 'rtcp'): number {
    let wire: Uint8Array;
    if (this.#transform === undefined) {
      // dgram copies synchronously into the kernel on send, but Node may queue it; copy to be safe
      // because the scratch buffer is reused on the next call.
      wire = plain.slice();
    } else {
      wire = channel === 'rtp' ? this.#transform.protectRtp(plain) : this.#transform.protectRtcp(plain);
    }
    socket.send(wire, to.port, to.address, this.#afterSend);
    // Counted after send() returned: a synchronous throw never calls back, and must not hold close().
    this.#inFlight++;
    return wire.length;
  }

  /** One completion callback for every datagram (none made per packet): counts it out of flight. */
  readonly #afterSend = (err: Error | null): void => {
    if (--this.#inFlight === 0) this.#drained?.();
    if (err) this.#emitError(err);
  };

  // Listeners of the send-side events must not break the send path.
  #emitSafe<K extends 'rtpSent' | 'rtcpSent' | 'closing'>(event: K, ...args: MediaSocketEvents[K]): void {
    if (this.listenerCount(event) === 0) return;
    try {
      (this.emit as (e: K, ...a: MediaSocketEvents[K]) => boolean)(event, ...args);
    } catch (e) {
      this.#emitError(e instanceof Error ? e : new Error(String(e)));
    }
  }

  #onRtp(msg: Buffer, rinfo: RemoteInfo): void {
    // RFC 5761 §4: on a shared port, RTCP packet types 192..223 cannot be RTP payload types.
    if (this.#rtcpMux && isRtcpPacket(msg)) {
      this.#onRtcp(msg, rinfo);
      return;
    }
    const from = { address: rinfo.address, port: rinfo.port };
    if (this.#closed) return;
    if (this.#unknownSource(this.#rtpLatch, from)) {
      this.#drop('source', 'rtp', from, 'unknown-source');
      return;
    }
    // A plain Uint8Array view (no copy), so consumers never see Buffer-specific behaviour.
    let plain = new Uint8Array(msg.buffer, msg.byteOffset, msg.length);
    if (this.#transform !== undefined) {
      try {
        plain = this.#transform.unprotectRtp(plain);
      } catch (e) {
        this.#drop('unprotect', 'rtp', from, unprotectDrop(e));
        return;
      }
    }
    let packet: RtpPacket;
    try {
      packet = parseRtp(plain);
    } catch (e) {
      if (!(e instanceof RtpParseError)) throw e;
      this.#drop('parse', 'rtp', from, 'malformed');
      return;
    }
    this.#rtpReceived++;
    if (this.#symmetric && this.#rtpLatch.onValidPacket(from, packet.ssrc)) this.emit('latched', from);
    this.emit('rtp', packet, from, msg.length);
  }

  #onRtcp(msg: Buffer, rinfo: RemoteInfo): void {
    const from = { address: rinfo.address, port: rinfo.port };
    if (this.#closed) return;
    if (this.#unknownSource(this.#rtcpLatch, from)) {
      this.#drop('source', 'rtcp', from, 'unknown-source');
      return;
    }
    // A plain Uint8Array view (no copy), so consumers never see Buffer-specific behaviour.
    let plain = new Uint8Array(msg.buffer, msg.byteOffset, msg.length);
    if (this.#transform !== undefined) {
      try {
        plain = this.#transform.unprotectRtcp(plain);
      } catch (e) {
        this.#drop('unprotect', 'rtcp', from, unprotectDrop(e));
        return;
      }
    }
    let packets: RtcpPacket[];
    try {
      packets = parseRtcp(plain);
    } catch (e) {
      if (!(e instanceof RtpParseError)) throw e;
      this.#drop('parse', 'rtcp', from, 'malformed');
      return;
    }
    this.#rtcpReceived++;
    const first = packets[0];
    const ssrc = first !== undefined && (first.type === 'sr' || first.type === 'rr') ? first.ssrc : 0;
    if (this.#symmetric) this.#rtcpLatch.onValidPacket(from, ssrc);
    this.emit('rtcp', packets, from, msg.length);
  }

  /** Under the 'fixed' policy, a datagram from anywhere but the learned address is not read. */
  #unknownSource(latch: SymmetricLatch, from: TransportAddress): boolean {
    return this.#fixedLatch && this.#symmetric && latch.latched && !latch.isRemote(from);
  }

  #drop(reason: MediaDropReason, channel: 'rtp' | 'rtcp', from: TransportAddress, detail: MediaDropDetail): void {
    this.#dropped++;
    this.#drops.set(detail, this.#drops.get(detail)! + 1);
    this.emit('dropped', reason, channel, from, detail);
  }

  #emitError(e: Error): void {
    // An 'error' event without a listener would throw from EventEmitter; socket errors are not fatal.
    if (this.listenerCount('error') > 0) this.emit('error', e);
  }

  /**
   * Closes both sockets and releases the port pair. Emits 'closing' first (children may send a
   * last packet), then refuses sends, flushes datagrams in flight and closes. Idempotent; resolves
   * when released.
   */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    if (!this.#closeRequested) {
      this.#closeRequested = true;
      this.#emitSafe('closing');
      // A 'closing' listener may itself have called close().
      if (this.#closing !== undefined) return this.#closing;
    }
    this.#closed = true;
    const flushed =
      this.#inFlight === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            this.#drained = resolve;
          });
    this.#closing = flushed.then(() => this.#allocator.release(this.#pair));
    return this.#closing;
  }

  /** `await using` support. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
