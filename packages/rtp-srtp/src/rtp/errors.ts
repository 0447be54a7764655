import { TrunklineError } from '@trunkline/errors';

/**
 * Stable codes for everything the RTP, RTCP and telephone-event parsers can reject, all prefixed
 * `RTP_` so they stay unique across Trunkline.
 * Untrusted bytes never make this package throw anything but {@link RtpParseError}.
 */
export type RtpParseErrorCode =
  | 'RTP_TRUNCATED'
  | 'RTP_BAD_VERSION'
  | 'RTP_BAD_PADDING'
  | 'RTP_BAD_EXTENSION'
  | 'RTP_BAD_LENGTH'
  | 'RTP_BAD_FIRST_PACKET'
  | 'RTP_PADDING_NOT_LAST'
  | 'RTP_BAD_SDES'
  | 'RTP_BAD_BYE'
  | 'RTP_BAD_APP'
  | 'RTP_BAD_REPORT_COUNT'
  | 'RTP_TOO_MANY_PACKETS'
  | 'RTP_BAD_TELEPHONE_EVENT';

/**
 * The only error untrusted RTP/RTCP/RFC 4733 input can raise.
 *
 * @example
 * try { parseRtp(datagram) } catch (e) {
 *   if (e instanceof RtpParseError) stats.dropped(e.code); else throw e;
 * }
 */
export class RtpParseError extends TrunklineError<RtpParseErrorCode> {
  /** Byte offset where the problem was found, -1 when not meaningful. */
  readonly offset: number;

  /**
   * @param code - stable reason code
   * @param message - human-readable detail
   * @param offset - byte offset of the problem (default -1)
   */
  constructor(code: RtpParseErrorCode, message: string, offset = -1) {
    super(code, message);
    this.offset = offset;
  }
}
