/**
 * Turns measured cells into per-message medians, corpus aggregates and
 * Trunkline-to-peer ratios, and renders them as markdown.
 *
 * Aggregate = total-time over one pass of the corpus: a parser that handles
 * each of the M messages once spends Σ 1/rate(m) seconds, so its corpus rate
 * is M / Σ 1/rate(m) msgs/s (the harmonic mean of the per-message rates) and
 * its byte rate Σ bytes(m) / Σ 1/rate(m).
 */
import type { CorpusMessage } from './corpus.js';
import type { ParserAdapter } from './adapters.js';
import { WORKLOADS, median, quantile, type Cell, type Workload } from './measure.js';

export interface CellResult {
  readonly parser: string;
  readonly message: string;
  readonly workload: Workload;
  readonly status: 'ok' | 'n/a' | 'error';
  readonly reason?: string;
  /** Median msgs/s over the rounds. */
  readonly median?: number;
  readonly p25?: number;
  readonly p75?: number;
  readonly rounds?: readonly number[];
}

export interface Aggregate {
  readonly parser: string;
  readonly workload: Workload;
  /** null when some cell is n/a or failed. */
  readonly msgsPerSec: number | null;
  readonly bytesPerSec: number | null;
  /** Spread of the per-round corpus aggregates. */
  readonly roundP25: number | null;
  readonly roundP75: number | null;
}

export interface Ratio {
  readonly workload: Workload;
  readonly trunkline: string;
  readonly peer: string;
  /** Trunkline msgs/s ÷ peer msgs/s over the corpus (>1 = Trunkline faster). */
  readonly corpus: number | null;
  readonly perMessage: Readonly<Record<string, number | null>>;
}

export function cellResult(c: Cell): CellResult {
  const base = { parser: c.adapter.id, message: c.msg.name, workload: c.workload };
  if (c.skip) return { ...base, status: c.skip.kind, reason: c.skip.reason };
  return {
    ...base,
    status: 'ok',
    median: median(c.rates),
    p25: quantile(c.rates, 0.25),
    p75: quantile(c.rates, 0.75),
    rounds: c.rates,
  };
}

export function aggregate(cells: readonly Cell[], parser: string, workload: Workload, corpus: readonly CorpusMessage[]): Aggregate {
  const mine = cells.filter((c) => c.adapter.id === parser && c.workload === workload);
  const none = { parser, workload, msgsPerSec: null, bytesPerSec: null, roundP25: null, roundP75: null };
  if (mine.length !== corpus.length || mine.some((c) => c.skip !== null)) return none;
  const bytes = corpus.reduce((s, m) => s + m.bytes.length, 0);
  const passSeconds = mine.reduce((s, c) => s + 1 / median(c.rates), 0);
  const rounds = Math.min(...mine.map((c) => c.rates.length));
  const perRound: number[] = [];
  for (let r = 0; r < rounds; r++) perRound.push(mine.length / mine.reduce((s, c) => s + 1 / (c.rates[r] as number), 0));
  return {
    parser,
    workload,
    msgsPerSec: mine.length / passSeconds,
    bytesPerSec: bytes / passSeconds,
    roundP25: quantile(perRound, 0.25),
    roundP75: quantile(perRound, 0.75),
  };
}

export function ratios(
  results: readonly CellResult[],
  aggregates: readonly Aggregate[],
  adapters: readonly ParserAdapter[],
  corpus: readonly CorpusMessage[],
): Ratio[] {
  const out: Ratio[] = [];
  const rate = (parser: string, message: string, workload: Workload): number | null => {
    const r = results.find((x) => x.parser === parser && x.message === message && x.workload === workload);
    return r?.median ?? null;
  };
  const agg = (parser: string, workload: Workload): number | null =>
    aggregates.find((a) => a.parser === parser && a.workload === workload)?.msgsPerSec ?? null;
  const div = (a: number | null, b: number | null): number | null => (a !== null && b !== null && b > 0 ? a / b : null);
  const peers = adapters.filter((a) => !a.trunkline);
  for (const t of adapters.filter((a) => a.trunkline)) {
    for (const workload of WORKLOADS) {
      for (const p of peers) {
        const perMessage: Record<string, number | null> = {};
        for (const m of corpus) perMessage[m.name] = div(rate(t.id, m.name, workload), rate(p.id, m.name, workload));
        out.push({ workload, trunkline: t.id, peer: p.id, corpus: div(agg(t.id, workload), agg(p.id, workload)), perMessage });
      }
      // Against the fastest peer: per message, the fastest peer on that message.
      const perMessage: Record<string, number | null> = {};
      for (const m of corpus) {
        const best = Math.max(...peers.map((p) => rate(p.id, m.name, workload) ?? 0));
        perMessage[m.name] = div(rate(t.id, m.name, workload), best > 0 ? best : null);
      }
      const bestAgg = Math.max(...peers.map((p) => agg(p.id, workload) ?? 0));
      out.push({ workload, trunkline: t.id, peer: 'fastest peer', corpus: div(agg(t.id, workload), bestAgg > 0 ? bestAgg : null), perMessage });
    }
  }
  return out;
}

export function fmtRate(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(v >= 1e5 ? 0 : 1)}k`;
  return v.toFixed(0);
}

export function fmtRatio(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : `${v.toFixed(2)}×`;
}

const WORKLOAD_TITLE: Record<Workload, string> = {
  read: 'parse + read Call-ID and CSeq (seq, method)',
  roundtrip: 'parse + serialize back to wire form',
  modify: 'parse + add one header + serialize (the forwarding path)',
};

export function workloadMarkdown(
  workload: Workload,
  adapters: readonly ParserAdapter[],
  corpus: readonly CorpusMessage[],
  results: readonly CellResult[],
  aggregates: readonly Aggregate[],
  notes: string[],
): string {
  const out: string[] = [];
  out.push(`### ${WORKLOAD_TITLE[workload]} — msgs/s (median of rounds; higher is better)`);
  out.push('');
  out.push(`| message | bytes | ${adapters.map((a) => a.label).join(' | ')} |`);
  out.push(`| --- | ---: | ${adapters.map(() => '---:').join(' | ')} |`);
  out.push(`| *input* | | ${adapters.map((a) => `*${a.input}*`).join(' | ')} |`);
  for (const m of corpus) {
    const cells = adapters.map((a) => {
      const r = results.find((x) => x.parser === a.id && x.message === m.name && x.workload === workload);
      if (!r) return '—';
      if (r.status === 'n/a') return 'n/a';
      if (r.status === 'error') {
        notes.push(`${a.label} on ${m.name} (${workload}): ${r.reason ?? 'error'}`);
        return `error[${notes.length}]`;
      }
      return fmtRate(r.median);
    });
    out.push(`| ${m.name} | ${m.bytes.length} | ${cells.join(' | ')} |`);
  }
  const total = corpus.reduce((s, m) => s + m.bytes.length, 0);
  const agg = (a: ParserAdapter): Aggregate | undefined => aggregates.find((x) => x.parser === a.id && x.workload === workload);
  out.push(`| **corpus (total time, msgs/s)** | ${total} | ${adapters.map((a) => `**${fmtRate(agg(a)?.msgsPerSec)}**`).join(' | ')} |`);
  out.push(
    `| corpus, per-round p25–p75 | | ${adapters
      .map((a) => {
        const g = agg(a);
        return g?.roundP25 != null && g.roundP75 != null ? `${fmtRate(g.roundP25)}–${fmtRate(g.roundP75)}` : '—';
      })
      .join(' | ')} |`,
  );
  out.push(
    `| corpus MB/s | | ${adapters
      .map((a) => {
        const b = agg(a)?.bytesPerSec;
        return b == null ? '—' : (b / 1e6).toFixed(1);
      })
      .join(' | ')} |`,
  );
  return out.join('\n');
}

export function ratioMarkdown(workload: Workload, rs: readonly Ratio[], adapters: readonly ParserAdapter[], corpus: readonly CorpusMessage[]): string {
  const mine = rs.filter((r) => r.workload === workload);
  if (mine.length === 0) return '';
  const label = (id: string): string => adapters.find((a) => a.id === id)?.label ?? id;
  const out: string[] = [];
  out.push(`#### Trunkline ÷ peer, ${WORKLOAD_TITLE[workload]} (>1× = Trunkline faster)`);
  out.push('');
  out.push(`| Trunkline input | vs | corpus | ${corpus.map((m) => m.name).join(' | ')} |`);
  out.push(`| --- | --- | ---: | ${corpus.map(() => '---:').join(' | ')} |`);
  for (const r of mine) {
    out.push(
      `| ${label(r.trunkline)} | ${label(r.peer)} | **${fmtRatio(r.corpus)}** | ${corpus.map((m) => fmtRatio(r.perMessage[m.name])).join(' | ')} |`,
    );
  }
  return out.join('\n');
}
