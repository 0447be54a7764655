/**
 * The peer's process killed mid-call (issue 14, "Faults"): a user agent in a
 * child process answers a call over UDP and one over TCP and echoes them;
 * `kill -9` takes it down with no BYE. On the surviving side the media timeout
 * fires, each call ends with reason `media-timeout` (its BYE lost over UDP
 * until Timer F, RFC 3261 §17.1.2.2; refused at once over TCP, the connection
 * gone), and every RTP port, transaction, connection and timer is released.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import type { CallEndedEvent, UserAgent } from '../../src/index.js';
import { testAgent } from '../support/ua.js';
import { drain, sleep } from './support.js';

// Timer B (64·T1 = 2.56 s) must cover the child's answer on a loaded CI box; Timer F ends the lost BYE.
const T1 = 40;
const MEDIA_TIMEOUT_MS = 500;
const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const closers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

/** Live timers of this process (what `process.getActiveResourcesInfo()` lists as `Timeout`). */
const timers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

it('kill -9 of the peer mid-call: media timeout, a clean end over UDP and TCP, everything released', async () => {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'test/faults/peer-process.ts'], { cwd: packageDir, stdio: ['ignore', 'pipe', 'inherit'] });
  closers.push(() => void child.kill('SIGKILL'));
  // Its ports, once it listens (tsx compiling the sources takes a few seconds on a loaded machine).
  const [line] = (await once(createInterface({ input: child.stdout }), 'line', { signal: AbortSignal.timeout(30_000) })) as [string];
  const ports = JSON.parse(line) as { udp: number; tcp: number };

  const ua: UserAgent = await testAgent({
    transports: [{ protocol: 'udp', port: 0 }, { protocol: 'tcp', port: 0 }],
    timers: { T1, T2: 400, T4: 500 },
    media: { mediaTimeoutMs: MEDIA_TIMEOUT_MS },
  });
  closers.push(() => ua.close());
  const baselineTimers = timers();
  const calls = await Promise.all([ua.invite(`sip:echo@127.0.0.1:${ports.udp}`), ua.invite(`sip:echo@127.0.0.1:${ports.tcp};transport=tcp`)]);
  for (const call of calls) drain(call);
  const timedOut = calls.map((call) => new Promise<{ at: number; silentForMs: number }>((resolve) => call.once('media-timeout', (e) => resolve({ at: performance.now(), silentForMs: e.silentForMs }))));
  // The echo is flowing both ways before the kill.
  for (const call of calls) await expect.poll(() => call.metrics.media!.packetsReceived, { timeout: 5000 }).toBeGreaterThan(5);
  expect(ua.stats).toMatchObject({ callsActive: 2, portsInUse: 2, connections: 1 });

  const killedAt = performance.now();
  child.kill('SIGKILL');
  const [udpEnd, tcpEnd] = (await Promise.all(calls.map((call) => call.done))) as CallEndedEvent[];
  const [udpTimeout, tcpTimeout] = await Promise.all(timedOut);
  const endedAfter = performance.now() - killedAt;
  expect(udpEnd).toMatchObject({ by: 'local', reason: 'media-timeout' });
  expect(tcpEnd).toMatchObject({ by: 'local', reason: 'media-timeout' });
  for (const t of [udpTimeout!, tcpTimeout!]) {
    // The detector's own measure (from the kill it can be less: on a loaded machine the last packet may have come well before).
    expect(t.silentForMs).toBeGreaterThanOrEqual(MEDIA_TIMEOUT_MS);
    expect(t.at - killedAt).toBeLessThan(MEDIA_TIMEOUT_MS + 1500); // a tick of the detector, with a margin for a loaded machine
  }
  expect(ua.stats).toMatchObject({ callsActive: 0, portsInUse: 0 });
  // The BYE over UDP retransmits into the void until Timer F; over TCP it fails at once.
  const released = performance.now();
  await expect.poll(() => ua.stats, { timeout: 64 * T1 + 3000 }).toMatchObject({ transactions: 0, connections: 0 });
  const statsReleasedMs = performance.now() - released;
  // No timer keeps the process alive any more (the unref'd ones that route a late 2xx for 64·T1,
  // RFC 3261 §13.2.2.4, do not count). Polled by hand: expect.poll's own timers would count.
  while (timers() > baselineTimers && performance.now() - released < 64 * T1 + 3000) await sleep(20);
  const timersReleasedMs = performance.now() - released;
  expect(timers()).toBeLessThanOrEqual(baselineTimers);
  console.log(
    `[faults] peer killed: media timeout after ${(udpTimeout!.at - killedAt).toFixed(0)} ms (UDP) / ${(tcpTimeout!.at - killedAt).toFixed(0)} ms (TCP), ` +
      `both calls ended ${endedAfter.toFixed(0)} ms after the kill (UDP BYE to Timer F, 64·T1 = ${64 * T1} ms), transactions and connections released ${statsReleasedMs.toFixed(0)} ms later, ` +
      `timers back to the baseline (${baselineTimers}) ${timersReleasedMs.toFixed(0)} ms later`,
  );
});
