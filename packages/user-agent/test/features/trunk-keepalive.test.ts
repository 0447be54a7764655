import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TrunkKeepAlive, isTrunkAlive, type TrunkKeepAliveOutput } from '../../src/features/trunk-keepalive.js';

function probeId(out: TrunkKeepAliveOutput[]): number {
  const p = out.find((o) => o.type === 'probe');
  if (p?.type !== 'probe') throw new Error(`no probe in ${JSON.stringify(out)}`);
  return p.id;
}

describe('trunk liveness rule (documented in trunk-keepalive.ts)', () => {
  it.each([
    [200, true],
    [302, true],
    [403, true],
    [404, true],
    [405, true],
    [480, true],
    [501, true],
    [603, true],
    [408, false],
    [500, false],
    [502, false],
    [503, false],
    [504, false],
    [180, false],
  ])('%i → alive %s', (status, alive) => {
    expect(isTrunkAlive(status)).toBe(alive);
  });
});

describe('RFC 3261 §11 OPTIONS keep-alive on virtual time', () => {
  it('first probe at start; up on the first answer with its RTT; next probe intervalMs after the answer', () => {
    const ka = new TrunkKeepAlive({ intervalMs: 10_000 });
    const id = probeId(ka.start(0));
    expect(ka.start(1)).toEqual([]);
    expect(ka.receiveResponse(id, 200, 40)).toEqual([{ type: 'trunk-up', status: 200, rttMs: 40 }]);
    expect(ka.state).toBe('up');
    expect(ka.nextDeadline).toBe(10_040);
    expect(ka.tick(10_039)).toEqual([]);
    const id2 = probeId(ka.tick(10_040));
    expect(ka.receiveResponse(id2, 200, 10_050)).toEqual([]); // still up: no event
  });

  it('down after K consecutive failures (timeouts, 503, transport), once; up again on the first alive answer', () => {
    const ka = new TrunkKeepAlive({ intervalMs: 10_000, retryIntervalMs: 2000, responseTimeoutMs: 1000, failuresBeforeDown: 3 });
    ka.receiveResponse(probeId(ka.start(0)), 200, 10);
    let now = ka.nextDeadline!;
    // 1: times out (the machine's own deadline): abandon its transaction.
    const id1 = probeId(ka.tick(now));
    now = ka.nextDeadline!;
    expect(now).toBe(10_010 + 1000);
    expect(ka.tick(now)).toEqual([{ type: 'abandon', id: id1 }]);
    expect(ka.receiveResponse(id1, 200, now + 1)).toEqual([]); // a late answer to an abandoned probe is ignored
    // 2: 503.
    now = ka.nextDeadline!;
    expect(now).toBe(10_010 + 1000 + 2000);
    expect(ka.receiveResponse(probeId(ka.tick(now)), 503, now + 5)).toEqual([]);
    // 3: transport failure → down.
    now = ka.nextDeadline!;
    const id3 = probeId(ka.tick(now));
    expect(ka.probeFailed(id3, now + 1)).toEqual([{ type: 'trunk-down', failures: 3, failure: { kind: 'transport' } }]);
    expect(ka.state).toBe('down');
    // 4: still failing: no second trunk-down.
    now = ka.nextDeadline!;
    expect(ka.receiveResponse(probeId(ka.tick(now)), 408, now + 1)).toEqual([]);
    // 5: answered → up.
    now = ka.nextDeadline!;
    expect(ka.receiveResponse(probeId(ka.tick(now)), 404, now + 7)).toEqual([{ type: 'trunk-up', status: 404, rttMs: 7 }]);
    expect(ka.failures).toBe(0);
  });

  it('traffic with the trunk (REGISTER answers) proves liveness and pushes the next OPTIONS back; failing traffic is not counted', () => {
    const ka = new TrunkKeepAlive({ intervalMs: 10_000 });
    ka.receiveResponse(probeId(ka.start(0)), 200, 0);
    expect(ka.trafficSeen(200, 8000)).toEqual([]);
    expect(ka.nextDeadline).toBe(18_000);
    expect(ka.trafficSeen(503, 9000)).toEqual([]);
    expect(ka.failures).toBe(0);
    expect(ka.nextDeadline).toBe(18_000);
  });

  it('RFC 5626 §4.4.1: a failed TCP/TLS flow (no CRLF pong) is a failure and probes at once', () => {
    const ka = new TrunkKeepAlive({ failuresBeforeDown: 1 });
    const id = probeId(ka.start(0));
    const out = ka.flowFailed(5);
    expect(out.slice(0, 2)).toEqual([
      { type: 'abandon', id },
      { type: 'trunk-down', failures: 1, failure: { kind: 'flow' } },
    ]);
    expect(out[2]?.type).toBe('probe');
  });

  it('close() abandons the probe in flight and stops', () => {
    const ka = new TrunkKeepAlive();
    const id = probeId(ka.start(0));
    expect(ka.close()).toEqual([{ type: 'abandon', id }]);
    expect(ka.nextDeadline).toBeNull();
    expect(ka.tick(1e9)).toEqual([]);
    expect(ka.close()).toEqual([]);
  });

  it('options are validated (TypeError naming the option)', () => {
    expect(() => new TrunkKeepAlive({ intervalMs: 0 })).toThrow(/intervalMs/);
    expect(() => new TrunkKeepAlive({ failuresBeforeDown: 0 })).toThrow(/failuresBeforeDown/);
  });

  it('property: one probe at a time; trunk-up/trunk-down alternate; down only after K consecutive failures', () => {
    const outcome = fc.oneof(fc.constantFrom(200, 404, 408, 503, 'timeout' as const, 'transport' as const, 'flow' as const));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(outcome, { maxLength: 60 }), (k, outcomes) => {
        const ka = new TrunkKeepAlive({ intervalMs: 1000, responseTimeoutMs: 500, failuresBeforeDown: k });
        let now = 0;
        let inFlight = probeId(ka.start(now));
        let last: 'trunk-up' | 'trunk-down' | null = null;
        let run = 0;
        for (const o of outcomes) {
          let out: TrunkKeepAliveOutput[];
          if (o === 'timeout') out = ka.tick((now = ka.nextDeadline!));
          else if (o === 'transport') out = ka.probeFailed(inFlight, (now += 10));
          else if (o === 'flow') out = ka.flowFailed((now += 10));
          else out = ka.receiveResponse(inFlight, o, (now += 10));
          const alive = typeof o === 'number' && isTrunkAlive(o);
          run = alive ? 0 : run + 1;
          for (const e of out) {
            if (e.type === 'trunk-up' || e.type === 'trunk-down') {
              expect(e.type).not.toBe(last);
              last = e.type;
            }
            if (e.type === 'trunk-down') expect(run).toBe(k);
            if (e.type === 'trunk-up') expect(alive).toBe(true);
          }
          expect(out.filter((e) => e.type === 'probe').length).toBeLessThanOrEqual(1);
          if (ka.probeInFlight === null) out = ka.tick((now = ka.nextDeadline!));
          inFlight = probeId(out.some((e) => e.type === 'probe') ? out : ka.tick(now));
        }
      }),
      { numRuns: 200 },
    );
  });
});
