/**
 * `trunkline <command> [options]`: pick the command and hand its arguments to
 * its parser.
 *
 * @module
 */
import { BRIDGE_HELP, parseBridgeArgs, type BridgeOptions } from './bridge-options.js';
import { CALL_HELP, parseCallArgs, type CallOptions } from './call-options.js';
import { ECHO_HELP, parseEchoArgs, type EchoOptions } from './echo-options.js';
import { CliUsageError } from './errors.js';
import { LOAD_HELP, parseLoadArgs, type LoadOptions } from './load-options.js';

/** What to run. */
export type CommandLine =
  | { readonly command: 'help'; readonly text: string }
  | { readonly command: 'echo'; readonly options: EchoOptions }
  | { readonly command: 'call'; readonly options: CallOptions }
  | { readonly command: 'load'; readonly options: LoadOptions }
  | { readonly command: 'bridge'; readonly options: BridgeOptions };

/** `trunkline --help`. */
export const TOP_HELP = `Usage: trunkline <command> [options]

Commands:
  echo     answer every call and send its audio back (the echo endpoint)
  call     call a SIP URI, play a chirp, and say PASS or FAIL from the echo
  load     load an echo endpoint with many calls and report capacity
  bridge   connect every call to a voice bot over a Twilio Media Streams WebSocket

Run trunkline <command> --help for its options.
`;

/**
 * Parse a whole command line (without `node` and the script).
 *
 * @param argv - e.g. `process.argv.slice(2)`
 * @throws CliUsageError for an unknown command, flag or value
 *
 * @example
 * ```ts
 * const line = parseCommandLine(['call', 'sip:echo@127.0.0.1', '--duration', '3']);
 * if (line.command === 'call') line.options.durationMs; // 3000
 * ```
 */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      return { command: 'help', text: TOP_HELP };
    case 'echo': {
      const options = parseEchoArgs(rest);
      return options === 'help' ? { command: 'help', text: ECHO_HELP } : { command, options };
    }
    case 'call': {
      const options = parseCallArgs(rest);
      return options === 'help' ? { command: 'help', text: CALL_HELP } : { command, options };
    }
    case 'load': {
      const options = parseLoadArgs(rest);
      return options === 'help' ? { command: 'help', text: LOAD_HELP } : { command, options };
    }
    case 'bridge': {
      const options = parseBridgeArgs(rest);
      return options === 'help' ? { command: 'help', text: BRIDGE_HELP } : { command, options };
    }
    default:
      throw new CliUsageError(`unknown command ${JSON.stringify(command)}: expected echo, call, load or bridge (see trunkline --help)`);
  }
}
