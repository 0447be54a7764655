import { TrunklineError } from '@trunkline/errors';

/**
 * Stable codes for everything untrusted input can make this package reject.
 *
 * - `WAV_NOT_RIFF`: the bytes do not start with a `RIFF` header.
 * - `WAV_NOT_WAVE`: the RIFF form type is not `WAVE`.
 * - `WAV_TRUNCATED`: a chunk header or chunk body runs past the end of the bytes.
 * - `WAV_NO_FMT`: no `fmt ` chunk before the `data` chunk.
 * - `WAV_BAD_FMT`: the `fmt ` chunk is too short or internally inconsistent.
 * - `WAV_UNSUPPORTED_FORMAT`: valid WAV, but not 16-bit linear PCM mono.
 * - `WAV_NO_DATA`: no `data` chunk.
 * - `WAV_TOO_LARGE`: the data chunk exceeds the configured limit.
 */
export type CodecErrorCode =
  | 'WAV_NOT_RIFF'
  | 'WAV_NOT_WAVE'
  | 'WAV_TRUNCATED'
  | 'WAV_NO_FMT'
  | 'WAV_BAD_FMT'
  | 'WAV_UNSUPPORTED_FORMAT'
  | 'WAV_NO_DATA'
  | 'WAV_TOO_LARGE';

/**
 * The only error malformed input can make this package throw (a
 * {@link TrunklineError} with a project-unique `code`). API misuse
 * (bad options, output buffers too short) throws `TypeError`/`RangeError`.
 *
 * @example
 * try { readWav(bytes) } catch (e) {
 *   if (e instanceof CodecError && e.code === 'WAV_UNSUPPORTED_FORMAT') convertFirst();
 * }
 */
export class CodecError extends TrunklineError<CodecErrorCode> {
  /** Byte offset in the input where the problem was found, -1 when unknown. */
  readonly offset: number;

  /**
   * @param code - stable reason code
   * @param message - human-readable explanation
   * @param offset - byte offset of the problem, -1 when unknown
   */
  constructor(code: CodecErrorCode, message: string, offset = -1) {
    super(code, message);
    this.offset = offset;
  }
}
