import { createCipheriv } from 'node:crypto';
import { srtpProfileParameters, type SrtpProfile } from './profiles.js';
import { requireBytes } from '../arguments.js';

/** Session keys for one of SRTP or SRTCP (RFC 3711 §4.3). */
export interface SrtpSessionKeys {
  /** Session encryption key k_e. */
  readonly encryptionKey: Uint8Array;
  /** Session salt k_s (14 bytes for AES-CM, 12 for AES-GCM). */
  readonly salt: Uint8Array;
  /** Session authentication key k_a (20 bytes); empty for AEAD profiles. */
  readonly authKey: Uint8Array;
}

/** Session keys of both SRTP and SRTCP, derived from one master key. */
export interface SrtpDerivedKeys {
  /** Keys for SRTP (labels 0x00, 0x01, 0x02). */
  readonly rtp: SrtpSessionKeys;
  /** Keys for SRTCP (labels 0x03, 0x04, 0x05). */
  readonly rtcp: SrtpSessionKeys;
}

/** Key derivation labels, RFC 3711 §4.3.1 (and §4.3.2 for SRTCP). */
export const SRTP_LABEL = {
  rtpEncryption: 0x00,
  rtpAuthentication: 0x01,
  rtpSalt: 0x02,
  rtcpEncryption: 0x03,
  rtcpAuthentication: 0x04,
  rtcpSalt: 0x05,
} as const;

/**
 * The AES-CM PRF of RFC 3711 §4.3.3 with key derivation rate 0 (§4.3.1: r = 0, so key_id is just
 * the label): x = (label << 48) XOR master_salt, output = first `length` bytes of AES-CM keystream
 * under the master key with IV = x * 2^16. AES-256 uses the same construction (RFC 6188 §5.1).
 *
 * A 12-byte GCM master salt is used as the 14-byte PRF input with two zero bytes appended (RFC 7714
 * §11 reuses the RFC 3711 PRF; this is also what libsrtp does).
 */
export function srtpPrf(
  masterKey: Uint8Array,
  masterSalt: Uint8Array,
  label: number,
  length: number,
): Uint8Array {
  if (masterKey.length !== 16 && masterKey.length !== 32) {
    throw new RangeError(`master key must be 16 or 32 bytes, got ${masterKey.length}`);
  }
  if (masterSalt.length !== 14 && masterSalt.length !== 12) {
    throw new RangeError(`master salt must be 14 or 12 bytes, got ${masterSalt.length}`);
  }
  const iv = new Uint8Array(16);
  iv.set(masterSalt);
  // key_id (56 bits: label || 48-bit r) is right-aligned against the 112-bit salt (§4.3.1).
  iv[7] = iv[7]! ^ label;
  const cipher = createCipheriv(masterKey.length === 16 ? 'aes-128-ctr' : 'aes-256-ctr', masterKey, iv);
  return new Uint8Array(cipher.update(new Uint8Array(length)));
}

/**
 * Derives SRTP and SRTCP session keys from a master key and salt, RFC 3711 §4.3 with KDR 0.
 * @throws RangeError when the key or salt length does not match the profile
 */
export function deriveSrtpKeys(
  profile: SrtpProfile,
  masterKey: Uint8Array,
  masterSalt: Uint8Array,
): SrtpDerivedKeys {
  requireBytes(masterKey, 'masterKey');
  requireBytes(masterSalt, 'masterSalt');
  const params = srtpProfileParameters(profile);
  if (masterKey.length !== params.keyLength) {
    throw new RangeError(`${profile} needs a ${params.keyLength}-byte master key, got ${masterKey.length}`);
  }
  if (masterSalt.length !== params.saltLength) {
    throw new RangeError(`${profile} needs a ${params.saltLength}-byte master salt, got ${masterSalt.length}`);
  }
  const derive = (enc: number, auth: number, salt: number): SrtpSessionKeys => ({
    encryptionKey: srtpPrf(masterKey, masterSalt, enc, params.keyLength),
    authKey: srtpPrf(masterKey, masterSalt, auth, params.authKeyLength),
    salt: srtpPrf(masterKey, masterSalt, salt, params.saltLength),
  });
  return {
    rtp: derive(SRTP_LABEL.rtpEncryption, SRTP_LABEL.rtpAuthentication, SRTP_LABEL.rtpSalt),
    rtcp: derive(SRTP_LABEL.rtcpEncryption, SRTP_LABEL.rtcpAuthentication, SRTP_LABEL.rtcpSalt),
  };
}
