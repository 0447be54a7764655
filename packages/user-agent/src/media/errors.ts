import { TrunklineError } from '@trunkline/errors';

/** Stable codes of {@link CallMediaError}. */
export type CallMediaErrorCode =
  /** The media was closed (call ended) before the operation completed. */
  | 'MEDIA_CLOSED'
  /** The operation needs negotiated media: `start()` has not been called yet. */
  | 'MEDIA_NOT_STARTED'
  /** RFC 4733 digits were requested but the peer did not agree to telephone-event. */
  | 'MEDIA_DTMF_NOT_NEGOTIATED'
  /** The negotiated codec cannot be encoded here (PCMU/PCMA/G722 at 8000 Hz and Opus are). */
  | 'MEDIA_UNSUPPORTED_CODEC';

/** A media failure with a stable `code` (see {@link CallMediaErrorCode}). */
export class CallMediaError extends TrunklineError<CallMediaErrorCode> {}
