/**
 * RFC 3550 §A.3 loss and §A.8 jitter as the user agent reports them
 * (`call.metrics.media`), against what a seeded RTP relay actually did to the
 * stream each way: 0 %, 1 % and 5 % loss, and 30 ms of jitter. The oracle is
 * computed from the relay's own log (its drops inside the receiver's window,
 * the RFC 3550 jitter of the delays it applied), not from the parameters,
 * so a short run is still an exact check: reported loss within ±0.3 points,
 * jitter within ±30 %. The E-model MOS falls as loss rises, the jitter buffer
 * conceals what was lost and its delay stays within its bound.
 *
 * All four calls run at once (each its own pair of user agents and proxy) to
 * keep the file to a few seconds: 300 ms clean (the receivers' RFC 3550 §A.1
 * probation passes), 3 s impaired, then the media is cut and the figures read.
 */
import type { ImpairmentOptions } from '@trunkline/impair';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaMetrics } from '../../src/media/index.js';
import { drain, impairedPair, rtpOracle, seeds, sleep, type ImpairedPair, type RtpOracle } from './support.js';

const IMPAIRED_MS = 3000;
/** Jitter-buffer bound of CallMedia (its default maxDelayMs). */
const MAX_PLAYOUT_DELAY_MS = 200;

interface Case {
  readonly name: string;
  readonly impairment: ImpairmentOptions;
  /** Assert the jitter figure (meaningless when nothing was injected: a fraction of a ms either way). */
  readonly checkJitter: boolean;
}

const cases: readonly Case[] = [
  { name: 'clean', impairment: {}, checkJitter: false },
  { name: 'loss 1 %', impairment: { loss: 0.01 }, checkJitter: false },
  { name: 'loss 5 %', impairment: { loss: 0.05 }, checkJitter: false },
  // netem's `delay 50ms 45ms` (uniform 5..95 ms, reordering as netem does): for independent delays the
  // RFC 3550 jitter tends to E|X − Y| = 2·45/3 = 30 ms. (Kept in order, no spread gets it past ~23 ms at 50 packets/s.)
  { name: 'jitter 30 ms', impairment: { delay: { fixedMs: 50, jitterMs: 45, distribution: 'uniform', reorder: true } }, checkJitter: true },
];

/** One direction's figures: what the receiver reported, what the relay's log says it must. */
interface Direction {
  readonly reported: MediaMetrics;
  readonly oracle: RtpOracle;
  /** Largest playout delay seen while impaired. */
  readonly maxPlayoutDelayMs: number;
  /** Frames concealed while impaired. */
  readonly concealedWhileImpaired: number;
  /** Reported jitter at the end of the impaired period, ms. */
  readonly jitterMs: number;
  /** The oracle from the relay's log up to then (for jitter). */
  readonly impaired: RtpOracle;
}

interface Result {
  readonly seed: number;
  /** Caller → callee, as the callee reports it. */
  readonly aToB: Direction;
  /** Callee → caller (the echo), as the caller reports it. */
  readonly bToA: Direction;
}

const pairs: ImpairedPair[] = [];
const results = new Map<string, Result>();

async function runCase(c: Case, seed: number): Promise<Result> {
  const pair = await impairedPair(seed);
  pairs.push(pair);
  const call = await pair.caller.invite(pair.target);
  const inbound = await pair.inbound;
  await inbound.established();
  drain(call);
  await sleep(300);
  const concealedA = inbound.metrics.media!.concealedFrames;
  const concealedB = call.metrics.media!.concealedFrames;
  pair.proxy.setMediaImpairment('aToB', c.impairment);
  pair.proxy.setMediaImpairment('bToA', c.impairment);
  let maxA = 0;
  let maxB = 0;
  for (let t = 0; t < IMPAIRED_MS; t += 100) {
    await sleep(100);
    maxA = Math.max(maxA, inbound.metrics.media?.playoutDelayMs ?? 0);
    maxB = Math.max(maxB, call.metrics.media?.playoutDelayMs ?? 0);
  }
  // Jitter is read now: the clean tail below would decay both figures (J forgets with gain 1/16).
  const jitterA = inbound.metrics.media!.jitterMs;
  const jitterB = call.metrics.media!.jitterMs;
  const impairedLog = pair.mediaLog.slice();
  // Freeze the streams: a perfect link lets what waits in the delay lines out, then the cut stops
  // everything and what was sent lands. (Cutting at once would turn delayed packets into losses.)
  pair.proxy.setMediaImpairment('aToB', {});
  pair.proxy.setMediaImpairment('bToA', {});
  await sleep(150);
  pair.proxy.cutMedia();
  await sleep(150);
  const a = inbound.metrics.media!;
  const b = call.metrics.media!;
  const result: Result = {
    seed,
    aToB: {
      reported: a,
      oracle: rtpOracle(pair.mediaLog, 'aToB'),
      maxPlayoutDelayMs: maxA,
      concealedWhileImpaired: a.concealedFrames - concealedA,
      jitterMs: jitterA,
      impaired: rtpOracle(impairedLog, 'aToB'),
    },
    bToA: {
      reported: b,
      oracle: rtpOracle(pair.mediaLog, 'bToA'),
      maxPlayoutDelayMs: maxB,
      concealedWhileImpaired: b.concealedFrames - concealedB,
      jitterMs: jitterB,
      impaired: rtpOracle(impairedLog, 'bToA'),
    },
  };
  await call.hangup();
  await pair.close();
  return result;
}

const fmt = (d: Direction): string =>
  `loss applied ${d.oracle.dropped}/${d.oracle.decided} → expected ${d.oracle.lossPercent.toFixed(2)} %, reported ${d.reported.lossPercent.toFixed(2)} % ` +
  `(${d.reported.packetsLost} lost of ${d.reported.packetsReceived + d.reported.packetsLost}); jitter injected ${d.impaired.injectedJitterMs.toFixed(1)} ms ` +
  `(as sent ${d.impaired.sentJitterMs.toFixed(1)}), reported ${d.jitterMs.toFixed(1)} ms; MOS ${d.reported.mos?.toFixed(2)}; ` +
  `concealed ${d.reported.concealedFrames} (${d.concealedWhileImpaired} while impaired), playout delay ≤ ${d.maxPlayoutDelayMs.toFixed(0)} ms (at the end ${d.reported.playoutDelayMs.toFixed(0)}), late ${d.reported.drops.late}, jb drops ${d.reported.drops.jitterBuffer}`;

beforeAll(async () => {
  const [base] = seeds(1);
  const all = await Promise.all(cases.map((c, i) => runCase(c, (base! + i) | 0)));
  cases.forEach((c, i) => {
    const r = all[i]!;
    results.set(c.name, r);
    console.log(`[faults] media ${c.name} seed=${r.seed}\n  caller→callee: ${fmt(r.aToB)}\n  callee→caller: ${fmt(r.bToA)}`);
  });
}, 30_000);

afterAll(async () => {
  await Promise.all(pairs.map((p) => p.close()));
});

describe('RFC 3550 §A.3/§A.8 media figures through a seeded impairment relay', () => {
  for (const c of cases) {
    it(`${c.name}: reported loss within ±0.3 points of the loss applied${c.checkJitter ? ', jitter within ±30 % of the jitter injected' : ''}; the jitter buffer conceals and stays bounded`, () => {
      const r = results.get(c.name)!;
      for (const d of [r.aToB, r.bToA]) {
        expect(d.oracle.decided).toBeGreaterThan(150); // 3.3 s at 50 packets/s, both directions
        expect(Math.abs(d.reported.lossPercent - d.oracle.lossPercent)).toBeLessThanOrEqual(0.3);
        if (c.checkJitter) {
          // Against the delays as the relay applied them on the wire (its send times): an event-loop stall
          // on a loaded machine delays the relay's sends and the receiver alike, so it is in both figures.
          expect(d.impaired.injectedJitterMs).toBeGreaterThan(10);
          expect(d.jitterMs).toBeGreaterThanOrEqual(0.7 * d.impaired.sentJitterMs);
          expect(d.jitterMs).toBeLessThanOrEqual(1.3 * d.impaired.sentJitterMs);
        }
        // Each lost packet is played out concealed (halved: one may fall where the buffer was shrinking anyway).
        const lost = d.reported.packetsLost;
        if (lost > 0) expect(d.concealedWhileImpaired).toBeGreaterThanOrEqual(Math.ceil(lost / 2));
        expect(d.maxPlayoutDelayMs).toBeLessThanOrEqual(MAX_PLAYOUT_DELAY_MS);
        expect(d.reported.mos).not.toBeNull();
      }
    });
  }

  it('E-model MOS falls with loss: ordered by the loss reported, MOS never rises, and 5 % is below clean', () => {
    const points = ['clean', 'loss 1 %', 'loss 5 %'].flatMap((name) => {
      const r = results.get(name)!;
      return [r.aToB, r.bToA].map((d) => ({ loss: d.reported.lossPercent, mos: d.reported.mos! }));
    });
    points.sort((x, y) => x.loss - y.loss);
    points.slice(1).forEach((p, i) => expect(p.mos).toBeLessThanOrEqual(points[i]!.mos + 1e-9));
    const clean = results.get('clean')!.aToB.reported.mos!;
    expect(results.get('loss 5 %')!.aToB.reported.mos!).toBeLessThan(clean);
    expect(results.get('loss 5 %')!.bToA.reported.mos!).toBeLessThan(clean);
  });
});
