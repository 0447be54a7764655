/**
 * A self-signed X.509 v3 certificate for the echo endpoint's TLS listener
 * (RFC 5280), made with node-forge on an RSA key from `node:crypto`.
 *
 * @module
 */
import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';
import { certificateHosts } from './hosts.js';

/** Default validity of a new certificate, days. */
export const DEFAULT_CERT_VALIDITY_DAYS = 365;
/** RSA modulus size of a new key, bits. */
export const CERT_RSA_BITS = 2048;

/** Options of {@link createSelfSignedCertificate}. */
export interface SelfSignedCertificateOptions {
  /** Public addresses and host names to cover besides `localhost`, `127.0.0.1` and `::1` (default none). */
  readonly hosts?: readonly string[];
  /** Validity, days from `now` (default {@link DEFAULT_CERT_VALIDITY_DAYS}). */
  readonly validityDays?: number;
  /** Issue time (default the current time). */
  readonly now?: Date;
}

/** A certificate and its private key, PEM encoded. */
export interface CertificatePem {
  /** `-----BEGIN CERTIFICATE-----` ... */
  readonly cert: string;
  /** `-----BEGIN PRIVATE KEY-----` (PKCS #8) ... */
  readonly key: string;
}

/**
 * Make an RSA-2048 / SHA-256 self-signed server certificate whose subject
 * alternative names (RFC 5280 §4.2.1.6) are the loopback hosts plus `hosts`,
 * valid from one minute before `now` (clock skew) for `validityDays`.
 *
 * @param options - see {@link SelfSignedCertificateOptions}
 * @throws TypeError for a host that is neither an IP address nor a DNS name, or a bad `validityDays`
 *
 * @example
 * ```ts
 * const { cert, key } = await createSelfSignedCertificate({ hosts: ['echo.example.com', '203.0.113.10'] });
 * tls.createServer({ cert, key });
 * ```
 */
export async function createSelfSignedCertificate(options: SelfSignedCertificateOptions = {}): Promise<CertificatePem> {
  const { hosts = [], validityDays = DEFAULT_CERT_VALIDITY_DAYS, now = new Date() } = options;
  if (!Number.isFinite(validityDays) || validityDays <= 0) throw new TypeError(`validityDays must be a positive number, got ${validityDays}`);
  const names = certificateHosts(hosts);
  // node:crypto generates the key off the main thread; forge's pure-JS RSA would block for seconds.
  const { privateKey, publicKey } = await promisify(generateKeyPair)('rsa', {
    modulusLength: CERT_RSA_BITS,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });

  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  // RFC 5280 §4.1.2.2: a positive integer of at most 20 octets, unique per issuer: 16 random octets.
  const serial = randomBytes(16);
  serial[0]! &= 0x7f;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + validityDays * 86_400_000);
  const firstDns = names.find((h) => h.kind === 'dns' && h.value !== 'localhost') ?? names[0]!;
  const subject = [
    { shortName: 'CN', value: firstDns.value },
    { shortName: 'O', value: 'Trunkline echo endpoint (self-signed)' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    // clientAuth too: the same certificate serves outbound TLS connections.
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    { name: 'subjectAltName', altNames: names.map((h) => (h.kind === 'ip' ? { type: 7, ip: h.value } : { type: 2, value: h.value })) },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: privateKey };
}
