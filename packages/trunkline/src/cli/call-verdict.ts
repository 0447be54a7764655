/**
 * The test caller's verdict: measured facts of one call in, PASS or FAIL with
 * actionable reasons out. Pure; the program that places the call collects the
 * facts (user agent, media metrics, `crossCorrelate` of the chirp).
 *
 * @module
 */
import { describeError, describeRejection, type WarningFact } from './failure-reasons.js';
import type { SipTransport, SrtpPolicy } from './values.js';

/** PASS/FAIL limits; every one is a flag of `trunkline call`. */
export interface VerdictThresholds {
  /** Echo correlation needed (0-1). */
  readonly minCorrelation: number;
  /** Packet loss allowed, percent. */
  readonly maxLossPercent: number;
  /** Interarrival jitter allowed, ms (RFC 3550 §6.4.1). */
  readonly maxJitterMs: number;
}

/**
 * Defaults: 0.9 correlation (PCMU through a real peer gives > 0.99, unrelated
 * audio < 0.05), 5 % loss, 50 ms jitter.
 */
export const DEFAULT_VERDICT_THRESHOLDS: VerdictThresholds = Object.freeze({ minCorrelation: 0.9, maxLossPercent: 5, maxJitterMs: 50 });

/** A failure observed during the call, by name. */
export interface CallErrorFact {
  /** When: before a final response (`connect`/`setup`), during media, or at teardown. */
  readonly phase: 'connect' | 'setup' | 'media' | 'teardown';
  /** Node / OpenSSL / Trunkline code: `DEPTH_ZERO_SELF_SIGNED_CERT`, `ECONNREFUSED`, `MEDIA_TIMEOUT`, ... */
  readonly code: string;
  readonly message: string;
}

/** Everything measured about one test call. `null` = not measured / not reached. */
export interface CallFacts {
  /** The URI called. */
  readonly target: string;
  readonly transport: SipTransport;
  /** SRTP policy of our offer. */
  readonly srtpOffered: SrtpPolicy;
  /** Codecs we offered, by preference. */
  readonly codecsOffered: readonly string[];
  /** User-to-User data sent, uppercase hex, or null. */
  readonly uuiHex: string | null;
  /** The answer timeout used, ms. */
  readonly timeoutMs: number;
  /** How long the test was meant to run, ms. */
  readonly plannedDurationMs: number;
  /** True when no final response came within `timeoutMs` (the caller then CANCELs). */
  readonly answerTimedOut: boolean;
  /** Final response to the INVITE. */
  readonly status: number | null;
  readonly reason: string | null;
  /** Warning header values of the final response (RFC 3261 §20.43). */
  readonly warnings: readonly WarningFact[];
  /** INVITE sent → 2xx received, ms. */
  readonly setupMs: number | null;
  /** Codec agreed (`PCMU`). */
  readonly codec: string | null;
  /** SRTP suite agreed (`AES_CM_128_HMAC_SHA1_80`), null for plain RTP. */
  readonly srtpSuite: string | null;
  /** Received packets dropped because SRTP authentication failed. */
  readonly srtpAuthFailures: number;
  /** RTP packets we sent. */
  readonly packetsSent: number;
  /** RTP packets we received (and, with SRTP, authenticated). */
  readonly packetsReceived: number;
  /** Cross-correlation of the chirp sent with what came back, or null when nothing was recorded. */
  readonly echo: {
    readonly peak: number;
    readonly lagMs: number;
    /**
     * Median correlation of the chirp's pieces (250 ms), each at its own lag,
     * when measured: an echo path that slipped in time (a frame dropped or
     * inserted on the way) keeps a high median while `peak` falls.
     */
    readonly pieceMedian?: number;
  } | null;
  /** RFC 3550 §6.4.1 cumulative loss, percent. */
  readonly lossPercent: number | null;
  /** RFC 3550 §6.4.1 interarrival jitter, ms. */
  readonly jitterMs: number | null;
  /** RTCP round-trip time (RFC 3550 §6.4.1 LSR/DLSR), ms. */
  readonly rttMs: number | null;
  /** Estimated MOS (ITU-T G.107 E-model). */
  readonly mos: number | null;
  /** Answered → ended, ms. */
  readonly durationMs: number | null;
  /** Who ended the answered call: we (BYE after the test) or the peer (its BYE). */
  readonly endedBy: 'caller' | 'peer' | null;
  /** Response to our BYE; null = none (or the peer ended the call). */
  readonly byeStatus: number | null;
  readonly byeReason: string | null;
  /** Failures observed, in order. */
  readonly errors: readonly CallErrorFact[];
}

/** One line of the verdict. `ok: null` = not applicable or not reached. */
export interface VerdictCheck {
  readonly name: 'answer' | 'codec' | 'srtp' | 'audio' | 'echo' | 'loss' | 'jitter' | 'bye' | 'errors';
  readonly ok: boolean | null;
  readonly detail: string;
}

/** The verdict: PASS only when every applicable check passed; every measured fact kept. */
export interface CallVerdict extends CallFacts {
  readonly verdict: 'PASS' | 'FAIL';
  /** Why it failed, one actionable sentence each; empty on PASS. */
  readonly reasons: readonly string[];
  /** The call was answered (2xx). */
  readonly answered: boolean;
  /** SRTP was agreed and packets went both ways under it; null without SRTP. */
  readonly srtpBothWays: boolean | null;
  readonly checks: readonly VerdictCheck[];
}

const fixed = (n: number, digits: number): string => n.toFixed(digits);
const notReached = (name: VerdictCheck['name']): VerdictCheck => ({ name, ok: null, detail: 'not reached' });

/**
 * Judge one test call.
 *
 * @param facts - what was measured
 * @param thresholds - limits (default {@link DEFAULT_VERDICT_THRESHOLDS})
 *
 * @example
 * ```ts
 * const v = judgeCall({ ...facts, status: 488, reason: 'Not Acceptable Here', warnings: [{ code: 302, text: 'SRTP required' }] });
 * v.verdict;    // 'FAIL'
 * v.reasons[0]; // 'peer requires SRTP; you offered plain RTP (488 Not Acceptable Here; Warning: 302 "SRTP required"): ...'
 * ```
 */
export function judgeCall(facts: CallFacts, thresholds: VerdictThresholds = DEFAULT_VERDICT_THRESHOLDS): CallVerdict {
  const answered = facts.status !== null && facts.status >= 200 && facts.status < 300;
  const checks: VerdictCheck[] = [answerCheck(facts, answered)];
  const srtpBothWays = facts.srtpSuite === null || !answered ? null : facts.packetsSent > 0 && facts.packetsReceived > 0;
  if (!answered) {
    checks.push(...(['codec', 'srtp', 'audio', 'echo', 'loss', 'jitter', 'bye'] as const).map(notReached));
  } else {
    checks.push(
      facts.codec === null ? { name: 'codec', ok: false, detail: 'no codec was agreed' } : { name: 'codec', ok: true, detail: facts.codec },
      srtpCheck(facts),
      audioCheck(facts),
      echoCheck(facts, thresholds),
      limitCheck('loss', facts.lossPercent, thresholds.maxLossPercent, '%', 1, 'packet loss'),
      limitCheck('jitter', facts.jitterMs, thresholds.maxJitterMs, ' ms', 1, 'jitter'),
      byeCheck(facts),
    );
  }
  const later = facts.errors.filter((e) => e.phase === 'media' || e.phase === 'teardown');
  checks.push(
    later.length === 0
      ? { name: 'errors', ok: true, detail: 'none' }
      : { name: 'errors', ok: false, detail: later.map((e) => `${e.phase}: ${describeError(e.code, e.message)}`).join('; ') },
  );
  const reasons = checks.filter((c) => c.ok === false).map((c) => c.detail);
  return { verdict: reasons.length === 0 ? 'PASS' : 'FAIL', reasons, ...facts, answered, srtpBothWays, checks };
}

function answerCheck(facts: CallFacts, answered: boolean): VerdictCheck {
  const early = facts.errors.filter((e) => e.phase === 'connect' || e.phase === 'setup');
  if (early.length > 0 && !answered) return { name: 'answer', ok: false, detail: early.map((e) => describeError(e.code, e.message)).join('; ') };
  if (facts.answerTimedOut || facts.status === null) {
    return { name: 'answer', ok: false, detail: `no answer within ${fixed(facts.timeoutMs / 1000, 0)} s: check the address, port and transport, and that the peer allows our address` };
  }
  if (!answered) return { name: 'answer', ok: false, detail: describeRejection(facts.status, facts.reason, facts.warnings, facts, facts.target) };
  return { name: 'answer', ok: true, detail: `${facts.status} ${facts.reason ?? ''}`.trimEnd() + (facts.setupMs === null ? '' : ` in ${Math.round(facts.setupMs)} ms`) };
}

function srtpCheck(facts: CallFacts): VerdictCheck {
  const suite = facts.srtpSuite;
  if (suite === null) {
    if (facts.srtpOffered === 'mandatory') return { name: 'srtp', ok: false, detail: 'SRTP was required but the call ran plain RTP: the peer answered without keys' };
    return { name: 'srtp', ok: true, detail: facts.srtpOffered === 'off' ? 'off (plain RTP, as asked)' : 'not used: the peer chose plain RTP' };
  }
  if (facts.packetsReceived === 0 && facts.srtpAuthFailures > 0) {
    return {
      name: 'srtp',
      ok: false,
      detail: `SRTP agreed (${suite}) but none of the peer's ${facts.srtpAuthFailures} packets authenticated: it uses another key or sends plain RTP`,
    };
  }
  const failures = facts.srtpAuthFailures > 0 ? `, ${facts.srtpAuthFailures} packets failed authentication` : '';
  if (facts.packetsSent > 0 && facts.packetsReceived > 0) return { name: 'srtp', ok: true, detail: `${suite}, both ways${failures}` };
  // One-way audio is the audio check's failure; SRTP itself was agreed.
  return { name: 'srtp', ok: null, detail: `${suite} agreed, not used both ways (see audio)${failures}` };
}

function audioCheck(facts: CallFacts): VerdictCheck {
  const { packetsSent: sent, packetsReceived: received } = facts;
  if (sent === 0 && received === 0) return { name: 'audio', ok: false, detail: 'no audio either way: no RTP was sent or received' };
  if (received === 0) {
    return {
      name: 'audio',
      ok: false,
      detail: `audio one way only: nothing received (${sent} packets sent): the peer's RTP does not reach us (firewall, NAT, or the address in our SDP; try --public-address)`,
    };
  }
  if (sent === 0) return { name: 'audio', ok: false, detail: `audio one way only: nothing sent (${received} packets received)` };
  return { name: 'audio', ok: true, detail: `${sent} packets sent, ${received} received` };
}

function echoCheck(facts: CallFacts, thresholds: VerdictThresholds): VerdictCheck {
  if (facts.packetsReceived === 0) return { name: 'echo', ok: null, detail: 'nothing to correlate' };
  if (facts.echo === null) return { name: 'echo', ok: false, detail: 'no echo measured: nothing was recorded' };
  const { peak, lagMs, pieceMedian } = facts.echo;
  if (peak < thresholds.minCorrelation && pieceMedian !== undefined && pieceMedian >= thresholds.minCorrelation) {
    return {
      name: 'echo',
      ok: true,
      detail: `correlation ${fixed(pieceMedian, 3)} piece by piece (${fixed(peak, 2)} whole: the echo slipped in time on the way), round trip ${Math.round(lagMs)} ms`,
    };
  }
  if (peak < thresholds.minCorrelation) {
    return {
      name: 'echo',
      ok: false,
      detail: `no echo: correlation ${fixed(peak, 2)} < ${thresholds.minCorrelation}: the peer sends audio, but not ours back`,
    };
  }
  return { name: 'echo', ok: true, detail: `correlation ${fixed(peak, 3)}, round trip ${Math.round(lagMs)} ms` };
}

function limitCheck(name: 'loss' | 'jitter', value: number | null, limit: number, unit: string, digits: number, what: string): VerdictCheck {
  if (value === null) return { name, ok: null, detail: 'not measured' };
  const shown = `${fixed(value, digits)}${unit}`;
  if (value > limit) return { name, ok: false, detail: `${what} ${shown} > ${limit}${unit}` };
  return { name, ok: true, detail: `${shown} (limit ${limit}${unit})` };
}

function byeCheck(facts: CallFacts): VerdictCheck {
  if (facts.endedBy === 'peer') {
    const after = facts.durationMs === null ? '' : ` after ${fixed(facts.durationMs / 1000, 1)} s`;
    const early = facts.durationMs !== null && facts.durationMs < facts.plannedDurationMs;
    return early
      ? { name: 'bye', ok: false, detail: `the peer hung up${after}, before the ${fixed(facts.plannedDurationMs / 1000, 0)} s test ended` }
      : { name: 'bye', ok: true, detail: `the peer hung up${after}` };
  }
  if (facts.endedBy === null) return { name: 'bye', ok: false, detail: 'the call did not end cleanly: no BYE was exchanged' };
  if (facts.byeStatus === null) return { name: 'bye', ok: false, detail: 'our BYE was not answered' };
  const said = `${facts.byeStatus} ${facts.byeReason ?? ''}`.trimEnd();
  if (facts.byeStatus >= 200 && facts.byeStatus < 300) return { name: 'bye', ok: true, detail: said };
  return { name: 'bye', ok: false, detail: `our BYE was answered ${said}${facts.byeStatus === 481 ? ': the peer had already lost the call' : ''}` };
}
