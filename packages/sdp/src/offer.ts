/**
 * The offerer of RFC 3264 §5 and §7: `createOffer` builds our offer (an outbound INVITE, the 2xx of
 * a delayed-offer INVITE, RFC 3261 §13.3.1.1 / §14, a hold or a re-INVITE), `applyAnswer` reads the
 * peer's answer against it.
 *
 * Our offer: one audio m-line; codecs by preference with their static payload types (Opus on
 * dynamic 111 with its `a=fmtp`, RFC 7587 §7), `telephone-event` with events 0-16 at each codec clock
 * rate (RFC 4733 §2.1: 8000 on 101, 48000 on 110), `a=ptime`, `a=rtcp-mux`, the direction. Keys:
 * - `mandatory`: `RTP/SAVP` and one `a=crypto` per suite, tags 1..n (RFC 4568 §5.1.1);
 * - `optional`: `RTP/AVP` with the same `a=crypto` lines (RFC 8643 OSRTP) when keys may travel,
 *   else plain `RTP/AVP`;
 * - `off`: plain `RTP/AVP`.
 * Keys never go into cleartext signalling unless `allowSdesOverCleartext` (RFC 4568 §8.3).
 */
import {
  formatCryptoAttribute,
  generateSdesKeyParams,
  parseCryptoAttribute,
  type CryptoAttribute,
  type SdesKeyParams,
  type SrtpProfile,
} from '@trunkline/rtp-srtp';
import { clockRatesOf, codecFmtp, codecOfPayloadType, OFFER_TELEPHONE_EVENT_PTS, offeredCodec, SUPPORTED_EVENTS, telephoneEventOf } from './codecs.js';
import { intersectDirections, receives, reverseDirection } from './direction.js';
import { DEFAULT_PTIME, peerMaxptime, remoteEndpoints, sendingPtime } from './media-params.js';
import type { MediaDirection, NegotiatedCodec, NegotiatedMedia, NegotiatedSrtp } from './negotiated-media.js';
import { resolveLocalOptions, type LocalMediaOptions } from './options.js';
import { nextOrigin } from './origin.js';
import { SdpError } from './sdp-error.js';
import { isUnspecifiedAddress, parseSessionDescription, type SdpOrigin } from './session-description.js';
import { audioSectionLines, writeDescription } from './write.js';

/** The payload type we offer telephone-event/8000 with (a dynamic one, RFC 4733 §7.1.1); /48000 goes on 110. */
export const OFFER_TELEPHONE_EVENT_PT = OFFER_TELEPHONE_EVENT_PTS[8000]!;

/** Options of {@link createOffer}. */
export interface OfferOptions extends LocalMediaOptions {
  /** The ptime we ask for (`a=ptime`, ms, 10..200). Default 20. */
  readonly ptime?: number;
}

/** One `a=crypto` line of our offer, with our key. */
export interface OfferedKey {
  readonly tag: number;
  readonly profile: SrtpProfile;
  readonly key: SdesKeyParams;
}

/** What {@link applyAnswer} needs to know about the offer it answers. Contains our keys: keep it private. */
export interface OfferState {
  /** The offer we sent. */
  readonly sdp: string;
  /** Its `o=` fields (pass this or `sdp` as `previous` to the next description of the session). */
  readonly origin: SdpOrigin;
  /** Our address family. */
  readonly family: 4 | 6;
  /** `RTP/AVP` or `RTP/SAVP`. */
  readonly proto: 'RTP/AVP' | 'RTP/SAVP';
  /** The codecs we offered, in our preference order. */
  readonly codecs: readonly NegotiatedCodec[];
  /** Whether we offered telephone-event. */
  readonly telephoneEvent: boolean;
  /** Our `a=crypto` lines and keys (empty for plain RTP). */
  readonly keys: readonly OfferedKey[];
  /** The direction we offered. */
  readonly direction: MediaDirection;
  /** The ptime we asked for. */
  readonly ptime: number;
  /** Whether we offered rtcp-mux. */
  readonly rtcpMux: boolean;
}

/** The result of {@link createOffer}. */
export interface CreatedOffer {
  /** The offer SDP (CRLF line ends). */
  readonly sdp: string;
  /** Keep it for {@link applyAnswer}. */
  readonly state: OfferState;
}

/**
 * Builds an offer (RFC 3264 §5). With `previous`, `o=` keeps the session id and increments the
 * version (§8); each offer carries fresh keys (RFC 4568 §7.1.4 allows rekeying on every offer).
 * @throws SdpError `SDP_CLEARTEXT_KEYING` when `srtp` is `mandatory` over `udp`/`tcp` without `allowSdesOverCleartext`
 * @throws TypeError on invalid options
 */
export function createOffer(options: OfferOptions): CreatedOffer {
  const local = resolveLocalOptions(options);
  const ptime = options.ptime ?? DEFAULT_PTIME;
  if (!Number.isInteger(ptime) || ptime < 10 || ptime > 200) throw new TypeError(`options.ptime must be an integer 10..200, got ${ptime}`);
  if (local.srtp === 'mandatory' && !local.keysAllowed) {
    throw new SdpError(
      'SDP_CLEARTEXT_KEYING',
      `SRTP is mandatory but SDES keys must not travel over ${local.signalling} (RFC 4568 §8.3): use TLS or allowSdesOverCleartext`,
    );
  }
  const withKeys = local.srtp !== 'off' && local.keysAllowed;
  const keys: OfferedKey[] = withKeys
    ? local.suiteOrder.map((profile, i) => ({ tag: i + 1, profile, key: generateSdesKeyParams(profile) }))
    : [];
  const proto = local.srtp === 'mandatory' ? 'RTP/SAVP' : 'RTP/AVP';
  const codecs = local.codecs.map(offeredCodec);
  const origin = nextOrigin(local.previous);
  const sdp = writeDescription({
    origin,
    family: local.family,
    address: local.address,
    sessionName: local.sessionName,
    timing: ['0 0'],
    sections: [
      audioSectionLines({
        port: local.port,
        proto,
        codecs,
        codecFmtp: codecFmtp(codecs, local.opus),
        telephoneEvents: local.telephoneEvent
          ? clockRatesOf(codecs).map((clockRate) => ({ payloadType: OFFER_TELEPHONE_EVENT_PTS[clockRate]!, clockRate, events: SUPPORTED_EVENTS }))
          : [],
        ptime,
        rtcpMux: local.rtcpMux,
        crypto: keys.map((k) => formatCryptoAttribute({ tag: k.tag, profile: k.profile, keyParams: [k.key] })),
        direction: local.direction,
      }),
    ],
  });
  return {
    sdp,
    state: {
      sdp,
      origin,
      family: local.family,
      proto,
      codecs,
      telephoneEvent: local.telephoneEvent,
      keys,
      direction: local.direction,
      ptime,
      rtcpMux: local.rtcpMux,
    },
  };
}

/**
 * Reads the answer to an offer made with {@link createOffer} (RFC 3264 §7) and returns what the media
 * layer runs. Lenient where it is safe (a direction wider than we allowed is narrowed), strict where
 * audio or security would break.
 * @throws SdpError `SDP_PARSE_FAILED`, `SDP_ANSWER_MISMATCH`, `SDP_NO_AUDIO`, `SDP_MEDIA_REJECTED`,
 *   `SDP_NO_COMMON_CODEC` or `SDP_KEYING_FAILED` for an answer we cannot use
 */
export function applyAnswer(state: OfferState, answerSdp: string): NegotiatedMedia {
  if (typeof state !== 'object' || state === null || !Array.isArray(state.keys)) throw new TypeError('state must be an OfferState from createOffer');
  if (typeof answerSdp !== 'string') throw new TypeError('answerSdp must be a string');
  const answer = parseSessionDescription(answerSdp);
  // RFC 3264 §6: as many m-lines as the offer, in the same order, same media type.
  if (answer.media.length !== 1) throw mismatch(`the answer has ${answer.media.length} m-lines, the offer 1`);
  const m = answer.media[0]!;
  if (m.type !== 'audio') throw new SdpError('SDP_NO_AUDIO', `the answer's m-line is ${m.type}, not our audio`, { statusHint: 488 });
  if (m.port === 0) throw new SdpError('SDP_MEDIA_REJECTED', 'the answer rejected the audio stream (port 0)', { statusHint: 488 });
  // RFC 3264 §6.1 / RFC 8643 §3: the answer keeps the offer's transport protocol.
  if (m.proto.toUpperCase() !== state.proto) throw mismatch(`the answer uses ${m.proto} for our ${state.proto} offer`);
  const c = m.connection!; // present on every m-line with a port (parseSessionDescription, RFC 8866 §5.7)
  if (!c.literal || c.family !== state.family) throw mismatch(`the answer's c= ${c.address} is not an IPv${state.family} literal`);

  // RFC 3264 §7: send with the first format of the answer that we offered.
  let codec: NegotiatedCodec | undefined;
  for (const f of m.formats) {
    const candidate = codecOfPayloadType(m, Number(f));
    if (candidate !== undefined && state.codecs.some((o) => o.name === candidate.name)) {
      codec = candidate;
      break;
    }
  }
  if (codec === undefined) throw new SdpError('SDP_NO_COMMON_CODEC', 'the answer has no codec we offered', { statusHint: 488 });
  const telephoneEvent = state.telephoneEvent ? telephoneEventOf(m, codec.clockRate) : undefined;

  const srtp = answerKeying(state, m.crypto);
  const rtcpMux = state.rtcpMux && m.rtcpMux;
  const remote = remoteEndpoints(m, c.address, rtcpMux);
  return {
    remoteRtp: remote.rtp,
    remoteRtcp: remote.rtcp,
    rtcpMux,
    codec,
    telephoneEventPayloadType: telephoneEvent?.payloadType ?? null,
    ptime: sendingPtime(m, state.ptime),
    maxptime: peerMaxptime(m),
    direction: intersectDirections(state.direction, reverseDirection(m.direction)),
    remoteHold: !receives(m.direction) || isUnspecifiedAddress(c.address),
    srtp,
  };
}

/** RFC 4568 §7.1.2/§7.1.3 and RFC 8643 §3: the answer accepts at most one of our lines, by its tag. */
function answerKeying(state: OfferState, crypto: readonly string[]): NegotiatedSrtp | null {
  if (crypto.length === 0) {
    if (state.proto === 'RTP/SAVP') throw keying('the answer to our RTP/SAVP offer has no a=crypto');
    return null; // OSRTP declined, or plain offer answered plain
  }
  if (state.keys.length === 0) throw keying('the answer has a=crypto but we offered no keys');
  if (crypto.length > 1) throw keying(`the answer has ${crypto.length} a=crypto lines; it must accept exactly one`);
  let attr: CryptoAttribute;
  try {
    attr = parseCryptoAttribute(crypto[0]!);
  } catch (e) {
    throw keying(`the answer's a=crypto does not parse: ${(e as Error).message}`, e);
  }
  const ours = state.keys.find((k) => k.tag === attr.tag);
  const remoteKey = attr.keyParams[0];
  if (ours === undefined || attr.profile !== ours.profile) throw keying(`the answer's a=crypto:${attr.tag} ${attr.suite} is not one we offered`);
  if (remoteKey === undefined || attr.keyParams.length !== 1 || attr.sessionParams.length > 0) {
    throw keying('the answer\'s a=crypto must carry one key and no session parameters');
  }
  return { profile: ours.profile, tag: ours.tag, localKey: ours.key, remoteKey };
}

function mismatch(message: string): SdpError {
  return new SdpError('SDP_ANSWER_MISMATCH', message, { statusHint: 488 });
}

function keying(message: string, cause?: unknown): SdpError {
  return new SdpError('SDP_KEYING_FAILED', message, cause === undefined ? { statusHint: 488 } : { statusHint: 488, cause });
}
