import { afterEach, describe, expect, it } from 'vitest';
import { CallFailedError, type Call, type CallEndedEvent, type UserAgent } from '../src/index.js';
import { loopbackCert } from './support/certs.js';
import { rtpRange, testAgent, uriOf } from './support/ua.js';

const agents: UserAgent[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
});

/** Counts of live handles by kind (sockets, timers...), as Node reports them. */
function resources(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  return out;
}

/** Kinds of resources of which more are live now than in `baseline` (the runner's own timers may come and go). */
function excess(baseline: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(resources())) if (n > (baseline[k] ?? 0)) out[k] = n - (baseline[k] ?? 0);
  return out;
}

/** Waits (bounded) for Node to run the close callbacks — a closed socket leaves the list a tick or two later — and returns what is left over. */
async function leftOver(baseline: Record<string, number>): Promise<Record<string, number>> {
  const until = performance.now() + 2000;
  while (Object.keys(excess(baseline)).length > 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 20));
  return excess(baseline);
}

describe('lifecycle: close() and many calls', () => {
  it('close() ends every call (BYE, 503 for a ringing one), waits, and leaves no socket, port, timer or transaction behind', async () => {
    const before = resources();
    const { cert, key } = loopbackCert();
    const options = { transports: [{ protocol: 'udp' as const, port: 0 }, { protocol: 'tls' as const, port: 0, cert, key }], tlsClient: { ca: cert }, media: { srtp: 'off' as const } };
    const callee = await testAgent(options);
    const caller = await testAgent(options);
    agents.push(callee, caller);
    let n = 0;
    callee.on('call', (call) => {
      if (n++ === 0) void call.answer();
      else call.ring(); // the second call stays ringing
    });
    const up = await caller.invite(uriOf(callee, 'tls'));
    const upEnded = new Promise<CallEndedEvent>((resolve) => up.once('ended', resolve));
    const ringing = caller.invite(uriOf(callee, 'udp')).catch((e: unknown) => e);
    // Bounded wait for the second INVITE (a loaded CI box may take longer than a fixed sleep).
    for (const until = performance.now() + 3000; callee.stats.callsActive < 2 && performance.now() < until; ) await new Promise((r) => setTimeout(r, 20));
    expect(callee.stats.callsActive).toBe(2);

    await callee.close();
    await callee.close(); // idempotent
    expect(await upEnded).toMatchObject({ by: 'remote', reason: 'hangup', reasonHeader: 'SIP;cause=503;text="Service closing"' });
    const failed = await ringing;
    expect(failed).toBeInstanceOf(CallFailedError);
    expect(failed).toMatchObject({ code: 'CALL_UNAVAILABLE', status: 503 });
    expect(callee.stats).toMatchObject({ callsActive: 0, portsInUse: 0, connections: 0 });
    await caller.close();
    expect(caller.stats).toMatchObject({ callsActive: 0, portsInUse: 0, connections: 0, transactions: 0 });
    expect(await leftOver(before)).toEqual({});
  });

  it('`await using` closes the user agent', async () => {
    const before = resources();
    {
      await using ua = await testAgent();
      expect(ua.addresses[0]!.port).toBeGreaterThan(0);
    }
    expect(await leftOver(before)).toEqual({});
  });

  it('100 concurrent calls are set up, carried and torn down', async () => {
    // RFC 3261 default timers: 100 INVITEs at once on a loaded 2-core box may need longer than the fast test T1's Timer B (6.4 s).
    const timers = { T1: 500, T2: 4000, T4: 5000 };
    const callee = await testAgent({ rtpPorts: rtpRange(400), media: { srtp: 'off' }, timers });
    const caller = await testAgent({ rtpPorts: rtpRange(400), media: { srtp: 'off' }, timers });
    agents.push(callee, caller);
    callee.on('call', (call) => void call.answer());
    const calls: Call[] = await Promise.all(Array.from({ length: 100 }, () => caller.invite(uriOf(callee))));
    expect(calls.every((c) => c.state === 'established')).toBe(true);
    expect(callee.stats).toMatchObject({ callsActive: 100, portsInUse: 100 });
    expect(caller.stats).toMatchObject({ callsActive: 100, portsInUse: 100 });
    await expect.poll(() => calls.every((c) => (c.metrics.media?.packetsReceived ?? 0) > 0), { timeout: 10_000 }).toBe(true);
    await Promise.all(calls.map((c) => c.hangup()));
    expect(caller.stats).toMatchObject({ callsActive: 0, portsInUse: 0, callsTotal: 100 });
    await expect.poll(() => callee.stats, { timeout: 10_000 }).toMatchObject({ callsActive: 0, portsInUse: 0, callsTotal: 100 });
  });
});
