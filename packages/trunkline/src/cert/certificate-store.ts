/**
 * Keep the echo endpoint's self-signed certificate in a state directory:
 * made on first start, reused while valid and covering the configured hosts.
 *
 * @module
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { chmod, mkdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { CertificateError } from './errors.js';
import { certificateHosts } from './hosts.js';
import { createSelfSignedCertificate, DEFAULT_CERT_VALIDITY_DAYS, type CertificatePem } from './self-signed-certificate.js';

/** File name of the certificate in the state directory. */
export const CERT_FILE_NAME = 'tls-cert.pem';
/** File name of the private key in the state directory (mode 0600). */
export const KEY_FILE_NAME = 'tls-key.pem';
/** Default: replace a stored certificate this many days before it expires. */
export const DEFAULT_RENEW_BEFORE_DAYS = 30;

/** Options of {@link loadOrCreateCertificate}. */
export interface LoadOrCreateCertificateOptions {
  /** Directory holding the PEM files (default {@link defaultStateDir}). Created with mode 0700 if missing. */
  readonly stateDir?: string;
  /** Public addresses and host names to cover besides `localhost`, `127.0.0.1` and `::1` (default none). */
  readonly hosts?: readonly string[];
  /** Replace a stored certificate that expires within this many days (default {@link DEFAULT_RENEW_BEFORE_DAYS}). */
  readonly renewBeforeDays?: number;
  /** Validity of a new certificate, days (default {@link DEFAULT_CERT_VALIDITY_DAYS}). */
  readonly validityDays?: number;
  /** The current time (default now); tests pass a fixed one. */
  readonly now?: Date;
}

/** What {@link loadOrCreateCertificate} returns. */
export interface StoredCertificate extends CertificatePem {
  /** Path of the certificate PEM. */
  readonly certPath: string;
  /** Path of the private key PEM. */
  readonly keyPath: string;
  /** True when a new certificate was made on this call. */
  readonly created: boolean;
  /** End of validity. */
  readonly notAfter: Date;
  /** SHA-256 fingerprint, colon-separated hex (what a peer pins or prints). */
  readonly fingerprint256: string;
}

/**
 * The default state directory: `$XDG_STATE_HOME/trunkline` when that is an
 * absolute path (XDG Base Directory Specification 0.8), else
 * `~/.local/state/trunkline`.
 *
 * @param env - environment to read `XDG_STATE_HOME` from (default `process.env`)
 * @param home - the home directory (default `os.homedir()`)
 */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const xdg = env['XDG_STATE_HOME'];
  return xdg !== undefined && isAbsolute(xdg) ? join(xdg, 'trunkline') : join(home, '.local', 'state', 'trunkline');
}

/**
 * Load the certificate and key from `stateDir`, or make and store new ones
 * when they are missing, unreadable, do not match, are not yet valid, expire
 * within `renewBeforeDays`, or do not cover every host (loopback included).
 * The key file is written with mode 0600 (and tightened to it when found looser),
 * each file atomically (write to a temporary name, then rename).
 *
 * @param options - see {@link LoadOrCreateCertificateOptions}
 * @throws CertificateError `CERT_STATE_IO` when the directory or files cannot be created or read
 * @throws TypeError for a host that is neither an IP address nor a DNS name, or a bad number of days
 *
 * @example
 * ```ts
 * const { cert, key, created, certPath } = await loadOrCreateCertificate({ hosts: ['203.0.113.10'] });
 * tls.createServer({ cert, key });
 * ```
 */
export async function loadOrCreateCertificate(options: LoadOrCreateCertificateOptions = {}): Promise<StoredCertificate> {
  const {
    stateDir = defaultStateDir(),
    hosts = [],
    renewBeforeDays = DEFAULT_RENEW_BEFORE_DAYS,
    validityDays = DEFAULT_CERT_VALIDITY_DAYS,
    now = new Date(),
  } = options;
  if (!Number.isFinite(renewBeforeDays) || renewBeforeDays < 0) throw new TypeError(`renewBeforeDays must be a number ≥ 0, got ${renewBeforeDays}`);
  if (!Number.isFinite(validityDays) || validityDays <= renewBeforeDays) {
    throw new TypeError(`validityDays must be a number greater than renewBeforeDays (${renewBeforeDays}), got ${validityDays}`);
  }
  const wanted = certificateHosts(hosts);
  const certPath = join(stateDir, CERT_FILE_NAME);
  const keyPath = join(stateDir, KEY_FILE_NAME);

  const stored = await readPair(certPath, keyPath);
  if (stored !== undefined) {
    const x509 = usable(stored, wanted, now.getTime() + renewBeforeDays * 86_400_000, now.getTime());
    if (x509 !== undefined) {
      await io(keyPath, 'tighten the mode of', async () => {
        if (((await stat(keyPath)).mode & 0o077) !== 0) await chmod(keyPath, 0o600);
      });
      return { ...stored, certPath, keyPath, created: false, notAfter: new Date(x509.validTo), fingerprint256: x509.fingerprint256 };
    }
  }

  const fresh = await createSelfSignedCertificate({ hosts, validityDays, now });
  await io(stateDir, 'create', () => mkdir(stateDir, { recursive: true, mode: 0o700 }));
  // Key first: a crash between the two renames leaves a pair that does not match, which the next start replaces.
  await writeAtomically(keyPath, fresh.key, 0o600);
  await writeAtomically(certPath, fresh.cert, 0o644);
  const x509 = new X509Certificate(fresh.cert);
  return { ...fresh, certPath, keyPath, created: true, notAfter: new Date(x509.validTo), fingerprint256: x509.fingerprint256 };
}

async function readPair(certPath: string, keyPath: string): Promise<CertificatePem | undefined> {
  const read = (path: string): Promise<string | undefined> =>
    io(path, 'read', () =>
      readFile(path, 'utf8').catch((e: unknown) => {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }),
    );
  const [cert, key] = [await read(certPath), await read(keyPath)];
  return cert === undefined || key === undefined ? undefined : { cert, key };
}

/** The parsed certificate when the pair can be reused, else undefined. */
function usable(pair: CertificatePem, wanted: ReturnType<typeof certificateHosts>, validUntilAtLeast: number, now: number): X509Certificate | undefined {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(pair.cert);
    if (!x509.checkPrivateKey(createPrivateKey(pair.key))) return undefined;
  } catch {
    return undefined; // not PEM, or a key of another type: make a new pair
  }
  if (Date.parse(x509.validFrom) > now || Date.parse(x509.validTo) < validUntilAtLeast) return undefined;
  // RFC 6125 §6.4 / RFC 5280 §4.2.1.6: the names a client will check, by SAN only, no wildcards.
  const covered = wanted.every((h) =>
    h.kind === 'ip' ? x509.checkIP(h.value) !== undefined : x509.checkHost(h.value, { subject: 'never', wildcards: false }) !== undefined,
  );
  return covered ? x509 : undefined;
}

async function writeAtomically(path: string, data: string, mode: number): Promise<void> {
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  await io(path, 'write', async () => {
    try {
      await writeFile(temporary, data, { mode, flag: 'wx' });
      await rename(temporary, path);
    } catch (e) {
      await unlink(temporary).catch(() => undefined);
      throw e;
    }
  });
}

async function io<T>(path: string, verb: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (e) {
    throw new CertificateError('CERT_STATE_IO', `cannot ${verb} ${path}: ${(e as Error).message}`, path, e);
  }
}
