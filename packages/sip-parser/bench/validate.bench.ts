/**
 * Micro-benchmark of `validateMessage` on the messages of bench/corpus, each
 * parsed once up front (the parse is not timed). The default UAS options are
 * used, as a transaction layer validating every inbound message would.
 *
 *   npx tsx bench/validate.bench.ts                  (from packages/sip-parser)
 *
 * Measures the sources (`src/`) through tsx, like bench/quick.ts. Time is the
 * process's CPU time (`process.cpuUsage`), not wall time, so a loaded shared
 * machine skews it less; the median of the rounds is reported.
 * Environment: VALIDATE_ROUNDS (default 15), VALIDATE_ITERATIONS per message
 * per round (default 2000).
 */
import { loadCorpus } from './corpus.js';
import { parseMessage, validateMessage } from '../src/index.js';

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v <= 0) throw new TypeError(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return v;
}

const rounds = envInt('VALIDATE_ROUNDS', 15);
const iterations = envInt('VALIDATE_ITERATIONS', 2000);
const corpus = loadCorpus().map((m) => ({ name: m.name, msg: parseMessage(m.bytes) }));

for (const { name, msg } of corpus) {
  const v = validateMessage(msg);
  if (!v.ok) throw new Error(`${name} does not validate: ${v.status} ${v.reason}`);
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const perMessage = corpus.map(() => [] as number[]);
let sink = 0;
for (let r = 0; r < rounds; r++) {
  corpus.forEach(({ msg }, k) => {
    const c0 = process.cpuUsage();
    for (let i = 0; i < iterations; i++) sink += validateMessage(msg).ok ? 1 : 0;
    const c = process.cpuUsage(c0);
    perMessage[k]!.push(((c.user + c.system) * 1000) / iterations);
  });
}

const lines = corpus.map(({ name }, k) => `| ${name} | ${(median(perMessage[k]!) / 1000).toFixed(2)} |`);
const mean = corpus.reduce((s, _, k) => s + median(perMessage[k]!), 0) / corpus.length;
process.stdout.write(
  [
    `validateMessage, default UAS options: CPU µs per call (median of ${rounds} rounds × ${iterations} calls; sink ${sink & 1})`,
    '',
    '| message | µs |',
    '| --- | ---: |',
    ...lines,
    `| **mean** | **${(mean / 1000).toFixed(2)}** |`,
    '',
  ].join('\n'),
);
