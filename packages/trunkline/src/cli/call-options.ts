/**
 * `trunkline call`: flags of the trunk test caller (issue 13), validated into {@link CallOptions}.
 *
 * @module
 */
import type { UuiData } from '@trunkline/uui';
import { CliUsageError } from './errors.js';
import { booleanValue, formatHelp, parseWithSpec, stringValue, type CommandSpec } from './option-spec.js';
import {
  addressValue,
  choiceValue,
  durationMsValue,
  hostValue,
  integerValue,
  numberValue,
  portValue,
  sipUriValue,
  uuiValue,
  type FlagRef,
  type SipTransport,
  type SrtpPolicy,
} from './values.js';
import { DEFAULT_VERDICT_THRESHOLDS, type VerdictThresholds } from './call-verdict.js';

/** Default length of the test signal, ms. */
export const DEFAULT_CALL_DURATION_MS = 5000;
/** Default wait for a final answer to the INVITE, ms. */
export const DEFAULT_ANSWER_TIMEOUT_MS = 30_000;
/** Most calls `--repeat` accepts (the caller is a smoke test; `trunkline load` is the load tool). */
export const MAX_REPEAT = 10_000;
/** Most simultaneous calls `--concurrency` accepts. */
export const MAX_CONCURRENCY = 500;

/** The test caller's settings, every default applied. */
export interface CallOptions {
  /** Whom to call: a `sip:` or `sips:` URI. */
  readonly uri: string;
  /** User-to-User value sent with the INVITE (RFC 7433), or undefined. */
  readonly uui: UuiData | undefined;
  /** SRTP policy of our offer (default `optional`). */
  readonly srtp: SrtpPolicy;
  /** Send SDES keys over UDP/TCP (RFC 4568 §8.3 wants TLS; default false). */
  readonly allowSdesOverCleartext: boolean;
  /** Signalling transport; undefined = as the URI says (RFC 3263: `sips:` → TLS, `;transport=`, else UDP). */
  readonly transport: SipTransport | undefined;
  /** How long to play the chirp and record, ms (default {@link DEFAULT_CALL_DURATION_MS}). */
  readonly durationMs: number;
  /** Wait at most this long for a final answer, ms (default {@link DEFAULT_ANSWER_TIMEOUT_MS}). */
  readonly timeoutMs: number;
  /** Do not verify the peer's TLS certificate. */
  readonly insecure: boolean;
  /** Trust this CA file (PEM) instead of the system's. */
  readonly caFile: string | undefined;
  /** Local address to bind (default `0.0.0.0`). */
  readonly bind: string;
  /** Local SIP port (default 0: any free port; peers that send BYE on a new connection reach it via Contact). */
  readonly port: number;
  /** Address or host name put in Contact/Via/SDP (default: the bound address). */
  readonly publicAddress: string | undefined;
  /** Calls to place in all (default 1). */
  readonly repeat: number;
  /** Calls at once (default 1, at most `repeat`). */
  readonly concurrency: number;
  /** PASS/FAIL limits. */
  readonly thresholds: VerdictThresholds;
  /** One JSON object instead of text. */
  readonly json: boolean;
}

/** Flags of `trunkline call`. */
export const CALL_COMMAND: CommandSpec = {
  name: 'call',
  usage: 'trunkline call <sip-or-sips-uri> [options]',
  summary:
    'Call a SIP endpoint, play a test chirp, record what comes back and cross-correlate it, then print PASS or FAIL with reasons ' +
    '(answer, codec, SRTP both ways, audio both ways, echo correlation and round trip, loss, jitter, BYE). Exit code 0 only on PASS.',
  flags: [
    { name: 'uui', type: 'string', value: 'HEX', description: 'User-to-User data to send (hex, RFC 7433), parameters allowed' },
    { name: 'srtp', type: 'string', value: 'POLICY', description: 'off | optional | mandatory', defaultText: 'optional' },
    { name: 'allow-sdes-over-cleartext', type: 'boolean', description: 'send SDES-SRTP keys over UDP/TCP (RFC 4568 §8.3 wants TLS)' },
    { name: 'transport', type: 'string', value: 'udp|tcp|tls', description: 'signalling transport', defaultText: 'from the URI (sips: → tls)' },
    { name: 'duration', short: 'd', type: 'string', value: 'TIME', description: 'how long to play and record (seconds, or 500ms, 1m)', defaultText: '5' },
    { name: 'timeout', short: 't', type: 'string', value: 'TIME', description: 'wait at most this long for an answer', defaultText: '30' },
    { name: 'insecure', short: 'k', type: 'boolean', description: "do not verify the peer's TLS certificate" },
    { name: 'ca', type: 'string', value: 'FILE', description: 'trust the CA certificate(s) in FILE (PEM)', defaultText: 'system CAs' },
    { name: 'bind', type: 'string', value: 'ADDR', description: 'local address', defaultText: '0.0.0.0' },
    { name: 'port', type: 'string', value: 'N', description: 'local SIP port', defaultText: 'any free port' },
    { name: 'public-address', type: 'string', value: 'HOST', description: 'address or name the peer reaches us at (Contact, SDP)' },
    { name: 'repeat', short: 'n', type: 'string', value: 'N', description: 'place N calls and print a summary', defaultText: '1' },
    { name: 'concurrency', short: 'c', type: 'string', value: 'K', description: 'K calls at a time', defaultText: '1' },
    { name: 'min-correlation', type: 'string', value: 'X', description: 'echo correlation needed to pass (0-1)', defaultText: String(DEFAULT_VERDICT_THRESHOLDS.minCorrelation) },
    { name: 'max-loss', type: 'string', value: 'PERCENT', description: 'packet loss allowed', defaultText: String(DEFAULT_VERDICT_THRESHOLDS.maxLossPercent) },
    { name: 'max-jitter', type: 'string', value: 'MS', description: 'interarrival jitter allowed', defaultText: String(DEFAULT_VERDICT_THRESHOLDS.maxJitterMs) },
    { name: 'json', type: 'boolean', description: 'print one JSON object (with "verdict": "PASS" | "FAIL") instead of text' },
  ],
  examples: [
    'trunkline call sips:echo@127.0.0.1:5061 --uui 04434153452D3230343831 --srtp mandatory --ca ~/.local/state/trunkline/tls-cert.pem',
    'trunkline call sip:echo@192.0.2.10 --transport tcp --srtp off --duration 10 --json',
    'trunkline call sip:echo@192.0.2.10 --repeat 50 --concurrency 5',
  ],
};

/** `--help` text of `trunkline call`. */
export const CALL_HELP: string = formatHelp(CALL_COMMAND);

/**
 * Validate the arguments of `trunkline call`.
 *
 * @param argv - arguments after `call`
 * @returns the options, or `'help'` when `--help` was given
 * @throws CliUsageError naming the flag and what it accepts
 */
export function parseCallArgs(argv: readonly string[]): CallOptions | 'help' {
  const { values, positionals, help } = parseWithSpec(CALL_COMMAND, argv, 1);
  if (help) return 'help';
  const ref = (flag: string): FlagRef => ({ command: 'call', flag });
  const given = (name: string): string | undefined => stringValue(values, name);
  const uriText = positionals[0];
  if (uriText === undefined) throw new CliUsageError('missing the URI to call, e.g. trunkline call sip:echo@192.0.2.10 (see trunkline call --help)', 'call');
  const uri = sipUriValue({ command: 'call', flag: 'uri' }, uriText);
  const secureUri = /^sips:/i.test(uri);
  const uriTransport = /;transport=(udp|tcp|tls)\b/i.exec(uri)?.[1]?.toLowerCase() as SipTransport | undefined;

  const transportText = given('transport');
  const transport = transportText === undefined ? undefined : choiceValue(ref('transport'), transportText, ['udp', 'tcp', 'tls'] as const);
  if (secureUri && transport !== undefined && transport !== 'tls') {
    throw new CliUsageError(`--transport ${transport}: a sips: URI must be reached over TLS (RFC 3261 §26.2.2); use a sip: URI for ${transport}`, 'call');
  }
  const effectiveTransport = transport ?? (secureUri ? 'tls' : (uriTransport ?? 'udp'));
  const srtp = choiceValue(ref('srtp'), given('srtp') ?? 'optional', ['off', 'optional', 'mandatory'] as const);
  const allowSdesOverCleartext = booleanValue(values, 'allow-sdes-over-cleartext');
  if (srtp === 'mandatory' && effectiveTransport !== 'tls' && !allowSdesOverCleartext) {
    throw new CliUsageError(
      `--srtp mandatory over ${effectiveTransport} would send the SRTP keys in cleartext (RFC 4568 §8.3): call a sips: URI or use --transport tls, or add --allow-sdes-over-cleartext`,
      'call',
    );
  }
  const insecure = booleanValue(values, 'insecure');
  const caFile = given('ca');
  if (insecure && caFile !== undefined) throw new CliUsageError('--insecure and --ca contradict each other: verify with --ca FILE, or skip verification with --insecure', 'call');

  const repeatText = given('repeat');
  const concurrencyText = given('concurrency');
  const repeat = repeatText === undefined ? 1 : integerValue(ref('repeat'), repeatText, 1, MAX_REPEAT);
  const concurrency = concurrencyText === undefined ? 1 : integerValue(ref('concurrency'), concurrencyText, 1, MAX_CONCURRENCY);
  if (concurrency > repeat) throw new CliUsageError(`--concurrency ${concurrency} exceeds --repeat ${repeat}: add --repeat ${concurrency} or lower the concurrency`, 'call');

  const uuiText = given('uui');
  const durationText = given('duration');
  const timeoutText = given('timeout');
  const portText = given('port');
  const publicText = given('public-address');
  const minCorrelationText = given('min-correlation');
  const maxLossText = given('max-loss');
  const maxJitterText = given('max-jitter');
  return {
    uri,
    uui: uuiText === undefined ? undefined : uuiValue(ref('uui'), uuiText),
    srtp,
    allowSdesOverCleartext,
    transport,
    durationMs: durationText === undefined ? DEFAULT_CALL_DURATION_MS : durationMsValue(ref('duration'), durationText, 1000, 3_600_000),
    timeoutMs: timeoutText === undefined ? DEFAULT_ANSWER_TIMEOUT_MS : durationMsValue(ref('timeout'), timeoutText, 1000, 300_000),
    insecure,
    caFile,
    bind: addressValue(ref('bind'), given('bind') ?? '0.0.0.0'),
    port: portText === undefined ? 0 : portValue(ref('port'), portText),
    publicAddress: publicText === undefined ? undefined : hostValue(ref('public-address'), publicText),
    repeat,
    concurrency,
    thresholds: {
      minCorrelation: minCorrelationText === undefined ? DEFAULT_VERDICT_THRESHOLDS.minCorrelation : numberValue(ref('min-correlation'), minCorrelationText, 0, 1),
      maxLossPercent: maxLossText === undefined ? DEFAULT_VERDICT_THRESHOLDS.maxLossPercent : numberValue(ref('max-loss'), maxLossText, 0, 100),
      maxJitterMs: maxJitterText === undefined ? DEFAULT_VERDICT_THRESHOLDS.maxJitterMs : numberValue(ref('max-jitter'), maxJitterText, 0, 10_000),
    },
    json: booleanValue(values, 'json'),
  };
}
