/**
 * `trunkline bridge`: a voice-agent bridge. The echo endpoint's listener, TLS, SRTP and allow-list
 * flags (validated by the echo parser) plus the bot's WebSocket, validated into {@link BridgeOptions}.
 *
 * @module
 */
import { CliUsageError } from './errors.js';
import { ECHO_COMMAND, parseEchoArgs, type EchoOptions } from './echo-options.js';
import { booleanValue, formatHelp, listValue, parseWithSpec, stringValue, type CommandSpec, type FlagSpec, type RawValues } from './option-spec.js';
import { choiceValue, integerValue, sipUriValue, type FlagRef } from './values.js';

/** Wire formats toward the bot (see `@trunkline/media-stream`). */
export type BridgeCodecChoice = 'pcmu' | 'l16-16k';

/** The bridge's settings, every default applied. */
export interface BridgeOptions {
  /** SIP side: listeners, TLS, SRTP, allow-list, call limits (the echo endpoint's flags). */
  readonly listener: EchoOptions;
  /** The bot's `ws:`/`wss:` URL; every call opens its own socket. */
  readonly wsUrl: string;
  /** Headers for the WebSocket upgrade (`--ws-header K:V`). */
  readonly wsHeaders: Readonly<Record<string, string>>;
  /** `pcmu` (Twilio's JSON media, default) or `l16-16k` (binary 16 kHz PCM). */
  readonly codec: BridgeCodecChoice;
  /** INVITE header fields copied into `start.customParameters` (default: none). */
  readonly sipHeaders: readonly string[];
  /** Contact-centre SIP URI for the bot's `escalate` (default: escalation refused). */
  readonly escalateTo: string | undefined;
  /** SIP status for calls whose bot cannot be reached (default 503). */
  readonly unreachableStatus: number;
}

/** The echo endpoint's flags the bridge takes (listeners, TLS, SRTP, allow-list, limits); the rest are the echo's own. */
const LISTENER_FLAGS = new Set([
  'transports', 'port', 'tls-port', 'bind', 'public-address', 'rtp-ports', 'cert', 'key', 'state-dir',
  'srtp', 'allow-sdes-over-cleartext', 'allow', 'ring-ms', 'max-calls', 'max-duration', 'json',
]);

const BRIDGE_FLAGS: readonly FlagSpec[] = [
  { name: 'ws', type: 'string', value: 'URL', description: 'the bot: ws:// or wss:// URL speaking the Twilio Media Streams protocol (required)' },
  { name: 'ws-header', type: 'string', multiple: true, value: 'K:V', description: 'header for the WebSocket upgrade, e.g. "Authorization: Bearer T"' },
  { name: 'codec', type: 'string', value: 'CODEC', description: 'pcmu (Twilio JSON, 8 kHz µ-law) | l16-16k (binary 16-bit PCM at 16 kHz)', defaultText: 'pcmu' },
  { name: 'sip-header', type: 'string', multiple: true, value: 'NAME', description: 'copy this INVITE header into start.customParameters' },
  { name: 'escalate-to', type: 'string', value: 'URI', description: "contact centre the bot's escalate event calls (UUI carried)" },
  { name: 'unreachable-status', type: 'string', value: 'STATUS', description: 'reject calls with this status when the bot cannot be reached', defaultText: '503' },
];

/** Flags of `trunkline bridge`. */
export const BRIDGE_COMMAND: CommandSpec = {
  name: 'bridge',
  usage: 'trunkline bridge --ws URL [options]',
  summary:
    'Answer every call and connect it to a voice bot over a WebSocket, exactly as Twilio Media Streams would ' +
    '(connected/start/media/dtmf/mark/stop; the bot sends media/mark/clear), so a bot written for Twilio answers ' +
    'SIP trunk calls unchanged. Prints one line per call when it ends. SIGINT/SIGTERM: end calls with BYE, exit 0.',
  flags: [...BRIDGE_FLAGS, ...ECHO_COMMAND.flags.filter((f) => LISTENER_FLAGS.has(f.name))],
  examples: [
    'trunkline bridge --ws ws://127.0.0.1:8080/stream',
    'trunkline bridge --ws wss://bot.example.com/stream --ws-header "Authorization: Bearer $TOKEN" --srtp mandatory --allow 198.51.100.0/24',
    'trunkline bridge --ws wss://bot.example.com/raw --codec l16-16k --escalate-to sip:queue@pbx.example.com',
  ],
};

/** `--help` text of `trunkline bridge`. */
export const BRIDGE_HELP: string = formatHelp(BRIDGE_COMMAND);

/** The echo flags given, as an argv for the echo parser. */
function echoArgv(values: RawValues): string[] {
  const argv: string[] = [];
  for (const flag of ECHO_COMMAND.flags) {
    if (!LISTENER_FLAGS.has(flag.name)) continue;
    const v = values[flag.name];
    if (flag.type === 'boolean') {
      if (booleanValue(values, flag.name)) argv.push(`--${flag.name}`);
      continue;
    }
    for (const item of Array.isArray(v) ? v : v === undefined ? [] : [v]) argv.push(`--${flag.name}`, String(item));
  }
  return argv;
}

/**
 * Validate the arguments of `trunkline bridge`.
 *
 * @param argv - arguments after `bridge`
 * @returns the options, or `'help'` when `--help` was given
 * @throws CliUsageError naming the flag and what it accepts
 */
export function parseBridgeArgs(argv: readonly string[]): BridgeOptions | 'help' {
  const { values, help } = parseWithSpec(BRIDGE_COMMAND, argv, 0);
  if (help) return 'help';
  const ref = (flag: string): FlagRef => ({ command: 'bridge', flag });
  let listener: EchoOptions;
  try {
    const parsed = parseEchoArgs(echoArgv(values));
    if (parsed === 'help') return 'help';
    listener = parsed;
  } catch (e) {
    // The echo parser's messages name the flag; point at this command's help instead.
    if (e instanceof CliUsageError) throw new CliUsageError(e.message.replaceAll('trunkline echo', 'trunkline bridge'), 'bridge');
    throw e;
  }
  const wsUrl = stringValue(values, 'ws');
  if (wsUrl === undefined) throw new CliUsageError('--ws URL is required: the bot to connect calls to (see trunkline bridge --help)', 'bridge');
  if (!/^wss?:\/\/[^\s/]+/i.test(wsUrl)) throw new CliUsageError(`--ws: expected a ws:// or wss:// URL like wss://bot.example.com/stream; got ${JSON.stringify(wsUrl)}`, 'bridge');
  const wsHeaders: Record<string, string> = {};
  for (const raw of Array.isArray(values['ws-header']) ? values['ws-header'] : []) {
    const text = String(raw);
    const colon = text.indexOf(':');
    const name = colon < 0 ? '' : text.slice(0, colon).trim();
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new CliUsageError(`--ws-header: expected NAME:VALUE like "Authorization: Bearer T"; got ${JSON.stringify(text)}`, 'bridge');
    wsHeaders[name] = text.slice(colon + 1).trim();
  }
  const escalate = stringValue(values, 'escalate-to');
  const unreachable = stringValue(values, 'unreachable-status');
  return {
    listener,
    wsUrl,
    wsHeaders,
    codec: choiceValue(ref('codec'), stringValue(values, 'codec') ?? 'pcmu', ['pcmu', 'l16-16k'] as const),
    sipHeaders: listValue(values, 'sip-header'),
    escalateTo: escalate === undefined ? undefined : sipUriValue(ref('escalate-to'), escalate),
    unreachableStatus: unreachable === undefined ? 503 : integerValue(ref('unreachable-status'), unreachable, 300, 699),
  };
}
