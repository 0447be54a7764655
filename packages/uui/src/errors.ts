import { TrunklineError } from '@trunkline/errors';

/**
 * Stable codes for everything this package can reject. Untrusted input (a
 * header value, an IA5 text, a key=value payload) never throws anything but a
 * {@link UuiError} carrying one of these.
 */
export type UuiErrorCode =
  /** The header value is empty or only whitespace. */
  | 'EMPTY_VALUE'
  /** The value has parameters but no uui-data before the first `;`, or the data is `""`. */
  | 'MISSING_DATA'
  /** The input is longer than `maxValueLength` characters. */
  | 'VALUE_TOO_LONG'
  /** More parameters than `maxParams`. */
  | 'TOO_MANY_PARAMETERS'
  /** Hex data with an odd number of digits (half an octet would be lost). */
  | 'ODD_HEX_LENGTH'
  /** Hex data containing a character that is not 0-9, A-F or a-f. */
  | 'NON_HEX_CHARACTER'
  /** `encoding` names something other than `hex`, or no encoding is known for the content. */
  | 'UNKNOWN_ENCODING'
  /** No `encoding` parameter while `absentEncoding: 'reject'` is in force. */
  | 'MISSING_ENCODING'
  /** More octets than `maxOctets`. */
  | 'OVERSIZE'
  /** `purpose`, `content` or `encoding` given twice. */
  | 'DUPLICATE_PARAMETER'
  /** `;` followed by no parameter name (e.g. `;;` or `;=x`). */
  | 'EMPTY_PARAMETER_NAME'
  /** `name=` with nothing after the `=`. */
  | 'MISSING_PARAMETER_VALUE'
  /** A parameter that breaks its grammar (e.g. `purpose` quoted or without value, a name that is not a token). */
  | 'MALFORMED_PARAMETER'
  /** A quoted-string without its closing DQUOTE. */
  | 'UNTERMINATED_QUOTE'
  /** A character the grammar does not allow where it was found. */
  | 'UNEXPECTED_CHARACTER'
  /** A comma outside quotes: several uui-values, to be split with `splitUuiHeader`. */
  | 'MULTIPLE_VALUES'
  /** A character outside IA5 (0x00-0x7F) in IA5 text or key=value pairs. */
  | 'NON_IA5_CHARACTER'
  /** ISDN UUI data with no octets, hence no protocol discriminator. */
  | 'MISSING_DISCRIMINATOR'
  /** The protocol discriminator is not the one the caller expected. */
  | 'UNEXPECTED_DISCRIMINATOR'
  /** A key=value item that cannot be written back unchanged (a `;` in it, `=` in a key). */
  | 'MALFORMED_KEY_VALUE';

/** Options for {@link UuiError}. */
export interface UuiErrorOptions {
  /** Character (or octet) offset where the problem was found. */
  offset?: number;
}

/**
 * The only error untrusted input can make this package throw (a
 * {@link TrunklineError} with a project-unique `code`). API misuse
 * (a non-string header value, an invalid option) throws `TypeError` /
 * `RangeError` instead.
 *
 * @example
 * ```ts
 * try { parseUui(value) } catch (e) {
 *   if (e instanceof UuiError) log(e.code, e.offset);
 * }
 * ```
 */
export class UuiError extends TrunklineError<UuiErrorCode> {
  /** Character offset into the header value (or octet offset into the data); -1 when unknown. */
  readonly offset: number;

  /**
   * @param code - stable reason
   * @param message - human-readable explanation
   * @param options - where the problem was found
   */
  constructor(code: UuiErrorCode, message: string, options: UuiErrorOptions = {}) {
    super(code, message);
    this.offset = options.offset ?? -1;
  }
}
