/**
 * Issue 14, hostile input against the live echo endpoint while legitimate
 * SRTP echo calls continue (the short CI version; `node scripts/hostile.mjs`
 * runs the same scenario for minutes and writes docs/hostile.md):
 * mutated RFC 4475 torture messages and garbage over UDP, TCP and TLS, an
 * OPTIONS flood, requests from outside the allow-list, and an INVITE flood
 * never acknowledged, each phase a second or so. `HOSTILE_SEED` replays a run.
 */
import { describe, expect, it } from 'vitest';
import { renderHostileMarkdown, runHostile, type HostileRunResult } from './hostile-run.js';

const env = process.env['HOSTILE_SEED'];
const seed = env !== undefined && env !== '' ? Number(env) : Math.floor(Math.random() * 0x7fff_ffff);

describe('live echo endpoint under hostile traffic (RFC 3261 §18.3, §21.5.4; RFC 4475 messages mutated)', () => {
  it('zero crashes, every legitimate call echoed, floods bounded by maxCalls/maxTransactions with 503, outsiders refused without a transaction, memory back near the baseline', async () => {
    const T1 = 25;
    const lines: string[] = [];
    const t0 = performance.now();
    let r: HostileRunResult;
    try {
      r = await runHostile({
        seed,
        udpCalls: 4,
        tlsCalls: 2,
        phaseMs: 600,
        fuzzRate: 400,
        optionsRate: 400,
        outsiderRate: 200,
        inviteRate: 1000,
        spareCalls: 20,
        maxTransactions: 100,
        t1Ms: T1,
        releaseTimeoutMs: 64 * T1 + 20_000,
        log: (l) => lines.push(`${((performance.now() - t0) / 1000).toFixed(1)} s ${l}`),
      });
    } finally {
      console.log(`[hostile] seed=${seed} (HOSTILE_SEED replays it)\n${lines.join('\n')}`);
    }
    console.log(renderHostileMarkdown(r));
    const phase = (name: string) => r.phases.find((p) => p.name === name)!;

    // Zero crashes: nothing reported through the endpoint's error hook, and it still answers.
    expect(r.endpointErrors).toEqual([]);
    expect(r.aliveAtEnd).toBe(true);

    // Every legitimate call set up before the attacks, echoed throughout, torn down cleanly.
    for (const l of [r.legit.udp, r.legit.tls!]) {
      expect(l.calls.failed, JSON.stringify(l.calls.failures)).toBe(0);
      expect(l.calls.established).toBe(l.calls.started);
      // Lost = not back within 1,024 packets: this bounds the echo loss of every phase, floods included.
      expect(l.media.echoedPercent).toBeGreaterThanOrEqual(99);
      expect(l.media.srtpDrops).toBe(0);
    }
    // Echoes not back by the end of their 500 ms interval during each flood (late ones included): calls
    // starved by a flood would show 100% throughout. This is only a coarse check: one process holds the
    // endpoint, the load tool and the attackers on a loaded CI box, where event-loop stalls of seconds
    // delay echoes without losing them. The exact bound is the total above; docs/hostile.md has figures.
    for (const name of ['fuzz', 'options-flood', 'outsiders', 'invite-flood']) expect(phase(name).echoLossMeanPercent, name).toBeLessThan(100);

    // Fuzz: every kind and transport exercised; malformed messages answered 400 (RFC 3261 §21.4.1) or dropped.
    expect(Object.keys(r.fuzzByTransport).sort()).toEqual(['tcp', 'tls', 'udp']);
    expect(Object.keys(r.fuzzByKind).length).toBeGreaterThanOrEqual(5);
    expect(phase('fuzz').responses['400']).toBeGreaterThan(0);

    // OPTIONS flood: every OPTIONS the endpoint's socket got was answered, 200 (or 503 past its source's
    // share of maxTransactions); the kernel drops what a busy process does not read in time.
    const options = phase('options-flood');
    expect((options.responses['200'] ?? 0) + (options.responses['503'] ?? 0) + options.kernelDrops).toBeGreaterThanOrEqual(options.sent);
    expect(options.responses['200'] ?? 0).toBeGreaterThan(0);

    // Outsiders: each counted, refused with a stateless 403, no transaction.
    const outsiders = phase('outsiders');
    expect(r.refused['allowListDuringOutsiders']! + outsiders.kernelDrops).toBeGreaterThanOrEqual(outsiders.sent);
    expect(outsiders.responses['403'] ?? 0).toBeGreaterThan(0);
    expect(Object.keys(outsiders.responses)).toEqual(['403']);
    expect(outsiders.peakTransactions).toBeLessThanOrEqual(outsiders.startTransactions);

    // INVITE flood: maxCalls holds (200 while a spare call is free — Timer H frees them as the flood goes
    // on — and 503 from the user agent beyond), and so does maxTransactions: past one source's share of
    // it the transaction layer answers 503 statelessly, so more INVITEs get 503 than the user agent
    // refused. (`ua.stats.transactions` also counts the completed records kept for retransmissions,
    // which have budgets of their own: it is no measure of the live ones.) Every INVITE the endpoint's
    // socket got was answered.
    const flood = phase('invite-flood');
    expect(flood.peakCalls).toBeLessThanOrEqual(6 + 20);
    expect(r.inviteFinals['200']).toBeGreaterThan(0);
    expect(r.refused['maxCalls']).toBeGreaterThan(0);
    expect(r.inviteFinals['503']).toBeGreaterThan(r.refused['maxCalls']!);
    expect(r.attackerDrops).toBe(0);
    expect(r.inviteFinals['none'] ?? 0).toBeLessThanOrEqual(flood.kernelDrops);

    // Released once Timer H (64·T1) has passed: back to the legitimate calls, heap near the baseline.
    expect(r.releaseMs).not.toBeNull();
    expect(r.afterRelease).toMatchObject({ calls: 6, portsInUse: 6 });
    expect(r.afterRelease.transactions).toBeLessThanOrEqual(6);
    expect(r.heap.afterRelease - r.heap.baseline).toBeLessThan(8 * 1024 * 1024);
  }, 120_000);
});
