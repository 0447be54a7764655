/**
 * Scale-out with a real load balancer: Kamailio 5.6's dispatcher
 * (deploy/kamailio, round robin, OPTIONS probing every second, failover on
 * 408/5xx/timeout) in front of three `trunkline echo` processes on loopback.
 * Calls spread over all three; a killed node stops getting calls after the
 * probe interval and no call fails; a drained node (SIGUSR1) gets no new
 * call, keeps its established one, and exits 0 when it ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, requirePeer } from '@trunkline/test-support';
import { createUserAgent, type Call, type UserAgent } from '@trunkline/user-agent';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
requirePeer('kamailio');
/** Seconds between OPTIONS probes (ds_ping_interval) and ms before an unanswered branch fails over (fr_timer). */
const PING_INTERVAL_S = 1;
const FR_TIMER_MS = 1000;

/** Resolves once `host:port` accepts TCP, or rejects after `ms`. */
async function tcpReady(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = createConnection({ host: '127.0.0.1', port }, () => {
        c.destroy();
        resolve(true);
      });
      c.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`nothing listening on ${port} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Node {
  readonly name: string;
  readonly sipPort: number;
  readonly metricsPort: number;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
}

async function startNode(name: string): Promise<Node> {
  const sipPort = await freePort();
  const metricsPort = await freePort('tcp');
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'packages/trunkline/src/main.ts', 'echo', '--transports', 'udp', '--bind', '127.0.0.1', '--port', String(sipPort),
      '--metrics-port', String(metricsPort), '--json', '--max-duration', '60s', '--drain-timeout', '30s'],
    { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${out}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('"event":"listening"')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    void exited.then(() => reject(new Error(`${name} exited: ${out}`)));
  });
  return { name, sipPort, metricsPort, child, exited };
}

/**
 * Calls a node took, from its own /metrics: every inbound call it did not refuse with 503. (A
 * call whose BYE overtook its ACK through the proxy's parallel workers ends unestablished,
 * so `result="answered"` alone can miss one.)
 */
async function taken(node: Node): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${node.metricsPort}/metrics`)).text();
  return text
    .split('\n')
    .filter((l) => l.startsWith('trunkline_calls_total{direction="inbound",') && !l.includes('status="503"'))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

describe('Kamailio dispatcher in front of three trunkline echo nodes', () => {
  let dir: string;
  const nodes: Node[] = [];
  let kamailio: ChildProcess;
  let kamailioPort = 0;
  let phone: UserAgent;
  const target = (): string => `sip:echo@127.0.0.1:${kamailioPort}`;
  /** Calls each node had taken before the calls through the dispatcher (the warm-up calls). */
  let baseline: number[] = [];

  /** One short call through the dispatcher: its setup time, ms. */
  async function shortCall(): Promise<number> {
    const t0 = performance.now();
    const call = await phone.invite(target(), { timeoutMs: 8000 });
    const setup = performance.now() - t0;
    await call.hangup();
    return setup;
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'trunkline-dispatcher-'));
    nodes.push(...(await Promise.all(['a', 'b', 'c'].map((n) => startNode(n)))));
    const list = join(dir, 'dispatcher.list');
    await writeFile(list, nodes.map((n) => `1 sip:127.0.0.1:${n.sipPort} 0 0\n`).join(''));
    kamailioPort = await freePort();
    kamailio = spawn('bash', [join(repo, 'deploy/kamailio/run-kamailio.sh'), list, String(kamailioPort), '127.0.0.1', String(PING_INTERVAL_S), String(FR_TIMER_MS)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    kamailio.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
    await tcpReady(kamailioPort, 10_000).catch((e: unknown) => {
      throw new Error(`kamailio: ${String(e)}\n${log}`);
    });
    phone = await createUserAgent({ transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }], maxCalls: 50 });
    // One direct call per node first: a cold node (modules still loading) can stall past fr_timer.
    for (const n of nodes) await (await phone.invite(`sip:echo@127.0.0.1:${n.sipPort}`, { timeoutMs: 8000 })).hangup();
    baseline = await Promise.all(nodes.map((n) => taken(n)));
  }, 40_000);

  afterAll(async () => {
    await phone?.close();
    for (const n of nodes) if (n.child.exitCode === null && n.child.signalCode === null) n.child.kill('SIGKILL');
    kamailio?.kill('SIGTERM');
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('spreads 30 calls over all three nodes (round robin); then a killed node gets no call after the probe interval, none fails, calls up on the others survive', async () => {
    for (let i = 0; i < 10; i++) await Promise.all([shortCall(), shortCall(), shortCall()]);
    // A node counts a call when it has processed the BYE, which can trail the caller's 200 a little.
    let shares: number[] = [];
    await expect
      .poll(
        async () => {
          shares = (await Promise.all(nodes.map((n) => taken(n)))).map((t, k) => t - baseline[k]!);
          return shares.reduce((a, b) => a + b, 0);
        },
        { timeout: 5000 },
      )
      .toBeGreaterThanOrEqual(30);
    // The figures the issue asks for.
    console.info(`spread of 30 calls over nodes a, b, c: ${shares.join(', ')}`);
    for (const s of shares) expect(s).toBeGreaterThanOrEqual(5);

    // Calls established on the survivors before the kill (one on a, one on b) must outlive it.
    const active = async (n: Node): Promise<number> => ((await (await fetch(`http://127.0.0.1:${n.metricsPort}/health`)).json()) as { activeCalls: number }).activeCalls;
    const survivors: Call[] = [];
    const onNode = new Set<string>();
    for (let i = 0; i < 6 && onNode.size < 2; i++) {
      const before = await Promise.all(nodes.map(active));
      const call = await phone.invite(target(), { timeoutMs: 8000 });
      const after = await Promise.all(nodes.map(active));
      const landed = nodes.find((_, k) => after[k]! > before[k]!);
      if (landed === undefined || landed === nodes[2] || onNode.has(landed.name)) {
        await call.hangup();
        continue;
      }
      onNode.add(landed.name);
      survivors.push(call);
    }
    expect(onNode.size).toBe(2);

    const victim = nodes[2]!;
    victim.child.kill('SIGKILL');
    await victim.exited;
    const killedAt = performance.now();
    // A call every 100 ms at most (paced, to leave CPU to the other test files) for 2 probe
    // intervals + fr_timer: one sent to the dead node before it was marked inactive fails over
    // after fr_timer (slow, but answered); then all are fast.
    const setups: Array<{ at: number; ms: number }> = [];
    while (performance.now() - killedAt < 2 * PING_INTERVAL_S * 1000 + FR_TIMER_MS) {
      const at = performance.now() - killedAt;
      setups.push({ at, ms: await shortCall() });
      const next = setups.length * 100 - (performance.now() - killedAt);
      if (next > 0) await new Promise((r) => setTimeout(r, next));
    }
    const slow = setups.filter((s) => s.ms >= FR_TIMER_MS * 0.9);
    const gap = slow.length === 0 ? 0 : Math.max(...slow.map((s) => s.at + s.ms));
    // The figures the issue asks for.
    console.info(`after the kill: ${setups.length} calls, ${slow.length} failed over after fr_timer; failover gap ${Math.round(gap)} ms`);
    // The gap closes within a probe interval plus the probe's own timeout, with margin for a loaded box.
    expect(gap).toBeLessThan(PING_INTERVAL_S * 1000 + FR_TIMER_MS + 2500);
    const late = setups.filter((s) => s.at > gap);
    expect(late.length).toBeGreaterThan(2);
    for (const s of late) expect(s.ms).toBeLessThan(FR_TIMER_MS * 0.9);
    for (const call of survivors) {
      expect(call.state).toBe('established');
      await call.hangup();
    }
    expect(survivors.map((c) => c.closed)).toEqual([true, true]);
  }, 40_000);

  it('a drained node (SIGUSR1) takes no new call, keeps its established one, and exits 0 after it ends', async () => {
    const [a, b] = [nodes[0]!, nodes[1]!];
    // Hold calls until one is up on b.
    const held: Call[] = [];
    for (let i = 0; i < 6; i++) {
      held.push(await phone.invite(target(), { timeoutMs: 8000 }));
      const h = (await (await fetch(`http://127.0.0.1:${b.metricsPort}/health`)).json()) as { activeCalls: number };
      if (h.activeCalls > 0) break;
    }
    // Counts settle once every earlier BYE has been processed: two equal reads 300 ms apart.
    let settled = -1;
    for (let i = 0; i < 20; i++) {
      const now = (await taken(a)) + (await taken(b));
      if (now === settled) break;
      settled = now;
      await new Promise((r) => setTimeout(r, 300));
    }
    const bBefore = await taken(b);
    const aBefore = await taken(a);
    b.child.kill('SIGUSR1');
    await expect.poll(async () => (await fetch(`http://127.0.0.1:${b.metricsPort}/health`)).status, { timeout: 5000 }).toBe(503);
    for (let i = 0; i < 6; i++) await shortCall();
    await expect.poll(() => taken(a), { timeout: 5000 }).toBeGreaterThanOrEqual(aBefore + 6);
    expect(await taken(b)).toBe(bBefore);
    expect(b.child.exitCode).toBeNull();
    const drainedAt = performance.now();
    for (const call of held) {
      expect(call.state).toBe('established');
      await call.hangup();
    }
    const code = await b.exited;
    // The figures the issue asks for.
    console.info(`drained node b exited with ${code} ${Math.round(performance.now() - drainedAt)} ms after its last call was hung up`);
    expect(code).toBe(0);
  }, 40_000);
});
