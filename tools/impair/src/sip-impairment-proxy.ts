/**
 * A SIP/RTP impairment proxy for UDP signalling: one {@link UdpImpairmentRelay}
 * for SIP between a caller side (A) and a callee (B), plus one relay per media
 * stream, created as the SDP bodies pass. Signalling and media have their own
 * impairments, so a test can lose SIP and keep RTP clean, or the reverse.
 *
 * Why an ALG and not something smaller: the user agents put their real RTP
 * ports in the SDP and their real SIP address in Contact. A relay in front of
 * one port cannot be reached unless the other side is told to send there, and
 * `publicAddress` moves addresses, not ports; the SIP trace hook is read-only.
 * Rewriting Contact, the Request-URI and the SDP `c=`/`m=` lines in the
 * messages that cross the relay (see `sip-alg.ts`, `sdp-endpoints.ts`) works
 * with any user agent that speaks SIP over UDP with `rport` (RFC 3581), needs
 * no hook in the user agent, and keeps every in-dialog request (ACK, BYE,
 * re-INVITE) and every RTP packet on the impaired path.
 *
 * Limits: SIP over UDP only (the relay sees datagrams); RTCP is relayed when it
 * shares the RTP port (rtcp-mux, RFC 5761, Trunkline's default), otherwise it
 * goes to the relay's port + 1, where nothing listens; SDES keys pass as they
 * are, so SRTP works end to end through the media relays.
 */
import { tryParseMessage, serializeMessage, type SipRequest, type SipResponse } from '@trunkline/sip-parser';
import type { ImpairmentOptions } from './impairment.js';
import { classifyMediaDatagram } from './media-datagram.js';
import { readSdpEndpoints, rewriteSdpEndpoints } from './sdp-endpoints.js';
import { contactUri, rewriteSipForRelay } from './sip-alg.js';
import { UdpImpairmentRelay, type RelayAddress, type RelayDirection, type RelayEvent } from './udp-impairment-relay.js';

/** Impairment of the two directions of one kind of traffic. */
export interface DirectionalImpairment {
  /** A (caller side) → B (callee). Default: a perfect link. */
  readonly aToB?: ImpairmentOptions;
  /** B → A. Default: a perfect link. */
  readonly bToA?: ImpairmentOptions;
}

/** One media stream relayed by a {@link SipImpairmentProxy}. */
export interface ProxiedMediaStream {
  /** Call-ID of the dialog whose SDP created it. */
  readonly callId: string;
  /** Index of its `m=` line. */
  readonly index: number;
  /** Its relay: side A faces the caller side's media, side B the callee's. */
  readonly relay: UdpImpairmentRelay;
}

/** Options of {@link SipImpairmentProxy.open}. */
export interface SipImpairmentProxyOptions {
  /** The callee's SIP listener (UDP). Required. */
  readonly target: RelayAddress;
  /** Seed of every PRNG stream (signalling, and each media stream in order of creation). Required. */
  readonly seed: number;
  /** Address every socket binds. Default `127.0.0.1`. */
  readonly host?: string;
  /** Impairment of SIP datagrams. Default: none. */
  readonly signalling?: DirectionalImpairment;
  /** Impairment of RTP (and RTCP with `impairRtcp`) on every media stream. Default: none. */
  readonly media?: DirectionalImpairment & {
    /** Impair RTCP too. Default false: RTCP (RFC 5761 §4) passes untouched, so reports are not the thing measured. */
    readonly impairRtcp?: boolean;
  };
  /** Told about every SIP datagram dropped or sent. Default: none. */
  readonly observeSignalling?: (event: RelayEvent) => void;
  /** Told about every media datagram dropped or sent, with its stream. Default: none. */
  readonly observeMedia?: (event: RelayEvent, stream: { readonly callId: string; readonly index: number }) => void;
  /** Most media streams relayed at once; an SDP needing more is dropped (counted as `transformDropped`). Default 64. */
  readonly maxMediaStreams?: number;
}

/** Seed step between media streams (an odd 32-bit constant, so the streams differ). */
const STREAM_SEED_STEP = 0x632be5ab;

const SDP_TYPE = /^application\/sdp\s*(;|$)/i;

/**
 * A SIP/RTP impairment proxy. The caller side sends its INVITE to {@link address}; the
 * callee at `target` sees it coming from the relay, and everything after follows the same path.
 *
 * @example
 * ```ts
 * await using proxy = await SipImpairmentProxy.open({ target: { address: '127.0.0.1', port: 5080 }, seed: 7, signalling: { aToB: { loss: 0.2 }, bToA: { loss: 0.2 } } });
 * const call = await caller.invite(`sip:echo@${proxy.address.address}:${proxy.address.port}`);
 * ```
 */
export class SipImpairmentProxy {
  /** The SIP relay (side A faces the caller side, side B the callee). */
  readonly signalling: UdpImpairmentRelay;
  readonly #options: SipImpairmentProxyOptions;
  readonly #host: string;
  readonly #maxStreams: number;
  readonly #streams = new Map<string, Promise<ProxiedMediaStream>>();
  readonly #ready: ProxiedMediaStream[] = [];
  #media: Required<DirectionalImpairment>;
  #mediaCut: Record<RelayDirection, boolean> = { aToB: false, bToA: false };
  /** Each side's real SIP target (its Contact URI's host and port), once seen. */
  readonly #contacts: { a: RelayAddress | undefined; b: RelayAddress | undefined } = { a: undefined, b: undefined };
  #closing: Promise<void> | undefined;

  /**
   * Binds the SIP relay (media relays come with the SDP bodies).
   *
   * @throws TypeError / RangeError naming a bad option
   */
  static async open(options: SipImpairmentProxyOptions): Promise<SipImpairmentProxy> {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    if (typeof options.target !== 'object' || options.target === null) throw new TypeError('options.target must be { address, port }');
    const maxStreams = options.maxMediaStreams ?? 64;
    if (!Number.isInteger(maxStreams) || maxStreams < 0) throw new RangeError('options.maxMediaStreams must be a non-negative integer');
    for (const k of ['observeSignalling', 'observeMedia'] as const) {
      if (options[k] !== undefined && typeof options[k] !== 'function') throw new TypeError(`options.${k} must be a function`);
    }
    let proxy: SipImpairmentProxy | undefined;
    const relay = await UdpImpairmentRelay.open({
      seed: options.seed,
      ...(options.host === undefined ? {} : { host: options.host }),
      peerB: options.target,
      ...(options.signalling?.aToB === undefined ? {} : { aToB: options.signalling.aToB }),
      ...(options.signalling?.bToA === undefined ? {} : { bToA: options.signalling.bToA }),
      transform: (datagram, direction) => proxy!.#transform(datagram, direction),
      ...(options.observeSignalling === undefined ? {} : { observe: options.observeSignalling }),
    });
    proxy = new SipImpairmentProxy(relay, options, maxStreams);
    return proxy;
  }

  private constructor(relay: UdpImpairmentRelay, options: SipImpairmentProxyOptions, maxStreams: number) {
    this.signalling = relay;
    this.#options = options;
    this.#host = relay.sideA.address;
    this.#maxStreams = maxStreams;
    this.#media = { aToB: options.media?.aToB ?? {}, bToA: options.media?.bToA ?? {} };
  }

  /** Where the caller side sends its requests (`sip:user@ADDRESS:PORT`). */
  get address(): RelayAddress {
    return this.signalling.sideA;
  }

  /** The media streams relayed so far, in order of creation. */
  get media(): readonly ProxiedMediaStream[] {
    return this.#ready;
  }

  /** Replaces the media impairment of one direction, on every stream now and later. */
  setMediaImpairment(direction: RelayDirection, options: ImpairmentOptions): void {
    this.#media = { ...this.#media, [direction]: options };
    for (const s of this.#ready) s.relay.setImpairment(direction, options);
  }

  /** Cuts the media (both directions by default) on every stream now and later; signalling still flows. */
  cutMedia(direction?: RelayDirection): void {
    for (const d of direction === undefined ? (['aToB', 'bToA'] as const) : [direction]) this.#mediaCut[d] = true;
    for (const s of this.#ready) s.relay.cut(direction);
  }

  /** Restores the media cut by {@link cutMedia}. */
  restoreMedia(direction?: RelayDirection): void {
    for (const d of direction === undefined ? (['aToB', 'bToA'] as const) : [direction]) this.#mediaCut[d] = false;
    for (const s of this.#ready) s.relay.restore(direction);
  }

  /** True once {@link close} was called. */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** Closes the SIP relay and every media relay. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.signalling.close();
      const streams = await Promise.allSettled([...this.#streams.values()]);
      await Promise.all(streams.map((s) => (s.status === 'fulfilled' ? s.value.relay.close() : undefined)));
    })();
    return this.#closing;
  }

  /** `await using proxy = await SipImpairmentProxy.open(...)` closes it. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** The ALG: Contact, Request-URI and SDP of each SIP datagram (see sip-alg.ts). Anything unparsable passes as is. */
  async #transform(datagram: Uint8Array, direction: RelayDirection): Promise<Uint8Array> {
    const parsed = tryParseMessage(datagram);
    if (!parsed.ok) return datagram; // keep-alives, garbage: not ours to judge
    const message: SipRequest | SipResponse = parsed.message;
    const toB = direction === 'aToB';
    const from = contactUri(message);
    if (from !== undefined) {
      const real = { address: from.hostType === 'ipv6' ? from.host.slice(1, -1) : from.host, port: from.port ?? 5060 };
      if (toB) this.#contacts.a = real;
      else this.#contacts.b = real;
    }
    // Requests to a moved target go on to the real one (for B: its Contact, else the configured target).
    const realTarget = toB ? (this.#contacts.b ?? this.#options.target) : this.#contacts.a;
    const body = await this.#moveSdp(message, direction);
    rewriteSipForRelay(message, {
      contact: toB ? this.signalling.sideB : this.signalling.sideA,
      ...(realTarget === undefined ? {} : { requestUri: { from: toB ? this.signalling.sideA : this.signalling.sideB, to: realTarget } }),
      ...(body === undefined ? {} : { body }),
    });
    return serializeMessage(message);
  }

  /** Points each media stream of an SDP body at its relay, after telling the relay where the sender's media is. */
  async #moveSdp(message: SipRequest | SipResponse, direction: RelayDirection): Promise<string | undefined> {
    const type = message.contentType;
    if (message.body.length === 0 || type === undefined || !SDP_TYPE.test(type)) return undefined;
    const sdp = new TextDecoder().decode(message.body);
    const callId = message.callId ?? '';
    const moves = new Map<number, RelayAddress>();
    for (const e of readSdpEndpoints(sdp)) {
      // Rejected streams (port 0) and holds (0.0.0.0, RFC 3264 §8.4) are left alone.
      if (e.port === 0 || e.address === null || e.address === '0.0.0.0' || e.address === '::') continue;
      const { relay } = await this.#stream(callId, e.index);
      relay.setPeer(direction === 'aToB' ? 'a' : 'b', { address: e.address, port: e.port });
      moves.set(e.index, direction === 'aToB' ? relay.sideB : relay.sideA);
    }
    return moves.size === 0 ? undefined : rewriteSdpEndpoints(sdp, (e) => moves.get(e.index) ?? null);
  }

  #stream(callId: string, index: number): Promise<ProxiedMediaStream> {
    const key = `${index} ${callId}`;
    let s = this.#streams.get(key);
    if (s === undefined) {
      if (this.#streams.size >= this.#maxStreams) throw new RangeError(`maxMediaStreams (${this.#maxStreams}) reached`);
      const n = this.#streams.size;
      const observe = this.#options.observeMedia;
      const stream = { callId, index };
      s = UdpImpairmentRelay.open({
        seed: (this.#options.seed + (n + 1) * STREAM_SEED_STEP) | 0,
        host: this.#host,
        aToB: this.#media.aToB,
        bToA: this.#media.bToA,
        impairs: this.#options.media?.impairRtcp === true ? (d) => classifyMediaDatagram(d) !== 'other' : (d) => classifyMediaDatagram(d) === 'rtp',
        ...(observe === undefined ? {} : { observe: (event: RelayEvent) => observe(event, stream) }),
      }).then(async (relay) => {
        if (this.#closing !== undefined) await relay.close();
        for (const d of ['aToB', 'bToA'] as const) if (this.#mediaCut[d]) relay.cut(d);
        const ready = { callId, index, relay };
        this.#ready.push(ready);
        return ready;
      });
      this.#streams.set(key, s);
    }
    return s;
  }
}
