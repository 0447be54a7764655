/**
 * RFC 3261 §17.1.1.2, §17.1.2.2, §13.3.1.4 under signalling loss: two user
 * agents call through a seeded SIP/RTP impairment proxy that loses 5 %, 20 %
 * and 30 % of the SIP datagrams each way (media untouched). Every call sets up
 * and tears down through retransmissions, and what the relay saw of each
 * retransmitted request follows the RFC's schedule: never sooner than
 * T1·2^k (INVITE, Timer A, no cap) or min(T1·2^k, T2) (non-INVITE, Timer E;
 * the UAS's 2xx), and nothing after 64·T1 (Timers B, F).
 *
 * Small timers keep it fast (T1 25 ms, T2 100 ms: §17.1.1.1 allows other values
 * on a known network; T2 = 4·T1 packs ~17 tries into 64·T1 instead of 7, which
 * is what makes 30 % loss pass for every seed rather than nearly every seed).
 */
import { parseMessage } from '@trunkline/sip-parser';
import type { RelayEvent } from '@trunkline/impair';
import { afterEach, describe, expect, it } from 'vitest';
import { drain, impairedPair, seeds, sleep, type ImpairedPair } from './support.js';

const T1 = 25;
const T2 = 100;
const timers = { T1, T2, T4: 100 };
const SEEDS_PER_LEVEL = 5;

const open: ImpairedPair[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

/** Copies of one retransmitted message, by the time the relay received them. */
interface Copies {
  readonly what: string;
  readonly times: number[];
  readonly capped: boolean;
}

/**
 * Groups the SIP datagrams each side sent (dropped or not) into the copies of one request
 * (method + branch) or of one 2xx to an INVITE (Call-ID + CSeq); ACKs and the responses a server
 * transaction resends on a retransmitted request are not timer-driven and are left out.
 */
function retransmissions(log: readonly RelayEvent[]): Copies[] {
  const groups = new Map<string, Copies>();
  for (const e of log) {
    if (e.type === 'sent' && e.duplicate) continue;
    const m = parseMessage(e.datagram);
    let key: string;
    let capped: boolean;
    if (m.isRequest) {
      if (m.method === 'ACK') continue;
      key = `${e.direction} ${m.method} ${m.topVia?.branch}`;
      capped = m.method !== 'INVITE'; // Timer A doubles without a cap, Timer E up to T2
    } else {
      if (m.cseq?.method !== 'INVITE' || m.status < 200 || m.status >= 300) continue;
      key = `${e.direction} 2xx ${m.callId} ${m.cseq.seq}`;
      capped = true; // §13.3.1.4
    }
    const g = groups.get(key) ?? { what: key, times: [], capped };
    g.times.push(e.receivedAt);
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
        const pair = await impairedPair(seed, { signalling: { aToB: { loss }, bToA: { loss } } }, { caller: { timers }, callee: { timers } });
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
        const groups = retransmissions(pair.sipLog);
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
          // less 2 ms for timer grain; and no copy after 64·T1 (Timer B/F; the UAS gives up on its 2xx then).
          g.times.slice(1).forEach((t, k) => {
            const interval = g.capped ? Math.min(T1 * 2 ** k, T2) : T1 * 2 ** k;
            expect(t - g.times[k]!, `${g.what}, gap ${k + 1}`).toBeGreaterThanOrEqual(interval - 2);
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
