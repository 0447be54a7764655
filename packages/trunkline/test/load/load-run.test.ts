/**
 * `trunkline load` in-process against the echo endpoint on loopback: a short
 * run of ten SRTP calls over UDP, every echoed packet matched by its marker.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEchoArgs, parseLoadArgs, startEchoEndpoint, type EchoEndpoint, type LoadOptions } from '../../src/index.js';
import { renderLoadResult, runLoad, type LoadProgress } from '../../src/load/index.js';

describe('trunkline load against the echo endpoint', () => {
  let stateDir: string;
  let endpoint: EchoEndpoint;
  let udpPort = 0;

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'trunkline-load-'));
    const o = parseEchoArgs(['--port', '0', '--bind', '127.0.0.1', '--transports', 'udp', '--state-dir', stateDir, '--allow-sdes-over-cleartext',
      // RTP ports of its own, outside the default range other tests' endpoints share (and may fill).
      '--rtp-ports', '31000-31999']);
    if (o === 'help') throw new Error('unexpected help');
    endpoint = await startEchoEndpoint(o);
    udpPort = endpoint.ua.addresses.find((a) => a.protocol === 'udp')?.port ?? 0;
  });

  afterAll(async () => {
    await endpoint?.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('10 concurrent SRTP calls for 3 s: all set up and torn down, ≥ 99% of packets echoed', async () => {
    const parsed = parseLoadArgs([
      `sip:echo@127.0.0.1:${udpPort}`,
      '--concurrency',
      '10',
      '--duration',
      '3s',
      '--hold',
      '10s',
      '--ramp',
      '500ms',
      '--srtp',
      'mandatory',
      '--allow-sdes-over-cleartext',
      '--endpoint-pid',
      String(process.pid),
    ]);
    if (parsed === 'help') throw new Error('unexpected help');
    const options: LoadOptions = parsed;
    const progress: LoadProgress[] = [];
    // A generous wait for the last echoes before BYE: a loaded CI box stalls event loops for hundreds of ms.
    const r = await runLoad(options, { onProgress: (p) => progress.push(p), progressIntervalMs: 500, echoGraceMs: 1500 });

    expect(r).toMatchObject({ transport: 'udp', srtp: 'mandatory', mode: 'concurrency', requested: 10, durationMs: 3000 });
    expect(r.calls).toMatchObject({ started: 10, established: 10, completed: 10, failed: 0, failures: {}, peakUp: 10 });
    expect(r.setupMs.count).toBe(10);
    expect(r.setupMs.p50).not.toBeNull();
    expect(r.teardownMs.count).toBe(10);
    // 10 calls × ~3 s at 50 packets/s; an honest margin for slow setups on a loaded CI box.
    expect(r.media.packetsSent).toBeGreaterThan(10 * 25);
    expect(r.media.echoedPercent).toBeGreaterThanOrEqual(99);
    expect(r.media.srtpDrops).toBe(0);
    expect(r.media.foreign).toBe(0);
    expect(r.media.turnaroundMs.count).toBe(r.media.packetsEchoed);
    expect(r.media.turnaroundMs.p50).toBeLessThanOrEqual(r.media.turnaroundMs.p99 ?? 0);
    expect(r.endpoint).not.toBeNull();
    expect(r.endpoint?.cpuCores).toBeGreaterThan(0);
    expect(r.endpoint?.rssBytesPeak).toBeGreaterThan(0);
    expect(progress.length).toBeGreaterThanOrEqual(3);
    expect(progress.some((p) => p.callsUp === 10)).toBe(true);
    expect(renderLoadResult(r)).toMatch(/10 completed, 0 failed/);
  }, 20_000);
});
