/**
 * Prometheus metrics of a Trunkline node, fed by the user agent's call
 * lifecycle records on `node:diagnostics_channel` ({@link CALL_CHANNEL}), the
 * final per-call metrics of each tracked call's `ended` event, and `ua.stats`.
 *
 * @module
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { CALL_CHANNEL, type Call, type CallEndedEvent, type MediaDrops, type UserAgent } from '@trunkline/user-agent';

/** Options of {@link CallMetricsCollector}. */
export interface CallMetricsOptions {
  /** Registry to register the metrics in. Default: a new one (see {@link CallMetricsCollector.registry}). */
  readonly registry?: Registry;
  /** Metric name prefix. Default `trunkline_`. */
  readonly prefix?: string;
  /**
   * Also register prom-client's default Node.js metrics (event-loop lag
   * `nodejs_eventloop_lag_seconds` and its percentiles, heap, CPU, handles).
   * Default true.
   */
  readonly processMetrics?: boolean;
  /** Event-loop lag sampling resolution, ms (prom-client `eventLoopMonitoringPrecision`). Default 10. */
  readonly eventLoopPrecisionMs?: number;
}

/** Setup latency buckets, seconds: 5 ms (loopback) to 10 s (a slow carrier). */
const SETUP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Inbound loss buckets, as a ratio of expected packets. */
const LOSS_BUCKETS = [0, 0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5];
/** Jitter buckets, seconds (RFC 3550 §A.8 interarrival jitter). */
const JITTER_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2];
/** Round-trip buckets, seconds (RFC 3550 §6.4.1 LSR/DLSR). */
const RTT_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.4, 0.8];
/** MOS buckets (ITU-T G.107 E-model scale 1–4.5). */
const MOS_BUCKETS = [1, 2, 2.5, 3, 3.5, 3.8, 4, 4.2, 4.4, 4.5];

/** The {@link MediaDrops} counters exported as `media_dropped_total{reason}` (packet and frame counts, not milliseconds). */
const DROP_REASONS = ['unprotect', 'parse', 'payloadType', 'late', 'duplicate', 'jitterBuffer', 'readFrames'] as const satisfies ReadonlyArray<keyof MediaDrops>;

/** One call as the lifecycle records describe it. */
interface LiveCall {
  readonly direction: string;
  readonly createdAt: number;
  established: boolean;
}

/** A lifecycle record of {@link CALL_CHANNEL}, as far as the metrics read it. */
interface CallRecordMessage {
  readonly type?: unknown;
  readonly callId?: unknown;
  readonly direction?: unknown;
  readonly reason?: unknown;
  readonly status?: unknown;
}

/**
 * The `result` label of a call that ended: `answered` once established,
 * else the end reason (`rejected`, `cancelled`, `timeout`, `unreachable`, ...).
 */
function resultOf(established: boolean, reason: unknown): string {
  return established ? 'answered' : typeof reason === 'string' ? reason : 'unknown';
}

/**
 * Collects Trunkline call metrics into a prom-client registry.
 *
 * Lifecycle counts come from {@link CALL_CHANNEL}, which is process-wide: a
 * collector counts every user agent of its process (one node = one process).
 * Media figures (codec, SRTP suite, loss, jitter, RTT, MOS, one-way audio)
 * come from the calls passed to {@link CallMetricsCollector.trackCall}.
 *
 * @example
 * const metrics = new CallMetricsCollector();
 * metrics.observeUserAgent(ua);
 * ua.on('call', (call) => metrics.trackCall(call));
 * const text = await metrics.registry.metrics();
 */
export class CallMetricsCollector {
  /** The registry holding every metric (serve it with `registry.metrics()`). */
  readonly registry: Registry;
  readonly #live = new Map<string, LiveCall>();
  readonly #active: Gauge<'direction'>;
  readonly #total: Counter<'direction' | 'result' | 'status'>;
  readonly #setup: Histogram<'direction'>;
  readonly #codec: Counter<'codec'>;
  readonly #srtp: Counter<'suite'>;
  readonly #loss: Histogram;
  readonly #jitter: Histogram;
  readonly #rtt: Histogram;
  readonly #mos: Histogram;
  readonly #oneWay: Counter<'missing'>;
  readonly #drops: Counter<'reason'>;
  readonly #userAgents = new Set<UserAgent>();
  readonly #onRecord = (message: unknown): void => this.#record(message as CallRecordMessage);
  #closed = false;

  /** @param options - registry, prefix and process metrics (see {@link CallMetricsOptions}) */
  constructor(options: CallMetricsOptions = {}) {
    const prefix = options.prefix ?? 'trunkline_';
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(prefix)) throw new TypeError(`options.prefix is not a Prometheus name prefix: ${JSON.stringify(prefix)}`);
    const precision = options.eventLoopPrecisionMs ?? 10;
    if (!Number.isInteger(precision) || precision < 1) throw new TypeError('options.eventLoopPrecisionMs must be a positive integer');
    this.registry = options.registry ?? new Registry();
    const registers = [this.registry];
    this.#active = new Gauge({ name: `${prefix}calls_active`, help: 'Calls not yet ended, by direction', labelNames: ['direction'], registers });
    this.#total = new Counter({
      name: `${prefix}calls_total`,
      help: 'Calls ended, by direction, result (answered or the end reason) and final status (200 for answered calls)',
      labelNames: ['direction', 'result', 'status'],
      registers,
    });
    this.#setup = new Histogram({
      name: `${prefix}call_setup_seconds`,
      help: 'INVITE to established (outbound: 2xx received; inbound: ACK received), seconds',
      labelNames: ['direction'],
      buckets: SETUP_BUCKETS,
      registers,
    });
    this.#codec = new Counter({ name: `${prefix}call_codec_total`, help: 'Ended calls with media, by negotiated codec', labelNames: ['codec'], registers });
    this.#srtp = new Counter({ name: `${prefix}call_srtp_total`, help: 'Ended calls with media, by SRTP suite (none = plain RTP)', labelNames: ['suite'], registers });
    this.#loss = new Histogram({ name: `${prefix}call_loss_ratio`, help: 'Inbound RTP loss per call, ratio of expected packets', buckets: LOSS_BUCKETS, registers });
    this.#jitter = new Histogram({ name: `${prefix}call_jitter_seconds`, help: 'Inbound interarrival jitter per call at its end (RFC 3550 A.8), seconds', buckets: JITTER_BUCKETS, registers });
    this.#rtt = new Histogram({ name: `${prefix}call_rtt_seconds`, help: 'RTCP round-trip time per call (RFC 3550 6.4.1), seconds', buckets: RTT_BUCKETS, registers });
    this.#mos = new Histogram({ name: `${prefix}call_mos`, help: 'E-model MOS estimate per call (ITU-T G.107)', buckets: MOS_BUCKETS, registers });
    this.#oneWay = new Counter({
      name: `${prefix}call_one_way_audio_total`,
      help: 'Ended calls with one-way or no audio, by the direction that was missing',
      labelNames: ['missing'],
      registers,
    });
    // Zero series exist from the start, so a dashboard's rate() sees the first one-way call.
    for (const missing of ['no-inbound', 'no-outbound', 'both-silent'] as const) this.#oneWay.inc({ missing }, 0);
    this.#drops = new Counter({
      name: `${prefix}media_dropped_total`,
      help: 'RTP/RTCP datagrams and frames dropped in ended calls, by reason (unprotect, parse, payloadType, late, duplicate, jitterBuffer, readFrames)',
      labelNames: ['reason'],
      registers,
    });
    for (const reason of DROP_REASONS) this.#drops.inc({ reason }, 0);
    const stats = (name: string, help: string, read: (s: UserAgent['stats']) => number): void => {
      const agents = this.#userAgents;
      new Gauge({
        name: `${prefix}${name}`,
        help,
        registers,
        collect() {
          let sum = 0;
          for (const ua of agents) sum += read(ua.stats);
          this.set(sum);
        },
      });
    };
    stats('sip_transactions', 'Live SIP transactions (ua.stats.transactions)', (s) => s.transactions);
    stats('rtp_ports_in_use', 'RTP ports held by calls (ua.stats.portsInUse)', (s) => s.portsInUse);
    stats('sip_connections', 'Open TCP/TLS connections (ua.stats.connections)', (s) => s.connections);
    const agents = this.#userAgents;
    new Counter({
      name: `${prefix}calls_refused_total`,
      help: 'Requests refused before a call existed (allow list, max calls, not acceptable)',
      labelNames: ['reason'],
      registers,
      collect() {
        const sums = { allowList: 0, maxCalls: 0, notAcceptable: 0 };
        for (const ua of agents) {
          const r = ua.stats.refused;
          sums.allowList += r.allowList;
          sums.maxCalls += r.maxCalls;
          sums.notAcceptable += r.notAcceptable;
        }
        this.reset();
        this.inc({ reason: 'allow_list' }, sums.allowList);
        this.inc({ reason: 'max_calls' }, sums.maxCalls);
        this.inc({ reason: 'not_acceptable' }, sums.notAcceptable);
      },
    });
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: precision });
    subscribe(CALL_CHANNEL, this.#onRecord);
  }

  /** Adds `ua`'s counters (`ua.stats`) to the transaction, port and connection gauges. */
  observeUserAgent(ua: UserAgent): void {
    this.#userAgents.add(ua);
  }

  /** Records `call`'s codec, SRTP suite, loss, jitter, RTT, MOS and one-way audio when it ends. */
  trackCall(call: Call): void {
    call.once('ended', (ended) => this.observeEnded(ended));
  }

  /** Records the media figures of one ended call (what {@link trackCall} does on `ended`). */
  observeEnded(ended: CallEndedEvent): void {
    if (this.#closed) return;
    const media = ended.metrics.media;
    if (media === null || media.codec === null) return;
    this.#codec.inc({ codec: media.codec });
    this.#srtp.inc({ suite: media.srtpSuite ?? 'none' });
    if (media.packetsReceived > 0 || media.packetsLost > 0) {
      this.#loss.observe(media.lossPercent / 100);
      this.#jitter.observe(media.jitterMs / 1000);
    }
    if (media.rttMs !== null) this.#rtt.observe(media.rttMs / 1000);
    if (media.mos !== null) this.#mos.observe(media.mos);
    if (media.oneWayAudio !== 'none') this.#oneWay.inc({ missing: media.oneWayAudio });
    for (const reason of DROP_REASONS) if (media.drops[reason] > 0) this.#drops.inc({ reason }, media.drops[reason]);
  }

  #record(r: CallRecordMessage): void {
    if (typeof r.callId !== 'string') return;
    switch (r.type) {
      case 'created': {
        const direction = r.direction === 'outbound' ? 'outbound' : 'inbound';
        this.#live.set(`${direction}:${r.callId}`, { direction, createdAt: performance.now(), established: false });
        this.#active.inc({ direction });
        return;
      }
      case 'established': {
        const live = this.#find(r.callId, (c) => !c.established);
        if (live === undefined) return;
        live.established = true;
        this.#setup.observe({ direction: live.direction }, (performance.now() - live.createdAt) / 1000);
        return;
      }
      case 'ended': {
        const live = this.#find(r.callId, () => true);
        if (live === undefined) return;
        this.#live.delete(`${live.direction}:${r.callId}`);
        this.#active.dec({ direction: live.direction });
        const status = live.established ? '200' : typeof r.status === 'number' ? String(r.status) : 'none';
        this.#total.inc({ direction: live.direction, result: resultOf(live.established, r.reason), status });
        return;
      }
      default:
        return;
    }
  }

  /** Both ends of a loopback call share a Call-ID: prefer the one `want` accepts, inbound first. */
  #find(callId: string, want: (c: LiveCall) => boolean): LiveCall | undefined {
    const inbound = this.#live.get(`inbound:${callId}`);
    if (inbound !== undefined && want(inbound)) return inbound;
    const outbound = this.#live.get(`outbound:${callId}`);
    return outbound !== undefined && want(outbound) ? outbound : undefined;
  }

  /** Stops listening to the call channel. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    unsubscribe(CALL_CHANNEL, this.#onRecord);
    this.#userAgents.clear();
  }
}
