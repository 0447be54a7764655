import { TrunklineError } from '@trunkline/errors';

/**
 * Stable codes of {@link OpusError}.
 *
 * - `OPUS_NOT_LOADED`: an encoder or decoder was created before {@link loadOpus} resolved.
 * - `OPUS_LOAD_FAILED`: the libopus WebAssembly module could not be read, compiled or instantiated.
 * - `OPUS_INVALID_PACKET`: libopus rejected a packet as corrupt (`OPUS_INVALID_PACKET`), or it was empty.
 * - `OPUS_CLOSED`: the encoder or decoder was used after `close()`.
 * - `OPUS_INTERNAL_ERROR`: any other negative libopus return (the message carries libopus's text).
 */
export type OpusErrorCode = 'OPUS_NOT_LOADED' | 'OPUS_LOAD_FAILED' | 'OPUS_INVALID_PACKET' | 'OPUS_CLOSED' | 'OPUS_INTERNAL_ERROR';

/**
 * What the Opus encoder and decoder throw on purpose (a {@link TrunklineError}). Untrusted packets
 * can only cause `OPUS_INVALID_PACKET`; bad options and short output buffers throw
 * `TypeError`/`RangeError`.
 *
 * @example
 * try { decoder.decode(payload, pcm); } catch (e) {
 *   if (e instanceof OpusError && e.code === 'OPUS_INVALID_PACKET') decoder.conceal(pcm);
 * }
 */
export class OpusError extends TrunklineError<OpusErrorCode> {
  /** The libopus error number (negative), 0 when the error did not come from libopus. */
  readonly libopusCode: number;

  /**
   * @param code - stable reason code
   * @param message - human-readable detail
   * @param libopusCode - the negative libopus return value, 0 when none
   * @param cause - the underlying error, if any
   */
  constructor(code: OpusErrorCode, message: string, libopusCode = 0, cause?: unknown) {
    super(code, message, cause === undefined ? {} : { cause });
    this.libopusCode = libopusCode;
  }
}
