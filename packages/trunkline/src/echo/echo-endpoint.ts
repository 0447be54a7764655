/**
 * The echo endpoint: a user agent that answers every call and sends the
 * caller's audio (and DTMF) straight back — the far end of a trunk's
 * connectivity test (see docs/architecture.md and the trunk profile).
 *
 * @module
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { TrunklineError } from '@trunkline/errors';
import { join } from 'node:path';
import {
  CallMetricsCollector,
  CallRecordWriter,
  HepExporter,
  LiveCallBoard,
  NodeStatus,
  PcapWriter,
  SipCapture,
  startObservabilityServer,
  type NodeHealth,
  type ObservabilityServer,
  type SipPacket,
} from '@trunkline/observability';
import {
  createUserAgent,
  StereoWavRecorder,
  type Call,
  type CallEndedEvent,
  type RefusedInvite,
  type TransportConfig,
  type UserAgent,
  type UserAgentAddress,
  type UserAgentTimers,
} from '@trunkline/user-agent';
import { loadOrCreateCertificate, type StoredCertificate } from '../cert/index.js';
import type { EchoOptions } from '../cli/index.js';
import type { EchoCallSummary, EchoBannerFacts } from '../cli/index.js';

/** Notifications of a running {@link EchoEndpoint}. */
export interface EchoEndpointHooks {
  /** A call ended: one summary per call (answered or not). */
  readonly onCall?: (summary: EchoCallSummary) => void;
  /** A contained failure (recording could not be written, ...). */
  readonly onError?: (error: unknown) => void;
}

/**
 * Tuning of {@link startEchoEndpoint} that has no command-line flag: what the
 * hostile and fault tests need to run RFC 3261 timers in seconds instead of
 * minutes, and to bound transactions below the user agent's default.
 */
export interface EchoEndpointTuning {
  /** RFC 3261 timers (a short T1 makes Timer H end unacknowledged calls after 64·T1). Default: the user agent's (T1 500 ms). */
  readonly timers?: UserAgentTimers;
  /** Most live SIP transactions; more get a stateless 503 (RFC 3261 §21.5.4). Default: the user agent's (10,000). */
  readonly maxTransactions?: number;
}

/** A running echo endpoint. */
export interface EchoEndpoint extends AsyncDisposable {
  /** The user agent underneath (stats, addresses). */
  readonly ua: UserAgent;
  /** What the start-up banner shows. */
  readonly banner: EchoBannerFacts;
  /** The bound port of `/metrics`, `/health` and `POST /drain` (`--metrics-port`), or null. */
  readonly metricsPort: number | null;
  /** Open, busy or draining, with the load (what `/health` serves). */
  health(): NodeHealth;
  /**
   * Drains the node: new INVITEs get 503 with Retry-After (RFC 3261 §21.5.4,
   * §20.33) so a load balancer fails them over, established calls continue.
   * Settles once the last call has ended, or after `--drain-timeout` (the
   * calls left are then ended with BYE); the endpoint is closed either way.
   * `POST /drain` on the metrics port does the same. Idempotent.
   */
  drain(): Promise<void>;
  /** Settles once the endpoint is closed ({@link close}, or the end of {@link drain}). */
  readonly closed: Promise<void>;
  /**
   * Stops accepting (new INVITEs get 503), ends every call with BYE and
   * releases every socket. Idempotent.
   */
  close(): Promise<void>;
}

async function tlsMaterial(options: EchoOptions): Promise<{ cert: string; key: string; stored: StoredCertificate | null; certPath: string }> {
  if (options.certFile !== undefined && options.keyFile !== undefined) {
    return { cert: await readFile(options.certFile, 'utf8'), key: await readFile(options.keyFile, 'utf8'), stored: null, certPath: options.certFile };
  }
  const stored = await loadOrCreateCertificate({
    ...(options.stateDir === undefined ? {} : { stateDir: options.stateDir }),
    hosts: options.publicAddress === undefined ? [] : [options.publicAddress],
  });
  return { cert: stored.cert, key: stored.key, stored, certPath: stored.certPath };
}

/**
 * Starts an echo endpoint as `options` say (the parsed `trunkline echo`
 * flags): listeners, certificate, SRTP policy, allow-list, ring/reject
 * behaviour, call limits and recording.
 *
 * @param options - parsed echo options (see `parseEchoArgs`)
 * @param hooks - per-call summaries and contained errors
 * @param tuning - timers and limits without a flag (tests)
 */
export async function startEchoEndpoint(options: EchoOptions, hooks: EchoEndpointHooks = {}, tuning: EchoEndpointTuning = {}): Promise<EchoEndpoint> {
  const transports: TransportConfig[] = [];
  let tls: Awaited<ReturnType<typeof tlsMaterial>> | null = null;
  for (const protocol of options.transports) {
    if (protocol === 'tls') {
      tls = await tlsMaterial(options);
      transports.push({ protocol, host: options.bind, port: options.tlsPort, cert: tls.cert, key: tls.key });
    } else {
      transports.push({ protocol, host: options.bind, port: options.port });
    }
  }
  const report = (error: unknown): void => {
    try {
      hooks.onError?.(error);
    } catch {
      // A throwing hook must not take the endpoint down.
    }
  };
  const pcap = options.pcapFile === undefined ? null : new PcapWriter(options.pcapFile, report);
  const hep = options.hep === undefined ? null : new HepExporter({ host: options.hep.address, port: options.hep.port, onError: report });
  const sinks: Array<(p: SipPacket) => void> = [];
  if (pcap !== null) sinks.push((p) => pcap.write(p));
  if (hep !== null) sinks.push((p) => hep.send(p));
  const capture = sinks.length === 0 ? null : new SipCapture(sinks);
  let ua: UserAgent;
  try {
    ua = await createUserAgent({
      transports,
      ...(capture === null ? {} : { trace: capture.trace }),
      ...(options.publicAddress === undefined ? {} : { publicAddress: options.publicAddress }),
      ...(options.rtpPorts === undefined ? {} : { rtpPorts: options.rtpPorts }),
      ...(options.maxCalls === undefined ? {} : { maxCalls: options.maxCalls }),
      ...(options.t1Ms === undefined ? {} : { timers: { T1: options.t1Ms } }),
      ...(options.allow.length === 0 ? {} : { allow: options.allow }),
      ...(tuning.timers === undefined ? {} : { timers: tuning.timers }),
      ...(tuning.maxTransactions === undefined ? {} : { maxTransactions: tuning.maxTransactions }),
      media: { srtp: options.srtp, allowSdesOverCleartext: options.allowSdesOverCleartext, sampleRate: 8000 },
      userAgent: 'Trunkline echo',
      user: 'echo',
    });
  } catch (e) {
    await pcap?.close();
    await hep?.close();
    throw e;
  }
  capture?.attach(ua);
  const status = new NodeStatus({ activeCalls: () => ua.stats.callsActive, capacity: options.maxCalls ?? DEFAULT_CAPACITY });
  const metrics = new CallMetricsCollector();
  metrics.observeUserAgent(ua);
  const records = options.callRecords === undefined ? null : new CallRecordWriter(options.callRecords, report);
  const board = options.livePage ? new LiveCallBoard() : null;
  let serving = 0;
  let idle: (() => void) | null = null;
  ua.on('call', (call) => {
    metrics.trackCall(call);
    records?.trackCall(call);
    board?.trackCall(call);
    serving++;
    void serveCall(call, options, status, hooks, report)
      .catch(report)
      .finally(() => {
        if (--serving === 0) idle?.();
      });
  });
  // An INVITE refused before it became a call (488 for its offer, 503 over the limit...) gets its line too.
  ua.on('refused', (r) => hooks.onCall?.(summarizeRefused(r)));
  let server: ObservabilityServer | null = null;
  let draining: Promise<void> | null = null;
  let closing: Promise<void> | null = null;
  let onClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => (onClosed = resolve));
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      status.drain();
      try {
        await ua.close();
      } finally {
        metrics.close();
        await server?.close();
        await records?.close();
        await pcap?.close();
        await hep?.close();
        onClosed();
      }
    })());
  const drain = (): Promise<void> =>
    (draining ??= (async () => {
      status.drain();
      if (serving > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => (idle = resolve)),
          new Promise<void>((resolve) => (timer = setTimeout(resolve, options.drainTimeoutMs))),
        ]);
        clearTimeout(timer);
      }
      await close();
    })());
  if (options.metricsPort !== undefined) {
    try {
      server = await startObservabilityServer({
        port: options.metricsPort,
        registry: metrics.registry,
        status,
        onDrain: () => void drain().catch(report),
        ...(board === null ? {} : { liveCalls: board }),
      });
    } catch (e) {
      await close();
      throw e;
    }
  }

  const addresses: readonly UserAgentAddress[] = ua.addresses;
  const host = options.publicAddress ?? (options.bind === '0.0.0.0' || options.bind === '::' ? '127.0.0.1' : options.bind);
  const banner: EchoBannerFacts = {
    listeners: addresses.map((a) => ({ transport: a.protocol, address: a.address, port: a.port })),
    host,
    srtp: options.srtp,
    certPath: tls?.certPath ?? null,
    fingerprint256: tls?.stored?.fingerprint256 ?? null,
    certCreated: tls?.stored?.created ?? false,
  };
  return { ua, banner, metricsPort: server?.port ?? null, health: () => status.health(), drain, closed, close, [Symbol.asyncDispose]: close };
}

/** The user agent's default `maxCalls`, the capacity `/health` reports without `--max-calls`. */
const DEFAULT_CAPACITY = 500;

/** Answers one call as the options say, echoes until it ends, then reports it. */
async function serveCall(call: Call, options: EchoOptions, status: NodeStatus, hooks: EchoEndpointHooks, report: (e: unknown) => void): Promise<void> {
  const recording = options.recordDir === undefined ? null : new StereoWavRecorder({ sampleRate: 8000 });
  const ended = call.done;
  if (status.draining) {
    // Draining: 503 with Retry-After (the user agent adds it) so a dispatcher fails over (RFC 3261 §21.5.4).
    call.reject(503);
  } else if (options.rejectStatus !== undefined) {
    call.reject(options.rejectStatus);
  } else {
    if (options.ringMs > 0) {
      call.ring();
      // Ring, unless the caller gives up first (CANCEL ends the call: 487).
      await Promise.race([new Promise((r) => setTimeout(r, options.ringMs).unref()), ended]);
    }
    if (call.state === 'incoming' || call.state === 'ringing') {
      try {
        // Packet-level echo: each RTP packet (audio and RFC 4733 DTMF) goes straight back, at most
        // one frame later — no jitter buffer or pacer between the caller and its echo.
        await call.answer({ reflect: true, ...(recording === null ? {} : { record: recording }) });
      } catch (e) {
        // Not answered (CANCEL, 488, no ACK): the ended event says why. A call still waiting for its
        // final response is one the user agent admitted but could not answer (an INVITE without
        // Contact, RFC 3261 §8.1.1.8, fails building the dialog): refuse it, or it holds a call slot,
        // an RTP port and a transaction for ever. 500 unless the error names a status (§21.5.1).
        if (call.state === 'incoming' || call.state === 'ringing') call.reject(e instanceof TrunklineError && e.statusHint !== undefined ? e.statusHint : 500);
      }
    }
    if (call.state === 'established') {
      const limit = setTimeout(() => void call.hangup({ reason: 'SIP;cause=200;text="max duration"' }), options.maxDurationMs);
      limit.unref();
      // The echo is reflected packet by packet inside the media engine; nothing to read or write here.
      await ended;
      clearTimeout(limit);
    }
  }
  const end = await ended;
  if (recording !== null && options.recordDir !== undefined) {
    try {
      await mkdir(options.recordDir, { recursive: true });
      await writeFile(join(options.recordDir, `${safeFileName(call.callId)}.wav`), recording.toWav());
    } catch (e) {
      report(e);
    }
  }
  hooks.onCall?.(summarize(call, end));
}

function summarizeRefused(r: RefusedInvite): EchoCallSummary {
  return {
    callId: r.callId,
    from: r.from,
    to: r.to,
    transport: r.transport === 'udp' || r.transport === 'tcp' ? r.transport : 'tls',
    remote: r.remote,
    uui: r.uui[0]?.data ?? null,
    codec: null,
    srtpSuite: null,
    setupMs: null,
    durationMs: 0,
    packetsReceived: 0,
    packetsSent: 0,
    lossPercent: null,
    jitterMs: null,
    rttMs: null,
    mos: null,
    oneWay: false,
    endReason: `refused ${r.status}${r.warning === null ? '' : ` (${r.warning})`}`,
  };
}

const safeFileName = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120);

function summarize(call: Call, end: CallEndedEvent): EchoCallSummary {
  const m = end.metrics;
  const media = m.media;
  const first = call.uui[0];
  return {
    callId: call.callId,
    from: call.from.uri,
    to: call.to.uri,
    transport: call.transport === 'udp' || call.transport === 'tcp' ? call.transport : 'tls',
    remote: call.remote,
    uui: first === undefined ? null : first.data,
    codec: media?.codec ?? null,
    srtpSuite: media?.srtpSuite ?? null,
    setupMs: m.setupMs,
    durationMs: m.durationMs ?? 0,
    packetsReceived: media?.packetsReceived ?? 0,
    packetsSent: media?.packetsSent ?? 0,
    lossPercent: media?.lossPercent ?? null,
    jitterMs: media?.jitterMs ?? null,
    rttMs: media?.rttMs ?? null,
    mos: media?.mos ?? null,
    oneWay: media !== null && media.oneWayAudio !== 'none',
    endReason: end.by === undefined ? end.reason : `${end.by}-${end.reason}`,
  };
}
