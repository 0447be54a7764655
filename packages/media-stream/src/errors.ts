import { TrunklineError } from '@trunkline/errors';

/** Stable codes of {@link MediaStreamError}. */
export type MediaStreamErrorCode =
  /** The bot's WebSocket could not be opened (refused, timed out, or answered the upgrade with an HTTP error). */
  | 'MEDIA_STREAM_BOT_UNREACHABLE'
  /** The call ended before the bridge could start streaming. */
  | 'MEDIA_STREAM_CALL_ENDED';

/**
 * A call could not be bridged to its bot. `statusHint` is the SIP status the
 * inbound call was rejected with, when it was rejected.
 */
export class MediaStreamError extends TrunklineError<MediaStreamErrorCode> {}
