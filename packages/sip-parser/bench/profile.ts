/**
 * CPU profile of one parser looping over the corpus, taken in-process with
 * node:inspector (no command-line flags needed). Prints the hottest functions
 * by self and by inclusive time and writes a .cpuprofile that Chrome DevTools
 * or speedscope can open.
 *
 *   pnpm build && tsx bench/profile.ts [parser-id] [read|roundtrip|modify] [seconds]
 *   e.g. tsx bench/profile.ts trunkline-bytes read 5
 *
 * BENCH_PROFILE_NO_INLINE=1 turns off TurboFan inlining so time lands on the
 * function (and line) that spends it rather than on its inlining caller; the
 * code runs slower that way, so read the shares, not the rate.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Session } from 'node:inspector/promises';
import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { performance } from 'node:perf_hooks';
import { PACKAGE_DIR, loadCorpus } from './corpus.js';
import { loadPeers } from './adapters.js';
import { loadTrunkline } from './trunkline.js';
import { WORKLOADS } from './measure.js';

interface ProfileNode {
  readonly id: number;
  readonly positionTicks?: ReadonlyArray<{ readonly line: number; readonly ticks: number }>;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

function frameKey(n: ProfileNode): string {
  const { functionName, url, lineNumber } = n.callFrame;
  const where = url
    .replace(/^file:\/\/.*\/node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?/, '')
    .replace(/^file:\/\/.*\/packages\//, 'packages/');
  return `${functionName || '(anonymous)'} ${where}${where ? `:${lineNumber + 1}` : ''}`;
}

/** Self and inclusive time per function (recursion counted once per sample). */
export function summarize(profile: Profile, top: number): string {
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  let total = 0;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] as number;
    const dt = deltas[i] ?? 0;
    total += dt;
    const leaf = byId.get(id);
    if (!leaf) continue;
    const k = frameKey(leaf);
    self.set(k, (self.get(k) ?? 0) + dt);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur);
      if (!n) break;
      const key = frameKey(n);
      if (seen.has(key)) continue;
      seen.add(key);
      incl.set(key, (incl.get(key) ?? 0) + dt);
    }
  }
  const pct = (t: number): string => `${((100 * t) / total).toFixed(1).padStart(5)}%`;
  const rows = (m: Map<string, number>): string[] =>
    [...m]
      .filter(([k]) => !k.startsWith('(root)') && !k.startsWith('(program)') && !k.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, t]) => `${pct(t)}  ${k}`);
  return [`self time (total ${(total / 1000).toFixed(0)} ms sampled):`, ...rows(self), '', 'inclusive time:', ...rows(incl)].join('\n');
}

/** Hottest source lines of files under packages/ (the built JS), with the line's text. */
export function hotLines(profile: Profile, top: number): string {
  const ticks = new Map<string, number>();
  let total = 0;
  for (const n of profile.nodes) {
    for (const t of n.positionTicks ?? []) {
      total += t.ticks;
      if (!n.callFrame.url.includes('/packages/')) continue;
      const k = `${n.callFrame.url}#${t.line}`;
      ticks.set(k, (ticks.get(k) ?? 0) + t.ticks);
    }
  }
  const sources = new Map<string, string[]>();
  const text = (url: string, line: number): string => {
    let lines = sources.get(url);
    if (!lines) {
      try {
        lines = readFileSync(fileURLToPath(url), 'utf8').split('\n');
      } catch {
        lines = [];
      }
      sources.set(url, lines);
    }
    return (lines[line - 1] ?? '').trim().slice(0, 110);
  };
  return [...ticks]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, t]) => {
      const [url = '', line = '0'] = k.split('#');
      const where = url.replace(/^file:\/\/.*\/packages\//, 'packages/');
      return `${((100 * t) / total).toFixed(1).padStart(5)}%  ${where}:${line}  ${text(url, Number(line))}`;
    })
    .join('\n');
}

async function main(): Promise<void> {
  const noInline = process.env['BENCH_PROFILE_NO_INLINE'] === '1';
  if (noInline) setFlagsFromString('--no-turbo-inlining');
  const [id = 'trunkline-bytes', workloadArg = 'read', secondsArg = '5'] = process.argv.slice(2);
  const workload = WORKLOADS.find((w) => w === workloadArg);
  if (!workload) throw new TypeError(`workload must be one of ${WORKLOADS.join(', ')}, got ${workloadArg}`);
  const seconds = Number(secondsArg);
  const corpus = loadCorpus();
  const trunkline = await loadTrunkline(corpus);
  const adapters = [...trunkline.adapters, ...loadPeers().adapters];
  const adapter = adapters.find((a) => a.id === id);
  if (!adapter) throw new Error(`no parser ${id} (have ${adapters.map((a) => a.id).join(', ')})${trunkline.problem ? `; ${trunkline.problem}` : ''}`);
  const loop = { read: adapter.loopRead, roundtrip: adapter.loopRoundtrip, modify: adapter.loopModify }[workload].bind(adapter);

  // Warm up unprofiled, so the profile shows optimised steady state, not tier-up.
  let sink = 0;
  const warmEnd = performance.now() + 1000;
  while (performance.now() < warmEnd) for (const m of corpus) sink += loop(m, 20);

  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  let passes = 0;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  while (performance.now() < end) {
    for (const m of corpus) sink += loop(m, 20);
    passes += 20;
  }
  const elapsed = (performance.now() - t0) / 1000;
  const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
  session.disconnect();

  const dir = resolve(`${PACKAGE_DIR}../../.bench-out/sip-parser`);
  mkdirSync(dir, { recursive: true });
  const file = `${dir}/${id}-${workload}${noInline ? '-noinline' : ''}.cpuprofile`;
  writeFileSync(file, JSON.stringify(profile));
  const rate = (passes * corpus.length) / elapsed;
  console.log(
    `${adapter.label} ${workload}: ${(rate / 1000).toFixed(0)}k msgs/s over the corpus while profiling${noInline ? ' (inlining off)' : ''} (sink ${sink})`,
  );
  console.log(summarize(profile, 25));
  console.log('\nhot lines (built JS; src/ has the same structure):');
  console.log(hotLines(profile, 30));
  console.log(`\nwrote ${file}`);
}

await main();
