import { randomBytes } from 'node:crypto';
import { isSrtpProfile, srtpProfileParameters, type SrtpProfile } from './profiles.js';
import { SrtpError } from './srtp-error.js';
import { requireString } from '../arguments.js';

/**
 * SDP Security Descriptions key material (RFC 4568). The `inline` key-params of an `a=crypto`
 * attribute (§6.1, grammar §9.2):
 *
 * ```
 * crypto-attribute = tag 1*WSP crypto-suite 1*WSP key-params *(1*WSP session-param)
 * key-params       = key-param *(";" key-param)
 * key-param        = "inline:" key-salt ["|" lifetime] ["|" mki]
 * lifetime         = ["2^"] 1*(DIGIT)
 * mki              = mki-value ":" mki-length     ; mki-length 1*3DIGIT, 1..128
 * tag              = 1*9DIGIT
 * ```
 */

/** Master Key Identifier of a key-param (RFC 4568 §6.1): a value carried in `length` bytes. */
export interface SdesMki {
  /** MKI value (decimal in SDP). */
  readonly value: bigint;
  /** Bytes of the MKI field in each SRTP packet, 1..128. */
  readonly length: number;
}

/** One `inline:` key-param. */
export interface SdesKeyParams {
  /** Master key (the first keyLength bytes of the decoded key||salt). */
  readonly masterKey: Uint8Array;
  /** Master salt (the remaining bytes). Empty when the crypto-suite is unknown. */
  readonly masterSalt: Uint8Array;
  /** Master key lifetime in packets, when given (RFC 4568 §6.1; "2^31" form or decimal). */
  readonly lifetime?: number;
  /** MKI, when given. */
  readonly mki?: SdesMki;
}

/** A parsed `a=crypto` attribute value. */
export interface CryptoAttribute {
  /** Crypto tag, 0..999999999 (RFC 4568 §4.1). */
  readonly tag: number;
  /** Crypto-suite as written. */
  readonly suite: string;
  /** The supported profile named by `suite`, or undefined for a suite this package does not know. */
  readonly profile: SrtpProfile | undefined;
  /** At least one key-param. */
  readonly keyParams: readonly SdesKeyParams[];
  /** Session parameters (e.g. `UNENCRYPTED_SRTCP`, `KDR=...`), as written. */
  readonly sessionParams: readonly string[];
}

/** Input of {@link formatCryptoAttribute}. */
export interface CryptoAttributeInit {
  /** Crypto tag, 0..999999999. */
  readonly tag: number;
  /** Profile (its name is the crypto-suite). */
  readonly profile: SrtpProfile;
  /** Key params; at least one. */
  readonly keyParams: readonly SdesKeyParams[];
  /** Session parameters. Default none. */
  readonly sessionParams?: readonly string[];
}

/** The SDES crypto-suite name of a profile (they are the same strings; RFC 4568 §6.2, RFC 6188 §6, RFC 7714 §14.1). */
export function cryptoSuiteOfProfile(profile: SrtpProfile): string {
  return srtpProfileParameters(profile).name;
}

/** The profile named by an SDES crypto-suite, or undefined when unsupported. */
export function profileOfCryptoSuite(suite: string): SrtpProfile | undefined {
  return isSrtpProfile(suite) ? suite : undefined;
}

/**
 * Fresh random key material for `profile` from a CSPRNG (RFC 4568 §6.1: key and salt are random).
 * @param options.lifetime - optional lifetime in packets
 * @param options.mki - optional MKI
 */
export function generateSdesKeyParams(
  profile: SrtpProfile,
  options: { readonly lifetime?: number; readonly mki?: SdesMki } = {},
): SdesKeyParams {
  const p = srtpProfileParameters(profile);
  const bytes = randomBytes(p.keyLength + p.saltLength);
  return {
    masterKey: new Uint8Array(bytes.subarray(0, p.keyLength)),
    masterSalt: new Uint8Array(bytes.subarray(p.keyLength)),
    ...(options.lifetime !== undefined ? { lifetime: options.lifetime } : {}),
    ...(options.mki !== undefined ? { mki: options.mki } : {}),
  };
}

/**
 * The MKI as the bytes an SRTP packet carries (big-endian, `length` bytes), for
 * `SrtpContextOptions.mki`.
 * @throws RangeError when the value does not fit in `length` bytes
 */
export function sdesMkiBytes(mki: SdesMki): Uint8Array {
  if (!Number.isInteger(mki.length) || mki.length < 1 || mki.length > 128) {
    throw new RangeError(`MKI length must be 1..128, got ${mki.length}`);
  }
  if (mki.value < 0n || mki.value >= 1n << BigInt(mki.length * 8)) {
    throw new RangeError(`MKI value ${mki.value} does not fit in ${mki.length} bytes`);
  }
  const out = new Uint8Array(mki.length);
  let v = mki.value;
  for (let i = mki.length - 1; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

/**
 * Formats one key-param: `inline:<base64(key||salt)>[|lifetime][|mki:length]` (RFC 4568 §6.1).
 * Lifetimes that are powers of two are written in the `2^n` form.
 */
export function formatSdesKeyParams(params: SdesKeyParams): string {
  const keySalt = new Uint8Array(params.masterKey.length + params.masterSalt.length);
  keySalt.set(params.masterKey);
  keySalt.set(params.masterSalt, params.masterKey.length);
  let s = `inline:${Buffer.from(keySalt).toString('base64')}`;
  if (params.lifetime !== undefined) {
    const l = params.lifetime;
    if (!Number.isSafeInteger(l) || l < 1) throw new RangeError(`invalid SDES lifetime ${l}`);
    const log = Math.log2(l);
    s += Number.isInteger(log) ? `|2^${log}` : `|${l}`;
  }
  if (params.mki !== undefined) {
    sdesMkiBytes(params.mki); // validates
    s += `|${params.mki.value}:${params.mki.length}`;
  }
  return s;
}

/**
 * Formats the value of an `a=crypto` attribute (without the `a=crypto:` prefix), RFC 4568 §9.1.
 * @throws RangeError / TypeError on invalid input
 */
export function formatCryptoAttribute(init: CryptoAttributeInit): string {
  if (!Number.isInteger(init.tag) || init.tag < 0 || init.tag > 999_999_999) {
    throw new RangeError(`crypto tag must be 0..999999999, got ${init.tag}`);
  }
  if (init.keyParams.length === 0) throw new RangeError('at least one key-param is required');
  const p = srtpProfileParameters(init.profile);
  for (const k of init.keyParams) {
    if (k.masterKey.length !== p.keyLength || k.masterSalt.length !== p.saltLength) {
      throw new RangeError(`${init.profile} needs a ${p.keyLength}-byte key and ${p.saltLength}-byte salt`);
    }
  }
  const parts = [String(init.tag), p.name, init.keyParams.map(formatSdesKeyParams).join(';')];
  for (const sp of init.sessionParams ?? []) {
    if (sp.length === 0 || /\s/.test(sp)) throw new RangeError(`invalid session-param ${JSON.stringify(sp)}`);
    parts.push(sp);
  }
  return parts.join(' ');
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Parses an `a=crypto` attribute value (with or without the `a=crypto:` prefix), RFC 4568 §9.1.
 * For a known suite the key||salt length is checked against the profile; an unknown suite is
 * returned with `profile` undefined and the decoded bytes in `masterKey` (RFC 4568 §7.1.1 says to
 * ignore, not reject, such lines).
 * @throws SrtpError `SDES_MALFORMED` for anything that does not match the grammar
 */
export function parseCryptoAttribute(value: string): CryptoAttribute {
  requireString(value, 'parseCryptoAttribute: value');
  let v = value.trim();
  if (v.startsWith('a=crypto:')) v = v.slice('a=crypto:'.length);
  const fields = v.split(/[ \t]+/);
  const [tagText, suite, keyParamsText, ...sessionParams] = fields;
  if (tagText === undefined || suite === undefined || keyParamsText === undefined) {
    throw malformed('expected "tag crypto-suite key-params"');
  }
  if (!/^[0-9]{1,9}$/.test(tagText)) throw malformed(`invalid crypto tag ${JSON.stringify(tagText)}`);
  if (!/^[A-Za-z0-9_]+$/.test(suite)) throw malformed(`invalid crypto-suite ${JSON.stringify(suite)}`);
  const profile = profileOfCryptoSuite(suite);
  const keyParams = keyParamsText.split(';').map((kp) => parseKeyParam(kp, profile));
  return { tag: Number(tagText), suite, profile, keyParams, sessionParams };
}

function parseKeyParam(text: string, profile: SrtpProfile | undefined): SdesKeyParams {
  // The key method is case-insensitive in practice; RFC 4568 §9.2 defines only "inline".
  if (text.slice(0, 7).toLowerCase() !== 'inline:') throw malformed('key-param must use the inline method');
  const [keySaltText, ...rest] = text.slice(7).split('|');
  if (keySaltText === undefined || !BASE64.test(keySaltText) || keySaltText.length % 4 !== 0) {
    throw malformed('key||salt is not base64');
  }
  const keySalt = new Uint8Array(Buffer.from(keySaltText, 'base64'));
  let masterKey = keySalt;
  let masterSalt = new Uint8Array(0);
  if (profile !== undefined) {
    const p = srtpProfileParameters(profile);
    if (keySalt.length !== p.keyLength + p.saltLength) {
      throw malformed(`${profile} key||salt must be ${p.keyLength + p.saltLength} bytes, got ${keySalt.length}`);
    }
    masterKey = keySalt.slice(0, p.keyLength);
    masterSalt = keySalt.slice(p.keyLength);
  }
  let lifetime: number | undefined;
  let mki: SdesMki | undefined;
  if (rest.length > 2) throw malformed('too many "|" fields in key-param');
  for (const field of rest) {
    const m = /^([0-9]{1,39}):([0-9]{1,3})$/.exec(field);
    if (m !== null) {
      if (mki !== undefined) throw malformed('duplicate MKI');
      const length = Number(m[2]);
      const value = BigInt(m[1]!);
      if (length < 1 || length > 128 || value >= 1n << BigInt(length * 8)) {
        throw malformed(`invalid MKI ${field}`);
      }
      mki = { value, length };
      continue;
    }
    // The lifetime comes before the MKI (§9.2).
    if (lifetime !== undefined || mki !== undefined) throw malformed(`unexpected key-param field ${field}`);
    const pow = /^2\^([0-9]{1,2})$/.exec(field);
    if (pow !== null) {
      const e = Number(pow[1]);
      if (e > 52) throw malformed(`lifetime 2^${e} too large`);
      lifetime = 2 ** e;
    } else if (/^[0-9]{1,15}$/.test(field) && Number(field) > 0) {
      lifetime = Number(field);
    } else {
      throw malformed(`invalid lifetime ${JSON.stringify(field)}`);
    }
  }
  return {
    masterKey,
    masterSalt,
    ...(lifetime !== undefined ? { lifetime } : {}),
    ...(mki !== undefined ? { mki } : {}),
  };
}

function malformed(message: string): SrtpError {
  return new SrtpError('SDES_MALFORMED', `a=crypto: ${message}`);
}
