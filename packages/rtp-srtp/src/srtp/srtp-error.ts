import { TrunklineError } from '@trunkline/errors';

/**
 * Stable failure codes of the SRTP layer, unique across Trunkline.
 *
 * - `SRTP_AUTH_FAILED`: the authentication tag (HMAC-SHA1 or GCM) did not verify (RFC 3711 §3.3, RFC 7714 §7.2).
 * - `SRTP_REPLAYED`: the packet index was already accepted (RFC 3711 §3.3.2).
 * - `SRTP_TOO_OLD`: the packet index lies left of the replay window, or before index 0 (RFC 3711 §3.3.2, App. A).
 * - `SRTP_MALFORMED`: the bytes are not a well-formed (S)RTP/(S)RTCP packet.
 * - `SRTP_UNKNOWN_MKI`: the packet's MKI is not the one this context was keyed with (RFC 3711 §3.1).
 * - `SRTP_SSRC_LIMIT`: the context already tracks its maximum number of SSRCs.
 * - `SRTP_KEY_EXHAUSTED`: the 2^48 SRTP or 2^31 SRTCP packet limit of one master key is reached (RFC 3711 §9.2).
 * - `SDES_MALFORMED`: an `a=crypto` attribute does not match the RFC 4568 §9.2 grammar.
 */
export type SrtpErrorCode =
  | 'SRTP_AUTH_FAILED'
  | 'SRTP_REPLAYED'
  | 'SRTP_TOO_OLD'
  | 'SRTP_MALFORMED'
  | 'SRTP_UNKNOWN_MKI'
  | 'SRTP_SSRC_LIMIT'
  | 'SRTP_KEY_EXHAUSTED'
  | 'SDES_MALFORMED';

/**
 * The only error that processing untrusted bytes throws (a {@link TrunklineError} with a
 * project-unique `code`). A failed operation never changes the state of the context that threw it.
 */
export class SrtpError extends TrunklineError<SrtpErrorCode> {}
