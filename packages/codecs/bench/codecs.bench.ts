/**
 * Throughput of @trunkline/codecs, side by side with the `g711` npm package.
 *
 * G.711: samples per second, coding 20 ms frames (160 samples), medians over
 * interleaved rounds (contenders alternate inside each round, so machine noise
 * hits both). Resampling: times real time for each path, 20 ms frames.
 *
 * Rates are per CPU second of this process (`process.cpuUsage`, all threads, so
 * GC work counts) because the benchmark machine may be shared; wall-clock rates
 * are printed beside them. On an idle machine the two agree.
 *
 * Run: pnpm --filter @trunkline/codecs bench
 */
import g711 from 'g711';
import { Resampler, decodePcma, decodePcmu, encodePcma, encodePcmu } from '../src/index.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 15);
const ROUND_MS = Number(process.env['BENCH_ROUND_MS'] ?? 60);
const FRAME = 160;

/** Deterministic speech-ish test signal: a few tones plus noise, around -16 dBFS. */
function signal(samples: number, rate: number): Int16Array {
  let seed = 12345;
  const rand = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32 - 0.5;
  };
  return Int16Array.from({ length: samples }, (_, n) => {
    const t = n / rate;
    const v = 3000 * Math.sin(2 * Math.PI * 220 * t) + 2000 * Math.sin(2 * Math.PI * 1070 * t) + 1000 * Math.sin(2 * Math.PI * 2900 * t) + 1500 * rand();
    return Math.round(v * (0.3 + 0.7 * Math.abs(Math.sin(2 * Math.PI * 3 * t))));
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

interface Rate {
  /** Units per CPU second. */
  cpu: number;
  /** Units per wall-clock second. */
  wall: number;
}

/** Run `fn` (which processes `units` units per call) for about ROUND_MS of CPU time. */
function rate(fn: () => void, units: number): Rate {
  let calls = 0;
  const wall0 = performance.now();
  const cpu0 = process.cpuUsage();
  let cpuMs: number;
  do {
    for (let i = 0; i < 50; i++) fn();
    calls += 50;
    const c = process.cpuUsage(cpu0);
    cpuMs = (c.user + c.system) / 1000;
  } while (cpuMs < ROUND_MS);
  const wallMs = performance.now() - wall0;
  return { cpu: (calls * units) / (cpuMs / 1000), wall: (calls * units) / (wallMs / 1000) };
}

/** Interleaved rounds over named contenders; returns median rates per contender. */
function compare(contenders: Record<string, () => void>, units: number): Record<string, Rate> {
  const names = Object.keys(contenders);
  const results: Record<string, Rate[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (const n of names) rate(contenders[n]!, units); // warm-up, lets the JIT settle
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? names : [...names].reverse();
    for (const n of order) results[n]!.push(rate(contenders[n]!, units));
  }
  return Object.fromEntries(
    names.map((n) => [n, { cpu: median(results[n]!.map((x) => x.cpu)), wall: median(results[n]!.map((x) => x.wall)) }]),
  );
}

const fmt = (x: number): string => (x >= 1e6 ? `${(x / 1e6).toFixed(1)} M` : `${(x / 1e3).toFixed(0)} k`);

// --- G.711 ---------------------------------------------------------------
const pcm = signal(8000 * 10, 8000);
const frames = Array.from({ length: pcm.length / FRAME }, (_, i) => pcm.subarray(i * FRAME, (i + 1) * FRAME));
const ulawFrames = frames.map((f) => encodePcmu(f));
const alawFrames = frames.map((f) => encodePcma(f));
const byteOut = new Uint8Array(FRAME);
const pcmOut = new Int16Array(FRAME);
let sink = 0;
let fi = 0;
const next = (): number => (fi = fi + 1 === frames.length ? 0 : fi + 1);

const g711Rows: [string, Record<string, () => void>][] = [
  ['PCMU encode', {
    trunkline: () => { sink ^= encodePcmu(frames[next()]!, byteOut)[0]!; },
    'trunkline (alloc)': () => { sink ^= encodePcmu(frames[next()]!)[0]!; },
    g711: () => { sink ^= g711.ulawFromPCM(frames[next()]!)[0]!; },
  }],
  ['PCMU decode', {
    trunkline: () => { sink ^= decodePcmu(ulawFrames[next()]!, pcmOut)[0]!; },
    'trunkline (alloc)': () => { sink ^= decodePcmu(ulawFrames[next()]!)[0]!; },
    g711: () => { sink ^= g711.ulawToPCM(ulawFrames[next()]!, 16)[0]!; },
  }],
  ['PCMA encode', {
    trunkline: () => { sink ^= encodePcma(frames[next()]!, byteOut)[0]!; },
    'trunkline (alloc)': () => { sink ^= encodePcma(frames[next()]!)[0]!; },
    g711: () => { sink ^= g711.alawFromPCM(frames[next()]!)[0]!; },
  }],
  ['PCMA decode', {
    trunkline: () => { sink ^= decodePcma(alawFrames[next()]!, pcmOut)[0]!; },
    'trunkline (alloc)': () => { sink ^= decodePcma(alawFrames[next()]!)[0]!; },
    g711: () => { sink ^= g711.alawToPCM(alawFrames[next()]!, 16)[0]!; },
  }],
];

console.log(`G.711, 160-sample frames, samples per CPU second (median of ${ROUNDS} interleaved rounds)`);
console.log('| operation | trunkline (out buffer) | trunkline (allocating) | g711 npm | ratio (out buffer) | ratio (allocating) | ratio, wall clock (out buffer) |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const [name, contenders] of g711Rows) {
  const m = compare(contenders, FRAME);
  const ours = m['trunkline']!;
  const alloc = m['trunkline (alloc)']!;
  const peer = m['g711']!;
  console.log(
    `| ${name} | ${fmt(ours.cpu)} | ${fmt(alloc.cpu)} | ${fmt(peer.cpu)} | ${(ours.cpu / peer.cpu).toFixed(1)}x | ${(alloc.cpu / peer.cpu).toFixed(1)}x | ${(ours.wall / peer.wall).toFixed(1)}x |`,
  );
}

// --- Resampling --------------------------------------------------------------
const RATES = [8000, 16000, 24000, 48000];
console.log(`\nResampling (quality "medium"), 20 ms frames, x real time per CPU second (median of ${ROUNDS} rounds)`);
console.log('| path | taps/output | delay (ms) | x real time (CPU) | x real time (wall) |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const from of RATES) {
  for (const to of RATES) {
    if (from === to) continue;
    const r = new Resampler({ fromRate: from, toRate: to });
    const frameIn = (from * 20) / 1000;
    const input = signal(from, from);
    const out = new Int16Array(r.maxOutputLength(frameIn));
    let at = 0;
    const m = compare({ resample: () => {
      r.process(input.subarray(at, at + frameIn), out);
      at = at + 2 * frameIn > input.length ? 0 : at + frameIn;
      sink ^= out[0]!;
    } }, 0.02); // each call is 20 ms of audio: the rate is seconds of audio per second
    const x = m['resample']!;
    console.log(`| ${from / 1000}k -> ${to / 1000}k | ${r.tapsPerPhase} | ${r.groupDelayMs.toFixed(2)} | ${x.cpu.toFixed(0)}x | ${x.wall.toFixed(0)}x |`);
  }
}
if (sink === 0.5) console.log(''); // keep results observable so nothing is optimised away
