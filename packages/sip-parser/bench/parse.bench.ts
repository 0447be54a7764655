/**
 * Trunkline's SIP parser against the JavaScript SIP parsers people use —
 * `sip`, `drachtio-sip`, JsSIP, SIP.js — on ten realistic trunk messages
 * (bench/corpus), side by side in one process, interleaved, medians reported.
 *
 *   pnpm build && pnpm --filter @trunkline/sip-parser bench     (root `pnpm bench` builds first)
 *
 * Trunkline is imported from the built package (dist/), never from src/.
 * Environment:
 *   BENCH_QUICK=1        3 rounds × 20 ms slices (a smoke run, ~20 s)
 *   BENCH_ROUNDS=n       rounds (default 15)
 *   BENCH_SLICE_MS=ms    time per cell per round (default 50)
 *   BENCH_WARMUP_MS=ms   warm-up per cell (default 150)
 *   BENCH_ONLY=a,b       only these parser ids (trunkline-bytes, trunkline-string, sip, drachtio-sip, jssip, sip.js)
 *   BENCH_WORKLOADS=a,b  only these workloads (read, roundtrip, modify)
 *   BENCH_SEED=n         seed of the per-round shuffles (default 1)
 *   BENCH_GC=1           force a full GC between cells (untimed; distorts rates, see bench/README.md)
 *   BENCH_OUT=path       JSON output (default <repo>/.bench-out/sip-parser/latest.json; the tables go beside it as .md)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { PACKAGE_DIR, loadCorpus, loadMustReject, type CorpusMessage } from './corpus.js';
import { EXTRA_HEADER, loadPeers, type ParserAdapter } from './adapters.js';
import { loadTrunkline } from './trunkline.js';
import { WORKLOADS, measure, sinkValue, type Cell, type MeasureOptions, type Workload } from './measure.js';
import { aggregate, cellResult, ratioMarkdown, ratios, workloadMarkdown, type Aggregate } from './report.js';
import { rejectsMarkdown, runRejects } from './rejects.js';

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v <= 0) throw new TypeError(`${name} must be a positive number, got ${JSON.stringify(raw)}`);
  return Math.round(v);
}

const quick = process.env['BENCH_QUICK'] === '1';
const options: MeasureOptions = {
  rounds: envInt('BENCH_ROUNDS', quick ? 3 : 15),
  sliceMs: envInt('BENCH_SLICE_MS', quick ? 20 : 50),
  warmupMs: envInt('BENCH_WARMUP_MS', quick ? 40 : 150),
  batchMs: 2,
  seed: envInt('BENCH_SEED', 1),
};
const outPath = resolve(process.env['BENCH_OUT'] || `${PACKAGE_DIR}../../.bench-out/sip-parser/latest.json`);
const only = process.env['BENCH_ONLY']?.split(',').map((s) => s.trim()).filter(Boolean);
const onlyWorkloads = process.env['BENCH_WORKLOADS']?.split(',').map((s) => s.trim()).filter(Boolean);

if (process.env['BENCH_GC'] === '1' && typeof (globalThis as { gc?: unknown }).gc !== 'function') {
  // Opt-in only: a forced full GC between cells cut every parser's measured rate
  // 2-6x here (presumably the young generation shrinks back to its minimum).
  // Without it, one parser's garbage is scavenged during another's slice, but a
  // scavenge costs in proportion to live objects, not garbage, so that is cheap.
  setFlagsFromString('--expose-gc');
  (globalThis as { gc?: unknown }).gc = runInNewContext('gc');
}

const log = (line: string): void => void process.stderr.write(`${line}\n`);

function sameBytes(a: string | Uint8Array, original: CorpusMessage): boolean {
  return typeof a === 'string' ? a === original.text : Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(original.bytes);
}

interface Fidelity {
  readonly parser: string;
  /** Serialised output equals the input byte for byte. */
  readonly identical: number;
  /** Serialised output parses back (same library) to the same Call-ID and CSeq. */
  readonly reparses: number;
  /** After adding a header: output parses back to the same Call-ID/CSeq and holds the added line. */
  readonly modifiedOk: number;
  readonly total: number;
}

const describeError = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).slice(0, 160);

function sameIds(adapter: ParserAdapter, wire: string | Uint8Array, msg: CorpusMessage): { ok: boolean; text: string } {
  const text = typeof wire === 'string' ? wire : Buffer.from(wire.buffer, wire.byteOffset, wire.byteLength).toString('utf8');
  const again = adapter.read({ ...msg, text, bytes: Buffer.from(text, 'utf8') });
  return { ok: again.callId === msg.callId && again.seq === msg.cseqSeq && again.method === msg.cseqMethod, text };
}

/** Checks every cell once before timing it; a wrong answer or a throw turns the cell into an error cell. */
function buildCells(
  adapters: readonly ParserAdapter[],
  corpus: readonly CorpusMessage[],
  workloads: readonly Workload[],
): { cells: Cell[]; fidelity: Fidelity[] } {
  const cells: Cell[] = [];
  const fidelity: Fidelity[] = [];
  const added = new RegExp(`\\r\\n${EXTRA_HEADER.name}: ?${EXTRA_HEADER.value}\\r\\n`, 'i');
  for (const adapter of adapters) {
    let identical = 0;
    let reparses = 0;
    let modifiedOk = 0;
    for (const msg of corpus) {
      for (const workload of workloads) {
        const cell: Cell = { adapter, msg, workload, skip: null, batch: 1, rates: [] };
        cells.push(cell);
        if (workload !== 'read' && !adapter.hasSerializer) {
          cell.skip = { kind: 'n/a', reason: adapter.serializeApi };
          continue;
        }
        try {
          if (workload === 'read') {
            const ids = adapter.read(msg);
            if (ids.callId !== msg.callId || ids.seq !== msg.cseqSeq || ids.method !== msg.cseqMethod) {
              cell.skip = { kind: 'error', reason: `read ${JSON.stringify(ids)}, expected ${msg.callId} / ${msg.cseqSeq} ${msg.cseqMethod}` };
            }
          } else if (workload === 'roundtrip') {
            const wire = adapter.roundtrip(msg);
            if (sameBytes(wire, msg)) identical++;
            if (sameIds(adapter, wire, msg).ok) reparses++;
          } else {
            const { ok, text } = sameIds(adapter, adapter.modify(msg), msg);
            if (ok && added.test(text)) modifiedOk++;
            else cell.skip = { kind: 'error', reason: 'serialised output after adding a header does not re-parse to the same Call-ID/CSeq with the header' };
          }
        } catch (e) {
          cell.skip = { kind: 'error', reason: describeError(e) };
        }
      }
    }
    if (adapter.hasSerializer) fidelity.push({ parser: adapter.id, identical, reparses, modifiedOk, total: corpus.length });
  }
  return { cells, fidelity };
}

async function main(): Promise<void> {
  const corpus = loadCorpus();
  const trunkline = await loadTrunkline(corpus);
  const peers = loadPeers();
  let adapters: ParserAdapter[] = [...trunkline.adapters, ...peers.adapters];
  if (only) adapters = adapters.filter((a) => only.includes(a.id));
  if (adapters.length === 0) throw new Error('no parser to measure (check BENCH_ONLY)');

  const cpu = cpus();
  const startedAt = new Date().toISOString();
  const loadBefore = loadavg();
  log(`sip-parser bench: ${adapters.map((a) => a.id).join(', ')}; ${options.rounds} rounds × ${options.sliceMs} ms slices`);
  if (trunkline.problem) log(`Trunkline column missing: ${trunkline.problem}`);
  if (trunkline.build.stale) log(`warning: ${trunkline.build.stale}`);
  for (const p of peers.problems) log(`peer failed to load: ${p}`);

  const workloads = WORKLOADS.filter((w) => !onlyWorkloads || onlyWorkloads.includes(w));
  const { cells, fidelity } = buildCells(adapters, corpus, workloads);
  const live = cells.filter((c) => c.skip === null).length;
  log(`${live} timed cells; about ${Math.ceil((live * (options.warmupMs + options.rounds * options.sliceMs)) / 1000)} s`);
  measure(cells, options, log);
  const loadAfter = loadavg();

  const results = cells.map(cellResult);
  const aggregates: Aggregate[] = adapters.flatMap((a) => workloads.map((w) => aggregate(cells, a.id, w, corpus)));
  const ratioRows = ratios(results, aggregates, adapters, corpus);
  const { suites, problems: suiteProblems } = loadMustReject();
  const rejectRows = runRejects(
    adapters.filter((a) => a.id !== 'trunkline-string'),
    suites,
  );

  // ---- markdown to stdout
  const notes: string[] = [];
  const md: string[] = [];
  md.push('## @trunkline/sip-parser vs JavaScript SIP parsers');
  md.push('');
  md.push(
    `${startedAt} · Node ${process.version} · ${cpu[0]?.model ?? '?'} × ${cpu.length} · load avg ${loadBefore[0]?.toFixed(2)} → ${loadAfter[0]?.toFixed(2)} · ` +
      `${options.rounds} rounds × ${options.sliceMs} ms per cell, shuffled per round, median of rounds · GC between cells: ${typeof (globalThis as { gc?: unknown }).gc === 'function' ? 'yes' : 'no'}`,
  );
  md.push('');
  md.push(`Parsers: ${adapters.map((a) => `${a.label} ${a.version}`).join(', ')}.`);
  if (trunkline.resolved) {
    md.push(
      `Trunkline measured from \`${trunkline.resolved.replace(/^file:\/\/.*\/packages\//, 'packages/')}\` (built output, built ${trunkline.build.builtAt ?? '?'}).`,
    );
  }
  if (trunkline.build.stale) md.push(`**Stale build:** ${trunkline.build.stale}.`);
  if (trunkline.problem) md.push(`**No Trunkline column:** ${trunkline.problem}`);
  md.push('');
  for (const w of workloads) {
    md.push(workloadMarkdown(w, adapters, corpus, results, aggregates, notes));
    md.push('');
    const rm = ratioMarkdown(w, ratioRows, adapters, corpus);
    if (rm) md.push(rm, '');
  }
  if (fidelity.length && workloads.some((w) => w !== 'read')) {
    const part = (f: Fidelity): string => {
      const bits: string[] = [];
      if (workloads.includes('roundtrip')) {
        bits.push(`byte-identical ${f.identical}/${f.total}`, `re-parses to the same Call-ID/CSeq ${f.reparses}/${f.total}`);
      }
      if (workloads.includes('modify')) bits.push(`with the added header ${f.modifiedOk}/${f.total}`);
      return `${adapters.find((a) => a.id === f.parser)?.label ?? f.parser}: ${bits.join(', ')}`;
    };
    md.push(`Serializer fidelity on the corpus — ${fidelity.map(part).join('; ')}.`);
    md.push('');
  }
  if (notes.length) {
    md.push('Errors:');
    notes.forEach((n, i) => md.push(`${i + 1}. ${n}`));
    md.push('');
  }
  md.push('### Entry points');
  md.push('');
  md.push('| parser | version | input | parse + Call-ID + CSeq | serialize | add a header |');
  md.push('| --- | --- | --- | --- | --- | --- |');
  const code = (a: ParserAdapter, text: string): string => (a.hasSerializer ? `\`${text}\`` : text);
  for (const a of adapters) {
    md.push(`| ${a.label} | ${a.version} | ${a.input} | \`${a.readApi}\` | ${code(a, a.serializeApi)} | ${code(a, a.modifyApi)} |`);
  }
  md.push('');
  md.push('### Must-reject torture messages');
  md.push('');
  md.push(rejectsMarkdown(rejectRows, suites, suiteProblems));
  md.push('');
  md.push(`(sink ${sinkValue()})`);
  process.stdout.write(`${md.join('\n')}\n`);

  // ---- JSON
  const json = {
    startedAt,
    node: process.version,
    cpu: { model: cpu[0]?.model ?? null, count: cpu.length },
    loadavg: { before: loadBefore, after: loadAfter },
    options: { ...options, quick, gcBetweenCells: typeof (globalThis as { gc?: unknown }).gc === 'function' },
    trunkline: { resolved: trunkline.resolved, problem: trunkline.problem, build: trunkline.build },
    peerLoadProblems: peers.problems,
    corpus: corpus.map((m) => ({ name: m.name, bytes: m.bytes.length })),
    parsers: adapters.map(({ id, label, version, input, readApi, serializeApi, modifyApi, hasSerializer, validationApi }) => ({
      id,
      label,
      version,
      input,
      readApi,
      serializeApi,
      modifyApi,
      hasSerializer,
      validationApi,
    })),
    cells: results,
    aggregates,
    ratios: ratioRows,
    fidelity,
    rejects: rejectRows,
    rejectSuiteProblems: suiteProblems,
    sink: sinkValue(),
  };
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, `${JSON.stringify(json, null, 2)}\n`);
  const mdPath = outPath.replace(/\.json$/, '') + '.md';
  writeFileSync(mdPath, `${md.join('\n')}\n`);
  log(`wrote ${outPath} and ${mdPath}`);
}

await main();
