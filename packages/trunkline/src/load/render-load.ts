/**
 * Terminal text of `trunkline load`: one progress line per interval and the
 * closing summary.
 *
 * @module
 */
import type { LatencySummary } from './latency-histogram.js';
import type { LoadProgress, LoadResult } from './load-run.js';

/** One progress line (no newline). */
export function renderLoadProgress(p: LoadProgress): string {
  return (
    `${(p.elapsedMs / 1000).toFixed(0).padStart(4)}s  up ${String(p.callsUp).padStart(5)}  started ${p.started}  done ${p.completed}` +
    `  failed ${p.failed}  ${p.setupsPerSecond} setups/s  loss ${p.lossPercent.toFixed(2)}%`
  );
}

const ms = (s: LatencySummary): string => (s.count === 0 ? 'none' : `p50 ${s.p50} ms, p99 ${s.p99} ms, max ${s.max} ms (${s.count})`);
const kb = (bytes: number): string => `${Math.round(bytes / 1024)} KB`;

/** The closing summary, several lines. */
export function renderLoadResult(r: LoadResult): string {
  const c = r.calls;
  const lines = [
    `target    ${r.target} over ${r.transport}, SRTP ${r.srtp}; ${r.mode} ${r.requested}${r.mode === 'rate' ? '/s' : ''}, hold ${r.holdMaxMs > r.holdMs ? `${r.holdMs}..${r.holdMaxMs} ms (seed ${r.seed})` : `${r.holdMs} ms`}, ran ${(r.elapsedMs / 1000).toFixed(1)} s`,
    `calls     ${c.started} started, ${c.established} set up, ${c.completed} completed, ${c.failed} failed; peak ${c.peakUp} up, mean ${c.meanUp}; ${c.setupsPerSecond} setups/s`,
    `failures  ${Object.keys(c.failures).length === 0 ? 'none' : Object.entries(c.failures).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `setup     ${ms(r.setupMs)}`,
    `teardown  ${ms(r.teardownMs)}`,
    `echo      ${r.media.packetsEchoed}/${r.media.packetsSent} packets (${r.media.echoedPercent ?? '-'}%), turnaround ${ms(r.media.turnaroundMs)}`,
  ];
  const m = r.media;
  if (m.srtpDrops + m.foreign + m.lateOrDuplicate + m.pacerSkipped > 0) {
    lines.push(`          SRTP drops ${m.srtpDrops}, foreign ${m.foreign}, late/duplicate ${m.lateOrDuplicate}, pacer skipped ${m.pacerSkipped}`);
  }
  const e = r.endpoint;
  if (e !== null) {
    lines.push(
      `endpoint  pid ${e.pid}: ${e.cpuCores} cores, ${e.cpuCoresPerCall ?? '-'} cores/call, ${e.cpuMsPerCall ?? '-'} CPU ms/call; RSS ${kb(e.rssBytesBefore)} → peak ${kb(e.rssBytesPeak)} (${e.memoryBytesPerCall === null ? '-' : kb(e.memoryBytesPerCall)}/call)`,
    );
  }
  lines.push(`generator ${r.generator.cpuCores} cores, RSS ${kb(r.generator.rssBytes)}`);
  return `${lines.join('\n')}\n`;
}
