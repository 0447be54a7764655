/**
 * Options of {@link createUserAgent}, with their defaults, validated once.
 */
import { isIP } from 'node:net';
import type { SrtpProfile } from '@trunkline/rtp-srtp';
import { AUDIO_CODECS, type AudioCodecName } from '@trunkline/sdp';
import type { DnsResolver, Pem, TlsClientOptions, TransportTraceEvent } from '@trunkline/transaction-layer';
import { AllowList } from './allow-list.js';
import { SessionTimer, type SessionTimerOptions } from './features/session-timer.js';

/** One SIP listener. */
export interface TransportConfig {
  /** `udp`, `tcp` or `tls`. Required. */
  readonly protocol: 'udp' | 'tcp' | 'tls';
  /** Local address to bind. Default `'0.0.0.0'` when `publicAddress` is set, else `'127.0.0.1'`. */
  readonly host?: string;
  /** Local port; 0 picks an ephemeral one. Default 5060 (UDP/TCP), 5061 (TLS). */
  readonly port?: number;
  /** Certificate chain (PEM). Required for `tls`. */
  readonly cert?: Pem | readonly Pem[];
  /** Private key (PEM). Required for `tls`. */
  readonly key?: Pem;
  /** CAs for client certificates (mutual TLS). Default: Node's root CAs. */
  readonly ca?: Pem | readonly Pem[];
  /** Require a client certificate verified against `ca`. Default false. */
  readonly requestClientCert?: boolean;
}

/** Audio policy of every call. */
export interface MediaPolicy {
  /** Codecs by local preference. Default `['PCMU', 'PCMA']`. */
  readonly codecs?: readonly AudioCodecName[];
  /** SRTP (SDES, RFC 4568): `off`, `optional` or `mandatory`. Default `optional`. */
  readonly srtp?: 'off' | 'optional' | 'mandatory';
  /** SRTP suites accepted and offered, by preference. Default: all six. */
  readonly suites?: readonly SrtpProfile[];
  /** Send SDES keys over UDP/TCP signalling (RFC 4568 §8.3 forbids it unless you know better). Default false. */
  readonly allowSdesOverCleartext?: boolean;
  /** PCM rate the app reads and writes. Default 8000. */
  readonly sampleRate?: 8000 | 16000 | 24000 | 48000;
  /** Playout queue bound, ms of audio ahead. Default 2000. */
  readonly maxQueuedMs?: number;
  /** Read-side buffer bound in frames (oldest dropped, counted). Default 50. */
  readonly maxReadFrames?: number;
  /** Send silence while nothing is queued. Default true. */
  readonly sendSilence?: boolean;
  /** No RTP for this long → `media-timeout` (ms; 0 disables). Default 30,000. */
  readonly mediaTimeoutMs?: number;
  /** End the call with BYE on a media timeout. Default true. */
  readonly hangupOnMediaTimeout?: boolean;
  /**
   * Receive jitter buffer bounds (ms) and packet bound. Default: adaptive
   * (see rtp-srtp's `JitterBuffer`). A fixed delay (`minDelayMs` =
   * `initialDelayMs` = `maxDelayMs`) never stretches or shrinks time, which
   * measuring tools such as the test caller want.
   */
  readonly jitter?: { readonly minDelayMs?: number; readonly initialDelayMs?: number; readonly maxDelayMs?: number; readonly maxPackets?: number };
}

/** A log record given to {@link UserAgentOptions.logger}. */
export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  /** The Call-ID concerned, if any. */
  readonly callId?: string;
  readonly error?: unknown;
}

/** RFC 3261 timers and the user agent's own. */
export interface UserAgentTimers {
  /** RTT estimate (ms). Default 500 (RFC 3261 §17.1.1.1). */
  readonly T1?: number;
  /** Retransmit cap (ms). Default 4000. */
  readonly T2?: number;
  /** Max message lifetime (ms). Default 5000. */
  readonly T4?: number;
  /** Delay before an automatic 100 Trying (ms). Default 200. */
  readonly trying100?: number;
}

/** Options of {@link createUserAgent}. */
export interface UserAgentOptions {
  /** SIP listeners; at least one. */
  readonly transports: readonly TransportConfig[];
  /** Address put in Via, Contact and SDP (trunks want a static one). Default: the first listener's bound address. */
  readonly publicAddress?: string;
  /** Outbound TLS: CAs, verification (default on), client certificate. */
  readonly tlsClient?: TlsClientOptions;
  /** RTP/RTCP port range `[min, max]`. Default `[20000, 29999]`. */
  readonly rtpPorts?: readonly [number, number];
  /** Address RTP sockets bind. Default: the first listener's host. */
  readonly rtpHost?: string;
  /** Audio policy. */
  readonly media?: MediaPolicy;
  /** Source CIDR prefixes allowed to send requests. Default: everyone. */
  readonly allow?: readonly string[];
  /** What a request from outside `allow` gets: `reject` (403, stateless) or `drop` (silence). Default `reject`. */
  readonly refuse?: 'reject' | 'drop';
  /** Most concurrent calls (inbound and outbound); more inbound ones get 503. Default 500. */
  readonly maxCalls?: number;
  /** Retry-After (seconds) sent with the 503 beyond `maxCalls` or while closing. Default 30. */
  readonly retryAfterSeconds?: number;
  /** Most live SIP transactions. Default 10,000. */
  readonly maxTransactions?: number;
  /**
   * Most Accepted INVITE server transactions (RFC 6026 §7.1: answered calls absorbing INVITE
   * retransmissions for Timer L, 64·T1), kept as small records apart from `maxTransactions`;
   * the oldest is forgotten early beyond it. Default 100,000; `0` keeps them inside `maxTransactions`.
   */
  readonly maxAcceptedTransactions?: number;
  /** RFC 3261 timers. */
  readonly timers?: UserAgentTimers;
  /** User-Agent / Server header. Default `Trunkline`. */
  readonly userAgent?: string;
  /** User part of our Contact and default From. Default `trunkline`. */
  readonly user?: string;
  /** DNS client for RFC 3263 (tests, custom resolvers). Default: Node's. */
  readonly resolver?: DnsResolver;
  /** Log hook. Default: none (nothing is printed; `node:diagnostics_channel` carries the same). */
  readonly logger?: (entry: LogEntry) => void;
  /** SIP trace hook: every message in or out. Default: none. */
  readonly trace?: (event: TransportTraceEvent) => void;
  /**
   * Session timers (RFC 4028) on every call: `Supported: timer`, Session-Expires/Min-SE on the
   * INVITE and 2xx, refreshes by UPDATE (when the peer allows it) or re-INVITE, BYE with
   * `Reason: SIP;cause=408` when the peer stops refreshing. `false` turns them off (the peer may
   * still refresh; we answer). Default `{ sessionExpires: 1800, minSE: 90, refresher: 'local' }`.
   */
  readonly sessionTimers?: SessionTimerPolicy | false;
  /**
   * CRLF keep-alives on the TCP/TLS connections this user agent opens (RFC 5626 §3.5.1, §4.4.1):
   * a CRLFCRLF ping every `intervalMs`; no CRLF pong within `pongTimeoutMs` fails the flow — the
   * connection is closed and the user agent emits `flowFailed` (re-register or re-probe on it).
   * Keeps NAT bindings towards a trunk open between requests. Connections the peer opened are not
   * pinged (we answer its pings with a pong). Default: off.
   */
  readonly crlfKeepAlive?: CrlfKeepAliveOptions;
}

/** Options of {@link UserAgentOptions.crlfKeepAlive} (RFC 5626 §4.4.1). */
export interface CrlfKeepAliveOptions {
  /**
   * Interval between pings (ms). Required. RFC 5626 §4.4.1 suggests 95-120 s
   * (randomised) for TCP towards NATs; a trunk with short NAT timeouts wants
   * less.
   */
  readonly intervalMs: number;
  /** A ping without a pong within this long fails the flow (ms). Default 10,000 (RFC 5626 §4.4.1). */
  readonly pongTimeoutMs?: number;
}

/** The session-timer options a user agent takes (see {@link SessionTimerOptions}). */
export type SessionTimerPolicy = Pick<SessionTimerOptions, 'sessionExpires' | 'minSE' | 'refresher' | 'minSEFloor'>;

/** @internal Options with defaults applied. */
export interface ResolvedUserAgentOptions {
  readonly transports: readonly TransportConfig[];
  readonly publicAddress: string | undefined;
  readonly tlsClient: TlsClientOptions | undefined;
  readonly rtpPorts: readonly [number, number];
  readonly rtpHost: string;
  readonly media: Required<Omit<MediaPolicy, 'suites' | 'jitter'>> & { readonly suites: readonly SrtpProfile[] | undefined; readonly jitter: MediaPolicy['jitter'] };
  readonly allow: AllowList | null;
  readonly refuse: 'reject' | 'drop';
  readonly maxCalls: number;
  readonly retryAfterSeconds: number;
  readonly maxTransactions: number;
  readonly maxAcceptedTransactions: number;
  readonly timers: Required<UserAgentTimers>;
  readonly userAgent: string;
  readonly user: string;
  readonly resolver: DnsResolver | undefined;
  readonly logger: ((entry: LogEntry) => void) | undefined;
  readonly trace: ((event: TransportTraceEvent) => void) | undefined;
  /** Session-timer options of each call (transactionTimeoutMs from T1), or null when off. */
  readonly sessionTimers: SessionTimerOptions | null;
  /** CRLF keep-alives of outbound TCP/TLS connections; interval 0 = off. */
  readonly crlfKeepAlive: { readonly intervalMs: number; readonly pongTimeoutMs: number };
}

function int(name: string, v: number | undefined, def: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const x = v ?? def;
  if (!Number.isInteger(x) || x < min || x > max) throw new RangeError(`${name} must be an integer in ${min}..${max}, got ${String(x)}`);
  return x;
}

/** @internal Applies defaults; TypeError / RangeError name the bad option. */
export function resolveUserAgentOptions(o: UserAgentOptions): ResolvedUserAgentOptions {
  if (typeof o !== 'object' || o === null) throw new TypeError('options must be an object');
  if (!Array.isArray(o.transports) || o.transports.length === 0) throw new TypeError('options.transports needs at least one transport');
  if (o.publicAddress !== undefined && isIP(o.publicAddress) === 0) throw new TypeError('options.publicAddress must be an IP address');
  const defaultHost = o.publicAddress === undefined ? '127.0.0.1' : '0.0.0.0';
  const transports = o.transports.map((t, i) => {
    if (t.protocol !== 'udp' && t.protocol !== 'tcp' && t.protocol !== 'tls') throw new TypeError(`options.transports[${i}].protocol must be udp, tcp or tls`);
    if (t.protocol === 'tls' && (t.cert === undefined || t.key === undefined)) throw new TypeError(`options.transports[${i}] is tls and needs cert and key`);
    return { ...t, host: t.host ?? defaultHost };
  });
  const rtpPorts = o.rtpPorts ?? [20000, 29999];
  if (!Array.isArray(rtpPorts) || rtpPorts.length !== 2) throw new TypeError('options.rtpPorts must be [min, max]');
  const min = int('options.rtpPorts[0]', rtpPorts[0], 0, 1024, 65534);
  const max = int('options.rtpPorts[1]', rtpPorts[1], 0, min + 1, 65535);
  const m = o.media ?? {};
  const srtp = m.srtp ?? 'optional';
  if (srtp !== 'off' && srtp !== 'optional' && srtp !== 'mandatory') throw new TypeError('options.media.srtp must be off, optional or mandatory');
  const sampleRate = m.sampleRate ?? 8000;
  if (![8000, 16000, 24000, 48000].includes(sampleRate)) throw new TypeError('options.media.sampleRate must be 8000, 16000, 24000 or 48000');
  const codecs = m.codecs ?? ['PCMU', 'PCMA'];
  if (!Array.isArray(codecs) || codecs.length === 0 || codecs.some((c) => !AUDIO_CODECS.includes(c))) {
    throw new TypeError(`options.media.codecs must be a non-empty list of ${AUDIO_CODECS.join(', ')}`);
  }
  const refuse = o.refuse ?? 'reject';
  if (refuse !== 'reject' && refuse !== 'drop') throw new TypeError('options.refuse must be reject or drop');
  if (o.logger !== undefined && typeof o.logger !== 'function') throw new TypeError('options.logger must be a function');
  const ka = o.crlfKeepAlive;
  if (ka !== undefined && (typeof ka !== 'object' || ka === null)) throw new TypeError('options.crlfKeepAlive must be an object');
  const tm = o.timers ?? {};
  const T1 = int('options.timers.T1', tm.T1, 500, 1);
  return {
    transports,
    publicAddress: o.publicAddress,
    tlsClient: o.tlsClient,
    rtpPorts: [min, max],
    rtpHost: o.rtpHost ?? transports[0]!.host,
    media: {
      codecs,
      srtp,
      suites: m.suites,
      allowSdesOverCleartext: m.allowSdesOverCleartext ?? false,
      sampleRate,
      maxQueuedMs: int('options.media.maxQueuedMs', m.maxQueuedMs, 2000, 20),
      maxReadFrames: int('options.media.maxReadFrames', m.maxReadFrames, 50, 1),
      sendSilence: m.sendSilence ?? true,
      mediaTimeoutMs: int('options.media.mediaTimeoutMs', m.mediaTimeoutMs, 30_000, 0),
      hangupOnMediaTimeout: m.hangupOnMediaTimeout ?? true,
      jitter: m.jitter,
    },
    allow: o.allow === undefined ? null : new AllowList(o.allow),
    refuse,
    maxCalls: int('options.maxCalls', o.maxCalls, 500, 1),
    retryAfterSeconds: int('options.retryAfterSeconds', o.retryAfterSeconds, 30, 0),
    maxTransactions: int('options.maxTransactions', o.maxTransactions, 10_000, 1),
    maxAcceptedTransactions: int('options.maxAcceptedTransactions', o.maxAcceptedTransactions, 100_000, 0),
    timers: {
      T1,
      T2: int('options.timers.T2', tm.T2, Math.max(4000, T1), T1),
      T4: int('options.timers.T4', tm.T4, 5000, 1),
      trying100: int('options.timers.trying100', tm.trying100, 200, 1),
    },
    userAgent: o.userAgent ?? 'Trunkline',
    user: o.user ?? 'trunkline',
    resolver: o.resolver,
    logger: o.logger,
    trace: o.trace,
    sessionTimers: o.sessionTimers === false ? null : sessionTimerOptions(o.sessionTimers ?? {}, 64 * T1),
    crlfKeepAlive:
      ka === undefined
        ? { intervalMs: 0, pongTimeoutMs: 10_000 }
        : { intervalMs: int('options.crlfKeepAlive.intervalMs', ka.intervalMs, 0, 1), pongTimeoutMs: int('options.crlfKeepAlive.pongTimeoutMs', ka.pongTimeoutMs, 10_000, 1) },
  };
}

function sessionTimerOptions(p: SessionTimerPolicy, transactionTimeoutMs: number): SessionTimerOptions {
  if (typeof p !== 'object' || p === null) throw new TypeError('options.sessionTimers must be an object or false');
  const o: SessionTimerOptions = { ...p, transactionTimeoutMs };
  new SessionTimer(o); // validates once (TypeError naming the option)
  return o;
}
