/**
 * `trunkline load`: flags of the load tool (issue 14), validated into {@link LoadOptions}.
 *
 * @module
 */
import { CliUsageError } from './errors.js';
import { booleanValue, formatHelp, parseWithSpec, stringValue, type CommandSpec } from './option-spec.js';
import { choiceValue, durationMsValue, integerValue, numberValue, sipUriValue, type FlagRef, type SipTransport, type SrtpPolicy } from './values.js';

/** Default length of a load run, ms. */
export const DEFAULT_LOAD_DURATION_MS = 60_000;
/** Default hold time of each call, ms. */
export const DEFAULT_LOAD_HOLD_MS = 10_000;
/** Most calls a run may place (every run is bounded in count as well as time). */
export const MAX_LOAD_CALLS = 10_000_000;

/** The load tool's settings, every default applied. */
export interface LoadOptions {
  /** The endpoint under test (an echo endpoint: what it sends back is checked). */
  readonly uri: string;
  /** Keep this many calls up (mutually exclusive with `rate`). */
  readonly concurrency: number | undefined;
  /** Start this many calls per second (mutually exclusive with `concurrency`). */
  readonly rate: number | undefined;
  /** Length of the run, ms (default {@link DEFAULT_LOAD_DURATION_MS}). */
  readonly durationMs: number;
  /** Hold time of each call, ms (default {@link DEFAULT_LOAD_HOLD_MS}); with a range (`--hold MIN..MAX`), the shortest. */
  readonly holdMs: number;
  /** Longest hold time, ms: each call holds uniformly in [`holdMs`, `holdMaxMs`] (equal to `holdMs` for a fixed hold). */
  readonly holdMaxMs: number;
  /** Seed of the per-call hold times (default: random; the result reports the one used). */
  readonly seed: number | undefined;
  /** Ramp up to the target over this long, ms (default 0). */
  readonly rampMs: number;
  /** Stop after this many calls whatever the duration (default: no count limit below {@link MAX_LOAD_CALLS}). */
  readonly maxCalls: number;
  readonly transport: SipTransport | undefined;
  readonly srtp: SrtpPolicy;
  readonly allowSdesOverCleartext: boolean;
  readonly insecure: boolean;
  readonly caFile: string | undefined;
  /** Read the endpoint's CPU and memory from /proc/PID (same machine only). */
  readonly endpointPid: number | undefined;
  readonly json: boolean;
}

/** Flags of `trunkline load`. */
export const LOAD_COMMAND: CommandSpec = {
  name: 'load',
  usage: 'trunkline load <sip-or-sips-uri> (--concurrency N | --rate R) [options]',
  summary:
    'Load an echo endpoint with real-time PCMU calls and check what it sends back: packets echoed, echo turnaround, ' +
    'setup p50/p99, failures by reason; live progress, and a JSON result with --json.',
  flags: [
    { name: 'concurrency', short: 'c', type: 'string', value: 'N', description: 'keep N calls up' },
    { name: 'rate', short: 'r', type: 'string', value: 'R', description: 'start R calls per second' },
    { name: 'duration', short: 'd', type: 'string', value: 'TIME', description: 'length of the run', defaultText: '60s' },
    { name: 'hold', type: 'string', value: 'TIME|MIN..MAX', description: 'how long each call stays up; a range (5s..30s) draws each call\'s hold from it (churn)', defaultText: '10s' },
    { name: 'seed', type: 'string', value: 'N', description: 'seed of the hold times drawn from a --hold range', defaultText: 'random, reported' },
    { name: 'ramp', type: 'string', value: 'TIME', description: 'ramp up to the target over this long', defaultText: '0' },
    { name: 'max-calls', type: 'string', value: 'N', description: 'stop after N calls' },
    { name: 'transport', type: 'string', value: 'udp|tcp|tls', description: 'signalling transport', defaultText: 'from the URI' },
    { name: 'srtp', type: 'string', value: 'POLICY', description: 'off | optional | mandatory', defaultText: 'off' },
    { name: 'allow-sdes-over-cleartext', type: 'boolean', description: 'send SDES-SRTP keys over UDP/TCP' },
    { name: 'insecure', short: 'k', type: 'boolean', description: "do not verify the peer's TLS certificate" },
    { name: 'ca', type: 'string', value: 'FILE', description: 'trust the CA certificate(s) in FILE (PEM)' },
    { name: 'endpoint-pid', type: 'string', value: 'PID', description: "report this process's CPU and memory per call (/proc)" },
    { name: 'json', type: 'boolean', description: 'print the result as one JSON object' },
  ],
  examples: [
    'trunkline load sip:echo@127.0.0.1:5060 --concurrency 200 --duration 60s',
    'trunkline load sip:echo@127.0.0.1:5060 --concurrency 200 --hold 5s..30s --seed 1 --duration 10m',
    'trunkline load sip:echo@127.0.0.1 --rate 100 --hold 1s --max-calls 10000 --json',
  ],
};

/** `--help` text of `trunkline load`. */
export const LOAD_HELP: string = formatHelp(LOAD_COMMAND);

/**
 * Validate the arguments of `trunkline load`.
 *
 * @param argv - arguments after `load`
 * @returns the options, or `'help'` when `--help` was given
 * @throws CliUsageError naming the flag and what it accepts
 */
export function parseLoadArgs(argv: readonly string[]): LoadOptions | 'help' {
  const { values, positionals, help } = parseWithSpec(LOAD_COMMAND, argv, 1);
  if (help) return 'help';
  const ref = (flag: string): FlagRef => ({ command: 'load', flag });
  const given = (name: string): string | undefined => stringValue(values, name);
  const uriText = positionals[0];
  if (uriText === undefined) throw new CliUsageError('missing the URI of the endpoint to load (see trunkline load --help)', 'load');
  const concurrencyText = given('concurrency');
  const rateText = given('rate');
  if ((concurrencyText === undefined) === (rateText === undefined)) {
    throw new CliUsageError('give exactly one of --concurrency N (calls kept up) or --rate R (calls started per second)', 'load');
  }
  const transportText = given('transport');
  const maxCallsText = given('max-calls');
  const pidText = given('endpoint-pid');
  const [holdMs, holdMaxMs] = holdRange(ref('hold'), given('hold') ?? '10s');
  const seedText = given('seed');
  const insecure = booleanValue(values, 'insecure');
  const caFile = given('ca');
  if (insecure && caFile !== undefined) throw new CliUsageError('--insecure and --ca contradict each other', 'load');
  return {
    uri: sipUriValue({ command: 'load', flag: 'uri' }, uriText),
    concurrency: concurrencyText === undefined ? undefined : integerValue(ref('concurrency'), concurrencyText, 1, 100_000),
    rate: rateText === undefined ? undefined : numberValue(ref('rate'), rateText, 0.01, 100_000),
    durationMs: durationMsValue(ref('duration'), given('duration') ?? '60s', 1000, 86_400_000),
    holdMs,
    holdMaxMs,
    seed: seedText === undefined ? undefined : integerValue(ref('seed'), seedText, 0, 2 ** 32 - 1),
    rampMs: durationMsValue(ref('ramp'), given('ramp') ?? '0', 0, 86_400_000),
    maxCalls: maxCallsText === undefined ? MAX_LOAD_CALLS : integerValue(ref('max-calls'), maxCallsText, 1, MAX_LOAD_CALLS),
    transport: transportText === undefined ? undefined : choiceValue(ref('transport'), transportText, ['udp', 'tcp', 'tls'] as const),
    srtp: choiceValue(ref('srtp'), given('srtp') ?? 'off', ['off', 'optional', 'mandatory'] as const),
    allowSdesOverCleartext: booleanValue(values, 'allow-sdes-over-cleartext'),
    insecure,
    caFile,
    endpointPid: pidText === undefined ? undefined : integerValue(ref('endpoint-pid'), pidText, 1, 2 ** 22),
    json: booleanValue(values, 'json'),
  };
}

/** `--hold TIME` or `--hold MIN..MAX`: the shortest and longest hold, ms. */
function holdRange(ref: FlagRef, text: string): readonly [number, number] {
  const parts = text.split('..');
  if (parts.length > 2) throw new CliUsageError(`--hold: expected a duration or MIN..MAX (e.g. 5s..30s), got ${JSON.stringify(text)}`, 'load');
  const min = durationMsValue(ref, parts[0]!, 100, 86_400_000);
  const max = parts[1] === undefined ? min : durationMsValue(ref, parts[1], 100, 86_400_000);
  if (max < min) throw new CliUsageError(`--hold: the range ${text} ends before it starts`, 'load');
  return [min, max];
}
