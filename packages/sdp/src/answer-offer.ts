/**
 * The answerer of RFC 3264 §6: from a peer's offer and our local options, an answer and what the
 * media layer needs, or the reason we refuse (488 with a Warning, RFC 3261 §21.4.26 / §20.43; 400
 * for an offer that is not SDP).
 *
 * | offer's audio m-line                   | srtp `off`            | `optional`                   | `mandatory`     |
 * | -------------------------------------- | --------------------- | ---------------------------- | --------------- |
 * | RTP/AVP, no `a=crypto`                 | plain                 | plain                        | 488             |
 * | RTP/AVP + `a=crypto` (OSRTP), keys safe | plain, crypto declined| RTP/AVP + one `a=crypto`     | same as optional|
 * | RTP/AVP + `a=crypto`, keys not safe    | plain                 | plain (no key in clear)      | 488             |
 * | RTP/SAVP + `a=crypto`, keys safe       | 488                   | RTP/SAVP + one `a=crypto`    | same            |
 * | RTP/SAVP, keys not safe                | 488                   | 488                          | 488             |
 * | DTLS (`UDP/TLS/RTP/SAVP[F]`), or SAVP without a usable crypto line | 488 | 488              | 488             |
 * | no codec in common                     | 488                   | 488                          | 488             |
 *
 * "Keys safe" means TLS signalling, or `allowSdesOverCleartext` (RFC 4568 §8.3, RFC 8643 §4).
 */
import { formatCryptoAttribute, generateSdesKeyParams } from '@trunkline/rtp-srtp';
import { chooseCodec, codecFmtp, telephoneEventOf } from './codecs.js';
import { intersectDirections, receives, reverseDirection } from './direction.js';
import { remoteEndpoints, sendingPtime, peerMaxptime } from './media-params.js';
import type { NegotiatedCodec, NegotiatedMedia, NegotiatedSrtp } from './negotiated-media.js';
import { resolveLocalOptions, type LocalMediaOptions, type ResolvedLocalOptions } from './options.js';
import { nextOrigin } from './origin.js';
import { firstUsableCrypto, type UsableCrypto } from './sdes.js';
import { SdpError } from './sdp-error.js';
import {
  isUnspecifiedAddress,
  parseSessionDescription,
  type MediaDescription,
  type SessionDescription,
} from './session-description.js';
import { audioSectionLines, writeDescription } from './write.js';

/** Options of {@link answerOffer}: our side of the call. */
export interface AnswerOptions extends LocalMediaOptions {
  /** The warn-agent of the Warning text of a refusal (RFC 3261 §20.43: host or pseudonym). Default `trunkline`. */
  readonly warnAgent?: string;
}

/** The result of {@link answerOffer}. */
export type AnswerResult =
  | {
      readonly ok: true;
      /** Our answer SDP (CRLF line ends). */
      readonly answer: string;
      /** What the media layer runs. */
      readonly media: NegotiatedMedia;
    }
  | {
      readonly ok: false;
      /** 488 Not Acceptable Here, or 400 Bad Request for an offer that is not SDP. */
      readonly status: 488 | 400;
      /** Why, for logs and the reason phrase. */
      readonly reason: string;
      /** A Warning header value (RFC 3261 §20.43), e.g. `302 trunkline "Incompatible transport protocol"`. */
      readonly warning?: string;
    };

/** Warning codes we use (RFC 3261 §20.43). */
export const WARNING_TEXT = {
  301: 'Incompatible network address formats',
  302: 'Incompatible transport protocol',
  304: 'Media type not available',
  305: 'Incompatible media format',
} as const;

type WarnCode = keyof typeof WARNING_TEXT;

interface Refusal {
  readonly ok: false;
  readonly code: WarnCode;
  readonly reason: string;
}

interface AcceptedAudio {
  readonly ok: true;
  readonly codec: NegotiatedCodec;
  readonly telephoneEvent: { readonly payloadType: number; readonly events: string } | undefined;
  readonly crypto: UsableCrypto | undefined;
}

const refuse = (code: WarnCode, reason: string): Refusal => ({ ok: false, code, reason });

/**
 * Answers an SDP offer (RFC 3264 §6). Never throws for what the peer sent: an offer that does not
 * parse gives `{ ok: false, status: 400 }`, one we cannot accept `{ ok: false, status: 488, warning }`.
 * The first audio stream we can accept is answered; every other m-line is rejected with port 0
 * (RFC 3264 §6), so the answer has the offer's m-lines in the offer's order.
 *
 * @param offerSdp - the peer's offer
 * @param options - our side; `previous` (our last SDP of the session) for re-offers
 * @throws TypeError on invalid options (API misuse)
 */
export function answerOffer(offerSdp: string, options: AnswerOptions): AnswerResult {
  const local = resolveLocalOptions(options);
  const warnAgent = options.warnAgent ?? 'trunkline';
  if (typeof warnAgent !== 'string' || !/^[^\s"]+$/.test(warnAgent)) throw new TypeError('options.warnAgent must be a token');
  if (typeof offerSdp !== 'string') throw new TypeError('offerSdp must be a string');

  let offer: SessionDescription;
  try {
    offer = parseSessionDescription(offerSdp);
  } catch (e) {
    if (e instanceof SdpError) return { ok: false, status: 400, reason: e.message };
    throw e;
  }

  let firstRefusal: Refusal | undefined;
  for (let index = 0; index < offer.media.length; index++) {
    const m = offer.media[index]!;
    if (m.type !== 'audio' || m.port === 0) continue;
    const r = negotiateAudio(m, local);
    if (r.ok) return accept(offer, index, r, local);
    firstRefusal ??= r;
  }
  const refusal = firstRefusal ?? refuse(304, 'the offer has no audio stream');
  return {
    ok: false,
    status: 488,
    reason: refusal.reason,
    warning: `${refusal.code} ${warnAgent} "${WARNING_TEXT[refusal.code]}"`,
  };
}

/** Decides one offered audio stream: transport and address first, then keying, then the codec. */
function negotiateAudio(m: MediaDescription, local: ResolvedLocalOptions): AcceptedAudio | Refusal {
  const proto = m.proto.toUpperCase();
  if (/^(UDP|TCP|DCCP)\/TLS\//.test(proto)) {
    return refuse(302, `${m.proto} is DTLS-SRTP; Trunkline keys SRTP with SDES only (RFC 4568)`);
  }
  const secure = proto === 'RTP/SAVP' || proto === 'RTP/SAVPF';
  if (!secure && proto !== 'RTP/AVP' && proto !== 'RTP/AVPF') return refuse(302, `transport ${m.proto} is not supported`);

  const c = m.connection!; // present on every m-line with a port (parseSessionDescription, RFC 8866 §5.7)
  if (!c.literal) return refuse(301, `c= address ${c.address} is not an IP literal`);
  if (c.family !== local.family) return refuse(301, `the offer uses IPv${c.family}, our media address is IPv${local.family}`);

  let crypto: UsableCrypto | undefined;
  if (secure) {
    // RFC 3264 §6.1: the answer keeps the offer's profile, so SRTP or nothing.
    if (local.srtp === 'off') return refuse(302, `${m.proto} offered and SRTP is off`);
    if (!local.keysAllowed) return refuse(302, `${m.proto} offered over ${local.signalling}: SDES keys would travel in clear (RFC 4568 §8.3)`);
    crypto = firstUsableCrypto(m.crypto, local.suites);
    if (crypto === undefined) return refuse(302, 'no supported a=crypto line (RFC 4568 §7.1.2)');
  } else if (local.srtp !== 'off' && local.keysAllowed && m.crypto.length > 0) {
    // RFC 8643 OSRTP: RTP/AVP with a=crypto; answering one a=crypto turns SRTP on.
    crypto = firstUsableCrypto(m.crypto, local.suites);
  }
  if (local.srtp === 'mandatory' && crypto === undefined) {
    return refuse(
      302,
      m.crypto.length === 0
        ? 'SRTP is mandatory and the offer has no a=crypto'
        : local.keysAllowed
          ? 'SRTP is mandatory and no offered a=crypto line is supported'
          : `SRTP is mandatory and SDES keys cannot travel over ${local.signalling} (RFC 4568 §8.3)`,
    );
  }

  const codec = chooseCodec(m, local.codecs);
  if (codec === undefined) return refuse(305, `no codec in common (we have ${local.codecs.join(', ')})`);
  const telephoneEvent = local.telephoneEvent ? telephoneEventOf(m, codec.clockRate) : undefined;
  return { ok: true, codec, telephoneEvent, crypto };
}

function accept(offer: SessionDescription, audioIndex: number, a: AcceptedAudio, local: ResolvedLocalOptions): AnswerResult {
  const m = offer.media[audioIndex]!;
  const direction = intersectDirections(reverseDirection(m.direction), local.direction);
  const rtcpMux = local.rtcpMux && m.rtcpMux;
  const ptime = sendingPtime(m);
  let srtp: NegotiatedSrtp | null = null;
  let cryptoLine: string[] = [];
  if (a.crypto !== undefined) {
    // RFC 4568 §7.1.2: the answer echoes the accepted tag and suite, with our own fresh key.
    const localKey = generateSdesKeyParams(a.crypto.profile);
    srtp = { profile: a.crypto.profile, tag: a.crypto.tag, localKey, remoteKey: a.crypto.key };
    cryptoLine = [formatCryptoAttribute({ tag: a.crypto.tag, profile: a.crypto.profile, keyParams: [localKey] })];
  }
  const sections = offer.media.map((om, i) =>
    i === audioIndex
      ? audioSectionLines({
          port: local.port,
          proto: om.proto,
          codecs: [a.codec],
          codecFmtp: codecFmtp([a.codec], local.opus),
          telephoneEvents:
            a.telephoneEvent === undefined
              ? []
              : [{ payloadType: a.telephoneEvent.payloadType, clockRate: a.codec.clockRate, events: a.telephoneEvent.events }],
          ptime,
          rtcpMux,
          crypto: cryptoLine,
          direction,
        })
      : // RFC 3264 §6: a rejected stream keeps its media type and transport, with port 0.
        [`m=${om.type} 0 ${om.proto} ${om.formats.join(' ')}`],
  );
  const answer = writeDescription({
    origin: nextOrigin(local.previous),
    family: local.family,
    address: local.address,
    sessionName: local.sessionName,
    timing: offer.timing,
    sections,
  });
  const address = m.connection!.address;
  const remote = remoteEndpoints(m, address, rtcpMux);
  const media: NegotiatedMedia = {
    remoteRtp: remote.rtp,
    remoteRtcp: remote.rtcp,
    rtcpMux,
    codec: a.codec,
    telephoneEventPayloadType: a.telephoneEvent?.payloadType ?? null,
    ptime,
    maxptime: peerMaxptime(m),
    direction,
    // The peer does not want our media: it holds us (RFC 3264 §8.4, legacy c=0.0.0.0 too).
    remoteHold: !receives(m.direction) || isUnspecifiedAddress(address),
    srtp,
  };
  return { ok: true, answer, media };
}
