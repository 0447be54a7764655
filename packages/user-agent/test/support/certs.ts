/**
 * A self-signed TLS certificate for 127.0.0.1 (IP subjectAltName, RFC 5922
 * §7.1), made once per test file with node-forge; keys from node:crypto.
 */
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

/** PEM certificate and key; the certificate is its own CA. */
export interface TestCert {
  readonly cert: string;
  readonly key: string;
}

let cached: TestCert | null = null;

/** The loopback certificate (cached per process). */
export function loopbackCert(): TestCert {
  if (cached !== null) return cached;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3600_000);
  const name = [{ name: 'commonName', value: 'localhost' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, keyCertSign: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  cached = { cert: forge.pki.certificateToPem(cert), key: privateKey };
  return cached;
}
