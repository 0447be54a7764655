/**
 * CPU cost of call media: N echo pairs on loopback (2N CallMedia), SRTP AES_CM_128_HMAC_SHA1_80 or
 * plain, the app side writing a tone at 16 kHz and reading the echo. Reports CPU time per call
 * (one CallMedia) as a share of one core, event-loop utilisation, and garbage collections.
 *
 * Usage (from packages/user-agent): pnpm exec tsx --conditions=source bench/media.bench.ts [--pairs <n>] [--seconds <s>] [--plain]
 */
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { PortAllocator, generateSdesKeyParams } from '@trunkline/rtp-srtp';
import type { NegotiatedMedia } from '@trunkline/sdp';
import { CallMedia } from '../src/media/index.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!(v > 0)) throw new RangeError(`--${name} must be a positive number`);
  return v;
}
const PAIRS = arg('pairs', 10);
const SECONDS = arg('seconds', 10);
const SRTP = !process.argv.includes('--plain');

const ports = new PortAllocator({ minPort: 46000, maxPort: 46999, address: '127.0.0.1' });

function side(remotePort: number, local: ReturnType<typeof generateSdesKeyParams>, remote: ReturnType<typeof generateSdesKeyParams>): NegotiatedMedia {
  return {
    remoteRtp: { address: '127.0.0.1', port: remotePort },
    remoteRtcp: { address: '127.0.0.1', port: remotePort + 1 },
    rtcpMux: false,
    codec: { name: 'PCMU', payloadType: 0, clockRate: 8000, channels: 1 },
    telephoneEventPayloadType: 101,
    ptime: 20,
    maxptime: null,
    direction: 'sendrecv',
    remoteHold: false,
    srtp: SRTP ? { profile: 'AES_CM_128_HMAC_SHA1_80', tag: 1, localKey: local, remoteKey: remote } : null,
  };
}

const all: CallMedia[] = [];
let stop = false;
const tone = Int16Array.from({ length: 16000 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 16000)));
for (let i = 0; i < PAIRS; i++) {
  const a = await CallMedia.open({ ports, sampleRate: 16000 });
  const b = await CallMedia.open({ ports, sampleRate: 8000 });
  const ka = generateSdesKeyParams('AES_CM_128_HMAC_SHA1_80');
  const kb = generateSdesKeyParams('AES_CM_128_HMAC_SHA1_80');
  a.start(side(b.localPort, ka, kb));
  b.start(side(a.localPort, kb, ka));
  all.push(a, b);
  void (async () => {
    for await (const f of b.audio) void b.audio.write(f);
  })();
  void (async () => {
    for await (const _ of a.audio); // drain
  })();
  void (async () => {
    while (!stop) await a.audio.write(tone);
  })();
}

let gcs = 0;
let gcMs = 0;
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcs++;
    gcMs += e.duration;
  }
});
obs.observe({ entryTypes: ['gc'] });
await new Promise((r) => setTimeout(r, 1000)); // warm-up
gcs = 0;
gcMs = 0;
const sent0 = all.reduce((n, m) => n + m.metrics.packetsSent, 0);
const cpu0 = process.cpuUsage();
const elu0 = performance.eventLoopUtilization();
const t0 = performance.now();
await new Promise((r) => setTimeout(r, SECONDS * 1000));
const wall = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const elu = performance.eventLoopUtilization(elu0);
const packets = all.reduce((n, m) => n + m.metrics.packetsSent, 0) - sent0;
const lost = all.reduce((n, m) => n + m.metrics.packetsLost, 0);
const concealed = all.reduce((n, m) => n + m.metrics.concealedFrames, 0);
stop = true;
obs.disconnect();
await Promise.all(all.map((m) => m.close()));
const cpuMs = (cpu.user + cpu.system) / 1000;
const calls = all.length;
console.log(
  JSON.stringify(
    {
      srtp: SRTP,
      callMedia: calls,
      seconds: +(wall / 1000).toFixed(1),
      cpuPerCallPercentOfCore: +((cpuMs / wall / calls) * 100).toFixed(3),
      cpuMicrosecondsPerPacketSent: +(((cpuMs * 1000) / packets) * 1).toFixed(1),
      eventLoopUtilisation: +elu.utilization.toFixed(3),
      gcPerSecond: +((gcs * 1000) / wall).toFixed(1),
      gcMsPerSecond: +((gcMs * 1000) / wall).toFixed(2),
      packetsSentInWindow: packets,
      packetsLost: lost,
      concealedFrames: concealed,
    },
    null,
    1,
  ),
);
