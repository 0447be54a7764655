/**
 * Limits and choices for parsing, each with a safe default.
 * @module
 */

/**
 * RFC 7434 / ITU-T: the ISDN user-user information element carries one
 * protocol-discriminator octet plus at most 128 octets of user information
 * (Q.931 §4.5.30: 131 octets in all with the IE identifier and length; the
 * ISUP User-to-user information parameter, Q.763 §3.61, is 1..129 octets).
 * UUI data that is to survive an ISDN gateway therefore has at most 129
 * octets, discriminator included; that is the default `maxOctets`.
 */
export const ISDN_UUI_MAX_OCTETS = 129;

/** Default `maxValueLength`: 129 octets are 258 hex digits; this leaves room for parameters. */
export const DEFAULT_MAX_VALUE_LENGTH = 1024;

/** Default `maxParams`. */
export const DEFAULT_MAX_PARAMS = 16;

/** How to read a value that has no `encoding` parameter. */
export type AbsentEncoding = 'hex' | 'reject';

/** Options for `parseUui`, `parseUuiList` and `selectUui`. */
export interface UuiParseOptions {
  /**
   * Most octets of decoded data accepted (discriminator included).
   * Default {@link ISDN_UUI_MAX_OCTETS} (129). Larger data is rejected with
   * `OVERSIZE`, never truncated. Raise it only for packages other than
   * `isdn-uui` that never reach an ISDN gateway.
   */
  readonly maxOctets?: number;
  /** Longest header value accepted, in characters, checked before any scanning. Default 1024. */
  readonly maxValueLength?: number;
  /** Most parameters (known and unknown) in one value. Default 16. */
  readonly maxParams?: number;
  /**
   * A value without `encoding`: RFC 7433 §4.1 leaves the encoding to the
   * content, and the only registered content (`isdn-uui`, RFC 7434) is hex,
   * so `'hex'` (default) decodes it as hex when the effective content is
   * `isdn-uui`. `'reject'` throws `MISSING_ENCODING` instead. Values of other
   * contents without `encoding` always throw `UNKNOWN_ENCODING`: their
   * encoding is unknown to this package.
   */
  readonly absentEncoding?: AbsentEncoding;
}

/** {@link UuiParseOptions} with every default applied. */
export interface ResolvedUuiParseOptions {
  readonly maxOctets: number;
  readonly maxValueLength: number;
  readonly maxParams: number;
  readonly absentEncoding: AbsentEncoding;
}

function positiveInt(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${String(v)}`);
  }
  return v;
}

/**
 * Validates options once and fills in defaults.
 *
 * @throws RangeError for an invalid limit; TypeError for an unknown `absentEncoding`
 */
export function resolveParseOptions(options: UuiParseOptions = {}): ResolvedUuiParseOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const absentEncoding = options.absentEncoding ?? 'hex';
  if (absentEncoding !== 'hex' && absentEncoding !== 'reject') {
    throw new TypeError(`absentEncoding must be 'hex' or 'reject', got ${String(absentEncoding)}`);
  }
  return {
    maxOctets: positiveInt('maxOctets', options.maxOctets, ISDN_UUI_MAX_OCTETS),
    maxValueLength: positiveInt('maxValueLength', options.maxValueLength, DEFAULT_MAX_VALUE_LENGTH),
    maxParams: positiveInt('maxParams', options.maxParams, DEFAULT_MAX_PARAMS),
    absentEncoding,
  };
}

/**
 * Validates a `maxOctets` option for builders and `formatUui`.
 *
 * @throws RangeError when not a positive integer
 */
export function resolveMaxOctets(maxOctets: number | undefined): number {
  return positiveInt('maxOctets', maxOctets, ISDN_UUI_MAX_OCTETS);
}
