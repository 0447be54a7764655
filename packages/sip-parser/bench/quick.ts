/**
 * Quick self-check of parser throughput on bench/corpus (the real, comparative
 * benchmark lives elsewhere in bench/). Run: `npx tsx bench/quick.ts`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseMessage, serializeMessage } from '../src/index.js';

const dir = fileURLToPath(new URL('./corpus/', import.meta.url));
const msgs = readdirSync(dir)
  .filter((f) => f.endsWith('.sip'))
  .sort()
  .map((f) => new Uint8Array(readFileSync(dir + f)));

function run(name: string, body: (m: Uint8Array) => number): void {
  let sink = 0;
  const rates: number[] = [];
  for (let r = 0; r < 7; r++) {
    const n = 50_000;
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < n; k++) for (const m of msgs) sink += body(m);
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    rates.push((n * msgs.length) / s);
  }
  rates.sort((a, b) => a - b);
  console.log(`${name.padEnd(28)} median ${(rates[3]! / 1e3).toFixed(0)}k msgs/s  (sink ${sink & 1})`);
}

run('parse', (m) => (parseMessage(m).isRequest ? 1 : 0));
run('parse + callId + cseq', (m) => {
  const p = parseMessage(m);
  return p.callId!.length + p.cseq!.seq;
});
run('parse + serialize', (m) => serializeMessage(parseMessage(m)).length);
