/**
 * The ISDN UUI package (RFC 7434): data is the contents of the ISDN
 * user-user information element, whose first octet is the protocol
 * discriminator (ITU-T Q.931 §4.5.30, Table 4-26).
 *
 * ```
 *  octet 0            octets 1..n (n <= 128)
 * +------------------+---------------------------+
 * | protocol discr.  | user information          |
 * +------------------+---------------------------+
 * ```
 * @module
 */
import { UuiError } from './errors.js';
import { resolveMaxOctets } from './options.js';
import { ISDN_UUI, type UuiData } from './uui-data.js';

/** Protocol discriminator values of the user-user IE (Q.931 Table 4-26). */
export const PROTOCOL_DISCRIMINATOR = {
  /** User-specific protocol: the payload is meaningful only to the two applications. */
  USER_SPECIFIC: 0x00,
  /** OSI high layer protocols. */
  OSI_HIGH_LAYER: 0x01,
  /** X.244. */
  X244: 0x02,
  /** IA5 characters (7-bit ASCII text). */
  IA5: 0x04,
  /** X.208/X.209 (ASN.1) coded user information. */
  X208_X209: 0x05,
  /** V.120 rate adaption. */
  V120: 0x07,
  /** Q.931 user-network call control messages. */
  Q931: 0x08,
} as const;

/** The ISDN UUI view of a value: discriminator and user information. */
export interface IsdnUserInformation {
  /** Octet 0 of the data. */
  readonly discriminator: number;
  /** Octets 1..n, a view into the data (not a copy). */
  readonly userInformation: Uint8Array;
}

/**
 * Splits ISDN UUI data into protocol discriminator and user information.
 *
 * @param uui - a parsed value, or its data
 * @throws UuiError `MISSING_DISCRIMINATOR` when there are no octets
 */
export function isdnUserInformation(uui: Pick<UuiData, 'data'> | Uint8Array): IsdnUserInformation {
  const data = dataOf(uui);
  const discriminator = data[0];
  if (discriminator === undefined) {
    throw new UuiError('MISSING_DISCRIMINATOR', 'ISDN UUI data is empty: no protocol discriminator', { offset: 0 });
  }
  return { discriminator, userInformation: data.subarray(1) };
}

/** Options for the ISDN UUI builders. */
export interface IsdnUuiBuildOptions {
  /**
   * Most octets of the resulting data, discriminator included.
   * Default 129 (`ISDN_UUI_MAX_OCTETS`): 128 octets of user information.
   */
  readonly maxOctets?: number;
}

/** Options for {@link uuiFromBytes}. */
export interface UuiFromBytesOptions extends IsdnUuiBuildOptions {
  /** Protocol discriminator put in octet 0. Default `0x00` (user-specific). */
  readonly discriminator?: number;
}

/**
 * Builds an `isdn-uui` value from raw user information: octet 0 is the
 * discriminator, the bytes follow unchanged (copied).
 *
 * @param userInformation - the payload (at most `maxOctets - 1` octets)
 * @param options - discriminator and size limit
 * @throws UuiError `OVERSIZE`
 * @throws RangeError for a discriminator outside 0..255
 */
export function uuiFromBytes(userInformation: Uint8Array, options: UuiFromBytesOptions = {}): UuiData {
  if (!(userInformation instanceof Uint8Array)) throw new TypeError('userInformation must be a Uint8Array');
  const d = options.discriminator ?? PROTOCOL_DISCRIMINATOR.USER_SPECIFIC;
  if (!Number.isInteger(d) || d < 0 || d > 255) throw new RangeError(`discriminator must be an octet, got ${d}`);
  const data = new Uint8Array(userInformation.length + 1);
  data[0] = d;
  data.set(userInformation, 1);
  return isdnUui(data, options.maxOctets);
}

/**
 * The user information (octets after the discriminator) of an ISDN UUI value,
 * as a copy.
 *
 * @param uui - a parsed value, or its data
 * @param expectedDiscriminator - when given, the discriminator must equal it
 * @throws UuiError `MISSING_DISCRIMINATOR`, `UNEXPECTED_DISCRIMINATOR`
 */
export function bytesFromUui(uui: Pick<UuiData, 'data'> | Uint8Array, expectedDiscriminator?: number): Uint8Array {
  const { discriminator, userInformation } = isdnUserInformation(uui);
  if (expectedDiscriminator !== undefined && discriminator !== expectedDiscriminator) {
    throw new UuiError(
      'UNEXPECTED_DISCRIMINATOR',
      `protocol discriminator is 0x${hex2(discriminator)}, expected 0x${hex2(expectedDiscriminator)}`,
      { offset: 0 },
    );
  }
  return userInformation.slice();
}

/** Wraps complete data (discriminator included) as an `isdn-uui` value, checking the size. */
export function isdnUui(data: Uint8Array, maxOctets?: number): UuiData {
  const max = resolveMaxOctets(maxOctets);
  if (data.length > max) {
    throw new UuiError('OVERSIZE', `UUI data would be ${data.length} octets, more than maxOctets ${max}`, {
      offset: max,
    });
  }
  return { data, encoding: 'hex', purpose: ISDN_UUI, content: ISDN_UUI, params: [] };
}

function dataOf(uui: Pick<UuiData, 'data'> | Uint8Array): Uint8Array {
  const data = uui instanceof Uint8Array ? uui : uui?.data;
  if (!(data instanceof Uint8Array)) throw new TypeError('expected a Uint8Array or a UuiData');
  return data;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0').toUpperCase();
}
