/**
 * Stable failure codes of the SRTP layer.
 *
 * - `AUTH_FAILED`: the authentication tag (HMAC-SHA1 or GCM) did not verify (RFC 3711 §3.3, RFC 7714 §7.2).
 * - `REPLAYED`: the packet index was already accepted (RFC 3711 §3.3.2).
 * - `TOO_OLD`: the packet index lies left of the replay window, or before index 0 (RFC 3711 §3.3.2, App. A).
 * - `MALFORMED`: the bytes are not a well-formed (S)RTP/(S)RTCP packet or SDES attribute.
 * - `UNKNOWN_MKI`: the packet's MKI is not the one this context was keyed with (RFC 3711 §3.1).
 * - `SSRC_LIMIT`: the context already tracks its maximum number of SSRCs.
 * - `KEY_EXHAUSTED`: the 2^48 SRTP or 2^31 SRTCP packet limit of one master key is reached (RFC 3711 §9.2).
 */
export type SrtpErrorCode =
  | 'AUTH_FAILED'
  | 'REPLAYED'
  | 'TOO_OLD'
  | 'MALFORMED'
  | 'UNKNOWN_MKI'
  | 'SSRC_LIMIT'
  | 'KEY_EXHAUSTED';

/**
 * The only error that processing untrusted bytes throws. A failed operation never changes the state
 * of the context that threw it.
 */
export class SrtpError extends Error {
  /** Stable machine-readable reason. */
  readonly code: SrtpErrorCode;

  /**
   * @param code - stable failure code
   * @param message - human-readable detail
   */
  constructor(code: SrtpErrorCode, message: string) {
    super(message);
    this.name = 'SrtpError';
    this.code = code;
  }
}
