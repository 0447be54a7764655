/**
 * The long hostile run's entry point, started by `scripts/hostile.mjs` under
 * tsx (`node --conditions=source --import tsx`): parses the flags, runs
 * {@link runHostile}, writes the JSON result and the Markdown summary.
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { renderHostileMarkdown, runHostile } from './hostile-run.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    duration: { type: 'string', default: '300' },
    'udp-calls': { type: 'string', default: '40' },
    'tls-calls': { type: 'string', default: '10' },
    'fuzz-rate': { type: 'string', default: '500' },
    'options-rate': { type: 'string', default: '1000' },
    'outsider-rate': { type: 'string', default: '1000' },
    'invite-rate': { type: 'string', default: '1000' },
    'spare-calls': { type: 'string', default: '500' },
    'max-transactions': { type: 'string', default: '10000' },
    t1: { type: 'string', default: '500' },
    json: { type: 'string' },
    markdown: { type: 'string' },
  },
});

const num = (name: keyof typeof values): number => {
  const v = Number(values[name]);
  if (!Number.isFinite(v) || v < 0) throw new TypeError(`--${name} must be a non-negative number, got ${String(values[name])}`);
  return v;
};
const seed = values.seed === undefined ? Math.floor(Math.random() * 0x7fff_ffff) : num('seed');
const t1Ms = num('t1');
// The duration is shared by the quiet phase and the four attack phases; the release waits up to 64·T1 more.
const phaseMs = Math.round((num('duration') * 1000) / 5);
const started = new Date();
const result = await runHostile({
  seed,
  udpCalls: num('udp-calls'),
  tlsCalls: num('tls-calls'),
  phaseMs,
  fuzzRate: num('fuzz-rate'),
  optionsRate: num('options-rate'),
  outsiderRate: num('outsider-rate'),
  inviteRate: num('invite-rate'),
  spareCalls: num('spare-calls'),
  maxTransactions: num('max-transactions'),
  t1Ms,
  releaseTimeoutMs: 64 * t1Ms + 60_000,
  log: (line) => process.stderr.write(`[hostile] ${line}\n`),
});
const markdown = renderHostileMarkdown(result);
if (values.json !== undefined) await writeFile(values.json, JSON.stringify({ started: started.toISOString(), node: process.version, ...result }, null, 2) + '\n');
if (values.markdown !== undefined) await writeFile(values.markdown, markdown);
process.stdout.write(markdown);
