import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type ConnectionOptions } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import {
  CertificateError,
  createSelfSignedCertificate,
  defaultStateDir,
  loadOrCreateCertificate,
  parseCertificateHost,
} from '../src/cert/index.js';

const dirs: string[] = [];
function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'trunkline-cert-'));
  dirs.push(dir);
  return join(dir, 'state'); // not created yet: the store makes it
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * Serve one TLS connection with `cert`/`key` on loopback and connect a
 * client that trusts only `cert`; resolves with the verification error code
 * or 'ok'. Bounded by a 10 s timeout.
 */
async function handshake(pem: { cert: string; key: string }, listenHost: string, client: ConnectionOptions): Promise<string> {
  const server = createServer({ cert: pem.cert, key: pem.key }, (socket) => socket.end());
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, listenHost, resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('handshake timed out')), 10_000);
      const socket = connect({ host: listenHost, port, ca: [pem.cert], ...client }, () => {
        clearTimeout(timer);
        socket.destroy();
        resolve('ok');
      });
      socket.on('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        resolve(e.code ?? e.message);
      });
    });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('self-signed certificate (RFC 5280 §4.2.1.6 subject alternative names)', () => {
  it('is RSA 2048 / SHA-256, valid for a year, and names localhost, 127.0.0.1, ::1 and the configured hosts', async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const pem = await createSelfSignedCertificate({ hosts: ['Echo.Example.TEST', '203.0.113.10', '[2001:db8::1]'], now });
    const x509 = new X509Certificate(pem.cert);
    expect(x509.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(x509.subjectAltName?.split(', ').sort()).toEqual(
      ['DNS:echo.example.test', 'DNS:localhost', 'IP Address:127.0.0.1', 'IP Address:0:0:0:0:0:0:0:1', 'IP Address:203.0.113.10', 'IP Address:2001:DB8:0:0:0:0:0:1'].sort(),
    );
    expect(x509.subject).toContain('CN=echo.example.test');
    expect(x509.issuer).toBe(x509.subject);
    expect(Date.parse(x509.validTo) - now.getTime()).toBe(365 * 86_400_000);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(pem.key).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('a TLS client trusting it verifies 127.0.0.1, ::1, localhost and a configured host name; others fail by name', async () => {
    const pem = await createSelfSignedCertificate({ hosts: ['echo.example.test'] });
    expect(await handshake(pem, '127.0.0.1', {})).toBe('ok');
    expect(await handshake(pem, '::1', {})).toBe('ok');
    expect(await handshake(pem, '127.0.0.1', { servername: 'localhost' })).toBe('ok');
    expect(await handshake(pem, '127.0.0.1', { servername: 'echo.example.test' })).toBe('ok');
    expect(await handshake(pem, '127.0.0.1', { servername: 'other.example.test' })).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    const stranger = await createSelfSignedCertificate();
    expect(await handshake(pem, '127.0.0.1', { ca: [stranger.cert] })).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });

  it.each(['', 'bad host', '-x.example', 'a..b', '1.2.3.4.5', '300.1.1.1', 'x_y.example'])('rejects host %j with a TypeError', async (host) => {
    expect(() => parseCertificateHost(host)).toThrow(TypeError);
    await expect(createSelfSignedCertificate({ hosts: [host] })).rejects.toThrow(/hosts: /);
  });

  it('accepts numeric labels inside a name', () => {
    expect(parseCertificateHost('1.2.3.example.')).toEqual({ kind: 'dns', value: '1.2.3.example' });
  });
});

describe('loadOrCreateCertificate', () => {
  it('creates the state directory and PEM files (key 0600), then reuses them', async () => {
    const stateDir = freshDir();
    const first = await loadOrCreateCertificate({ stateDir, hosts: ['203.0.113.10'] });
    expect(first.created).toBe(true);
    expect(statSync(stateDir).mode & 0o777).toBe(0o700);
    expect(statSync(first.keyPath).mode & 0o777).toBe(0o600);
    expect(readFileSync(first.certPath, 'utf8')).toBe(first.cert);
    expect(readFileSync(first.keyPath, 'utf8')).toBe(first.key);
    const second = await loadOrCreateCertificate({ stateDir, hosts: ['203.0.113.10'] });
    expect(second).toMatchObject({ created: false, cert: first.cert, key: first.key, fingerprint256: first.fingerprint256 });
    expect(await handshake(second, '127.0.0.1', {})).toBe('ok');
    // A subset of the hosts is still covered.
    expect((await loadOrCreateCertificate({ stateDir })).created).toBe(false);
  });

  it('regenerates when a host is not covered, when expiring within renewBeforeDays, or when the files are damaged', async () => {
    const stateDir = freshDir();
    const base = await loadOrCreateCertificate({ stateDir });
    const widened = await loadOrCreateCertificate({ stateDir, hosts: ['echo.example.test'] });
    expect(widened.created).toBe(true);
    expect(widened.fingerprint256).not.toBe(base.fingerprint256);
    expect(await handshake(widened, '127.0.0.1', { servername: 'echo.example.test' })).toBe('ok');

    const in340Days = new Date(Date.now() + 340 * 86_400_000);
    const renewed = await loadOrCreateCertificate({ stateDir, hosts: ['echo.example.test'], now: in340Days });
    expect(renewed.created).toBe(true);
    expect(renewed.notAfter.getTime()).toBeGreaterThan(in340Days.getTime() + 364 * 86_400_000);

    writeFileSync(renewed.certPath, 'garbage');
    expect((await loadOrCreateCertificate({ stateDir, now: in340Days })).created).toBe(true);

    // A key that does not belong to the certificate.
    const other = await createSelfSignedCertificate();
    writeFileSync(renewed.keyPath, other.key);
    expect((await loadOrCreateCertificate({ stateDir, now: in340Days })).created).toBe(true);
  });

  it('tightens a key file found readable by others to 0600', async () => {
    const stateDir = freshDir();
    const { keyPath } = await loadOrCreateCertificate({ stateDir });
    chmodSync(keyPath, 0o644);
    expect((await loadOrCreateCertificate({ stateDir })).created).toBe(false);
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
  });

  it('reports an unusable state directory as CertificateError CERT_STATE_IO with the path', async () => {
    const parent = freshDir();
    writeFileSync(join(parent, '..', 'a-file'), 'x');
    const stateDir = join(parent, '..', 'a-file', 'state');
    const error = await loadOrCreateCertificate({ stateDir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CertificateError);
    expect(error).toMatchObject({ code: 'CERT_STATE_IO', path: join(stateDir, 'tls-cert.pem') });
    expect((error as Error).message).toMatch(/^cannot read .*tls-cert\.pem: ENOTDIR/);
  });

  it.each([
    ['renewBeforeDays', { renewBeforeDays: -1 }],
    ['validityDays', { validityDays: 10, renewBeforeDays: 30 }],
  ])('rejects a bad %s with a TypeError naming it', async (name, options) => {
    await expect(loadOrCreateCertificate({ stateDir: freshDir(), ...options })).rejects.toThrow(name);
  });

  it('defaults to $XDG_STATE_HOME/trunkline, else ~/.local/state/trunkline', () => {
    expect(defaultStateDir({ XDG_STATE_HOME: '/var/xdg' }, '/home/u')).toBe('/var/xdg/trunkline');
    expect(defaultStateDir({ XDG_STATE_HOME: 'relative/ignored' }, '/home/u')).toBe('/home/u/.local/state/trunkline');
    expect(defaultStateDir({}, '/home/u')).toBe('/home/u/.local/state/trunkline');
  });
});
