/**
 * The echo endpoint's TLS certificate: self-signed, kept in a state directory.
 *
 * @module
 */
export { CertificateError } from './errors.js';
export type { CertificateErrorCode } from './errors.js';
export { LOOPBACK_HOSTS, parseCertificateHost, certificateHosts } from './hosts.js';
export type { CertificateHost } from './hosts.js';
export { createSelfSignedCertificate, DEFAULT_CERT_VALIDITY_DAYS, CERT_RSA_BITS } from './self-signed-certificate.js';
export type { CertificatePem, SelfSignedCertificateOptions } from './self-signed-certificate.js';
export {
  loadOrCreateCertificate,
  defaultStateDir,
  CERT_FILE_NAME,
  KEY_FILE_NAME,
  DEFAULT_RENEW_BEFORE_DAYS,
} from './certificate-store.js';
export type { LoadOrCreateCertificateOptions, StoredCertificate } from './certificate-store.js';
