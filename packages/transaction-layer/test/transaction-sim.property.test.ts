import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TransactionManager } from '../src/transaction/transaction-manager.js';
import { ClientEndpoint, ServerEndpoint } from './helpers/sim-endpoints.js';
import { seededRandom, SimNetwork, type Impairment } from './helpers/sim-network.js';

const T1 = 500;
const TIMEOUT = 64 * T1;

interface World {
  sim: SimNetwork;
  alice: ClientEndpoint;
  bob: ServerEndpoint;
}

function makeWorld(seed: number, up: Impairment, down: Impairment): World {
  const sim = new SimNetwork(seededRandom(seed));
  const rnd = seededRandom(seed ^ 0x5bd1e995);
  const alice = new ClientEndpoint('alice', new TransactionManager(), 'bob');
  const bob = new ServerEndpoint('bob', new TransactionManager(), () => Math.floor(rnd() * 300));
  sim.add(alice);
  sim.add(bob);
  sim.impair('alice', 'bob', up);
  sim.impair('bob', 'alice', down);
  return { sim, alice, bob };
}

/** Invariants that must hold at every point of every run. */
function checkInvariants(w: World): void {
  for (const [id, r] of w.alice.records) {
    const nonRepeatable = r.finals.filter((f) => !(r.method === 'INVITE' && f.status < 300));
    // No duplicate TU events: one non-2xx final at most; RFC 6026 passes every 2xx up, all from the same UAS.
    expect(nonRepeatable.length, `${id} final events`).toBeLessThanOrEqual(1);
    expect(r.timeouts.length, `${id} timeouts`).toBeLessThanOrEqual(1);
    expect(r.finals.length > 0 && r.timeouts.length > 0, `${id} completed and timed out`).toBe(false);
    for (const f of r.finals) expect(f.status, `${id} final status`).toBe(r.want);
    // A timeout happens exactly when Timer B / F says: 64*T1 after the request was first sent.
    for (const t of r.timeouts) {
      expect(t.timer).toBe(r.method === 'INVITE' ? 'B' : 'F');
      expect(t.at).toBe(r.startedAt + TIMEOUT);
    }
  }
  for (const [branch, n] of w.bob.requestsByBranch) expect(n, `requests passed up for ${branch}`).toBe(1);
}

type Cmd = fc.Command<{ started: number }, World>;

class Start implements Cmd {
  constructor(readonly method: string, readonly want: number) {}
  check(): boolean {
    return true;
  }
  run(m: { started: number }, w: World): void {
    w.alice.start(w.sim, this.method, this.want);
    m.started++;
    checkInvariants(w);
  }
  toString(): string {
    return `start(${this.method} → ${this.want})`;
  }
}

class Advance implements Cmd {
  constructor(readonly ms: number) {}
  check(): boolean {
    return true;
  }
  run(_m: { started: number }, w: World): void {
    w.sim.runUntil(w.sim.now + this.ms);
    checkInvariants(w);
  }
  toString(): string {
    return `advance(${this.ms})`;
  }
}

const impairment = (maxLoss: number): fc.Arbitrary<Impairment> =>
  fc.record({
    loss: fc.double({ min: 0, max: maxLoss, noNaN: true }),
    duplicate: fc.double({ min: 0, max: 0.3, noNaN: true }),
    minDelay: fc.integer({ min: 1, max: 20 }),
    maxDelay: fc.integer({ min: 20, max: 200 }),
  });

const commands = fc.commands(
  [
    fc.record({
      method: fc.constantFrom('INVITE', 'OPTIONS', 'BYE', 'REGISTER', 'INFO'),
      want: fc.constantFrom(200, 202, 404, 486, 503, 603),
    }).map(({ method, want }) => new Start(method, method !== 'INVITE' && want === 202 ? 200 : want)),
    fc.integer({ min: 1, max: 6000 }).map((ms) => new Advance(ms)),
  ],
  { maxCommands: 40 },
);

describe('RFC 3261 §17 transactions on a simulated network (loss, duplication, reordering, delay)', () => {
  it('with up to 30% loss each way every transaction completes with the right final or times out exactly on Timer B/F; no duplicate TU events; nothing leaks', () => {
    fc.assert(
      fc.property(fc.integer(), impairment(0.3), impairment(0.3), commands, (seed, up, down, cmds) => {
        const w = makeWorld(seed, up, down);
        fc.modelRun(() => ({ model: { started: 0 }, real: w }), cmds);
        // Drain: long enough for every timer of every transaction (B/F/H/J/L/M ≤ 64*T1 after the last action).
        w.sim.runUntil(w.sim.now + 4 * TIMEOUT);
        checkInvariants(w);
        for (const [id, r] of w.alice.records) {
          expect(r.finals.length + r.timeouts.length, `${id} has an outcome`).toBeGreaterThan(0);
          expect(r.terminatedAt, `${id} terminated`).not.toBeNull();
        }
        expect(w.alice.manager.size).toBe(0);
        expect(w.bob.manager.size).toBe(0);
        expect(w.sim.quiet).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('with a perfect wire every transaction completes with its final response and no retransmission is needed beyond the timers', () => {
    fc.assert(
      fc.property(fc.integer(), commands, (seed, cmds) => {
        const perfect: Impairment = { loss: 0, duplicate: 0, minDelay: 1, maxDelay: 5 };
        const w = makeWorld(seed, perfect, perfect);
        fc.modelRun(() => ({ model: { started: 0 }, real: w }), cmds);
        w.sim.runUntil(w.sim.now + 4 * TIMEOUT);
        for (const r of w.alice.records.values()) {
          expect(r.timeouts).toEqual([]);
          expect(r.finals[0]?.status).toBe(r.want);
        }
        expect(w.alice.manager.size + w.bob.manager.size).toBe(0);
      }),
      { numRuns: 40 },
    );
  });

  it('a dead wire: every transaction times out at exactly 64*T1 and the manager empties', () => {
    const dead: Impairment = { loss: 1, duplicate: 0, minDelay: 1, maxDelay: 1 };
    const w = makeWorld(7, dead, dead);
    w.alice.start(w.sim, 'INVITE', 200);
    w.sim.runUntil(1234);
    w.alice.start(w.sim, 'OPTIONS', 200);
    w.sim.runUntil(200_000);
    const outcomes = [...w.alice.records.values()].map((r) => r.timeouts);
    expect(outcomes).toEqual([[{ timer: 'B', at: TIMEOUT }], [{ timer: 'F', at: 1234 + TIMEOUT }]]);
    // INVITE: 7 sends (0, 500, 1500, ... 31500); OPTIONS: 11 sends.
    expect(w.sim.wire.filter((x) => x.summary === 'INVITE')).toHaveLength(7);
    expect(w.sim.wire.filter((x) => x.summary === 'OPTIONS')).toHaveLength(11);
    expect(w.alice.manager.size).toBe(0);
    expect(w.sim.quiet).toBe(true);
  });
});
