/**
 * Correctness side table: of the torture messages RFC 4475 (and RFC 5118,
 * when its fixtures exist) says a parser must reject, how many each parser
 * rejects. "Rejects" = the parse throws or returns null/undefined; the second
 * count adds the library's own validation step where it has one (for
 * Trunkline `validateMessage(msg).ok === false`).
 *
 * Run alone: `tsx bench/rejects.ts` (after `pnpm build`).
 */
import { pathToFileURL } from 'node:url';
import { loadCorpus, loadMustReject, type RejectSuite } from './corpus.js';
import { loadPeers, type ParserAdapter, type RejectVerdict } from './adapters.js';
import { loadTrunkline } from './trunkline.js';

export interface RejectRow {
  readonly parser: string;
  readonly label: string;
  readonly suite: string;
  readonly total: number;
  readonly parseRejected: number;
  /** null when the parser has no validation step. */
  readonly validatedRejected: number | null;
  readonly validationApi: string | null;
  /** Must-reject messages the parser let through (after validation, when it has it). */
  readonly accepted: readonly string[];
  readonly verdicts: Readonly<Record<string, RejectVerdict>>;
}

export function runRejects(adapters: readonly ParserAdapter[], suites: readonly RejectSuite[]): RejectRow[] {
  const rows: RejectRow[] = [];
  for (const adapter of adapters) {
    for (const suite of suites) {
      let parseRejected = 0;
      let validatedRejected = 0;
      const accepted: string[] = [];
      const verdicts: Record<string, RejectVerdict> = {};
      for (const f of suite.fixtures) {
        let v: RejectVerdict;
        try {
          v = adapter.reject(f.bytes);
        } catch (e) {
          // An adapter bug must not pass for a rejection.
          throw new Error(`${adapter.id} on ${f.name}: ${e instanceof Error ? e.message : String(e)}`, {
            cause: e,
          });
        }
        verdicts[f.name] = v;
        if (v.parseRejects) parseRejected++;
        const final = v.validatedRejects ?? v.parseRejects;
        if (final) validatedRejected++;
        else accepted.push(f.name);
      }
      rows.push({
        parser: adapter.id,
        label: adapter.label,
        suite: suite.suite,
        total: suite.fixtures.length,
        parseRejected,
        validatedRejected: adapter.validationApi === null ? null : validatedRejected,
        validationApi: adapter.validationApi,
        accepted,
        verdicts,
      });
    }
  }
  return rows;
}

export function rejectsMarkdown(rows: readonly RejectRow[], suites: readonly RejectSuite[], problems: readonly string[]): string {
  const out: string[] = [];
  const names = suites.map((s) => `${s.suite} (${s.index}): ${s.fixtures.map((f) => `${f.name} §${f.section}`).join(', ')}`);
  out.push(`Must-reject messages — ${names.join('; ')}.`);
  for (const p of problems) out.push(`Suite left out — ${p}.`);
  out.push('');
  out.push('| parser | suite | parse rejects | parse + own validation rejects | still accepted |');
  out.push('| --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const validated = r.validatedRejected === null ? 'n/a (no validation step)' : `rejected ${r.validatedRejected} of ${r.total}`;
    out.push(
      `| ${r.label} | ${r.suite} | rejected ${r.parseRejected} of ${r.total} | ${validated} | ${r.accepted.length ? r.accepted.join(', ') : '—'} |`,
    );
  }
  const kinds = rows
    .filter((r) => Object.values(r.verdicts).some((v) => v.errorKind !== undefined))
    .map(
      (r) =>
        `${r.label} ${r.suite}: ${Object.entries(r.verdicts)
          .map(([n, v]) => `${n} → ${v.errorKind ?? ((v.validatedRejects ?? v.parseRejects) ? 'rejected' : 'accepted')}`)
          .join(', ')}`,
    );
  if (kinds.length) {
    out.push('');
    out.push(`How they were rejected: ${kinds.join('; ')}.`);
  }
  out.push('');
  out.push('Validation steps used: ' + rows.filter((r, i, a) => a.findIndex((x) => x.parser === r.parser) === i).map((r) => `${r.label}: ${r.validationApi ?? 'none'}`).join('; ') + '.');
  return out.join('\n');
}

async function main(): Promise<void> {
  const corpus = loadCorpus();
  const trunkline = await loadTrunkline(corpus);
  const peers = loadPeers();
  const adapters = [...trunkline.adapters.filter((a) => a.id === 'trunkline-bytes'), ...peers.adapters];
  if (trunkline.problem) console.log(`Trunkline: ${trunkline.problem}`);
  const { suites, problems } = loadMustReject();
  console.log(rejectsMarkdown(runRejects(adapters, suites), suites, problems));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
