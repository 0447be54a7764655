/**
 * @trunkline/sdp — RFC 3264 offer/answer for SIP trunks: SDES-SRTP done safely (RFC 4568, RFC 8643),
 * G.711, G.722 and Opus (RFC 7587) with RFC 4733 telephone-event, hold, delayed offer and re-offers.
 *
 * @packageDocumentation
 */
export type {
  MediaDirection,
  MediaEndpoint,
  NegotiatedCodec,
  NegotiatedMedia,
  NegotiatedSrtp,
  SignallingTransport,
} from './negotiated-media.js';
export { answerOffer, WARNING_TEXT, type AnswerOptions, type AnswerResult } from './answer-offer.js';
export {
  applyAnswer,
  createOffer,
  OFFER_TELEPHONE_EVENT_PT,
  type CreatedOffer,
  type OfferedKey,
  type OfferOptions,
  type OfferState,
} from './offer.js';
export type { LocalMediaOptions, SrtpPolicy } from './options.js';
export { AUDIO_CODECS, DEFAULT_AUDIO_CODECS, type AudioCodecName } from './codecs.js';
export type { OpusSdpOptions, OpusPeerParameters } from './opus-fmtp.js';
export { DEFAULT_SUITES } from './sdes.js';
export { SdpError, type SdpErrorCode } from './sdp-error.js';
export {
  parseSessionDescription,
  type MediaDescription,
  type RtpMap,
  type SdpConnection,
  type SdpOrigin,
  type SessionDescription,
} from './session-description.js';
