/**
 * @trunkline/sdp — RFC 3264 offer/answer for SIP trunks.
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
