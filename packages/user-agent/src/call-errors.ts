/**
 * Errors of calls: {@link CallFailedError} when a call could not be set up
 * (or ended before it was), {@link CallStateError} for API misuse.
 */
import { TrunklineError } from '@trunkline/errors';

/** Stable codes of {@link CallFailedError}, unique across Trunkline. */
export type CallFailedCode =
  /** A final 4xx-6xx not covered by a more precise code (403, 415, 5xx other than 503...). */
  | 'CALL_REJECTED'
  /** 486 Busy Here or 600 Busy Everywhere. */
  | 'CALL_BUSY'
  /** 603 Decline. */
  | 'CALL_DECLINED'
  /** 404 Not Found or 604 Does Not Exist Anywhere. */
  | 'CALL_NOT_FOUND'
  /** 480 Temporarily Unavailable, or 503 once every target was tried. */
  | 'CALL_UNAVAILABLE'
  /** No final response in time (Timer B, `timeoutMs`, 408), or our 2xx was never acknowledged. */
  | 'CALL_TIMEOUT'
  /** The call was cancelled before the answer: by our `signal`/hangup, or the peer's CANCEL (487). */
  | 'CALL_CANCELLED'
  /** No target could be reached (DNS, connection, transport errors). */
  | 'CALL_UNREACHABLE'
  /** The SDP offer/answer failed: 488/606, or an answer we cannot use (RFC 3264). */
  | 'CALL_NOT_ACCEPTABLE'
  /** 401/407 without usable credentials, or the credentials were refused. */
  | 'CALL_AUTH_FAILED'
  /** A 3xx: the peer redirected the call (not followed). */
  | 'CALL_REDIRECTED'
  /** The user agent was closed before the call was up. */
  | 'CALL_CLOSED'
  /** The call ended (either side) before the operation could complete. */
  | 'CALL_ENDED';

/** Details of a {@link CallFailedError}. */
export interface CallFailedDetails {
  /** Final SIP status, when a response decided it. */
  readonly status?: number | null;
  /** Its reason phrase. */
  readonly reasonPhrase?: string | null;
  /** The response's Reason header (RFC 3326), as received. */
  readonly reasonHeader?: string | null;
  /** The response's Warning header values (RFC 3261 §20.43), as received. */
  readonly warnings?: readonly string[];
  readonly cause?: unknown;
}

/**
 * A call could not be placed or answered. `code` says why in a stable form;
 * `status`, `reasonPhrase` and `reasonHeader` carry what the peer said.
 *
 * @example
 * try { await ua.invite('sip:agent@192.0.2.7'); }
 * catch (e) { if (e instanceof CallFailedError && e.code === 'CALL_BUSY') retryLater(); }
 */
export class CallFailedError extends TrunklineError<CallFailedCode> {
  /** Final SIP status, or null when no response decided it (timeout, transport error, abort). */
  readonly status: number | null;
  /** The final response's reason phrase, or null. */
  readonly reasonPhrase: string | null;
  /** The final response's Reason header (RFC 3326), or null. */
  readonly reasonHeader: string | null;
  /** The final response's Warning header values (RFC 3261 §20.43; e.g. `302 sbc "SRTP required"`), as received. */
  readonly warnings: readonly string[];

  constructor(code: CallFailedCode, message: string, details: CallFailedDetails = {}) {
    super(code, message, {
      ...(details.cause === undefined ? {} : { cause: details.cause }),
      ...(details.status === undefined || details.status === null ? {} : { statusHint: details.status }),
    });
    this.status = details.status ?? null;
    this.reasonPhrase = details.reasonPhrase ?? null;
    this.reasonHeader = details.reasonHeader ?? null;
    this.warnings = details.warnings ?? [];
  }
}

/** The {@link CallFailedCode} of a final non-2xx response to an INVITE (RFC 3261 §21). */
export function failedCodeForStatus(status: number): CallFailedCode {
  if (status >= 300 && status < 400) return 'CALL_REDIRECTED';
  switch (status) {
    case 401:
    case 407:
      return 'CALL_AUTH_FAILED';
    case 404:
    case 604:
      return 'CALL_NOT_FOUND';
    case 408:
      return 'CALL_TIMEOUT';
    case 480:
    case 503:
      return 'CALL_UNAVAILABLE';
    case 486:
    case 600:
      return 'CALL_BUSY';
    case 487:
      return 'CALL_CANCELLED';
    case 488:
    case 606:
      return 'CALL_NOT_ACCEPTABLE';
    case 603:
      return 'CALL_DECLINED';
    default:
      return 'CALL_REJECTED';
  }
}

/** An operation the call's state does not allow (answering twice, ringing an outbound call...). */
export class CallStateError extends TrunklineError<'CALL_INVALID_STATE'> {
  /** The state the call was in. */
  readonly state: string;

  constructor(operation: string, state: string) {
    super('CALL_INVALID_STATE', `cannot ${operation}: the call is ${state}`);
    this.state = state;
  }
}

/** Codes of {@link CallRequestError}. */
export type CallRequestErrorCode =
  /** The peer answered an in-dialog request (re-INVITE, UPDATE, INFO) with a final non-2xx, or its answer SDP was unusable. */
  | 'CALL_REQUEST_FAILED'
  /** The peer kept answering 491 Request Pending (RFC 3261 §14.1) after the retries. */
  | 'CALL_REQUEST_GLARE'
  /** No final response (Timer B/F) or a transport error. */
  | 'CALL_REQUEST_TIMEOUT';

/**
 * An in-dialog request of ours failed (`reoffer()`, `hold()`, `unhold()`,
 * `sendDtmf({ method: 'info' })`). A failed re-offer keeps the session as it
 * was (RFC 3261 §14.1); the call goes on.
 */
export class CallRequestError extends TrunklineError<CallRequestErrorCode> {
  /** The final status, when one came. */
  readonly status: number | null;

  constructor(code: CallRequestErrorCode, message: string, details: { readonly status?: number | null; readonly cause?: unknown } = {}) {
    super(code, message, {
      ...(details.cause === undefined ? {} : { cause: details.cause }),
      ...(details.status === undefined || details.status === null ? {} : { statusHint: details.status }),
    });
    this.status = details.status ?? null;
  }
}
