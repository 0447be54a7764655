/**
 * RTP benchmarks, peers side by side in one run:
 *   1. pacer drift: RealtimePacer vs a plain setInterval(20), run concurrently (--duration, default 60 s)
 *   1b. many pacers (--pacers, default 1000, for --pacer-seconds, default 5): RealtimePacers on the
 *       shared timer wheel vs the same drift-free schedules each driven by its own setTimeout chain
 *       (the design before issue 14): CPU, lateness, ticks delivered
 *   2. RTP echo loop on loopback: receive → send, plain and through real SRTP (unprotect → protect)
 *   3. RTP parse/serialize ops/s, ours vs werift-rtp
 *
 * Usage: tsx bench/rtp.bench.ts [--duration <seconds>] [--echo-seconds <seconds>] [--pacers <n>] [--pacer-seconds <seconds>]
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { RtpPacket as WeriftPacket } from 'werift-rtp';
import {
  MediaSocket,
  PortAllocator,
  PacerSchedule,
  RealtimePacer,
  marshalRtpTo,
  parseRtp,
  serializeRtp,
  SrtpContext,
  srtpTransform,
  type MediaTransform,
  type RtpPacket,
} from '../src/index.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!(v > 0)) throw new RangeError(`--${name} must be a positive number`);
  return v;
}
const DURATION_S = arg('duration', 60);
const ECHO_S = arg('echo-seconds', 3);
const PACERS = arg('pacers', 1000);
const PACER_S = arg('pacer-seconds', 5);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
};
const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
};
const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function pacerDrift(): Promise<void> {
  const period = 20;
  const pacerTimes: number[] = [];
  const intervalTimes: number[] = [];
  const start = performance.now();
  const pacer = new RealtimePacer({ periodMs: period, onTick: () => pacerTimes.push(performance.now()) });
  pacer.start();
  const iv = setInterval(() => intervalTimes.push(performance.now()), period);
  await new Promise<void>((r) => setTimeout(r, DURATION_S * 1000));
  pacer.stop();
  clearInterval(iv);
  const end = performance.now();
  const elapsed = end - start;

  // Rate error of each clock, same formula for both: ticks delivered vs the span they took.
  // ppm = ((ticks − 1)·period − span) / span · 10⁶; negative = the clock runs slow (fewer ticks).
  const summarize = (times: number[]) => {
    const first = times[0] ?? start;
    const lastT = times[times.length - 1] ?? start;
    const span = lastT - first;
    const ideal = (times.length - 1) * period;
    const late = times.map((t, n) => t - (first + n * period));
    const tenth = Math.max(1, Math.floor(late.length / 10));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    return {
      ticks: times.length,
      endOffset: span - ideal,
      ppm: span > 0 ? ((ideal - span) / span) * 1e6 : NaN,
      median: median(late),
      p99: quantile(late, 0.99),
      firstTenth: mean(late.slice(0, tenth)),
      lastTenth: mean(late.slice(-tenth)),
    };
  };
  const expected = Math.floor(elapsed / period);
  console.log(`\n## Pacer drift over ${DURATION_S} s (both running concurrently, same process)`);
  console.log('| clock | ticks | expected | end offset ms | rate error ppm | median lateness ms | p99 ms | first 10% mean ms | last 10% mean ms |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, times] of [['RealtimePacer', pacerTimes], ['setInterval(20)', intervalTimes]] as const) {
    const r = summarize(times);
    console.log(
      `| ${name} | ${r.ticks} | ${expected} | ${fmt(r.endOffset, 3)} | ${fmt(r.ppm, 1)} | ${fmt(r.median, 3)} | ${fmt(r.p99, 3)} | ${fmt(r.firstTenth, 3)} | ${fmt(r.lastTenth, 3)} |`,
    );
  }
}

/** `PACERS` 20 ms pacers for `PACER_S`: CPU share of this process, lateness of each tick behind its due time, ticks delivered. */
async function manyPacers(kind: 'wheel' | 'chains'): Promise<{ cpu: number; late: number[]; ticks: number; expected: number }> {
  const late: number[] = [];
  let ticks = 0;
  const onTick = (due: number): void => {
    ticks++;
    if ((ticks & 15) === 0) late.push(performance.now() - due);
  };
  const stops: Array<() => void> = [];
  for (let i = 0; i < PACERS; i++) {
    // Calls start at random moments: spread the pacers' phases over a period.
    if (i % Math.ceil(PACERS / 40) === 0) await new Promise<void>((r) => setTimeout(r, 0.5));
    if (kind === 'wheel') {
      const pacer = new RealtimePacer({ periodMs: 20, onTick: (_n, due) => onTick(due) });
      pacer.start();
      stops.push(() => pacer.stop());
    } else {
      const schedule = new PacerSchedule(performance.now(), { periodMs: 20 });
      let handle: ReturnType<typeof setTimeout> | undefined;
      const run = (): void => {
        const poll = schedule.poll(performance.now());
        for (let k = 0; k < poll.ticks; k++) onTick(schedule.deadline(poll.firstTick + k));
        handle = setTimeout(run, Math.max(0, poll.nextDeadlineMs - performance.now()));
      };
      run();
      stops.push(() => clearTimeout(handle));
    }
  }
  ticks = 0;
  late.length = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise<void>((r) => setTimeout(r, PACER_S * 1000));
  const used = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  for (const stop of stops) stop();
  return { cpu: (used.user + used.system) / 1000 / wall, late, ticks, expected: Math.round((PACERS * wall) / 20) };
}

async function pacerScaling(): Promise<void> {
  console.log(`\n## ${PACERS} pacers of 20 ms for ${PACER_S} s each (one after the other, same process)`);
  console.log('| driver | CPU (cores) | ticks delivered / due | lateness p50 ms | p99 ms |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const kind of ['wheel', 'chains'] as const) {
    const r = await manyPacers(kind);
    const name = kind === 'wheel' ? 'RealtimePacer (one shared timer wheel)' : 'a setTimeout chain per pacer (before)';
    console.log(`| ${name} | ${fmt(r.cpu, 3)} | ${fmt(r.ticks)} / ${fmt(r.expected)} | ${fmt(median(r.late), 2)} | ${fmt(quantile(r.late, 0.99), 2)} |`);
  }
}

/** Both ends' SRTP transforms (AES_CM_128_HMAC_SHA1_80), each with a context per direction. */
function srtpPair(): { client: MediaTransform; echo: MediaTransform } {
  const key = (): { profile: 'AES_CM_128_HMAC_SHA1_80'; masterKey: Uint8Array; masterSalt: Uint8Array } => ({
    profile: 'AES_CM_128_HMAC_SHA1_80',
    masterKey: randomBytes(16),
    masterSalt: randomBytes(14),
  });
  const c = key();
  const e = key();
  return {
    client: srtpTransform({ outbound: new SrtpContext(c), inbound: new SrtpContext(e) }),
    echo: srtpTransform({ outbound: new SrtpContext(e), inbound: new SrtpContext(c) }),
  };
}

async function echoLoop(transforms: { client: MediaTransform; echo: MediaTransform } | undefined): Promise<number> {
  const allocator = new PortAllocator({ minPort: 41000, maxPort: 41999, address: '127.0.0.1' });
  const echo = await MediaSocket.open({ allocator, ...(transforms ? { transform: transforms.echo } : {}) });
  const client = await MediaSocket.open({
    allocator,
    remote: { address: '127.0.0.1', port: echo.localPort },
    ...(transforms ? { transform: transforms.client } : {}),
  });
  // The echo side learns the client's address from the media (symmetric RTP) and sends back.
  echo.on('rtp', (p) => echo.sendRtp(p));
  const payload = new Uint8Array(160);
  let seq = 0;
  let received = 0;
  const window = 32;
  const send = () => client.sendRtp({ marker: false, payloadType: 0, sequenceNumber: seq++ & 0xffff, timestamp: seq * 160, ssrc: 1, csrc: [], padding: 0, payload });
  let stop = false;
  client.on('rtp', () => {
    received++;
    if (!stop) send();
  });
  const t0 = performance.now();
  for (let i = 0; i < window; i++) send();
  await new Promise<void>((r) => setTimeout(r, ECHO_S * 1000));
  stop = true;
  const rate = received / ((performance.now() - t0) / 1000);
  await Promise.all([client.close(), echo.close()]);
  return rate;
}

function opsPerSecond(fn: () => void, minMs = 300): number {
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    let n = 0;
    const t0 = performance.now();
    let t = t0;
    while (t - t0 < minMs) {
      for (let i = 0; i < 1000; i++) fn();
      n += 1000;
      t = performance.now();
    }
    runs.push(n / ((t - t0) / 1000));
  }
  return median(runs);
}

function parseSerialize(): void {
  const pkt: RtpPacket = {
    marker: false, payloadType: 0, sequenceNumber: 1234, timestamp: 5678, ssrc: 0xdeadbeef, csrc: [], padding: 0,
    extension: { kind: 'one-byte', elements: [{ id: 1, data: Uint8Array.of(0x10) }] },
    payload: new Uint8Array(160).fill(0x55),
  };
  const bytes = serializeRtp(pkt);
  const buf = Buffer.from(bytes);
  const out = new Uint8Array(1500);
  let sink = 0;
  const ours = {
    parse: opsPerSecond(() => (sink += parseRtp(bytes).sequenceNumber)),
    marshalTo: opsPerSecond(() => (sink += marshalRtpTo(pkt, out, 0))),
    serialize: opsPerSecond(() => (sink += serializeRtp(pkt).length)),
  };
  const wp = WeriftPacket.deSerialize(buf);
  const werift = {
    parse: opsPerSecond(() => (sink += WeriftPacket.deSerialize(buf).header.sequenceNumber)),
    serialize: opsPerSecond(() => (sink += wp.serialize().length)),
  };
  console.log(`\n## RTP parse/serialize (172-byte PCMU packet with a one-byte extension; median of 5 runs)`);
  console.log('| operation | trunkline ops/s | werift-rtp ops/s | ratio |');
  console.log('| --- | ---: | ---: | ---: |');
  console.log(`| parse | ${fmt(ours.parse)} | ${fmt(werift.parse)} | ${fmt(ours.parse / werift.parse, 2)}× |`);
  console.log(`| serialize (new buffer) | ${fmt(ours.serialize)} | ${fmt(werift.serialize)} | ${fmt(ours.serialize / werift.serialize, 2)}× |`);
  console.log(`| marshalTo (reused buffer) | ${fmt(ours.marshalTo)} | n/a | |`);
  if (sink === 42) console.log('');
}

async function main(): Promise<void> {
  console.log(`# @trunkline/rtp-srtp RTP benchmark (node ${process.version}, ${new Date().toISOString()})`);
  await pacerDrift();
  await pacerScaling();
  const plain = await echoLoop(undefined);
  const srtp = await echoLoop(srtpPair());
  console.log(`\n## RTP echo loop on loopback (${ECHO_S} s, 32 packets in flight, 172-byte packets)`);
  console.log('| path | round trips/s | packets/s through the echo socket |');
  console.log('| --- | ---: | ---: |');
  console.log(`| plain RTP | ${fmt(plain)} | ${fmt(plain)} |`);
  console.log(`| with SRTP (AES_CM_128_HMAC_SHA1_80): receive → unprotect → protect → send | ${fmt(srtp)} | ${fmt(srtp)} |`);
  parseSerialize();
}

await main();
