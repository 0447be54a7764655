/**
 * The trunk test caller: dial a SIP/SIPS URI with a User-to-User header, play
 * a chirp, record what comes back, cross-correlate, and judge PASS or FAIL
 * with reasons a person can act on. Everything is bounded in time.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { correlatePieces, crossCorrelate, generateChirp } from '@trunkline/codecs';
import { parseWarning, type WarningValue } from '@trunkline/sip-parser';
import { encodeHex } from '@trunkline/uui';
import { CallFailedError, createUserAgent, type Call, type UserAgent } from '@trunkline/user-agent';
import { createSelfSignedCertificate } from '../cert/index.js';
import { judgeCall, type CallErrorFact, type CallFacts, type CallOptions, type CallVerdict, type SipTransport } from '../cli/index.js';

/** Codecs the test caller offers, by preference. */
const CODECS = ['PCMU', 'PCMA'] as const;
/** Audio rate of the test (the chirp spans 300–3400 Hz: telephone band). */
const RATE = 8000;
/** How long to keep recording after the chirp ends, for the echo's round trip. */
const ECHO_TAIL_MS = 1500;
/** Packetisation of the test audio (ms). */
const FRAME_MS = 20;
/** The caller's fixed receive jitter buffer (ms): deep, so a stalled event loop (ours or the peer's) costs no audio; the recording skips it, so it does not enter the round trip measured. */
const JITTER_MS = 300;
/** Longest echo round trip searched for. */
const MAX_LAG_MS = 1500;

/** The transport an INVITE to `uri` uses: the option, else `sips:` → TLS, `;transport=`, else UDP (RFC 3263 §4.1). */
export function transportOf(uri: string, chosen: SipTransport | undefined): SipTransport {
  if (chosen !== undefined) return chosen;
  if (/^sips:/i.test(uri)) return 'tls';
  const t = /;transport=(udp|tcp|tls)/i.exec(uri)?.[1]?.toLowerCase();
  return t === 'tcp' || t === 'tls' ? t : 'udp';
}

/** The user agent one test run places its calls from. */
async function callerAgent(options: CallOptions, transport: SipTransport): Promise<UserAgent> {
  // A TLS listener too: some peers (baresip) send in-dialog requests over a new connection to our Contact.
  const tls = transport === 'tls' ? await createSelfSignedCertificate({ hosts: options.publicAddress === undefined ? [] : [options.publicAddress] }) : null;
  return createUserAgent({
    transports: tls === null ? [{ protocol: transport, host: options.bind, port: options.port }] : [{ protocol: 'tls', host: options.bind, port: options.port, cert: tls.cert, key: tls.key }],
    ...(options.publicAddress === undefined ? {} : { publicAddress: options.publicAddress }),
    tlsClient: {
      rejectUnauthorized: !options.insecure,
      ...(options.caFile === undefined ? {} : { ca: await readFile(options.caFile, 'utf8') }),
    },
    media: {
      codecs: [...CODECS],
      srtp: options.srtp,
      allowSdesOverCleartext: options.allowSdesOverCleartext,
      sampleRate: RATE,
      sendSilence: true,
      // The whole chirp is queued at once.
      maxQueuedMs: options.durationMs + 1000,
      // A fixed delay: an adaptive buffer stretches or shrinks time, which would smear the correlation.
      jitter: { minDelayMs: JITTER_MS, initialDelayMs: JITTER_MS, maxDelayMs: JITTER_MS },
    },
    userAgent: 'Trunkline test caller',
    user: 'trunkline-test',
  });
}

/**
 * Places one test call and judges it.
 *
 * @param options - the parsed `trunkline call` options
 * @param ua - a user agent to call from (one is made and closed per call when absent)
 */
export async function runTestCall(options: CallOptions, ua?: UserAgent): Promise<CallVerdict> {
  const transport = transportOf(options.uri, options.transport);
  const own = ua === undefined;
  const agent = ua ?? (await callerAgent(options, transport));
  try {
    return await measure(agent, options, transport);
  } finally {
    if (own) await agent.close();
  }
}

/** Places `options.repeat` calls, `options.concurrency` at a time, from one user agent. */
export async function runTestCalls(options: CallOptions): Promise<CallVerdict[]> {
  const transport = transportOf(options.uri, options.transport);
  const agent = await callerAgent(options, transport);
  try {
    const verdicts: CallVerdict[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < options.repeat) {
        next++;
        verdicts.push(await measure(agent, options, transport));
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, options.repeat) }, worker));
    return verdicts;
  } finally {
    await agent.close();
  }
}

/** The innermost error of a `cause` chain that has a string code (OpenSSL's and Node's names are the searchable ones). */
function errorFact(phase: CallErrorFact['phase'], e: unknown): CallErrorFact {
  let best: { code: string; message: string } | null = null;
  for (let x: unknown = e, depth = 0; x instanceof Error && depth < 8; x = x.cause, depth++) {
    const code = (x as { code?: unknown }).code;
    if (typeof code === 'string') best = { code, message: x.message };
  }
  return { phase, ...(best ?? { code: 'ERROR', message: e instanceof Error ? e.message : String(e) }) };
}

function warningsOf(e: CallFailedError): WarningValue[] {
  const out: WarningValue[] = [];
  for (const value of e.warnings) {
    try {
      out.push(...parseWarning(value));
    } catch {
      // An unparseable Warning adds nothing a person can act on.
    }
  }
  return out;
}

async function measure(ua: UserAgent, options: CallOptions, transport: SipTransport): Promise<CallVerdict> {
  const base = {
    target: options.uri,
    transport,
    srtpOffered: options.srtp,
    codecsOffered: [...CODECS],
    uuiHex: options.uui === undefined ? null : encodeHex(options.uui.data),
    timeoutMs: options.timeoutMs,
    plannedDurationMs: options.durationMs,
  };
  const errors: CallErrorFact[] = [];
  const dialledAt = performance.now();
  let call: Call;
  try {
    call = await ua.invite(options.uri, {
      timeoutMs: options.timeoutMs,
      ...(options.uui === undefined ? {} : { uui: { data: options.uui.data, ...uuiParams(options) } }),
    });
  } catch (e) {
    const failed = e instanceof CallFailedError ? e : null;
    if (failed === null || failed.status === null) errors.push(errorFact('connect', e));
    return judgeCall(
      {
        ...base,
        // Our timeout CANCELs the INVITE (RFC 3261 §9.1): the 487 that follows is ours.
        answerTimedOut: failed !== null && (failed.code === 'CALL_TIMEOUT' || (failed.status === 487 && performance.now() - dialledAt >= options.timeoutMs)),
        status: failed?.status ?? null,
        reason: failed?.reasonPhrase ?? null,
        warnings: failed === null ? [] : warningsOf(failed),
        ...NOT_REACHED,
        errors,
      },
      options.thresholds,
    );
  }

  // Play the chirp and record what comes back, from the moment sending starts.
  const chirp = generateChirp({ sampleRate: RATE, durationMs: options.durationMs });
  const recorded = new Int16Array(Math.ceil(((options.durationMs + ECHO_TAIL_MS) * RATE) / 1000));
  let filled = 0;
  // A frame leaves the fixed jitter buffer JITTER_MS after its packet arrived: recording from
  // JITTER_MS after the chirp starts makes the correlation lag the echo's round trip (within a frame).
  const recordFrom = performance.now() + JITTER_MS - FRAME_MS / 2;
  const reader = (async () => {
    for await (const frame of call.audio) {
      if (filled === 0 && performance.now() < recordFrom) continue;
      const n = Math.min(frame.samples.length, recorded.length - filled);
      recorded.set(frame.samples.subarray(0, n), filled);
      filled += n;
      if (filled >= recorded.length) return;
    }
  })();
  void call.audio.write(chirp).catch((e: unknown) => errors.push(errorFact('media', e)));
  const listened = await Promise.race([reader.then(() => 'full' as const), call.done.then(() => 'ended' as const)]);
  const endedByPeer = listened === 'ended' && call.state === 'terminated';
  let byeStatus: number | null = null;
  let byeReason: string | null = null;
  if (!endedByPeer) {
    try {
      await call.hangup({ reason: 'SIP;cause=200;text="test complete"' });
    } catch (e) {
      errors.push(errorFact('teardown', e));
    }
  }
  const end = await call.done;
  if (!endedByPeer) {
    byeStatus = end.byeStatus;
    byeReason = end.byeReason;
  }
  const media = end.metrics.media;
  const heard = recorded.subarray(0, filled);
  const echo = filled === 0 ? null : crossCorrelate(chirp, heard, { sampleRate: RATE, maxLagMs: MAX_LAG_MS });
  const pieces = filled === 0 ? null : correlatePieces(chirp, heard, { sampleRate: RATE, maxLagMs: MAX_LAG_MS });
  const facts: CallFacts = {
    ...base,
    answerTimedOut: false,
    status: end.metrics.finalStatus ?? 200,
    reason: null,
    warnings: [],
    setupMs: end.metrics.setupMs,
    codec: media?.codec ?? null,
    srtpSuite: media?.srtpSuite ?? null,
    srtpAuthFailures: media?.drops.unprotect ?? 0,
    packetsSent: media?.packetsSent ?? 0,
    packetsReceived: media?.packetsReceived ?? 0,
    echo: echo === null ? null : { peak: echo.peak, lagMs: echo.lagMs, ...(pieces === null ? {} : { pieceMedian: pieces.median }) },
    lossPercent: media?.lossPercent ?? null,
    jitterMs: media?.jitterMs ?? null,
    rttMs: media?.rttMs ?? null,
    mos: media?.mos ?? null,
    durationMs: end.metrics.durationMs,
    endedBy: endedByPeer ? 'peer' : 'caller',
    byeStatus,
    byeReason,
    errors,
  };
  return judgeCall(facts, options.thresholds);
}

function uuiParams(options: CallOptions): { purpose?: string; content?: string } {
  const u = options.uui;
  if (u === undefined) return {};
  return {
    ...(u.purpose === undefined ? {} : { purpose: u.purpose }),
    ...(u.content === undefined ? {} : { content: u.content }),
  };
}

const NOT_REACHED = {
  setupMs: null,
  codec: null,
  srtpSuite: null,
  srtpAuthFailures: 0,
  packetsSent: 0,
  packetsReceived: 0,
  echo: null,
  lossPercent: null,
  jitterMs: null,
  rttMs: null,
  mos: null,
  durationMs: null,
  endedBy: null,
  byeStatus: null,
  byeReason: null,
} as const;
