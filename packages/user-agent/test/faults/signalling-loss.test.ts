/**
 * RFC 3261 §17.1.1.2, §17.1.2.2, §13.3.1.4 under signalling loss: two user
 * agents call through a seeded SIP/RTP impairment proxy that loses 5 %, 20 %
 * and 30 % of the SIP datagrams each way (media untouched). Every call sets up
 * and tears down through retransmissions, and each retransmitted message, as
 * the user agents' SIP trace hook saw it leave, follows the RFC's schedule: never sooner than
 * T1·2^k (INVITE, Timer A, no cap) or min(T1·2^k, T2) (non-INVITE, Timer E;
 * the UAS's 2xx), and nothing after 64·T1 (Timers B, F).
 *
 * Small timers keep it fast (T1 40 ms, T2 160 ms: §17.1.1.1 allows other values
 * on a known network; T2 = 4·T1 packs ~17 tries into 64·T1 instead of 7, which
 * is what makes 30 % loss pass for every seed rather than nearly every seed).
 */
import { parseMessage } from '@trunkline/sip-parser';
import type { TransportTraceEvent } from '@trunkline/transaction-layer';
import { afterEach, describe, expect, it } from 'vitest';
import { drain, impairedPair, seeds, sleep, type ImpairedPair } from './support.js';

const T1 = 40;
const T2 = 4 * T1;
const timers = { T1, T2, T4: 100 };
/**
 * How much sooner than its interval a copy may leave: a timer set during a long event-loop turn
 * fires early against performance.now() (Node's timers count from the turn's start), by as much as
 * that turn ran, 5 ms seen on a cold first call.
 */
const EARLY_MS = 10;
const SEEDS_PER_LEVEL = 5;

const open: ImpairedPair[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

/** One message a user agent sent, when its trace hook saw it leave. */
interface Sent {
  readonly from: 'caller' | 'callee';
  readonly at: number;
  readonly bytes: Uint8Array;
}

/** A trace hook recording what `from` sends (the hook runs as the transport sends: the timer's own moment). */
function tracer(log: Sent[], from: Sent['from']): (e: TransportTraceEvent) => void {
  return (e) => {
    if (e.direction === 'out') log.push({ from, at: performance.now(), bytes: e.bytes.slice() });
  };
}

/** Copies of one retransmitted message, by the time they left.
 * (Measured at the sender: the relay runs in the same event loop, so its arrival times lag by
 * however long the loop was busy, and a gap between two arrivals can look shorter than the timer.) */
interface Copies {
  readonly what: string;
  readonly times: number[];
  readonly capped: boolean;
}

/**
 * Groups what each side sent into the copies of one request (method + branch) or of one 2xx to an
 * INVITE (Call-ID + CSeq); ACKs and the responses a server transaction resends on a retransmitted
 * request are not timer-driven and are left out.
 */
function retransmissions(log: readonly Sent[]): Copies[] {
  const groups = new Map<string, Copies>();
  for (const e of log) {
    const m = parseMessage(e.bytes);
    let key: string;
    let capped: boolean;
    if (m.isRequest) {
      if (m.method === 'ACK') continue;
      key = `${e.from} ${m.method} ${m.topVia?.branch}`;
      capped = m.method !== 'INVITE'; // Timer A doubles without a cap, Timer E up to T2
    } else {
      if (m.cseq?.method !== 'INVITE' || m.status < 200 || m.status >= 300) continue;
      key = `${e.from} 2xx ${m.callId} ${m.cseq.seq}`;
      capped = true; // §13.3.1.4
    }
    const g = groups.get(key) ?? { what: key, times: [], capped };
    g.times.push(e.at);
    groups.set(key, g);
  }
  return [...groups.values()];
}

describe('RFC 3261 §17.1 calls through signalling loss (UDP, seeded relay)', () => {
  for (const loss of [0.05, 0.2, 0.3]) {
    it(`loss ${loss * 100} % each way: calls set up and tear down through retransmissions, on the RFC's schedule`, async () => {
      const pct = `${loss * 100}%`;
      let resentTotal = 0;
      for (const seed of seeds(SEEDS_PER_LEVEL)) {
        const sent: Sent[] = [];
        const pair = await impairedPair(
          seed,
          { signalling: { aToB: { loss }, bToA: { loss } } },
          { caller: { timers, trace: tracer(sent, 'caller') }, callee: { timers, trace: tracer(sent, 'callee') } },
        );
        open.push(pair);
        const started = performance.now();
        const call = await pair.caller.invite(pair.target);
        const inbound = await pair.inbound;
        await inbound.established();
        drain(call);
        await sleep(200); // media flows through the RTP relay (unimpaired)
        const ended = inbound.done;
        await call.hangup();
        const end = await ended;
        const s = pair.proxy.signalling;
        const a = s.counters('aToB');
        const b = s.counters('bToA');
        const groups = retransmissions(sent);
        const resent = groups.filter((g) => g.times.length > 1);
        resentTotal += resent.length;
        console.log(
          `[faults] signalling loss ${pct} seed=${seed}: set up in ${call.metrics.setupMs?.toFixed(0)} ms (inbound ${inbound.metrics.setupMs?.toFixed(0)} ms), ` +
            `whole call ${(performance.now() - started).toFixed(0)} ms; SIP A→B ${a.received} received, ${a.dropped} dropped; B→A ${b.received} received, ${b.dropped} dropped; ` +
            `retransmitted: ${resent.map((g) => `${g.what.split(' ').slice(0, 2).join(' ')}×${g.times.length}`).join(', ') || 'nothing'}`,
        );

        expect(end).toMatchObject({ by: 'remote', reason: 'hangup' });
        expect(call.metrics.media?.packetsReceived).toBeGreaterThan(0);
        expect(inbound.metrics.media?.packetsReceived).toBeGreaterThan(0);
        expect(a.dropped + a.forwarded).toBe(a.received);
        for (const g of groups) {
          // §17.1.1.2 / §17.1.2.2: the k-th gap is at least T1·2^k (capped at T2 where the RFC caps it),
          // less EARLY_MS; and no copy after 64·T1 (Timer B/F; the UAS gives up on its 2xx then).
          g.times.slice(1).forEach((t, k) => {
            const interval = g.capped ? Math.min(T1 * 2 ** k, T2) : T1 * 2 ** k;
            expect(t - g.times[k]!, `${g.what}, gap ${k + 1}`).toBeGreaterThanOrEqual(interval - EARLY_MS);
          });
          expect(g.times.at(-1)! - g.times[0]!, g.what).toBeLessThanOrEqual(64 * T1);
        }
        await pair.close();
        for (const ua of [pair.caller, pair.callee]) expect(ua.stats).toMatchObject({ callsActive: 0, transactions: 0, portsInUse: 0 });
      }
      // At 20-30 % loss, across the seeds, something was lost and resent (else the test proved nothing).
      if (loss >= 0.2) expect(resentTotal).toBeGreaterThan(0);
    });
  }
});
