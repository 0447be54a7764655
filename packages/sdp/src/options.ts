/** Option types and their one-time validation, shared by `answerOffer` and `createOffer`. */
import { isIP } from 'node:net';
import { isSrtpProfile, type SrtpProfile } from '@trunkline/rtp-srtp';
import { AUDIO_CODECS, DEFAULT_AUDIO_CODECS, isAudioCodecName, type AudioCodecName } from './codecs.js';
import { isMediaDirection } from './direction.js';
import { resolveOpusOptions, type OpusSdpOptions } from './opus-fmtp.js';
import type { MediaDirection, SignallingTransport } from './negotiated-media.js';
import { isUnspecifiedAddress, type SdpOrigin } from './session-description.js';
import { DEFAULT_SUITES } from './sdes.js';

/**
 * Local SRTP policy.
 * - `off`: plain RTP only; an offer that insists on SRTP is refused.
 * - `optional`: SRTP when the peer offers it and keys can travel safely, else plain RTP.
 * - `mandatory`: SRTP or no call.
 */
export type SrtpPolicy = 'off' | 'optional' | 'mandatory';

/** What both `answerOffer` and `createOffer` need to know about our side. */
export interface LocalMediaOptions {
  /** SRTP policy. */
  readonly srtp: SrtpPolicy;
  /** The transport the SIP message carrying this SDP travels on; SDES keys only go over `tls`. */
  readonly signalling: SignallingTransport;
  /** Our media address for `c=` and `o=`: an IPv4 or IPv6 literal, not `0.0.0.0`/`::`. */
  readonly address: string;
  /** Our RTP port (1..65535; RTCP is on port + 1 unless rtcp-mux is agreed). */
  readonly port: number;
  /**
   * Codecs by local preference, any of {@link AUDIO_CODECS} (e.g. `['OPUS', 'G722', 'PCMU', 'PCMA']`): the
   * offer lists them in this order, the answer picks the first the offer has. Default `['PCMU', 'PCMA']`.
   */
  readonly codecs?: readonly AudioCodecName[];
  /** Negotiate RFC 4733 telephone-event (offered at each codec clock rate: 8000, and 48000 with Opus). Default true. */
  readonly telephoneEvent?: boolean;
  /** Our Opus `a=fmtp` (RFC 7587 §7): FEC, bit rate, audio rate; used when `codecs` has `OPUS`. Defaults in {@link OpusSdpOptions}. */
  readonly opus?: OpusSdpOptions;
  /** Send and accept SDES keys over `udp`/`tcp` signalling too (RFC 4568 §8.3 says don't). Default false. */
  readonly allowSdesOverCleartext?: boolean;
  /** SRTP suites we accept / offer, in offer order. Default all six of `@trunkline/rtp-srtp`, AES_CM_128_HMAC_SHA1_80 first. */
  readonly suites?: readonly SrtpProfile[];
  /** Our last local SDP of this session (or its origin), so `o=` keeps its id and increments its version (RFC 3264 §8). Default: a new session. */
  readonly previous?: string | SdpOrigin;
  /** `s=` value. Default `-`. */
  readonly sessionName?: string;
  /** The most we want: e.g. `sendonly` or `inactive` to hold the peer (RFC 3264 §8.4). Default `sendrecv`. */
  readonly direction?: MediaDirection;
  /** Offer / accept RTP-RTCP multiplexing (RFC 5761). Default true. */
  readonly rtcpMux?: boolean;
}

/** Validated options with defaults filled in. */
export interface ResolvedLocalOptions {
  readonly srtp: SrtpPolicy;
  readonly signalling: SignallingTransport;
  readonly address: string;
  readonly family: 4 | 6;
  readonly port: number;
  readonly codecs: readonly AudioCodecName[];
  readonly telephoneEvent: boolean;
  readonly opus: Required<OpusSdpOptions>;
  readonly keysAllowed: boolean;
  readonly suites: ReadonlySet<SrtpProfile>;
  readonly suiteOrder: readonly SrtpProfile[];
  readonly previous: string | SdpOrigin | undefined;
  readonly sessionName: string;
  readonly direction: MediaDirection;
  readonly rtcpMux: boolean;
}

/**
 * Checks options once (API misuse throws `TypeError` naming the option) and fills defaults.
 */
export function resolveLocalOptions(options: LocalMediaOptions): ResolvedLocalOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const { srtp, signalling, address, port } = options;
  if (srtp !== 'off' && srtp !== 'optional' && srtp !== 'mandatory') {
    throw new TypeError(`options.srtp must be 'off', 'optional' or 'mandatory', got ${JSON.stringify(srtp)}`);
  }
  if (signalling !== 'udp' && signalling !== 'tcp' && signalling !== 'tls') {
    throw new TypeError(`options.signalling must be 'udp', 'tcp' or 'tls', got ${JSON.stringify(signalling)}`);
  }
  const family = typeof address === 'string' ? isIP(address) : 0;
  if ((family !== 4 && family !== 6) || isUnspecifiedAddress(address)) {
    throw new TypeError(`options.address must be a unicast IPv4 or IPv6 literal, got ${JSON.stringify(address)}`);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TypeError(`options.port must be an integer 1..65535, got ${JSON.stringify(port)}`);
  }
  const codecs = options.codecs ?? DEFAULT_AUDIO_CODECS;
  if (!Array.isArray(codecs) || codecs.length === 0 || !codecs.every(isAudioCodecName)) {
    throw new TypeError(`options.codecs must be a non-empty list of ${AUDIO_CODECS.join(', ')}`);
  }
  const suiteOrder = options.suites ?? DEFAULT_SUITES;
  if (!Array.isArray(suiteOrder) || suiteOrder.length === 0 || !suiteOrder.every((s) => typeof s === 'string' && isSrtpProfile(s))) {
    throw new TypeError('options.suites must be a non-empty list of SRTP profiles');
  }
  const direction = options.direction ?? 'sendrecv';
  if (!isMediaDirection(direction)) throw new TypeError(`options.direction is not a direction: ${JSON.stringify(direction)}`);
  const sessionName = options.sessionName ?? '-';
  if (typeof sessionName !== 'string' || sessionName === '' || /[\r\n\0]/.test(sessionName)) {
    throw new TypeError('options.sessionName must be a non-empty single-line string');
  }
  for (const flag of ['telephoneEvent', 'allowSdesOverCleartext', 'rtcpMux'] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean') throw new TypeError(`options.${flag} must be a boolean`);
  }
  return {
    srtp,
    signalling,
    address,
    family,
    port,
    codecs: [...new Set(codecs)],
    telephoneEvent: options.telephoneEvent ?? true,
    opus: resolveOpusOptions(options.opus),
    keysAllowed: signalling === 'tls' || options.allowSdesOverCleartext === true,
    suites: new Set(suiteOrder),
    suiteOrder: [...new Set(suiteOrder)],
    previous: options.previous,
    sessionName,
    direction,
    rtcpMux: options.rtcpMux ?? true,
  };
}
