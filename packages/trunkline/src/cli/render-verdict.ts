/**
 * Text and JSON output of `trunkline call`: one verdict, and the summary of `--repeat`.
 *
 * @module
 */
import type { CallVerdict } from './call-verdict.js';
import { printable, safeJson } from './terminal-text.js';

const MARK = { true: 'ok  ', false: 'FAIL', null: '--  ' } as const;

/**
 * The verdict as text: the verdict line, then one line per check (a failed one carries its reason).
 *
 * @param v - from `judgeCall`
 *
 * @example
 * ```text
 * FAIL sip:echo@192.0.2.10 over udp
 *   FAIL answer  peer requires SRTP; you offered plain RTP (488 Not Acceptable Here; Warning: 302 ...): ...
 *   ok   errors  none
 *   --   not reached: codec, srtp, audio, echo, loss, jitter, bye
 * ```
 */
export function renderVerdictText(v: CallVerdict): string {
  const uui = v.uuiHex === null ? '' : `, UUI ${v.uuiHex}`;
  const lines = [`${v.verdict} ${printable(v.target)} over ${v.transport}${uui}`];
  // Failed checks carry the reasons; checks never reached are listed on one line.
  const unreached = v.checks.filter((c) => c.ok === null && c.detail === 'not reached').map((c) => c.name);
  for (const c of v.checks) {
    if (!unreached.includes(c.name)) lines.push(`  ${MARK[`${c.ok}`]} ${c.name.padEnd(7)} ${printable(c.detail)}`);
  }
  if (unreached.length > 0) lines.push(`  ${MARK.null} not reached: ${unreached.join(', ')}`);
  const quality = [
    v.rttMs === null ? null : `RTT ${Math.round(v.rttMs)} ms`,
    v.mos === null ? null : `MOS ${v.mos.toFixed(2)}`,
    v.durationMs === null ? null : `duration ${(v.durationMs / 1000).toFixed(1)} s`,
  ].filter((x) => x !== null);
  if (quality.length > 0) lines.push(`       ${'quality'.padEnd(7)} ${quality.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The verdict as one JSON object on one line: `"verdict"` first, then the reasons and every measured field.
 *
 * @param v - from `judgeCall`
 */
export function renderVerdictJson(v: CallVerdict): string {
  return `${safeJson(v)}\n`;
}

/** Summary of several test calls (`--repeat`). */
export interface VerdictSummary {
  /** PASS only when every call passed. */
  readonly verdict: 'PASS' | 'FAIL';
  readonly calls: number;
  readonly passed: number;
  readonly failed: number;
  /** Each distinct failure reason with how many calls it hit, most frequent first. */
  readonly failures: readonly { readonly reason: string; readonly calls: number }[];
  /** Call setup of answered calls, ms (nearest-rank percentiles). */
  readonly setupMs: Percentiles | null;
  /** Echo round trip of calls with an echo, ms. */
  readonly roundTripMs: Percentiles | null;
  /** Lowest echo correlation measured. */
  readonly minCorrelation: number | null;
}

/** Nearest-rank percentiles. */
export interface Percentiles {
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
}

function percentiles(values: number[]): Percentiles | null {
  if (values.length === 0) return null;
  const sorted = values.sort((a, b) => a - b);
  const rank = (p: number): number => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { p50: rank(50), p95: rank(95), max: sorted[sorted.length - 1]! };
}

/**
 * Summarise the verdicts of `--repeat N` calls.
 *
 * @param verdicts - one per call, any order
 */
export function summarizeVerdicts(verdicts: readonly CallVerdict[]): VerdictSummary {
  const counts = new Map<string, number>();
  for (const v of verdicts) for (const r of new Set(v.reasons)) counts.set(r, (counts.get(r) ?? 0) + 1);
  const passed = verdicts.filter((v) => v.verdict === 'PASS').length;
  const echoes = verdicts.flatMap((v) => (v.echo === null ? [] : [v.echo]));
  return {
    verdict: passed === verdicts.length && verdicts.length > 0 ? 'PASS' : 'FAIL',
    calls: verdicts.length,
    passed,
    failed: verdicts.length - passed,
    failures: [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([reason, calls]) => ({ reason, calls })),
    setupMs: percentiles(verdicts.flatMap((v) => (v.answered && v.setupMs !== null ? [v.setupMs] : []))),
    roundTripMs: percentiles(echoes.map((e) => e.lagMs)),
    minCorrelation: echoes.length === 0 ? null : Math.min(...echoes.map((e) => e.peak)),
  };
}

/**
 * The summary as text.
 *
 * @param s - from {@link summarizeVerdicts}
 */
export function renderSummaryText(s: VerdictSummary): string {
  const p = (x: Percentiles | null): string => (x === null ? 'n/a' : `p50 ${Math.round(x.p50)} ms, p95 ${Math.round(x.p95)} ms, max ${Math.round(x.max)} ms`);
  const lines = [
    `${s.verdict} ${s.passed}/${s.calls} calls passed`,
    `  setup       ${p(s.setupMs)}`,
    `  round trip  ${p(s.roundTripMs)}`,
    `  echo        ${s.minCorrelation === null ? 'n/a' : `lowest correlation ${s.minCorrelation.toFixed(3)}`}`,
    ...s.failures.map((f) => `  ${String(f.calls).padStart(5)} x ${printable(f.reason)}`),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * The summary as one JSON line.
 *
 * @param s - from {@link summarizeVerdicts}
 */
export function renderSummaryJson(s: VerdictSummary): string {
  return `${safeJson(s)}\n`;
}
