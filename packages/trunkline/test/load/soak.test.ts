/**
 * Issue 14, Soak (the short CI version of `node scripts/soak.mjs`, whose 10-minute run is in
 * docs/soak.md): 20 concurrent SRTP calls with churn (holds of 0.5–1.5 s, seeded) against the echo
 * endpoint in its own process for 5 s; once the calls have ended and Timers J and L (64·T1, T1 =
 * 20 ms) have run out, the endpoint holds no call, transaction, RTP port, connection, file
 * descriptor, socket or timer beyond its idle baseline. Runs the built `dist/main.js`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../../../scripts/soak.mjs', import.meta.url));

describe('soak (short): churn against the echo endpoint leaves nothing behind', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trunkline-soak-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('20 concurrent SRTP calls, holds 0.5–1.5 s, 5 s: calls churn; afterwards zero calls, transactions, RTP ports, sockets, timers', async () => {
    const out = join(dir, 'soak.md');
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      // Bounded: 5 s of calls, a drain bounded by 64·T1 + T4 + 10 s inside the script, killed at 60 s.
      execFile(
        process.execPath,
        [SCRIPT, '--duration', '5s', '--concurrency', '20', '--hold', '500ms..1500ms', '--seed', '3', '--ramp', '1s', '--t1', '20ms', '--sample', '1s',
          // RTP ports of its own, outside the default range other tests' endpoints share (and may fill).
          '--rtp-ports', '32000-32699', '--out', out],
        { timeout: 60_000, killSignal: 'SIGKILL' },
        (error, stdout, stderr) => resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr }),
      );
    });
    const report = JSON.parse(stdout.trim().split('\n').pop() ?? 'null') as {
      ok: boolean;
      leftovers: { calls: number; transactions: number; rtpPorts: number; connections: number; fds: number; resources: Record<string, number> };
      load: { calls: { started: number; completed: number; failed: number; peakUp: number } };
    } | null;
    expect(report, stderr.slice(-2000)).not.toBeNull();
    expect(report!.leftovers, stderr.slice(-2000)).toEqual({ calls: 0, transactions: 0, rtpPorts: 0, connections: 0, fds: 0, resources: {} });
    expect(code, stderr.slice(-2000)).toBe(0);
    expect(report!.ok).toBe(true);
    // Churn: calls ended and others took their places (more calls than were ever up at once). On a loaded box setups are
    // slow, so how many were up at once is not asserted.
    expect(report!.load.calls.completed).toBeGreaterThan(0);
    expect(report!.load.calls.started).toBeGreaterThan(report!.load.calls.peakUp);
    expect(report!.load.calls.completed + report!.load.calls.failed).toBe(report!.load.calls.started);
    expect(await readFile(out, 'utf8')).toMatch(/^# Soak: 20 concurrent SRTP echo calls/);
  }, 70_000);
});
