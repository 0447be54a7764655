/**
 * The decoded form of one RFC 7433 uui-value.
 * @module
 */

/**
 * A parameter other than `purpose`, `content` and `encoding`
 * (RFC 7433 §4.1 `generic-param`), kept in wire order so a B2BUA can relay it.
 */
export interface UuiParam {
  /** Parameter name as received (names compare case-insensitively). */
  readonly name: string;
  /**
   * The value, with quoted-pairs undone when it was a quoted-string;
   * `null` for a parameter without `=`.
   */
  readonly value: string | null;
  /**
   * Whether the value is (or is to be written as) a quoted-string. Unquoted
   * values must be a token or host; `false` when `value` is null.
   */
  readonly quoted: boolean;
}

/**
 * One User-to-User header value (RFC 7433 §4.1), decoded.
 *
 * `purpose` and `content` are exactly what the wire carried (absent stays
 * absent), so parse/format round-trips without inventing parameters; use
 * {@link effectivePurpose} / {@link effectiveContent} for the defaults
 * RFC 7434 assigns.
 */
export interface UuiData {
  /** The UUI octets after hex decoding. For ISDN UUI, octet 0 is the protocol discriminator. */
  readonly data: Uint8Array;
  /** RFC 7433 defines only `hex`; it is the only encoding this package reads or writes. */
  readonly encoding: 'hex';
  /** The `purpose` parameter (the UUI package), when present. */
  readonly purpose?: string;
  /** The `content` parameter, when present. */
  readonly content?: string;
  /** Every other parameter, in order. */
  readonly params: readonly UuiParam[];
}

/** The ISDN UUI package and content name (RFC 7434, registered with IANA). */
export const ISDN_UUI = 'isdn-uui';

/**
 * The UUI package a value belongs to: its `purpose`, or `isdn-uui` when it
 * has none (RFC 7434: absence of `purpose` means the ISDN UUI package, as
 * recorded in the IANA UUI registries).
 */
export function effectivePurpose(uui: Pick<UuiData, 'purpose'>): string {
  return uui.purpose ?? ISDN_UUI;
}

/**
 * The content of a value: its `content`, or `isdn-uui` when absent and the
 * package is `isdn-uui` (RFC 7434: that content "is the default meaning and
 * therefore need not be included"). For other packages with no `content`,
 * returns `undefined`: the package alone defines the content.
 */
export function effectiveContent(uui: Pick<UuiData, 'purpose' | 'content'>): string | undefined {
  if (uui.content !== undefined) return uui.content;
  return effectivePurpose(uui).toLowerCase() === ISDN_UUI ? ISDN_UUI : undefined;
}
