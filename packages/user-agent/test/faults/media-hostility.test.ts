/**
 * Hostile media against an established SRTP call (issue 14): a third party
 * that knows the callee's RTP address sends, from its own address, packets
 * protected with the wrong key, replays of packets it captured on the path,
 * truncated packets and loud plain RTP; the path itself duplicates packets
 * (replays from the expected address). RFC 3711 §3.3 (authentication) and
 * §3.3.2 (replay list): every one is dropped and counted by reason, none is
 * counted as received or played to the app (which hears only the caller's
 * quiet tone), and the media never latches to the attacker (RFC 3711 §3.3 +
 * the user agent's `follow-authenticated` latch).
 */
import { createSocket } from 'node:dgram';
import { SipImpairmentProxy, classifyMediaDatagram, type RelayEvent } from '@trunkline/impair';
import { SrtpContext, srtpProfileParameters } from '@trunkline/rtp-srtp';
import { seededRandom } from '@trunkline/test-support';
import { afterEach, expect, it } from 'vitest';
import type { Call, UserAgent } from '../../src/index.js';
import { testAgent } from '../support/ua.js';
import { seeds, sleep } from './support.js';

const SRTP = { srtp: 'mandatory', allowSdesOverCleartext: true } as const;
/** The caller's tone: 400 Hz at this peak, far below what a played attack packet would give. */
const TONE_PEAK = 3000;

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

/** 20 ms of the tone at 8 kHz, from sample `at`. */
function tone(at: number): Int16Array {
  const out = new Int16Array(160);
  for (let i = 0; i < 160; i++) out[i] = Math.round(TONE_PEAK * Math.sin((2 * Math.PI * 400 * (at + i)) / 8000));
  return out;
}

/** RTP datagrams the relay delivered towards the callee (A → B) so far: originals, and the copies of duplicated ones. */
function delivered(log: readonly RelayEvent[]): { originals: number; copies: number } {
  let originals = 0;
  let copies = 0;
  for (const e of log) {
    if (e.type !== 'sent' || e.direction !== 'aToB' || classifyMediaDatagram(e.datagram) !== 'rtp') continue;
    if (e.duplicate) copies++;
    else originals++;
  }
  return { originals, copies };
}

it('RFC 3711 §3.3, §3.3.2: wrong keys, replays, truncated packets and plain RTP from another address are dropped, counted, never played, never latched', async () => {
  const [seed] = seeds(1);
  const rand = seededRandom(seed!);
  const callee: UserAgent = await testAgent({ media: SRTP });
  const caller: UserAgent = await testAgent({ media: SRTP });
  const log: RelayEvent[] = [];
  const proxy = await SipImpairmentProxy.open({
    seed: seed!,
    target: { address: '127.0.0.1', port: callee.addresses[0]!.port },
    observeMedia: (e) => log.push(e),
  });
  const attacker = createSocket('udp4');
  await new Promise<void>((resolve) => attacker.bind(0, '127.0.0.1', () => resolve()));
  closers.push(async () => {
    attacker.close();
    await Promise.all([caller.close(), callee.close()]);
    await proxy.close();
  });

  // The callee's app: reads every frame and keeps the loudest sample heard once the call is steady.
  let loudest = 0;
  let framesRead = 0;
  let listening = false;
  const inbound = new Promise<Call>((resolve) =>
    callee.once('call', (call) => {
      resolve(call);
      void (async () => {
        await call.answer();
        for await (const frame of call.audio) {
          framesRead++;
          if (listening) for (const s of frame.samples) loudest = Math.max(loudest, Math.abs(s));
        }
      })().catch(() => undefined);
    }),
  );
  const call = await caller.invite(`sip:echo@127.0.0.1:${proxy.address.port}`);
  const answered = await inbound;
  await answered.established();
  // The caller talks: the tone, kept ~200 ms ahead of the pacer.
  let talking = true;
  void (async () => {
    for (let at = 0; talking; at += 160) await call.audio.write(tone(at));
  })().catch(() => undefined);
  void (async () => {
    for await (const _frame of call.audio) {
      // the callee sends silence back; not what this test listens to
    }
  })();
  // Steady: the caller's SRTP has been flowing for a while (and some is there to replay).
  await expect.poll(() => delivered(log).originals, { timeout: 5000 }).toBeGreaterThan(20);
  listening = true;
  const relay = proxy.media[0]!.relay;
  const calleeMedia = relay.peerB!; // where the callee receives RTP
  const before = answered.metrics.media!;
  expect(before.srtpSuite).not.toBeNull();
  const latchedBefore = before.remote;
  expect(latchedBefore).toMatchObject({ address: relay.sideB.address, port: relay.sideB.port });
  const deliveredBefore = delivered(log);

  // The attack, from another address, interleaved with the call for ~1 s; meanwhile the path
  // duplicates a third of the caller's packets (replays from the latched address).
  proxy.setMediaImpairment('aToB', { duplicate: 0.3 });
  const captured = log.filter((e) => e.type === 'sent' && e.direction === 'aToB' && classifyMediaDatagram(e.datagram) === 'rtp').map((e) => e.datagram);
  const ssrc = new DataView(captured[0]!.buffer, captured[0]!.byteOffset).getUint32(8);
  const suite = srtpProfileParameters(before.srtpSuite!);
  const wrongKey = new SrtpContext({ profile: suite.name, masterKey: randomBytes(rand, suite.keyLength), masterSalt: randomBytes(rand, suite.saltLength) });
  const sent = { wrongKey: 0, replay: 0, truncated: 0, plain: 0 };
  const send = (bytes: Uint8Array): void => attacker.send(bytes, calleeMedia.port, calleeMedia.address);
  for (let i = 0; i < 50; i++) {
    // Loud plain RTP (μ-law 0x00 is full scale) under the caller's SSRC, sequence numbers just ahead.
    const plain = rtp(ssrc, 40_000 + i, new Uint8Array(160));
    send(wrongKey.protect(plain));
    sent.wrongKey++;
    send(captured[Math.floor(rand() * captured.length)]!);
    sent.replay++;
    const victim = captured[Math.floor(rand() * captured.length)]!;
    send(victim.subarray(0, Math.floor(rand() * 12))); // shorter than an RTP header
    sent.truncated++;
    send(plain);
    sent.plain++;
    await sleep(20);
  }
  proxy.setMediaImpairment('aToB', {});
  await sleep(300);
  listening = false;
  const after = answered.metrics.media!;
  const deliveredAfter = delivered(log);
  talking = false;

  const attack = sent.wrongKey + sent.replay + sent.truncated + sent.plain;
  const originals = deliveredAfter.originals - deliveredBefore.originals;
  const copies = deliveredAfter.copies - deliveredBefore.copies;
  console.log(
    `[media hostility] seed=${seed}: sent ${JSON.stringify(sent)}; callee drops unprotect ${before.drops.unprotect} → ${after.drops.unprotect}, ` +
      `parse ${before.drops.parse} → ${after.drops.parse}; received ${after.packetsReceived - before.packetsReceived} of ${originals} delivered by the path (+ ${copies} duplicates); ` +
      `loudest sample heard ${loudest} (tone ${TONE_PEAK}); ${framesRead} frames read`,
  );
  expect(copies).toBeGreaterThan(0);
  // Dropped and counted: every attack packet and every duplicate, under one reason or the other (a
  // duplicate still in flight as the figures are read may be missing: ± 2).
  const drops = after.drops.unprotect - before.drops.unprotect + after.drops.parse - before.drops.parse;
  expect(drops).toBeGreaterThanOrEqual(attack + copies - 2);
  expect(drops).toBeLessThanOrEqual(attack + copies);
  expect(after.drops.unprotect - before.drops.unprotect).toBeGreaterThanOrEqual(sent.wrongKey + sent.replay + sent.plain);
  // Never counted as received: what the callee received is what the path delivered (± the packets in flight at each end).
  expect(Math.abs(after.packetsReceived - before.packetsReceived - originals)).toBeLessThanOrEqual(5);
  // Never played: the app heard the caller's tone, never a full-scale attack payload.
  expect(loudest).toBeGreaterThan(TONE_PEAK / 2);
  expect(loudest).toBeLessThan(TONE_PEAK * 1.5);
  // Never latched: media still goes to the path, the call is still up.
  expect(after.remote).toEqual(latchedBefore);
  expect(answered.state).toBe('established');
  await call.hangup();
});

/** `n` bytes from the seeded PRNG. */
function randomBytes(rand: () => number, n: number): Uint8Array {
  return Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
}

/** A PCMU RTP packet (RFC 3550 §5.1): version 2, PT 0, the given SSRC and sequence number. */
function rtp(ssrc: number, seq: number, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + payload.length);
  const view = new DataView(out.buffer);
  out[0] = 0x80;
  out[1] = 0;
  view.setUint16(2, seq & 0xffff);
  view.setUint32(4, seq * 160);
  view.setUint32(8, ssrc);
  out.set(payload, 12);
  return out;
}
