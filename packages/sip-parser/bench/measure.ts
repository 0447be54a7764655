/**
 * The timing harness: warm every cell, then run R rounds; in each round every
 * (parser, message, workload) cell runs for one time slice, in an order
 * shuffled afresh per round so no parser always runs first (or always right
 * after another parser's garbage). A cell's result is the median of its
 * per-round rates.
 */
import { performance } from 'node:perf_hooks';
import type { CorpusMessage } from './corpus.js';
import type { ParserAdapter } from './adapters.js';
import { seededRandom as rng } from '@trunkline/test-support';

export type Workload = 'read' | 'roundtrip' | 'modify';
export const WORKLOADS: readonly Workload[] = ['read', 'roundtrip', 'modify'];

export interface MeasureOptions {
  readonly rounds: number;
  readonly sliceMs: number;
  /** Warm-up time per cell before the first round. */
  readonly warmupMs: number;
  /** Target duration of one timed batch (iterations between clock reads). */
  readonly batchMs: number;
  readonly seed: number;
}

export interface Cell {
  readonly adapter: ParserAdapter;
  readonly msg: CorpusMessage;
  readonly workload: Workload;
  /** Set when the correctness check failed or the parser has no serializer. */
  skip: { readonly kind: 'n/a' | 'error'; readonly reason: string } | null;
  /** Iterations per timed batch, found during warm-up. */
  batch: number;
  /** Messages per second, one entry per round. */
  readonly rates: number[];
}

/** Everything the loops return is folded in here and printed, so no read is dead code. */
let sink = 0;
export function sinkValue(): number {
  return sink;
}

/** gc() when the process exposes it (parse.bench.ts does), looked up when measuring starts. */
function exposedGc(): (() => void) | undefined {
  const gc = (globalThis as { gc?: unknown }).gc;
  return typeof gc === 'function' ? (gc as () => void) : undefined;
}

function run(cell: Cell, n: number): number {
  switch (cell.workload) {
    case 'read':
      return cell.adapter.loopRead(cell.msg, n);
    case 'roundtrip':
      return cell.adapter.loopRoundtrip(cell.msg, n);
    case 'modify':
      return cell.adapter.loopModify(cell.msg, n);
  }
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const a = items.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = a[i] as T;
    a[i] = a[j] as T;
    a[j] = t;
  }
  return a;
}

/** Runs `cell` for at least `ms`, returning [iterations, elapsed ms]. */
function timeSlice(cell: Cell, ms: number): [number, number] {
  const n = cell.batch;
  let iters = 0;
  const t0 = performance.now();
  let t: number;
  do {
    sink += run(cell, n);
    iters += n;
    t = performance.now();
  } while (t - t0 < ms);
  return [iters, t - t0];
}

function warm(cell: Cell, opts: MeasureOptions): void {
  // Grow the batch until one batch takes about batchMs, then keep running until warmupMs.
  cell.batch = 1;
  const t0 = performance.now();
  for (;;) {
    const s = performance.now();
    sink += run(cell, cell.batch);
    const took = performance.now() - s;
    if (took < opts.batchMs) cell.batch = Math.min(cell.batch * 2, 1 << 24);
    if (performance.now() - t0 >= opts.warmupMs && took >= opts.batchMs / 2) break;
    if (performance.now() - t0 >= opts.warmupMs * 4) break;
  }
}

export function measure(cells: readonly Cell[], opts: MeasureOptions, progress: (line: string) => void): void {
  const live = cells.filter((c) => c.skip === null);
  const gc = exposedGc();
  const random = rng(opts.seed);
  for (const cell of shuffled(live, random)) warm(cell, opts);
  for (let r = 0; r < opts.rounds; r++) {
    const t0 = performance.now();
    for (const cell of shuffled(live, random)) {
      gc?.();
      const [iters, ms] = timeSlice(cell, opts.sliceMs);
      cell.rates.push((iters * 1000) / ms);
    }
    progress(`round ${r + 1}/${opts.rounds} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  }
}

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const a = values.slice().sort((x, y) => x - y);
  const pos = (a.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const l = a[lo] as number;
  const h = a[hi] as number;
  return l + (h - l) * (pos - lo);
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);
