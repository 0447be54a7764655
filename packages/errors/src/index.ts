/**
 * @trunkline/errors — the bottom of the dependency graph: one error base
 * class with a project-unique, stable string `code`, and one exhaustiveness
 * guard. Every other Trunkline package's errors extend {@link TrunklineError}.
 *
 * @packageDocumentation
 */

/** Options every {@link TrunklineError} accepts. */
export interface TrunklineErrorOptions {
  /** The underlying error, if this one wraps another (standard `Error.cause`). */
  readonly cause?: unknown;
  /**
   * The SIP status a server should answer with when this error decides the
   * response (400, 413, 488, 503, ...). Absent when no status follows from it.
   */
  readonly statusHint?: number;
}

/**
 * Base class of every error Trunkline throws on purpose. `code` is stable and
 * unique across the whole project, so `switch (e.code)` never confuses two
 * packages' meanings; `name` is the concrete class name.
 *
 * @example
 * ```ts
 * import { TrunklineError } from '@trunkline/errors';
 * try { doSomething(); } catch (e) {
 *   if (e instanceof TrunklineError) console.log(e.code, e.statusHint);
 * }
 * ```
 */
export class TrunklineError<Code extends string = string> extends Error {
  /** Stable machine-readable reason, unique across Trunkline. */
  readonly code: Code;
  /** The SIP status that follows from this error, when one does. */
  readonly statusHint: number | undefined;

  /**
   * @param code - stable code, unique across the project
   * @param message - human-readable detail
   * @param options - cause and status hint
   */
  constructor(code: Code, message: string, options: TrunklineErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.statusHint = options.statusHint;
  }
}

/**
 * Exhaustiveness guard for `switch` statements over unions: reaching it is a
 * bug in Trunkline, never the result of input.
 */
export function assertNever(value: never, what = 'value'): never {
  throw new TypeError(`unexpected ${what}: ${JSON.stringify(value)}`);
}
