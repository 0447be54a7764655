import { TrunklineError } from '@trunkline/errors';

/**
 * Stable, project-unique failure codes of `@trunkline/sdp`.
 *
 * - `SDP_PARSE_FAILED`: the text is not an SDP session description (RFC 8866 §5, §9). Status hint 400.
 * - `SDP_NO_AUDIO`: an answer whose m-line is not audio where we offered audio. Status hint 488.
 * - `SDP_ANSWER_MISMATCH`: an answer that does not fit the offer it answers: another number of
 *   m-lines, another media type or transport protocol in a slot (RFC 3264 §6, §6.1), or a connection
 *   address of another family than ours.
 * - `SDP_MEDIA_REJECTED`: the answer rejected the audio stream (port 0, RFC 3264 §6).
 * - `SDP_NO_COMMON_CODEC`: the answer names no codec that we offered (RFC 3264 §6.1).
 * - `SDP_KEYING_FAILED`: the answer's SDES keying does not fit the offer: no `a=crypto` on a secure
 *   profile, more than one, an unknown tag or suite, or keys we never asked for (RFC 4568 §5.1.2, §7.1.2).
 * - `SDP_CLEARTEXT_KEYING`: an offer would have to put SDES keys into cleartext signalling
 *   (RFC 4568 §8.3) and `allowSdesOverCleartext` is not set.
 */
export type SdpErrorCode =
  | 'SDP_PARSE_FAILED'
  | 'SDP_NO_AUDIO'
  | 'SDP_ANSWER_MISMATCH'
  | 'SDP_MEDIA_REJECTED'
  | 'SDP_NO_COMMON_CODEC'
  | 'SDP_KEYING_FAILED'
  | 'SDP_CLEARTEXT_KEYING';

/**
 * The error `@trunkline/sdp` throws for SDP it cannot use. Untrusted SDP never throws anything else;
 * API misuse (a bad option) throws `TypeError`.
 *
 * @example
 * ```ts
 * try { applyAnswer(state, answerSdp); } catch (e) {
 *   if (e instanceof SdpError) console.log(e.code); // e.g. 'SDP_KEYING_FAILED'
 * }
 * ```
 */
export class SdpError extends TrunklineError<SdpErrorCode> {}

/** Builds an `SDP_PARSE_FAILED` error (status hint 400, RFC 3261 §21.4.1). */
export function parseFailed(message: string, cause?: unknown): SdpError {
  return new SdpError('SDP_PARSE_FAILED', message, cause === undefined ? { statusHint: 400 } : { statusHint: 400, cause });
}
