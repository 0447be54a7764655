/**
 * Transcoding cost per 20 ms frame, every codec of this package side by side in
 * one run: encode + decode of one frame (G.711: 160 samples at 8 kHz; G.722:
 * 320 samples at 16 kHz; Opus: 320 at 16 kHz or 960 at 48 kHz, 32 kbit/s, in-band
 * FEC on, through libopus WebAssembly), into caller buffers. Medians over interleaved rounds
 * (the contenders alternate inside each round, so machine noise hits all).
 * Times are CPU time of this process (`process.cpuUsage`), as in
 * codecs.bench.ts, because the benchmark machine may be shared.
 *
 * Run: pnpm --filter @trunkline/codecs exec tsx bench/transcoding.bench.ts
 */
import {
  G722Decoder, G722Encoder, OpusDecoder, OpusEncoder, decodePcma, decodePcmu, encodePcma, encodePcmu, loadOpus, type OpusSampleRate,
} from '../src/index.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 9);
const FRAMES_PER_ROUND = Number(process.env['BENCH_FRAMES'] ?? 2000);

/** A deterministic speech-ish signal: three tones under a 3 Hz envelope. */
function signal(samples: number, rate: number): Int16Array {
  return Int16Array.from({ length: samples }, (_, n) => {
    const t = n / rate;
    const v = 3000 * Math.sin(2 * Math.PI * 220 * t) + 2000 * Math.sin(2 * Math.PI * 1070 * t) + 1000 * Math.sin(2 * Math.PI * 2900 * t);
    return Math.round(v * (0.3 + 0.7 * Math.abs(Math.sin(2 * Math.PI * 3 * t))));
  });
}

interface Contender {
  name: string;
  /** Encode then decode frame `i` (modulo the prepared frames). */
  frame: (i: number) => void;
}

const pcm8k = signal(8000, 8000);
const pcm16k = signal(16000, 16000);
const g711Payload = new Uint8Array(160);
const g711Out = new Int16Array(160);
const g722Payload = new Uint8Array(160);
const g722Out = new Int16Array(320);
const enc = new G722Encoder();
const dec = new G722Decoder();
await loadOpus();

/** Opus at `rate` and `complexity` (libopus 0..10), one stream, caller buffers. */
function opus(rate: OpusSampleRate, complexity: number): Contender {
  const pcm = signal(rate, rate);
  const n = rate / 50;
  const encoder = new OpusEncoder({ sampleRate: rate, complexity });
  const decoder = new OpusDecoder({ sampleRate: rate });
  const payload = new Uint8Array(1275);
  const out = new Int16Array(n);
  return {
    name: `Opus ${rate / 1000} kHz (32 kbit/s, complexity ${complexity})`,
    frame: (i) => decoder.decode(encoder.encode(pcm.subarray((i % 50) * n, (i % 50) * n + n), payload), out),
  };
}

const contenders: Contender[] = [
  {
    name: 'PCMU (G.711 µ-law)',
    frame: (i) => decodePcmu(encodePcmu(pcm8k.subarray((i % 50) * 160, (i % 50) * 160 + 160), g711Payload), g711Out),
  },
  {
    name: 'PCMA (G.711 A-law)',
    frame: (i) => decodePcma(encodePcma(pcm8k.subarray((i % 50) * 160, (i % 50) * 160 + 160), g711Payload), g711Out),
  },
  {
    name: 'G722 (64 kbit/s)',
    frame: (i) => dec.decode(enc.encode(pcm16k.subarray((i % 50) * 320, (i % 50) * 320 + 320), g722Payload), g722Out),
  },
  opus(16000, 5),
  opus(48000, 5),
  opus(16000, 10),
];

const samples = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const c of contenders) {
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < FRAMES_PER_ROUND; i++) c.frame(i);
    const cpu = process.cpuUsage(cpu0);
    const ns = ((cpu.user + cpu.system) * 1000) / FRAMES_PER_ROUND;
    if (round > 0) samples.get(c.name)!.push(ns); // round 0 warms the JIT
  }
}

const rows = contenders.map((c) => {
  const s = [...samples.get(c.name)!].sort((a, b) => a - b);
  const median = s[s.length >> 1]!;
  return { codec: c.name, 'µs per 20 ms frame (enc+dec)': (median / 1000).toFixed(2), 'frames per CPU ms': (1e6 / median).toFixed(1) };
});
console.table(rows);
