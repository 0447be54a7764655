/**
 * Errors of the load tool.
 *
 * @module
 */
import { TrunklineError } from '@trunkline/errors';

/** Why a load run could not start. */
export type LoadErrorCode = 'LOAD_NO_ROUTE' | 'LOAD_BAD_TARGET';

/** A load run that cannot start: the target cannot be resolved or reached. */
export class LoadError extends TrunklineError<LoadErrorCode> {}
