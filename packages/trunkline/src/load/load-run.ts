/**
 * `trunkline load`: places calls against an echo endpoint, at a number kept
 * up (`concurrency`) or a rate started per second (`rate`), and checks every
 * echoed packet. Bounded in time (duration, then a drain bounded by Timer F)
 * and in count (`maxCalls`).
 *
 * Each call: INVITE with an SDP offer (PCMU, plain RTP or SDES-SRTP, one RTP
 * socket) → 100 → 200 → ACK (RFC 3261 §13.2.2.4); paced PCMU for the hold
 * time; a short wait for the last echoes; BYE → 200 (RFC 3261 §15.1.1).
 *
 * @module
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { applyAnswer, createOffer, type OfferState } from '@trunkline/sdp';
import { formatUri, parseSipUri, type SipResponse } from '@trunkline/sip-parser';
import type { LoadOptions, SipTransport } from '../cli/index.js';
import { EchoLeg, MediaClock, type MediaTotals } from './echo-leg.js';
import { LatencyHistogram, type LatencySummary } from './latency-histogram.js';
import { LoadError } from './load-error.js';
import { holdTimeMs } from './hold-time.js';
import { readProcSample, type ProcSample } from './proc-stats.js';
import { SipChannel, DEFAULT_T1_MS } from './sip-channel.js';

/** Default wait after a call's last packet for its echo, before BYE, ms. */
export const DEFAULT_ECHO_GRACE_MS = 250;
/** Default interval of progress reports, ms. */
export const DEFAULT_PROGRESS_INTERVAL_MS = 1000;
/** How often the driver starts calls, ms. */
const DRIVER_TICK_MS = 5;
/**
 * A call that failed before it was set up leaves its place empty this long before the driver
 * (`concurrency` mode) fills it again, ms: against an endpoint that is down, calls that fail at
 * once (a TCP connection refused) would otherwise be replaced, and fail, every tick.
 */
export const FAILED_SLOT_RETRY_MS = 1000;

/** Live figures of a run, every progress interval. */
export interface LoadProgress {
  readonly elapsedMs: number;
  /** Calls established and not yet ended. */
  readonly callsUp: number;
  readonly started: number;
  readonly completed: number;
  readonly failed: number;
  /** Calls set up per second over the last interval. */
  readonly setupsPerSecond: number;
  /** Packets not echoed over the last interval (of those whose echo was due), %. */
  readonly lossPercent: number;
}

/** Hooks and tuning of {@link runLoad} beyond the command-line options. */
export interface LoadRunHooks {
  /** Called every `progressIntervalMs`. */
  readonly onProgress?: (progress: LoadProgress) => void;
  /** Stops starting calls and ends the run early (calls end with BYE). */
  readonly signal?: AbortSignal;
  /** Progress interval, ms (default {@link DEFAULT_PROGRESS_INTERVAL_MS}). */
  readonly progressIntervalMs?: number;
  /** Wait for the last echoes before BYE, ms (default {@link DEFAULT_ECHO_GRACE_MS}). */
  readonly echoGraceMs?: number;
  /** SIP T1, ms (default 500); INVITE and BYE give up at 64·T1. */
  readonly t1Ms?: number;
}

/** The endpoint's CPU and memory over the run (from /proc/PID). */
export interface EndpointUsage {
  readonly pid: number;
  /** CPU over the run, cores (1 = one core busy all the time). */
  readonly cpuCores: number;
  /** `cpuCores` ÷ mean calls up. */
  readonly cpuCoresPerCall: number | null;
  /** CPU time per call placed, ms (the call-rate view). */
  readonly cpuMsPerCall: number | null;
  readonly rssBytesBefore: number;
  readonly rssBytesPeak: number;
  readonly rssBytesAfter: number;
  /** (peak RSS − RSS before) ÷ most calls up at once. */
  readonly memoryBytesPerCall: number | null;
}

/** The result of a run (printed as JSON by `trunkline load --json`). */
export interface LoadResult {
  readonly target: string;
  readonly transport: SipTransport;
  readonly srtp: LoadOptions['srtp'];
  readonly mode: 'concurrency' | 'rate';
  /** The concurrency or rate asked for. */
  readonly requested: number;
  readonly durationMs: number;
  /** Hold time, ms; with a range, the shortest (see `holdMaxMs`). */
  readonly holdMs: number;
  /** Longest hold time, ms (equal to `holdMs` for a fixed hold). */
  readonly holdMaxMs: number;
  /** Seed of the hold times (replays the same hold per call number). */
  readonly seed: number;
  readonly rampMs: number;
  readonly elapsedMs: number;
  readonly calls: {
    readonly started: number;
    readonly established: number;
    readonly completed: number;
    readonly failed: number;
    readonly failures: Readonly<Record<string, number>>;
    readonly peakUp: number;
    readonly meanUp: number;
    /** Calls set up per second between the end of the ramp and `durationMs` (the whole start phase when that is under 1 s). */
    readonly setupsPerSecond: number;
  };
  readonly setupMs: LatencySummary;
  readonly teardownMs: LatencySummary;
  readonly media: {
    readonly packetsSent: number;
    readonly packetsEchoed: number;
    readonly echoedPercent: number | null;
    readonly turnaroundMs: LatencySummary;
    readonly srtpDrops: number;
    /** RTCP packets from the endpoint (not echoes). */
    readonly rtcp: number;
    readonly foreign: number;
    readonly lateOrDuplicate: number;
    readonly pacerSkipped: number;
  };
  readonly endpoint: EndpointUsage | null;
  /** The load tool's own CPU (to tell whether it was the bottleneck), cores, and RSS. */
  readonly generator: { readonly cpuCores: number; readonly rssBytes: number };
}

interface Target {
  readonly host: string;
  readonly port: number;
  readonly transport: SipTransport;
  readonly servername: string | undefined;
}

/** The transport (option, `sips:`, `;transport=`, else UDP: RFC 3263 §4.1) and address of the target. */
async function resolveTarget(options: LoadOptions): Promise<Target> {
  let uri;
  try {
    uri = parseSipUri(options.uri);
  } catch (e) {
    throw new LoadError('LOAD_BAD_TARGET', `not a SIP URI: ${options.uri}`, { cause: e });
  }
  const param = uri.params.find((p) => p.name.toLowerCase() === 'transport')?.value?.toLowerCase();
  const transport: SipTransport = options.transport ?? (uri.scheme === 'sips' ? 'tls' : param === 'tcp' || param === 'tls' ? param : 'udp');
  const name = uri.host.replace(/^\[|\]$/g, '');
  const host = isIP(name) !== 0 ? name : (await lookup(name).catch((e: unknown) => {
    throw new LoadError('LOAD_BAD_TARGET', `cannot resolve ${name}`, { cause: e });
  })).address;
  return { host, port: uri.port ?? (transport === 'tls' ? 5061 : 5060), transport, servername: isIP(name) === 0 ? name : undefined };
}

const token = (): string => randomBytes(6).toString('hex');

/** One call of the run. */
class LoadCall {
  leg: EchoLeg | null = null;
  inviteBranch = '';
  invitedAt = 0;
  toHeader = '';
  remoteTarget = '';
  established = false;
  hangingUp = false;
  ended = false;
  readonly callId: string;
  readonly fromTag = token();
  constructor(readonly number: number, runId: string) {
    this.callId = `${runId}-${number}@trunkline-load`;
  }
}

/**
 * Runs a load test as `options` say and resolves with its result; calls
 * that fail are counted by reason, never thrown.
 *
 * @param options - parsed `trunkline load` options
 * @param hooks - progress, abort, tuning
 * @throws LoadError when the target cannot be resolved or reached at all
 */
export async function runLoad(options: LoadOptions, hooks: LoadRunHooks = {}): Promise<LoadResult> {
  const target = await resolveTarget(options);
  const t1Ms = hooks.t1Ms ?? DEFAULT_T1_MS;
  const channel = await SipChannel.open({
    transport: target.transport,
    host: target.host,
    port: target.port,
    rejectUnauthorized: !options.insecure,
    ...(options.caFile === undefined ? {} : { ca: await readFile(options.caFile, 'utf8') }),
    ...(target.servername === undefined ? {} : { servername: target.servername }),
    t1Ms,
  });
  const echoGraceMs = hooks.echoGraceMs ?? DEFAULT_ECHO_GRACE_MS;
  const runId = token();
  const seed = options.seed ?? randomBytes(4).readUInt32BE(0);
  const totals: MediaTotals = { sent: 0, echoed: 0, rtcp: 0, foreign: 0, lateOrDuplicate: 0, srtpDrops: 0, pacerSkipped: 0 };
  const turnaround = new LatencyHistogram();
  const setup = new LatencyHistogram();
  const teardown = new LatencyHistogram();
  const clock = new MediaClock(totals);
  const failures: Record<string, number> = {};
  const calls = new Map<string, LoadCall>();
  let started = 0;
  let established = 0;
  let completed = 0;
  let failed = 0;
  let up = 0;
  /** Places left empty after a failed setup (see {@link FAILED_SLOT_RETRY_MS}). */
  let cooling = 0;
  let peakUp = 0;
  let upIntegral = 0;
  let lastUpChange = performance.now();
  let stopping = false;
  const changeUp = (delta: number): void => {
    const now = performance.now();
    upIntegral += up * (now - lastUpChange);
    lastUpChange = now;
    up += delta;
    if (up > peakUp) peakUp = up;
  };

  const pid = options.endpointPid;
  const procBefore = pid === undefined ? null : await readProcSample(pid);
  let rssPeak = procBefore?.rssBytes ?? 0;
  const cpuBefore = process.cpuUsage();
  const t0 = performance.now();

  let drained: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => (drained = resolve));
  // Bounded drain: once stopping, every INVITE or BYE gives up within 64·T1.
  let drainExpired: () => void = () => undefined;
  const drainLimit = new Promise<void>((resolve) => (drainExpired = resolve));
  const checkDrained = (): void => {
    if (stopping && calls.size === 0) drained();
  };

  const finish = (call: LoadCall, outcome: string | null): void => {
    let reason = outcome;
    if (call.ended) return;
    call.ended = true;
    if (call.established) changeUp(-1);
    // A call that sent audio and got none of it back by the end failed, however cleanly it ended.
    if (reason === null && call.leg !== null && call.leg.sent > 0 && call.leg.echoed === 0) reason = 'no-echo';
    if (call.leg !== null) {
      clock.remove(call.leg);
      call.leg.close();
    }
    if (call.inviteBranch !== '') channel.release(call.inviteBranch);
    calls.delete(call.callId);
    if (reason === null) completed++;
    else {
      failed++;
      failures[reason] = (failures[reason] ?? 0) + 1;
      if (!call.established && !stopping) {
        cooling++;
        setTimeout(() => cooling--, FAILED_SLOT_RETRY_MS).unref();
      }
    }
    checkDrained();
  };

  const request = (call: LoadCall, method: 'ACK' | 'BYE', branch: string): string =>
    [
      `${method} ${call.remoteTarget} SIP/2.0`,
      `Via: ${channel.via(branch)}`,
      'Max-Forwards: 70',
      `From: <sip:load@${channel.localAddress}>;tag=${call.fromTag}`,
      `To: ${call.toHeader}`,
      `Call-ID: ${call.callId}`,
      `CSeq: ${method === 'ACK' ? 1 : 2} ${method}`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');

  const hangup = (call: LoadCall): void => {
    if (call.hangingUp || call.ended || !call.established) return;
    call.hangingUp = true;
    if (call.leg !== null) clock.remove(call.leg);
    setTimeout(() => {
      if (call.ended) return;
      const branch = `z9hG4bK${token()}`;
      const at = performance.now();
      channel.request(branch, 'BYE', request(call, 'BYE', branch), {
        onResponse: (r) => {
          if (r.status < 200) return;
          teardown.add(performance.now() - at);
          finish(call, r.status < 300 ? null : `bye-${r.status}`);
        },
        onFailure: (reason) => finish(call, `bye-${reason}`),
      });
    }, echoGraceMs);
  };

  const onInviteResponse = (call: LoadCall, offer: OfferState, r: SipResponse): void => {
    if (r.status < 200 || call.ended) return;
    if (r.status >= 300) {
      finish(call, `status-${r.status}`);
      return;
    }
    const to = r.headers.get('to');
    const contact = r.contact[0];
    if (to === undefined || contact === undefined) {
      finish(call, 'bad-2xx');
      return;
    }
    if (call.established) {
      // A retransmitted 2xx: our ACK was lost (RFC 3261 §13.2.2.4).
      channel.send(request(call, 'ACK', `z9hG4bK${token()}`));
      return;
    }
    setup.add(performance.now() - call.invitedAt);
    call.toHeader = to;
    call.remoteTarget = formatUri(contact.uri);
    call.established = true;
    established++;
    changeUp(1);
    channel.send(request(call, 'ACK', `z9hG4bK${token()}`));
    try {
      const media = applyAnswer(offer, r.body.length === 0 ? '' : Buffer.from(r.body).toString('utf8'));
      const leg = call.leg!;
      leg.start({
        remoteAddress: media.remoteRtp.address,
        remotePort: media.remoteRtp.port,
        payloadType: media.codec.payloadType,
        srtp: media.srtp === null ? null : { profile: media.srtp.profile, localKey: media.srtp.localKey, remoteKey: media.srtp.remoteKey },
      });
      clock.add(leg);
    } catch {
      failures['sdp-answer'] = (failures['sdp-answer'] ?? 0) + 1;
    }
    if (stopping) hangup(call);
    else setTimeout(() => hangup(call), holdTimeMs(options.holdMs, options.holdMaxMs, seed, call.number)).unref();
  };

  const place = async (): Promise<void> => {
    const call = new LoadCall(started++, runId);
    calls.set(call.callId, call);
    try {
      call.leg = await EchoLeg.open(channel.localAddress, call.number, totals, turnaround);
    } catch {
      finish(call, 'rtp-socket');
      return;
    }
    let offer;
    try {
      offer = createOffer({
        srtp: options.srtp,
        signalling: target.transport,
        address: channel.localAddress,
        port: call.leg.port,
        codecs: ['PCMU'],
        telephoneEvent: false,
        allowSdesOverCleartext: options.allowSdesOverCleartext,
        suites: ['AES_CM_128_HMAC_SHA1_80'],
      });
    } catch {
      finish(call, 'sdp-offer');
      return;
    }
    call.inviteBranch = `z9hG4bK${token()}`;
    const body = Buffer.byteLength(offer.sdp);
    const invite = [
      `INVITE ${options.uri} SIP/2.0`,
      `Via: ${channel.via(call.inviteBranch)}`,
      'Max-Forwards: 70',
      `From: <sip:load@${channel.localAddress}>;tag=${call.fromTag}`,
      `To: <${options.uri}>`,
      `Call-ID: ${call.callId}`,
      'CSeq: 1 INVITE',
      `Contact: <${channel.contactUri}>`,
      'User-Agent: trunkline-load',
      'Content-Type: application/sdp',
      `Content-Length: ${body}`,
      '',
      offer.sdp,
    ].join('\r\n');
    call.invitedAt = performance.now();
    const state = offer.state;
    channel.request(call.inviteBranch, 'INVITE', invite, {
      onResponse: (r) => onInviteResponse(call, state, r),
      onFailure: (reason) => finish(call, reason),
    });
  };

  channel.onRequest = (req) => {
    const call = calls.get(req.callId ?? '');
    if (call !== undefined && req.method === 'BYE') finish(call, call.hangingUp ? null : 'peer-bye');
  };

  // The driver: start calls as the mode says.
  const { concurrency, rate, rampMs, durationMs, maxCalls } = options;
  const ramp = (elapsed: number): number => (rampMs === 0 ? 1 : Math.min(1, elapsed / rampMs));
  const dueStarts = (elapsed: number): number => {
    if (rate === undefined) return 0;
    // ∫ rate·ramp(t) dt: a linear ramp, then the full rate.
    if (rampMs > 0 && elapsed < rampMs) return (rate * elapsed * elapsed) / (2 * rampMs) / 1000;
    return (rate * (elapsed - rampMs / 2)) / 1000;
  };
  let setupsAtStop = 0;
  let stopElapsed = durationMs;
  // The steady phase starts when the ramp ends.
  let setupsAtRampEnd = -1;
  let rampEndElapsed = 0;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    stopElapsed = performance.now() - t0;
    setupsAtStop = established;
    clearInterval(driver);
    setTimeout(drainExpired, 64 * t1Ms + echoGraceMs + 1000).unref();
    for (const call of [...calls.values()]) hangup(call);
    checkDrained();
  };
  const driver = setInterval(() => {
    const elapsed = performance.now() - t0;
    if (elapsed >= durationMs || started >= maxCalls) return stop();
    if (setupsAtRampEnd < 0 && elapsed >= rampMs) {
      setupsAtRampEnd = established;
      rampEndElapsed = elapsed;
    }
    const want = concurrency !== undefined ? Math.ceil(concurrency * ramp(elapsed)) - calls.size - cooling : Math.floor(dueStarts(elapsed)) - started;
    for (let i = 0; i < want && started < maxCalls; i++) void place();
  }, DRIVER_TICK_MS);
  const onAbort = (): void => stop();
  hooks.signal?.addEventListener('abort', onAbort, { once: true });
  if (hooks.signal?.aborted === true) stop();

  // Progress, and the endpoint's RSS peak.
  let lastEstablished = 0;
  let lastSent = 0;
  let lastEchoed = 0;
  let lastAt = t0;
  const progressMs = hooks.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
  const progress = setInterval(() => {
    const now = performance.now();
    if (pid !== undefined) {
      void readProcSample(pid).then((s) => {
        if (s !== null && s.rssBytes > rssPeak) rssPeak = s.rssBytes;
      });
    }
    const sent = totals.sent - lastSent;
    const echoed = totals.echoed - lastEchoed;
    const p: LoadProgress = {
      elapsedMs: Math.round(now - t0),
      callsUp: up,
      started,
      completed,
      failed,
      setupsPerSecond: Math.round(((established - lastEstablished) * 1000) / (now - lastAt)),
      lossPercent: sent <= 0 ? 0 : Math.max(0, Math.round(((sent - echoed) / sent) * 10000) / 100),
    };
    lastEstablished = established;
    lastSent = totals.sent;
    lastEchoed = totals.echoed;
    lastAt = now;
    try {
      hooks.onProgress?.(p);
    } catch {
      // A throwing progress hook must not stop the run.
    }
  }, progressMs);

  await Promise.race([allDone, drainLimit]);
  // Whatever is left when the drain limit passed counts as failed.
  for (const call of [...calls.values()]) finish(call, 'drain-timeout');
  const procAfter = pid === undefined ? null : await readProcSample(pid);
  clearInterval(progress);
  hooks.signal?.removeEventListener('abort', onAbort);
  channel.close();
  changeUp(0);
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpuBefore);
  const meanUp = upIntegral / elapsedMs;
  const pct = (a: number, b: number): number | null => (b === 0 ? null : Math.round((a / b) * 1_000_000) / 10_000);
  return {
    target: options.uri,
    transport: target.transport,
    srtp: options.srtp,
    mode: concurrency !== undefined ? 'concurrency' : 'rate',
    requested: concurrency ?? rate ?? 0,
    durationMs,
    holdMs: options.holdMs,
    holdMaxMs: options.holdMaxMs,
    seed,
    rampMs,
    elapsedMs: Math.round(elapsedMs),
    calls: {
      started,
      established,
      completed,
      failed,
      failures,
      peakUp,
      meanUp: Math.round(meanUp * 10) / 10,
      setupsPerSecond:
        setupsAtRampEnd >= 0 && stopElapsed - rampEndElapsed >= 1000
          ? Math.round(((setupsAtStop - setupsAtRampEnd) * 1000) / (stopElapsed - rampEndElapsed))
          : Math.round((setupsAtStop * 1000) / Math.max(1, stopElapsed)),
    },
    setupMs: setup.summary(),
    teardownMs: teardown.summary(),
    media: {
      packetsSent: totals.sent,
      packetsEchoed: totals.echoed,
      echoedPercent: pct(totals.echoed, totals.sent),
      turnaroundMs: turnaround.summary(),
      srtpDrops: totals.srtpDrops,
      rtcp: totals.rtcp,
      foreign: totals.foreign,
      lateOrDuplicate: totals.lateOrDuplicate,
      pacerSkipped: totals.pacerSkipped,
    },
    endpoint: pid === undefined ? null : endpointUsage(pid, procBefore, procAfter, rssPeak, meanUp, peakUp, started),
    generator: { cpuCores: Math.round(((cpu.user + cpu.system) / 1000 / elapsedMs) * 1000) / 1000, rssBytes: process.memoryUsage.rss() },
  };
}

function endpointUsage(pid: number, before: ProcSample | null, after: ProcSample | null, rssPeak: number, meanUp: number, peakUp: number, calls: number): EndpointUsage | null {
  if (before === null || after === null) return null;
  const cpuCores = (after.cpuMs - before.cpuMs) / (after.at - before.at);
  const peak = Math.max(rssPeak, after.rssBytes);
  return {
    pid,
    cpuCores: Math.round(cpuCores * 1000) / 1000,
    cpuCoresPerCall: meanUp < 1 ? null : Math.round((cpuCores / meanUp) * 1e6) / 1e6,
    cpuMsPerCall: calls === 0 ? null : Math.round(((after.cpuMs - before.cpuMs) / calls) * 1000) / 1000,
    rssBytesBefore: before.rssBytes,
    rssBytesPeak: peak,
    rssBytesAfter: after.rssBytes,
    memoryBytesPerCall: peakUp === 0 ? null : Math.round((peak - before.rssBytes) / peakUp),
  };
}
