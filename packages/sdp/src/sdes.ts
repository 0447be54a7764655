/**
 * SDES keying in SDP (RFC 4568): which offered `a=crypto` line we accept, and reading the one an
 * answer returns. The attribute grammar itself lives in `@trunkline/rtp-srtp`.
 */
import {
  parseCryptoAttribute,
  SRTP_PROFILES,
  type CryptoAttribute,
  type SdesKeyParams,
  type SrtpProfile,
} from '@trunkline/rtp-srtp';

/** The default suites: every profile `@trunkline/rtp-srtp` implements, AES-CM-128/80 first (the one every SDES peer has). */
export const DEFAULT_SUITES: readonly SrtpProfile[] = Object.freeze([
  'AES_CM_128_HMAC_SHA1_80',
  ...SRTP_PROFILES.filter((p) => p !== 'AES_CM_128_HMAC_SHA1_80'),
]);

/** An `a=crypto` line we can use: a supported suite and exactly one key. */
export interface UsableCrypto {
  readonly tag: number;
  readonly profile: SrtpProfile;
  readonly key: SdesKeyParams;
}

/**
 * Reads one `a=crypto` value and returns it when we can run it: a suite in `suites` (a name that
 * only looks like ours, such as `AEAD_AES_128_GCM_8` or `AES_192_CM_HMAC_SHA1_80`, is unknown,
 * RFC 4568 §7.1.1), exactly one key-param (several keys need MKI switching we do not do), and no
 * session parameters (`UNENCRYPTED_SRTCP`, `KDR=`, `FEC_ORDER=`, `WSH=` ... we implement none,
 * RFC 4568 §6.3). Undefined otherwise, also for a line that does not parse.
 */
export function usableCrypto(value: string, suites: ReadonlySet<SrtpProfile>): UsableCrypto | undefined {
  let attr: CryptoAttribute;
  try {
    attr = parseCryptoAttribute(value);
  } catch {
    return undefined; // malformed lines are skipped like unknown ones (RFC 4568 §7.1.1)
  }
  const key = attr.keyParams[0];
  if (attr.profile === undefined || !suites.has(attr.profile) || attr.keyParams.length !== 1 || key === undefined) {
    return undefined;
  }
  if (attr.sessionParams.length > 0) return undefined;
  return { tag: attr.tag, profile: attr.profile, key };
}

/** The first usable line of an offer, in the offer's order (RFC 4568 §7.1.2: the answerer picks one). */
export function firstUsableCrypto(values: readonly string[], suites: ReadonlySet<SrtpProfile>): UsableCrypto | undefined {
  for (const v of values) {
    const c = usableCrypto(v, suites);
    if (c !== undefined) return c;
  }
  return undefined;
}
