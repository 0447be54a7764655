import { TrunklineError } from '@trunkline/errors';

/** Exit code of a command line that could not be understood (the usual convention for usage errors). */
export const USAGE_EXIT_CODE = 2;

/**
 * A command line that cannot be run as given: an unknown command or flag, a
 * missing or malformed value, or flags that contradict each other. The
 * message says what to change; `command` says whose `--help` to show.
 *
 * @example
 * ```ts
 * try { parseCommandLine(process.argv.slice(2)); } catch (e) {
 *   if (e instanceof CliUsageError) { console.error(e.message); process.exitCode = USAGE_EXIT_CODE; }
 * }
 * ```
 */
export class CliUsageError extends TrunklineError<'CLI_USAGE'> {
  /** The subcommand being parsed (`echo`, `call`, ...), or undefined for the top level. */
  readonly command: string | undefined;

  /**
   * @param message - what is wrong and how to fix it
   * @param command - the subcommand being parsed, if any
   */
  constructor(message: string, command?: string) {
    super('CLI_USAGE', message);
    this.command = command;
  }
}
