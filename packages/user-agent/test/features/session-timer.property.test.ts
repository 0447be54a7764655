/**
 * RFC 4028 §10 on virtual time: two SessionTimer machines (the caller A and
 * the callee B) exchange session refreshes (UPDATE) over a lossy path for a
 * 30-minute call.
 *
 * Loss model: every copy of a request (sent again by Timer E: 0, 0.5, 1.5,
 * 3.5, 7.5, 11.5, ... 31.5 s, RFC 3261 §17.1.2.2) and every response is lost
 * with probability `loss` (up to 30%) and otherwise delayed by up to 150 ms;
 * a request whose copies are all lost is delivered with its last copy (the
 * model is "lost or delayed up to the transaction timeout", never failed).
 */
import fc from 'fast-check';
import { seededRandom } from '@trunkline/test-support';
import { describe, expect, it } from 'vitest';
import { SessionTimer, byeMarginMs, type SessionTimerEvent } from '../../src/features/session-timer.js';
import { request, response } from './support/messages.js';

const S = 1000;
const CALL_MS = 30 * 60 * S;
/** Timer E offsets of a non-INVITE request's copies (T1 = 500 ms, T2 = 4 s) within Timer F (32 s). */
const COPIES = [0, 500, 1500, 3500, 7500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500];

interface Side {
  readonly name: 'A' | 'B';
  readonly st: SessionTimer;
  /** Ignore refresh-due from this time on (a peer that stops refreshing). */
  stopAt: number;
  /** When this side's expiry clock last restarted (a 2xx sent or received). */
  lastReset: number;
  expired: { at: number; event: SessionTimerEvent } | null;
}

interface World {
  readonly a: Side;
  readonly b: Side;
  readonly queue: Array<{ at: number; seq: number; run: () => void }>;
  seq: number;
  readonly rnd: () => number;
  readonly loss: number;
}

function at(w: World, time: number, run: () => void): void {
  w.queue.push({ at: time, seq: w.seq++, run });
}

const latency = (w: World): number => Math.floor(w.rnd() * 150);
const lost = (w: World): boolean => w.rnd() < w.loss;

/** One UPDATE transaction from `x` to `y` sent at `t`, per the loss model above. */
function exchange(w: World, x: Side, y: Side, t: number): void {
  const req = request('UPDATE', x.st.requestHeaders(t), 2);
  let first = COPIES.findIndex(() => !lost(w));
  if (first < 0) first = COPIES.length - 1;
  const arrival = t + COPIES[first]! + latency(w);
  // The server transaction answers the first copy and every later one that arrives.
  let responseAt: number | null = null;
  for (let j = first; j < COPIES.length && responseAt === null; j++) {
    const copyAt = j === first ? arrival : t + COPIES[j]! + latency(w);
    if (j !== first && lost(w)) continue;
    if (!lost(w)) responseAt = copyAt + latency(w);
  }
  // Never beyond Timer F: the last copy's answer gets through.
  responseAt ??= Math.min(t + COPIES[COPIES.length - 1]! + 2 * latency(w), t + 31_999);
  responseAt = Math.max(responseAt, arrival);
  at(w, arrival, () => {
    const answer = y.st.answerRequest(req);
    y.st.answered(answer, arrival);
    if (y.st.state === 'active') y.lastReset = arrival;
    const res = response(req, 200, answer.headers);
    at(w, responseAt!, () => {
      x.st.receiveResponse(res, responseAt!);
      if (x.st.state === 'active') x.lastReset = responseAt!;
    });
  });
}

function handle(w: World, side: Side, events: SessionTimerEvent[], now: number): void {
  const peer = side === w.a ? w.b : w.a;
  for (const e of events) {
    if (e.type === 'expired') side.expired ??= { at: now, event: e };
    else if (now < side.stopAt) exchange(w, side, peer, now);
  }
}

/** Runs until `end` (an expired machine has no more deadlines). */
function run(w: World, end: number): void {
  for (;;) {
    w.queue.sort((p, q) => p.at - q.at || p.seq - q.seq);
    const next = w.queue[0]?.at ?? Infinity;
    const da = w.a.st.nextDeadline ?? Infinity;
    const db = w.b.st.nextDeadline ?? Infinity;
    const t = Math.min(next, da, db);
    if (t > end) return;
    if (next === t) {
      w.queue.shift()!.run();
    } else if (da === t) {
      handle(w, w.a, w.a.st.tick(t), t);
    } else {
      handle(w, w.b, w.b.st.tick(t), t);
    }
  }
}

/** The dialog-creating INVITE: A asks, B answers after `ringMs`, the 2xx reaches A 20 ms later. */
function setup(seed: number, loss: number, se: number, calleeRefreshes: boolean, ringMs: number): World {
  const w: World = {
    a: { name: 'A', st: new SessionTimer({ sessionExpires: se }), stopAt: Infinity, lastReset: 0, expired: null },
    b: { name: 'B', st: new SessionTimer({ sessionExpires: se, refresher: calleeRefreshes ? 'local' : 'remote' }), stopAt: Infinity, lastReset: 0, expired: null },
    queue: [],
    seq: 0,
    rnd: seededRandom(seed),
    loss,
  };
  const invite = request('INVITE', w.a.st.requestHeaders(0));
  const answer = w.b.st.answerRequest(invite);
  w.b.st.answered(answer, ringMs);
  w.b.lastReset = ringMs;
  w.a.st.receiveResponse(response(invite, 200, answer.headers), ringMs + 20);
  w.a.lastReset = ringMs + 20;
  expect(w.a.st.refresher).toBe(calleeRefreshes ? 'remote' : 'local');
  expect(w.b.st.refresher).toBe(calleeRefreshes ? 'local' : 'remote');
  return w;
}

const params = fc.record({
  seed: fc.integer(),
  loss: fc.double({ min: 0, max: 0.3, noNaN: true }),
  se: fc.oneof(fc.constant(90), fc.integer({ min: 90, max: 1800 })),
  calleeRefreshes: fc.boolean(),
  ringMs: fc.integer({ min: 0, max: 60_000 }),
});

describe('RFC 4028 §10 on virtual time over a lossy path', () => {
  it('a 30-minute call refreshed by either role never expires spuriously', () => {
    fc.assert(
      fc.property(params, ({ seed, loss, se, calleeRefreshes, ringMs }) => {
        const w = setup(seed, loss, se, calleeRefreshes, ringMs);
        run(w, ringMs + CALL_MS);
        expect(w.a.expired).toBeNull();
        expect(w.b.expired).toBeNull();
      }),
      { numRuns: 150 },
    );
  });

  it('a peer that stops refreshing gets BYE at the RFC moment: min(32 s, SE/3) before its expiry, never earlier', () => {
    fc.assert(
      fc.property(params, fc.integer({ min: 0, max: CALL_MS }), ({ seed, loss, se, calleeRefreshes, ringMs }, stopAfter) => {
        const w = setup(seed, loss, se, calleeRefreshes, ringMs);
        const refresher = calleeRefreshes ? w.b : w.a;
        const watcher = calleeRefreshes ? w.a : w.b;
        refresher.stopAt = ringMs + stopAfter;
        run(w, ringMs + stopAfter + 3 * se * S);
        // The silent refresher's own timer is its business (a broken peer); the watcher must notice, on time.
        expect(watcher.expired).not.toBeNull();
        const { at: when, event } = watcher.expired!;
        expect(event).toMatchObject({ type: 'expired', why: 'no-refresh', reason: 'SIP;cause=408;text="Session expired"' });
        expect(when).toBe(watcher.lastReset + se * S - byeMarginMs(se));
        expect(when).toBeGreaterThanOrEqual(refresher.stopAt);
      }),
      { numRuns: 150 },
    );
  });

  it('regression shape: SE 90 s, every request copy but the last lost, callee refreshing — no BYE', () => {
    const w = setup(1, 1, 90, true, 0); // loss 1: every copy is lost, the last one is forced through at 31.5 s
    run(w, CALL_MS);
    expect(w.a.expired).toBeNull();
    expect(w.b.expired).toBeNull();
  });
});
