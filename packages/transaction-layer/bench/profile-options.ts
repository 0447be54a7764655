/**
 * CPU profile of the OPTIONS→200 UDP loopback benchmark, taken in-process with
 * node:inspector. Prints the hottest functions by self time and writes
 * `options.cpuprofile` (Chrome DevTools or speedscope open it) to the working
 * directory.
 *
 *   pnpm build && tsx bench/profile-options.ts [seconds]
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { measureOptionsTransactions } from './options-udp.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

const seconds = Number(process.argv[2] ?? 4);

function frameKey(n: ProfileNode): string {
  const { functionName, url, lineNumber } = n.callFrame;
  const where = url.replace(/^file:\/\/.*\/packages\//, '').replace(/^node:/, '');
  return `${functionName || '(anonymous)'} ${where}${where === '' ? '' : `:${lineNumber + 1}`}`;
}

await measureOptionsTransactions({ durationMs: 500 }); // warm-up
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
const result = await measureOptionsTransactions({ durationMs: seconds * 1000 });
const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
session.disconnect();
writeFileSync('options.cpuprofile', JSON.stringify(profile));

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
const samples = profile.samples ?? [];
const deltas = profile.timeDeltas ?? [];
let total = 0;
for (let i = 0; i < samples.length; i++) {
  const node = byId.get(samples[i]!);
  const dt = deltas[i] ?? 0;
  if (node === undefined) continue;
  total += dt;
  const key = frameKey(node);
  self.set(key, (self.get(key) ?? 0) + dt);
}
console.log(`${Math.round(result.transactionsPerSecond).toLocaleString('en-US')} OPTIONS transactions/s while profiling\n`);
// Self time by where the code lives.
const byPlace = new Map<string, number>();
for (const [key, t] of self) {
  const place = key.includes('sip-parser/') ? 'sip-parser' : key.includes('transaction-layer/dist') ? 'transaction-layer' : key.includes('/bench/') ? 'benchmark driver' : key.startsWith('(') ? key : key.split(' ')[1] === '' ? 'native' : 'node runtime (JS)';
  byPlace.set(place, (byPlace.get(place) ?? 0) + t);
}
console.log('self %  where');
for (const [place, t] of [...byPlace].sort((a, b) => b[1] - a[1])) console.log(`${((100 * t) / total).toFixed(1).padStart(6)}  ${place}`);
console.log('\nself %  function');
for (const [key, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 40)) {
  console.log(`${((100 * t) / total).toFixed(1).padStart(6)}  ${key}`);
}

// Inclusive time: a sample counts once for every distinct function on its stack.
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const inclusive = new Map<string, number>();
for (let i = 0; i < samples.length; i++) {
  const seen = new Set<string>();
  for (let id: number | undefined = samples[i]; id !== undefined; id = parent.get(id)) {
    const key = frameKey(byId.get(id)!);
    if (!seen.has(key)) {
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + (deltas[i] ?? 0));
    }
  }
}
console.log('\ntotal %  function');
for (const [key, t] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 60)) {
  console.log(`${((100 * t) / total).toFixed(1).padStart(6)}  ${key}`);
}
