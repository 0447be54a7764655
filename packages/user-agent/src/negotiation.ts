/**
 * The user agent's side of RFC 3264 offer/answer: our media policy and the
 * signalling transport turned into @trunkline/sdp calls, in one place.
 */
import { SdpError, answerOffer, applyAnswer, createOffer, type MediaDirection, type NegotiatedMedia, type OfferState, type SignallingTransport } from '@trunkline/sdp';
import type { ResolvedUserAgentOptions } from './user-agent-options.js';

/** Result of answering an offer: our answer SDP and the agreed media, or the refusal to send. */
export type AnswerOutcome =
  | { readonly ok: true; readonly sdp: string; readonly media: NegotiatedMedia }
  | { readonly ok: false; readonly status: number; readonly reason: string; readonly warning: string | null };

function local(policy: ResolvedUserAgentOptions['media'], signalling: SignallingTransport, address: string, port: number) {
  return {
    srtp: policy.srtp,
    signalling,
    address,
    port,
    codecs: policy.codecs,
    allowSdesOverCleartext: policy.allowSdesOverCleartext,
    ...(policy.suites === undefined ? {} : { suites: policy.suites }),
  };
}

/** Where an SDP stands in its session (RFC 3264 §8). */
export interface SessionSdp {
  /** Our last SDP of the session: `o=` keeps its session id and increments its version. Default: a new session. */
  readonly previous?: string | null;
  /** The direction we want (hold: `sendonly`). Default `sendrecv`. */
  readonly direction?: MediaDirection;
}

function session(s: SessionSdp): { previous?: string; direction?: MediaDirection } {
  return { ...(s.previous == null ? {} : { previous: s.previous }), ...(s.direction === undefined ? {} : { direction: s.direction }) };
}

/** RFC 3264 §6: answer `offer` received over `signalling`, our RTP on `address:port`. */
export function answerSdp(
  offer: string,
  policy: ResolvedUserAgentOptions['media'],
  signalling: SignallingTransport,
  address: string,
  port: number,
  sdp: SessionSdp = {},
): AnswerOutcome {
  const r = answerOffer(offer, { ...local(policy, signalling, address, port), ...session(sdp) });
  if (r.ok) return { ok: true, sdp: r.answer, media: r.media };
  return { ok: false, status: r.status, reason: r.reason, warning: r.warning ?? null };
}

/** An offer we sent and what is needed to read its answer. */
export interface PendingOffer {
  readonly sdp: string;
  readonly state: OfferState;
}

/**
 * RFC 3264 §5: our offer for a call placed over `signalling`.
 * @throws SdpError SDP_CLEARTEXT_KEYING when SRTP is mandatory and the signalling is not TLS (RFC 4568 §8.3).
 */
export function offerSdp(
  policy: ResolvedUserAgentOptions['media'],
  signalling: SignallingTransport,
  address: string,
  port: number,
  sdp: SessionSdp = {},
): PendingOffer {
  return createOffer({ ...local(policy, signalling, address, port), ...session(sdp) });
}

/** RFC 3264 §5/§6: the peer's answer to our offer. */
export function readAnswer(offer: PendingOffer, answer: string): { ok: true; media: NegotiatedMedia } | { ok: false; reason: string } {
  try {
    return { ok: true, media: applyAnswer(offer.state, answer) };
  } catch (e) {
    if (e instanceof SdpError) return { ok: false, reason: e.message };
    throw e;
  }
}
