#!/usr/bin/env node
/**
 * The long hostile run (issue 14, "Hostile input"): the echo endpoint under
 * fuzzing, floods, allow-list outsiders and an INVITE flood never
 * acknowledged while legitimate SRTP echo calls continue; the same scenario
 * as packages/trunkline/test/hostile/live-endpoint.test.ts, for minutes.
 * Writes a JSON result and docs/hostile.md (machine, command, figures; a
 * hand-written "## Notes" section at its end is kept).
 *
 *   node scripts/hostile.mjs                      # 5 minutes, RFC timers
 *   node scripts/hostile.mjs --duration 60 --seed 42
 *   options: --duration S  --seed N  --udp-calls N  --tls-calls N  --fuzz-rate R  --options-rate R
 *            --outsider-rate R  --invite-rate R  --spare-calls N  --max-transactions N  --t1 MS
 *            --out FILE (default docs/hostile.md)  --json FILE (default $TMP/hostile-<seed>.json)
 *
 * Runs the TypeScript sources under tsx (no build needed). Loopback only; bounded by --duration
 * plus the release wait (64·T1 + 60 s at most).
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGE = join(ROOT, 'packages/trunkline');
const MAIN = 'test/hostile/hostile-main.ts';
const PASSED = ['duration', 'seed', 'udp-calls', 'tls-calls', 'fuzz-rate', 'options-rate', 'outsider-rate', 'invite-rate', 'spare-calls', 'max-transactions', 't1'];

const { values } = parseArgs({
  options: {
    ...Object.fromEntries(PASSED.map((name) => [name, { type: 'string' }])),
    out: { type: 'string', default: join(ROOT, 'docs/hostile.md') },
    json: { type: 'string' },
  },
});
const seed = values.seed ?? String(Math.floor(Math.random() * 0x7fff_ffff));
const json = values.json ?? join(tmpdir(), `hostile-${seed}.json`);
const summary = join(tmpdir(), `hostile-${seed}.md`);
const args = ['--seed', seed, ...PASSED.filter((n) => n !== 'seed' && values[n] !== undefined).flatMap((n) => [`--${n}`, values[n]])];
const command = `node scripts/hostile.mjs ${args.join(' ')}`;
const loadBefore = loadavg();
const started = new Date();
process.stderr.write(`${command}\n`);

const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', MAIN, ...args, '--json', json, '--markdown', summary], {
  cwd: PACKAGE,
  stdio: ['ignore', 'inherit', 'inherit'],
});
const code = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal === null ? 1 : 128))));
if (code !== 0) {
  process.stderr.write(`hostile run failed (exit ${code}); nothing written\n`);
  process.exit(code);
}
const result = JSON.parse(await readFile(json, 'utf8'));
const legit = [result.legit.udp, result.legit.tls].filter((l) => l !== null);
const verdicts = [
  ['zero crashes (no error reported by the endpoint, OPTIONS answered at the end)', result.endpointErrors.length === 0 && result.aliveAtEnd],
  ['every legitimate call established, echoed and torn down', legit.every((l) => l.calls.failed === 0 && l.calls.established === l.calls.started)],
  ['released after the INVITE flood (calls and transactions back to the legitimate ones)', result.releaseMs !== null],
];
const doc = [
  '# Hostile run',
  '',
  'The echo endpoint under attack while legitimate SRTP echo calls continue (issue 14, "Hostile input").',
  `Regenerate with \`${command}\` (a fresh seed without \`--seed\`).`,
  'The CI version is `packages/trunkline/test/hostile/live-endpoint.test.ts` (seconds, T1 25 ms).',
  '',
  `Run ${started.toISOString()} on ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Linux ${release()}, Node ${process.version}; ` +
    `load average before ${loadBefore.map((x) => x.toFixed(2)).join(' / ')} (other work shares this machine). ` +
    'The endpoint, the load tool and the attackers share one process, so the echo figures include the attackers\' own CPU.',
  '',
  ...verdicts.map(([what, ok]) => `- ${ok ? 'PASS' : 'FAIL'}: ${what}`),
  '',
  (await readFile(summary, 'utf8')).trimEnd(),
  '',
  `JSON result: \`${relative(ROOT, json).startsWith('..') ? json : relative(ROOT, json)}\` (not kept in the repository).`,
  '',
].join('\n');
// Hand-written notes (from a "## Notes" heading on) survive a regeneration.
const previous = await readFile(values.out, 'utf8').catch(() => '');
const notesAt = previous.indexOf('\n## Notes');
await writeFile(values.out, notesAt < 0 ? doc : `${doc}${previous.slice(notesAt + 1)}`);
process.stderr.write(`wrote ${values.out}\n`);
