import { TrunklineError } from '@trunkline/errors';

/** Stable codes for digest authentication failures. */
export type DigestAuthErrorCode =
  /** A WWW-/Proxy-Authenticate or Authorization value does not parse, or lacks a required parameter. */
  | 'DIGEST_BAD_CHALLENGE'
  /** The response carried no challenge this client can answer (no Digest, or only unknown algorithms). */
  | 'NO_USABLE_CHALLENGE'
  /** An algorithm not in RFC 7616 / RFC 8760, or one disabled by options. */
  | 'DIGEST_UNSUPPORTED_ALGORITHM'
  /** No credentials for the challenged realm (the lookup returned none). */
  | 'DIGEST_NO_CREDENTIALS'
  /** The server challenged again without `stale=true` after our answer: the credentials are wrong (RFC 3261 §22.2). */
  | 'DIGEST_AUTH_REJECTED'
  /** `stale=true` again for the first use of a nonce a `stale=true` challenge had just given: one silent retry only (RFC 7616 §3.3). */
  | 'DIGEST_STALE_REPEATED';

/**
 * The error digest authentication throws for conditions of untrusted input or
 * of the exchange (API misuse throws TypeError).
 */
export class DigestAuthError extends TrunklineError<DigestAuthErrorCode> {
  /** The realm concerned, when known. */
  readonly realm: string | undefined;

  constructor(code: DigestAuthErrorCode, message: string, options: { realm?: string; cause?: unknown } = {}) {
    super(code, message, options.cause === undefined ? {} : { cause: options.cause });
    this.realm = options.realm;
  }
}
