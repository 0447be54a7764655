/**
 * TLS settings for SIP over TLS (RFC 3261 §26.2.1, RFC 5922 §7) and how they
 * map onto `node:tls`.
 */
import { isIP } from 'node:net';
import type { ConnectionOptions, TlsOptions } from 'node:tls';

/** PEM text or bytes. */
export type Pem = string | Buffer;

/** Server side of a TLS listener. */
export interface TlsServerOptions {
  /** Certificate chain (PEM). Required. */
  readonly cert: Pem | readonly Pem[];
  /** Private key (PEM). Required. */
  readonly key: Pem;
  /** CAs trusted for client certificates. Default: Node's bundled root CAs. */
  readonly ca?: Pem | readonly Pem[];
  /**
   * Ask for a client certificate and refuse the handshake unless it verifies
   * against `ca` (mutual TLS, RFC 5922 §7.3). Default false.
   */
  readonly requestClientCert?: boolean;
}

/** Client side: how outbound TLS connections verify the server and present themselves. */
export interface TlsClientOptions {
  /** CAs trusted for server certificates. Default: Node's bundled root CAs. */
  readonly ca?: Pem | readonly Pem[];
  /**
   * Verify the server certificate chain and that it names the target
   * (`flow.serverName`, else `flow.address`) — RFC 5922 §7.2. Default true.
   * Turning it off is for tests and closed networks only.
   */
  readonly rejectUnauthorized?: boolean;
  /** Client certificate chain for mutual TLS. Default: none. Needs `key`. */
  readonly cert?: Pem | readonly Pem[];
  /** Client private key for mutual TLS. Default: none. Needs `cert`. */
  readonly key?: Pem;
}

type PemList = Pem | Pem[];

function pems(v: Pem | readonly Pem[]): PemList {
  return typeof v === 'string' || Buffer.isBuffer(v) ? v : [...v];
}

/** `node:tls` server options for a listener. */
export function tlsServerOptions(o: TlsServerOptions): TlsOptions {
  const out: TlsOptions = { cert: pems(o.cert), key: o.key };
  if (o.ca !== undefined) out.ca = pems(o.ca);
  if (o.requestClientCert === true) {
    out.requestCert = true;
    out.rejectUnauthorized = true;
  }
  return out;
}

/**
 * `node:tls` connect options towards `address:port`. SNI (RFC 6066 §3) is sent
 * only for a host name: it must not carry an IP address, and the certificate
 * is then checked against the address itself (IP subjectAltName).
 */
export function tlsConnectOptions(o: TlsClientOptions, address: string, port: number, serverName: string | undefined): ConnectionOptions {
  const name = serverName ?? address;
  const out: ConnectionOptions = {
    host: address,
    port,
    rejectUnauthorized: o.rejectUnauthorized ?? true,
  };
  if (isIP(name) === 0) out.servername = name;
  if (o.ca !== undefined) out.ca = pems(o.ca);
  if (o.cert !== undefined) out.cert = pems(o.cert);
  if (o.key !== undefined) out.key = o.key;
  return out;
}

/**
 * Certificate verification failures as OpenSSL (X509_V_ERR_*) and Node
 * (ERR_TLS_CERT_*) name them; anything else failing a connect is CONNECT_FAILED.
 */
const VERIFY_CODES: ReadonlySet<string> = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
]);

/** True when a connect error is a certificate verification failure. */
export function isVerifyError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (VERIFY_CODES.has(code) || code.startsWith('ERR_TLS_CERT'));
}
