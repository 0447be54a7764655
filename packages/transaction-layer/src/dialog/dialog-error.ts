import { TrunklineError } from '@trunkline/errors';

/** Stable codes for dialog failures caused by the messages received. */
export type DialogErrorCode =
  /** The response cannot create a dialog: not 101-299, no To tag on a 1xx, or not to a dialog-creating request (§12.1). */
  | 'NOT_DIALOG_CREATING'
  /** A header the dialog needs (Call-ID, CSeq, From/To, tags) is missing or malformed. */
  | 'DIALOG_BAD_MESSAGE'
  /** The message belongs to another dialog or transaction. */
  | 'DIALOG_MISMATCH';

/**
 * The error dialog functions throw for conditions of the messages they are
 * given (API misuse throws TypeError).
 */
export class DialogError extends TrunklineError<DialogErrorCode> {}
