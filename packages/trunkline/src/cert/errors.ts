import { TrunklineError } from '@trunkline/errors';

/**
 * Stable codes of {@link CertificateError}.
 *
 * - `CERT_STATE_IO`: the state directory or a PEM file in it could not be created, read or written.
 */
export type CertificateErrorCode = 'CERT_STATE_IO';

/**
 * The certificate store could not do its job (the file-system error is the `cause`).
 *
 * @example
 * ```ts
 * try { await loadOrCreateCertificate({ hosts: [] }); } catch (e) {
 *   if (e instanceof CertificateError) console.error(`${e.message} (${e.path})`);
 * }
 * ```
 */
export class CertificateError extends TrunklineError<CertificateErrorCode> {
  /** The file or directory concerned. */
  readonly path: string;

  /**
   * @param code - stable reason
   * @param message - human-readable detail
   * @param path - the file or directory concerned
   * @param cause - the underlying file-system error
   */
  constructor(code: CertificateErrorCode, message: string, path: string, cause: unknown) {
    super(code, message, { cause });
    this.path = path;
  }
}
