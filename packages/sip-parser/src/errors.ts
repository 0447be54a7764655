import { TrunklineError } from '@trunkline/errors';

/**
 * Stable codes for everything the parser can reject. A server can map the
 * error's `statusHint` straight onto a response (RFC 3261 §21).
 */
export type SipParseErrorCode =
  | 'MESSAGE_TOO_LARGE'
  | 'TOO_MANY_HEADERS'
  | 'HEADER_LINE_TOO_LONG'
  | 'URI_TOO_LONG'
  | 'EMPTY_MESSAGE'
  | 'BAD_START_LINE'
  | 'BAD_METHOD'
  | 'BAD_VERSION'
  | 'BAD_STATUS_CODE'
  | 'BAD_HEADER_NAME'
  | 'BAD_HEADER_LINE'
  | 'MISSING_HEADER_END'
  | 'BAD_CONTENT_LENGTH'
  | 'DUPLICATE_CONTENT_LENGTH'
  | 'TRUNCATED_BODY'
  | 'BAD_URI'
  | 'BAD_NAME_ADDR'
  | 'BAD_VIA'
  | 'BAD_CSEQ'
  | 'BAD_QUOTED_STRING'
  | 'BAD_PARAMETER'
  | 'BAD_HEADER_VALUE'
  | 'BAD_NUMBER';

/** Options for {@link SipParseError}. */
export interface SipParseErrorOptions {
  /** Byte offset (or character offset within a header value) where the problem was found. */
  offset?: number;
  /** The SIP status a server should answer with, when it answers at all (default 400). */
  statusHint?: number;
  /** The header the problem is in, by its canonical name, when there is one. */
  header?: string;
}

/**
 * The only error untrusted input can make the parser throw. A
 * {@link TrunklineError}: `code` is stable and unique across Trunkline, and
 * `statusHint` is always set (400 unless the problem calls for another status).
 *
 * @example
 * try { parseMessage(bytes) } catch (e) {
 *   if (e instanceof SipParseError) reply(e.statusHint, e.code);
 * }
 */
export class SipParseError extends TrunklineError<SipParseErrorCode> {
  /** Byte offset into the message (or into the header value being decoded), -1 when unknown. */
  readonly offset: number;
  /** Suggested response status: 400, 413 (too large), 414 (URI too long), 505 (version), ... */
  declare readonly statusHint: number;
  /** Canonical name of the header concerned, if any. */
  readonly header: string | undefined;

  /**
   * @param code - stable reason
   * @param message - human-readable detail
   * @param options - offset, status hint (default 400) and header
   */
  constructor(code: SipParseErrorCode, message: string, options: SipParseErrorOptions = {}) {
    super(code, message, { statusHint: options.statusHint ?? 400 });
    this.offset = options.offset ?? -1;
    this.header = options.header;
  }
}
