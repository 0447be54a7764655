/**
 * Stable codes for everything the RTP, RTCP and telephone-event parsers can reject.
 * Untrusted bytes never make this package throw anything but {@link RtpParseError}.
 */
export type RtpParseErrorCode =
  | 'TRUNCATED'
  | 'BAD_VERSION'
  | 'BAD_PADDING'
  | 'BAD_EXTENSION'
  | 'BAD_LENGTH'
  | 'BAD_FIRST_PACKET'
  | 'PADDING_NOT_LAST'
  | 'BAD_SDES'
  | 'BAD_BYE'
  | 'BAD_APP'
  | 'BAD_REPORT_COUNT'
  | 'TOO_MANY_PACKETS'
  | 'BAD_TELEPHONE_EVENT';

/**
 * The only error untrusted RTP/RTCP/RFC 4733 input can raise.
 *
 * @example
 * try { parseRtp(datagram) } catch (e) {
 *   if (e instanceof RtpParseError) stats.dropped(e.code); else throw e;
 * }
 */
export class RtpParseError extends Error {
  override readonly name = 'RtpParseError';
  /** Stable machine-readable reason. */
  readonly code: RtpParseErrorCode;
  /** Byte offset where the problem was found, -1 when not meaningful. */
  readonly offset: number;

  /**
   * @param code - stable reason code
   * @param message - human-readable detail
   * @param offset - byte offset of the problem (default -1)
   */
  constructor(code: RtpParseErrorCode, message: string, offset = -1) {
    super(message);
    this.code = code;
    this.offset = offset;
  }
}
