/**
 * A link cut mid-call, through the seeded SIP/RTP impairment proxy:
 * - media cut both ways, signalling still up: the side with the shorter
 *   `mediaTimeoutMs` times out and hangs up with BYE (Reason 408, RFC 3326);
 *   the other side ends on that BYE;
 * - everything cut: both sides time out, their BYEs are lost, the BYE
 *   transactions end on Timer F (64·T1, RFC 3261 §17.1.2.2), the calls end anyway.
 * Either way every RTP port is released when the calls end, nothing is sent
 * after, and closing the user agents leaves no call, transaction or port.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CallEndedEvent } from '../../src/index.js';
import { drain, impairedPair, seeds, sleep, type ImpairedPair } from './support.js';

const T1 = 25;
const timers = { T1, T2: 100, T4: 100 };

const open: ImpairedPair[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((p) => p.close()));
});

/** RTP datagrams that reached the media relays so far (both directions, every stream). */
function mediaReceived(pair: ImpairedPair): number {
  return pair.proxy.media.reduce((n, s) => n + s.relay.counters('aToB').received + s.relay.counters('bToA').received, 0);
}

/** Packet types of an RTCP compound (RFC 3550 §6.1: each packet's length is in 32-bit words minus one). */
function rtcpTypes(datagram: Uint8Array): number[] {
  const types: number[] = [];
  for (let at = 0; at + 4 <= datagram.length; at += 4 * (((datagram[at + 2]! << 8) | datagram[at + 3]!) + 1)) types.push(datagram[at + 1]!);
  return types;
}

async function expectReleased(pair: ImpairedPair): Promise<void> {
  // Ports go back when the calls end, before any close().
  for (const ua of [pair.caller, pair.callee]) expect(ua.stats).toMatchObject({ callsActive: 0, portsInUse: 0 });
  // And nothing is sent any more.
  await sleep(50); // what was sent as the media closed (the RTCP BYE) lands
  const before = mediaReceived(pair);
  await sleep(250);
  expect(mediaReceived(pair)).toBe(before);
  // RFC 3550 §6.3.7: each side's last media datagram is an RTCP compound with a BYE.
  for (const direction of ['aToB', 'bToA'] as const) {
    const last = pair.mediaLog.filter((e) => e.direction === direction).at(-1)!;
    expect(rtcpTypes(last.datagram), direction).toContain(203);
  }
  await pair.close();
  for (const ua of [pair.caller, pair.callee]) expect(ua.stats).toMatchObject({ callsActive: 0, transactions: 0, portsInUse: 0, connections: 0 });
}

describe('link cut mid-call (seeded SIP/RTP impairment proxy)', () => {
  it('media cut both ways: the media timeout fires, BYE with Reason 408 ends both sides, every port is released', async () => {
    const [seed] = seeds(1);
    const pair = await impairedPair(seed!, {}, { caller: { timers, media: { mediaTimeoutMs: 2000 } }, callee: { timers, media: { mediaTimeoutMs: 500 } } });
    open.push(pair);
    const call = await pair.caller.invite(pair.target);
    const inbound = await pair.inbound;
    await inbound.established();
    drain(call);
    await sleep(300);
    const callerEnded = new Promise<CallEndedEvent>((resolve) => call.once('ended', resolve));
    const timedOut = new Promise<{ silentForMs: number }>((resolve) => inbound.once('media-timeout', resolve));
    const cutAt = performance.now();
    pair.proxy.cutMedia();

    const t = await timedOut;
    const firedAfter = performance.now() - cutAt;
    const end = await callerEnded;
    const inboundEnd = await inbound.done;
    const cut = pair.proxy.media[0]!.relay;
    console.log(
      `[faults] media cut seed=${seed}: media timeout after ${firedAfter.toFixed(0)} ms (silent ${t.silentForMs.toFixed(0)} ms, mediaTimeoutMs 500); ` +
        `RTP cut A→B ${cut.counters('aToB').cut}, B→A ${cut.counters('bToA').cut}; caller ended by ${end.by} (${end.reasonHeader})`,
    );
    // The detector's own measure: 500 ms without RTP. (Measured from the cut it can be less: on a loaded
    // machine the last packet may have arrived well before the cut.)
    expect(t.silentForMs).toBeGreaterThanOrEqual(500);
    expect(firedAfter).toBeLessThan(500 + 1500); // a tick of the pacer, with an honest margin for a loaded machine
    expect(inboundEnd).toMatchObject({ by: 'local', reason: 'media-timeout' });
    expect(end).toMatchObject({ by: 'remote', reason: 'hangup', reasonHeader: 'SIP;cause=408;text="Media timeout"' });
    expect(cut.counters('aToB').cut).toBeGreaterThan(0);
    expect(cut.counters('bToA').cut).toBeGreaterThan(0);
    await expectReleased(pair);
  });

  it('everything cut: both sides time out, their BYEs are lost, Timer F ends the BYE transactions, the calls end and release everything', async () => {
    const [seed] = seeds(1);
    const ua = { timers, media: { mediaTimeoutMs: 400 } };
    const pair = await impairedPair(seed!, {}, { caller: ua, callee: ua });
    open.push(pair);
    const call = await pair.caller.invite(pair.target);
    const inbound = await pair.inbound;
    await inbound.established();
    drain(call);
    await sleep(300);
    const cutAt = performance.now();
    pair.proxy.cutMedia();
    pair.proxy.signalling.cut();

    const [a, b] = await Promise.all([call.done, inbound.done]);
    const took = performance.now() - cutAt;
    const s = pair.proxy.signalling;
    console.log(
      `[faults] total cut seed=${seed}: both calls ended ${took.toFixed(0)} ms after the cut (400 ms media timeout + 64·T1 = ${64 * T1} ms); ` +
        `SIP cut A→B ${s.counters('aToB').cut}, B→A ${s.counters('bToA').cut}`,
    );
    for (const end of [a, b]) expect(end).toMatchObject({ by: 'local', reason: 'media-timeout' });
    // Each BYE was sent and retransmitted into the cut (§17.1.2.2), until Timer F.
    expect(s.counters('aToB').cut).toBeGreaterThan(1);
    expect(s.counters('bToA').cut).toBeGreaterThan(1);
    expect(took).toBeGreaterThanOrEqual(400);
    expect(took).toBeLessThan(400 + 64 * T1 + 3000);
    await expectReleased(pair);
  });
});
