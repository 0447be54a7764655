/**
 * SRTP protection profiles: RFC 3711 §5 / RFC 4568 §6.2 (AES-CM-128), RFC 6188 §3 (AES-256-CM) and
 * RFC 7714 §14 (AES-GCM). Names are the SDES crypto-suite names (RFC 4568 §6.2, RFC 6188 §6,
 * RFC 7714 §14.1), so the SDP layer maps them one to one.
 */
export type SrtpProfile =
  | 'AES_CM_128_HMAC_SHA1_80'
  | 'AES_CM_128_HMAC_SHA1_32'
  | 'AES_256_CM_HMAC_SHA1_80'
  | 'AES_256_CM_HMAC_SHA1_32'
  | 'AEAD_AES_128_GCM'
  | 'AEAD_AES_256_GCM';

/** Transform parameters of one profile. */
export interface SrtpProfileParameters {
  /** The profile's name. */
  readonly name: SrtpProfile;
  /** `'aes-cm'` (RFC 3711 §4.1.1 with HMAC-SHA1, §4.2.1) or `'aes-gcm'` (RFC 7714 AEAD). */
  readonly transform: 'aes-cm' | 'aes-gcm';
  /** Master key and session encryption key length in bytes. */
  readonly keyLength: 16 | 32;
  /** Master salt and session salt length in bytes (14 for AES-CM, 12 for GCM, RFC 7714 §12). */
  readonly saltLength: 14 | 12;
  /** SRTP authentication tag length in bytes (HMAC truncation, or the GCM tag). */
  readonly rtpTagLength: number;
  /**
   * SRTCP authentication tag length in bytes. The `_32` profiles still use an 80-bit SRTCP tag
   * (RFC 4568 §6.2.1, RFC 6188 §6).
   */
  readonly rtcpTagLength: number;
  /** Session authentication key length in bytes (n_a = 160 bits, RFC 3711 §4.2.1); 0 for AEAD. */
  readonly authKeyLength: 20 | 0;
  /** DTLS-SRTP protection profile id (RFC 5764 §4.1.2, RFC 7714 §14.2), where one is registered. */
  readonly dtlsId: number | undefined;
}

const table: Readonly<Record<SrtpProfile, SrtpProfileParameters>> = {
  AES_CM_128_HMAC_SHA1_80: p('AES_CM_128_HMAC_SHA1_80', 'aes-cm', 16, 14, 10, 10, 20, 0x0001),
  AES_CM_128_HMAC_SHA1_32: p('AES_CM_128_HMAC_SHA1_32', 'aes-cm', 16, 14, 4, 10, 20, 0x0002),
  AES_256_CM_HMAC_SHA1_80: p('AES_256_CM_HMAC_SHA1_80', 'aes-cm', 32, 14, 10, 10, 20, undefined),
  AES_256_CM_HMAC_SHA1_32: p('AES_256_CM_HMAC_SHA1_32', 'aes-cm', 32, 14, 4, 10, 20, undefined),
  AEAD_AES_128_GCM: p('AEAD_AES_128_GCM', 'aes-gcm', 16, 12, 16, 16, 0, 0x0007),
  AEAD_AES_256_GCM: p('AEAD_AES_256_GCM', 'aes-gcm', 32, 12, 16, 16, 0, 0x0008),
};

function p(
  name: SrtpProfile,
  transform: 'aes-cm' | 'aes-gcm',
  keyLength: 16 | 32,
  saltLength: 14 | 12,
  rtpTagLength: number,
  rtcpTagLength: number,
  authKeyLength: 20 | 0,
  dtlsId: number | undefined,
): SrtpProfileParameters {
  return Object.freeze({
    name,
    transform,
    keyLength,
    saltLength,
    rtpTagLength,
    rtcpTagLength,
    authKeyLength,
    dtlsId,
  });
}

/** Every supported profile, strongest-first is not implied: in declaration order. */
export const SRTP_PROFILES: readonly SrtpProfile[] = Object.freeze(
  Object.keys(table) as SrtpProfile[],
);

/** Whether `name` is a supported profile (SDES crypto-suite) name. */
export function isSrtpProfile(name: string): name is SrtpProfile {
  return Object.hasOwn(table, name);
}

/**
 * Parameters of a profile.
 * @throws TypeError for an unknown profile name (API misuse).
 */
export function srtpProfileParameters(profile: SrtpProfile): SrtpProfileParameters {
  if (!isSrtpProfile(profile)) throw new TypeError(`unknown SRTP profile: ${String(profile)}`);
  return table[profile];
}

/** The profile with a DTLS-SRTP protection profile id (RFC 5764 §4.1.2), if supported. */
export function srtpProfileFromDtlsId(id: number): SrtpProfile | undefined {
  for (const name of SRTP_PROFILES) if (table[name].dtlsId === id) return name;
  return undefined;
}
