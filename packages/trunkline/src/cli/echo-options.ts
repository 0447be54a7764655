/**
 * `trunkline echo`: flags of the echo endpoint (issue 13), validated into {@link EchoOptions}.
 *
 * @module
 */
import { CliUsageError } from './errors.js';
import { formatHelp, booleanValue, listValue, parseWithSpec, stringValue, type CommandSpec } from './option-spec.js';
import {
  addressValue,
  choiceValue,
  cidrValue,
  durationMsValue,
  hostValue,
  integerValue,
  portRangeValue,
  portValue,
  type FlagRef,
  type SipTransport,
  type SrtpPolicy,
} from './values.js';

/** Default SIP port for UDP and TCP (RFC 3261 §19.1.2). */
export const DEFAULT_SIP_PORT = 5060;
/** Default longest call, ms: every call is bounded. */
export const DEFAULT_ECHO_MAX_DURATION_MS = 3_600_000;
/** Longest `--ring-ms` accepted, ms (Timer C is 3 minutes, RFC 3261 §16.6). */
export const MAX_RING_MS = 180_000;

/** The echo endpoint's settings, every default applied. */
export interface EchoOptions {
  /** Transports to listen on (default all three). */
  readonly transports: readonly SipTransport[];
  /** UDP and TCP port (default 5060; 0 = ephemeral). */
  readonly port: number;
  /** TLS port (default `port + 1`, i.e. 5061; 0 when `port` is 0). */
  readonly tlsPort: number;
  /** Local address to bind (default `0.0.0.0`). */
  readonly bind: string;
  /** Address or host name put in Contact/Via/SDP and in the certificate (default: none, the bound address). */
  readonly publicAddress: string | undefined;
  /** RTP port range (default: the user agent's). */
  readonly rtpPorts: readonly [number, number] | undefined;
  /** TLS certificate and key files; undefined = self-signed certificate from the state directory. */
  readonly certFile: string | undefined;
  readonly keyFile: string | undefined;
  /** Directory for the self-signed certificate (default: `$XDG_STATE_HOME/trunkline`). */
  readonly stateDir: string | undefined;
  /** SRTP policy (default `optional`). */
  readonly srtp: SrtpPolicy;
  /** Accept and send SDES keys over UDP/TCP (RFC 4568 §8.3 says only over TLS; default false). */
  readonly allowSdesOverCleartext: boolean;
  /** Source prefixes allowed to call (default: everyone). */
  readonly allow: readonly string[];
  /** Ring this long (180) before answering, ms (default 0). */
  readonly ringMs: number;
  /** Reject every INVITE with this status instead of answering (default: answer). */
  readonly rejectStatus: number | undefined;
  /** Most simultaneous calls; more get 503 (default: the user agent's). */
  readonly maxCalls: number | undefined;
  /** End calls with BYE after this long, ms (default {@link DEFAULT_ECHO_MAX_DURATION_MS}). */
  readonly maxDurationMs: number;
  /** Write both directions of each call as WAV here (default: no recording). */
  readonly recordDir: string | undefined;
  /** One JSON object per line instead of text. */
  readonly json: boolean;
  /** Serve `/metrics` (Prometheus), `/health` and `POST /drain` on this loopback port (0 = any free port; default: no server). */
  readonly metricsPort: number | undefined;
  /** Append one JSON line per ended call to this file, `-` for stdout (default: no call records). */
  readonly callRecords: string | undefined;
  /** Also serve the live call page on the metrics port, `/calls/` (default false). */
  readonly livePage: boolean;
  /** Write every SIP message to this pcap file (default: no capture). */
  readonly pcapFile: string | undefined;
  /** Send every SIP message as HEP v3 to this collector (default: none). */
  readonly hep: { readonly address: string; readonly port: number } | undefined;
  /**
   * SIP T1, ms (default: the user agent's, 500; RFC 3261 §17.1.1.1). Timers J and L (64·T1) bound how long
   * ended calls keep transactions; a soak test shortens it to see the endpoint empty sooner.
   */
  readonly t1Ms: number | undefined;
  /** Once draining (SIGUSR1 or `POST /drain`), end remaining calls and exit after this long, ms (default {@link DEFAULT_DRAIN_TIMEOUT_MS}). */
  readonly drainTimeoutMs: number;
}

/** Default longest drain, ms: after it, calls still up are ended with BYE. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 600_000;

/** Flags of `trunkline echo`. */
export const ECHO_COMMAND: CommandSpec = {
  name: 'echo',
  usage: 'trunkline echo [options]',
  summary:
    'Answer every call and send the caller\'s audio straight back (PCMU/PCMA, SRTP when offered, DTMF echoed), answer OPTIONS, ' +
    'and print one line per call when it ends. SIGINT/SIGTERM: stop accepting, end calls with BYE, exit 0.',
  flags: [
    { name: 'transports', type: 'string', value: 'LIST', description: 'transports to listen on: udp, tcp, tls, comma-separated', defaultText: 'udp,tcp,tls' },
    { name: 'port', short: 'p', type: 'string', value: 'N', description: 'UDP and TCP port (0: any free port)', defaultText: '5060' },
    { name: 'tls-port', type: 'string', value: 'N', description: 'TLS port', defaultText: 'port + 1' },
    { name: 'bind', type: 'string', value: 'ADDR', description: 'local address to listen on', defaultText: '0.0.0.0' },
    { name: 'public-address', type: 'string', value: 'HOST', description: 'address or name peers reach us at (Contact, SDP, certificate)' },
    { name: 'rtp-ports', type: 'string', value: 'MIN-MAX', description: 'RTP port range', defaultText: "the user agent's" },
    { name: 'cert', type: 'string', value: 'FILE', description: 'TLS certificate chain (PEM); with --key' },
    { name: 'key', type: 'string', value: 'FILE', description: 'TLS private key (PEM); with --cert' },
    { name: 'state-dir', type: 'string', value: 'DIR', description: 'where the self-signed certificate is kept', defaultText: '$XDG_STATE_HOME/trunkline' },
    { name: 'srtp', type: 'string', value: 'POLICY', description: 'off | optional | mandatory', defaultText: 'optional' },
    { name: 'allow-sdes-over-cleartext', type: 'boolean', description: 'allow SDES-SRTP keys over UDP/TCP (RFC 4568 §8.3 wants TLS)' },
    { name: 'allow', type: 'string', multiple: true, value: 'CIDR', description: 'only these source prefixes may call (comma-separated too)', defaultText: 'everyone' },
    { name: 'ring-ms', type: 'string', value: 'N', description: 'ring this many ms before answering (to test CANCEL)', defaultText: '0' },
    { name: 'reject', type: 'string', value: 'STATUS', description: 'reject every call with this SIP status (300-699)' },
    { name: 'max-calls', type: 'string', value: 'N', description: 'most simultaneous calls, 503 beyond', defaultText: "the user agent's" },
    { name: 'max-duration', type: 'string', value: 'TIME', description: 'hang up calls after this long (seconds, or 90s, 5m, 1h)', defaultText: '1h' },
    { name: 'record', type: 'string', value: 'DIR', description: 'record both directions of each call as WAV files in DIR' },
    { name: 'json', type: 'boolean', description: 'print one JSON object per call instead of text' },
    { name: 'metrics-port', type: 'string', value: 'N', description: 'serve /metrics (Prometheus), /health and POST /drain on 127.0.0.1:N' },
    { name: 'call-records', type: 'string', value: 'FILE', description: 'append one JSON line per ended call to FILE (- for stdout)' },
    { name: 'live-page', type: 'boolean', description: 'with --metrics-port: a live call page on /calls/ (server-sent events)' },
    { name: 'pcap', type: 'string', value: 'FILE', description: 'write every SIP message to FILE (pcap, opens in Wireshark/sngrep)' },
    { name: 'hep', type: 'string', value: 'ADDR:PORT', description: 'send every SIP message as HEP v3 to a Homer collector (UDP)' },
    { name: 't1', type: 'string', value: 'TIME', description: 'SIP timer T1 (RFC 3261 §17.1.1.1); Timers B, F, H, J, L are 64·T1', defaultText: '500ms' },
    { name: 'drain-timeout', type: 'string', value: 'TIME', description: 'draining (SIGUSR1, POST /drain): new calls get 503; exit when the last call ends or after TIME', defaultText: '10m' },
  ],
  examples: [
    'trunkline echo',
    'trunkline echo --public-address 203.0.113.10 --srtp mandatory --allow 198.51.100.0/24',
    'trunkline echo --port 5080 --ring-ms 3000 --json',
    'trunkline echo --reject 486',
    'trunkline echo --metrics-port 9464 --call-records /var/log/trunkline/calls.jsonl',
  ],
};

/** `--help` text of `trunkline echo`. */
export const ECHO_HELP: string = formatHelp(ECHO_COMMAND);

/**
 * Validate the arguments of `trunkline echo`.
 *
 * @param argv - arguments after `echo`
 * @returns the options, or `'help'` when `--help` was given
 * @throws CliUsageError naming the flag and what it accepts
 */
export function parseEchoArgs(argv: readonly string[]): EchoOptions | 'help' {
  const { values, help } = parseWithSpec(ECHO_COMMAND, argv, 0);
  if (help) return 'help';
  const ref = (flag: string): FlagRef => ({ command: 'echo', flag });
  const given = (name: string): string | undefined => stringValue(values, name);

  const transportList = listValue(values, 'transports');
  const transports = transportList.length === 0 ? (['udp', 'tcp', 'tls'] as const) : [...new Set(transportList.map((t) => choiceValue(ref('transports'), t, ['udp', 'tcp', 'tls'] as const)))];
  const portText = given('port');
  const port = portText === undefined ? DEFAULT_SIP_PORT : portValue(ref('port'), portText);
  const tlsPortText = given('tls-port');
  const tlsPort = tlsPortText === undefined ? (port === 0 ? 0 : port + 1) : portValue(ref('tls-port'), tlsPortText);
  if (tlsPort !== 0 && tlsPort === port && transports.includes('tls') && transports.includes('tcp')) {
    throw new CliUsageError(`--tls-port ${tlsPort} is the TCP port too; give TLS its own port`, 'echo');
  }
  const certFile = given('cert');
  const keyFile = given('key');
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new CliUsageError('--cert and --key go together: give both, or neither for a self-signed certificate', 'echo');
  }
  const rtpPortsText = given('rtp-ports');
  const publicText = given('public-address');
  const ringText = given('ring-ms');
  const rejectText = given('reject');
  const maxCallsText = given('max-calls');
  const maxDurationText = given('max-duration');
  const metricsPortText = given('metrics-port');
  const drainTimeoutText = given('drain-timeout');
  const t1Text = given('t1');
  const callRecords = given('call-records');
  const livePage = booleanValue(values, 'live-page');
  if (livePage && metricsPortText === undefined) throw new CliUsageError('--live-page is served on the metrics port: give --metrics-port too', 'echo');
  const pcapFile = given('pcap');
  if (pcapFile !== undefined && pcapFile.length === 0) throw new CliUsageError('--pcap needs a file name', 'echo');
  const hepText = given('hep');
  const hepMatch = hepText === undefined ? null : /^\[?([^\]]+?)\]?:(\d+)$/.exec(hepText.trim());
  if (hepText !== undefined && hepMatch === null) throw new CliUsageError(`--hep expects ADDR:PORT (e.g. 192.0.2.5:9060), got ${JSON.stringify(hepText)}`, 'echo');
  if (callRecords !== undefined && callRecords.length === 0) throw new CliUsageError('--call-records needs a file name, or - for stdout', 'echo');
  const rejectStatus = rejectText === undefined ? undefined : integerValue(ref('reject'), rejectText, 300, 699);
  const ringMs = ringText === undefined ? 0 : integerValue(ref('ring-ms'), ringText, 0, MAX_RING_MS);
  return {
    transports,
    port,
    tlsPort,
    bind: addressValue(ref('bind'), given('bind') ?? '0.0.0.0'),
    publicAddress: publicText === undefined ? undefined : hostValue(ref('public-address'), publicText),
    rtpPorts: rtpPortsText === undefined ? undefined : portRangeValue(ref('rtp-ports'), rtpPortsText),
    certFile,
    keyFile,
    stateDir: given('state-dir'),
    srtp: choiceValue(ref('srtp'), given('srtp') ?? 'optional', ['off', 'optional', 'mandatory'] as const),
    allowSdesOverCleartext: booleanValue(values, 'allow-sdes-over-cleartext'),
    allow: listValue(values, 'allow').map((entry) => cidrValue(ref('allow'), entry)),
    ringMs,
    rejectStatus,
    maxCalls: maxCallsText === undefined ? undefined : integerValue(ref('max-calls'), maxCallsText, 1, 100_000),
    maxDurationMs: maxDurationText === undefined ? DEFAULT_ECHO_MAX_DURATION_MS : durationMsValue(ref('max-duration'), maxDurationText, 1000, 86_400_000),
    recordDir: given('record'),
    json: booleanValue(values, 'json'),
    metricsPort: metricsPortText === undefined ? undefined : portValue(ref('metrics-port'), metricsPortText),
    callRecords,
    livePage,
    pcapFile,
    hep: hepMatch === null ? undefined : { address: addressValue(ref('hep'), hepMatch[1]!), port: integerValue(ref('hep'), hepMatch[2]!, 1, 65535) },
    t1Ms: t1Text === undefined ? undefined : durationMsValue(ref('t1'), t1Text, 10, 60_000),
    drainTimeoutMs: drainTimeoutText === undefined ? DEFAULT_DRAIN_TIMEOUT_MS : durationMsValue(ref('drain-timeout'), drainTimeoutText, 1000, 86_400_000),
  };
}
