/**
 * Test PKI made at test time with node-forge: a CA, a server certificate for
 * `localhost` / 127.0.0.1 (subjectAltName, RFC 5922 §7.1) and a client
 * certificate. Keys come from node:crypto (native, fast); forge builds and
 * signs the certificates. Made once per test file.
 */
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

/** PEM strings for the test PKI. */
export interface TestPki {
  readonly caCert: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
}

interface KeyPair {
  readonly pem: string;
  readonly forgePrivate: forge.pki.rsa.PrivateKey;
  readonly forgePublic: forge.pki.rsa.PublicKey;
}

function keyPair(): KeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return {
    pem: privateKey,
    forgePrivate: forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey,
    forgePublic: forge.pki.publicKeyFromPem(publicKey) as forge.pki.rsa.PublicKey,
  };
}

let serial = 1;

function certificate(
  subjectCn: string,
  subjectKey: KeyPair,
  issuer: { cert: forge.pki.Certificate; key: KeyPair } | null,
  extensions: object[],
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = subjectKey.forgePublic;
  cert.serialNumber = (serial++).toString(16).padStart(2, '0');
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 60_000);
  cert.validity.notAfter = new Date(now + 24 * 3600_000);
  const subject = [{ name: 'commonName', value: subjectCn }, { name: 'organizationName', value: 'Trunkline tests' }];
  cert.setSubject(subject);
  cert.setIssuer(issuer === null ? subject : issuer.cert.subject.attributes);
  cert.setExtensions(extensions);
  cert.sign((issuer ?? { key: subjectKey }).key.forgePrivate, forge.md.sha256.create());
  return cert;
}

let cached: TestPki | null = null;

/** The test PKI (built on first call, then reused). */
export function testPki(): TestPki {
  if (cached !== null) return cached;
  const caKey = keyPair();
  const ca = certificate('Trunkline Test CA', caKey, null, [
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  const issuer = { cert: ca, key: caKey };
  const serverKey = keyPair();
  const server = certificate('localhost', serverKey, issuer, [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' }, // dNSName
        { type: 7, ip: '127.0.0.1' }, // iPAddress
      ],
    },
  ]);
  const clientKey = keyPair();
  const client = certificate('client.test', clientKey, issuer, [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', clientAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: 'client.test' }] },
  ]);
  cached = {
    caCert: forge.pki.certificateToPem(ca),
    serverCert: forge.pki.certificateToPem(server),
    serverKey: serverKey.pem,
    clientCert: forge.pki.certificateToPem(client),
    clientKey: clientKey.pem,
  };
  return cached;
}
