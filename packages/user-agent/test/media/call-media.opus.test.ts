/**
 * Opus (RFC 7587: RTP clock 48000, here 16 kHz mono audio) through CallMedia on loopback: a sweep
 * survives an echo, the app's sampleRate is served by the resampler, metrics name the codec, and
 * over a seeded lossy path in-band FEC (RFC 6716 §4.2.4) rebuilds lost frames that are otherwise
 * concealed. Also the barge-in regression: clear() must not leak the resampler's last samples.
 */
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { beforeAll, describe, expect, it } from 'vitest';
import { OpusDecoder, OpusEncoder, correlatePieces, loadOpus } from '@trunkline/codecs';
import { UdpImpairmentRelay } from '@trunkline/impair';
import type { NegotiatedCodec, NegotiatedMedia } from '@trunkline/sdp';
import { CallMedia, type CallMediaOptions } from '../../src/media/index.js';
import { createMediaCodec } from '../../src/media/media-codec.js';
import { chirp, concat } from './support/audio.js';
import { closeAfterEach, collect, delay, echo, loopbackPorts, negotiate } from './support/loopback.js';

/** One allocator for the file: two allocators over one range could hand out the same port pair. */
const ports = loopbackPorts();
const track = closeAfterEach();

/**
 * A fixed 200 ms playout delay: a stall of up to ~180 ms on a loaded box neither conceals (the
 * packets are already buffered) nor shifts the echo mid-sweep, and nothing is dropped to shrink; on
 * the lossy path the packet after a loss is buffered in time (a `lost` slot, where FEC applies).
 */
const jitter = { minDelayMs: 200, initialDelayMs: 200, maxDelayMs: 200 };
/** RFC 7587 §7: `opus/48000/2` on a dynamic payload type; `useInbandFec` is the receiver's wish. */
const opusCodec = (useInbandFec: boolean): NegotiatedCodec => ({
  name: 'OPUS', payloadType: 111, clockRate: 48000, channels: 2,
  opus: { useInbandFec, maxAverageBitrate: null, maxPlaybackRate: 16000, stereo: false },
});
/**
 * SRTP on the loopback calls: a stray plain-RTP packet from another test process that reused a port
 * fails authentication instead of latching symmetric RTP away from the peer (seen on a busy CI box).
 */
const SRTP = 'AES_CM_128_HMAC_SHA1_80';
const withOpus = (m: NegotiatedMedia, useInbandFec = true): NegotiatedMedia => ({ ...m, codec: opusCodec(useInbandFec), telephoneEventPayloadType: 110 });

/**
 * libopus runs slowly until V8 has tiered its WebAssembly up: on a loaded box the first second of a
 * process's first Opus call stalls the pacer and the echo slips. Two seconds of coding first.
 */
beforeAll(async () => {
  await loadOpus();
  const encoder = new OpusEncoder();
  const decoder = new OpusDecoder();
  const sweep = chirp({ sampleRate: 16000, seconds: 2, f0: 200, f1: 7000 });
  for (let i = 0; i < sweep.length; i += 320) decoder.decode(encoder.encode(sweep.subarray(i, i + 320)));
  encoder.close();
  decoder.close();
});

/** Polls `condition` every 10 ms; fails after `ms` instead of waiting for the test timeout. */
async function until(condition: () => boolean, ms = 5000): Promise<void> {
  for (const end = Date.now() + ms; !condition(); await delay(10)) if (Date.now() > end) throw new Error(`not within ${ms} ms`);
}

async function openOpus(options: Omit<CallMediaOptions, 'ports'>): Promise<CallMedia> {
  const media = await CallMedia.open({ ports, codecs: ['OPUS', 'PCMU'], jitter, ...options });
  track(media);
  return media;
}

describe('RFC 7587 Opus in CallMedia', () => {
  it('RFC 7587 §4.1: 20 ms is 320 samples at 16 kHz and 960 RTP clock units, whatever the packet size; ptimes it cannot frame', async () => {
    await loadOpus();
    const codec = createMediaCodec(opusCodec(true));
    const payload = codec.encode(new Int16Array(320), new Uint8Array(codec.maxPayloadBytes(960)));
    expect([codec.name, codec.clockRate, codec.audioRate, codec.audioSamples(960), codec.rtpUnits(payload), codec.decodedLength(payload)]).toEqual([
      'OPUS', 48000, 16000, 320, 960, 320,
    ]);
    // RFC 6716 §2.1.4: a negotiated ptime Opus cannot frame is sent as the nearest frame size below it.
    expect([10, 20, 30, 50, 60, 100].map((p) => codec.framePtime(p))).toEqual([10, 20, 20, 40, 60, 60]);
    codec.close?.();
  });

  it.each([16000, 8000, 48000] as const)('a %i Hz app: a sweep comes back through an echoing peer (piece median ≥ 0.9), metrics name OPUS', async (rate) => {
    const a = await openOpus({ sampleRate: rate });
    const b = await openOpus({ sampleRate: 16000 });
    const { forA, forB } = negotiate(a, b, { srtp: SRTP });
    a.start(withOpus(forA));
    b.start(withOpus(forB));
    const echoing = echo(b);
    const heard = collect(a);
    const sweep = chirp({ sampleRate: rate, seconds: 0.6, f0: 300, f1: Math.min(7000, rate * 0.42) });
    const sent = once(a, 'mark');
    await a.audio.write(sweep);
    a.audio.mark('sent');
    await sent;
    await delay(1000); // the echo's round trip (~450 ms; generous for a loaded box, or the tail is cut)
    const ma = a.metrics;
    const mb = b.metrics;
    await Promise.all([a.close(), b.close()]);
    await Promise.all([heard.done, echoing]);
    expect(heard.frames.every((f) => f.length === rate / 50)).toBe(true);
    const pieces = correlatePieces(sweep, concat(heard.frames), { sampleRate: rate, pieceMs: 50, maxLagMs: 1500 });
    console.log(`Opus loopback at ${rate} Hz: piece median ${pieces.median.toFixed(4)}, concealed ${ma.concealedFrames} + ${mb.concealedFrames}`);
    expect(pieces.median).toBeGreaterThanOrEqual(0.9);
    expect([ma.codec, ma.payloadType]).toEqual(['OPUS', 111]);
    expect(ma.packetsLost).toBe(0);
  });

  it('RFC 6716 §4.2.4: over a seeded 15 % loss path, FEC on conceals fewer frames than FEC off (the lost ones are rebuilt)', async () => {
    const seed = 0x5eed17;
    const run = async (useInbandFec: boolean): Promise<{ concealed: number; fec: number; lost: number }> => {
      const sender = await openOpus({ sampleRate: 16000 });
      const receiver = await openOpus({ sampleRate: 16000 });
      // Only RTP audio (PT 111, in SRTP's clear header) is impaired, so the seed decides the same losses in both runs.
      await using relay = await UdpImpairmentRelay.open({
        seed,
        peerB: { address: '127.0.0.1', port: receiver.localPort },
        aToB: { loss: 0.15 },
        impairs: (d) => d.length > 12 && (d[1]! & 0x7f) === 111,
      });
      const { forA, forB } = negotiate(sender, receiver, { rtcpMux: true, srtp: SRTP });
      sender.start(withOpus({ ...forA, remoteRtp: relay.sideA, remoteRtcp: relay.sideA }, useInbandFec));
      receiver.start(withOpus({ ...forB, remoteRtp: relay.sideB, remoteRtcp: relay.sideB }));
      const heard = collect(receiver);
      const sent = once(sender, 'mark');
      await sender.audio.write(chirp({ sampleRate: 16000, seconds: 2, f0: 200, f1: 3000 }));
      sender.audio.mark('sent');
      await sent;
      await delay(400); // the jitter buffer plays out the last packets
      const m = receiver.metrics;
      await Promise.all([sender.close(), receiver.close()]);
      await heard.done;
      return { concealed: m.concealedFrames, fec: m.fecFrames, lost: relay.counters('aToB').dropped };
    };
    // Both at once: half the wall time, and the same machine load on both.
    const [on, off] = await Promise.all([run(true), run(false)]);
    console.log(`Opus over 15 % loss (seed ${seed}): FEC on ${JSON.stringify(on)}, FEC off ${JSON.stringify(off)}`);
    expect(off.lost).toBeGreaterThanOrEqual(8);
    expect(off.fec).toBe(0);
    // Most single losses are rebuilt: an honest margin for bursts and load (measured in the log above).
    expect(on.fec).toBeGreaterThanOrEqual(Math.floor(on.lost / 2));
    expect(on.concealed + Math.floor(off.lost / 3)).toBeLessThanOrEqual(off.concealed);
  });
});

describe('barge-in (CallAudio.clear)', () => {
  it('the first packet after clear() is pure silence: the queue→codec resampler forgets the cleared audio', async () => {
    // A 16 kHz app on PCMU: the queue (16 kHz) is decimated to 8 kHz; its filter holds ~1.8 ms of history.
    const sink = createSocket('udp4');
    sink.bind(0, '127.0.0.1');
    await once(sink, 'listening');
    const payloads: Uint8Array[] = [];
    sink.on('message', (m) => payloads.push(new Uint8Array(m.subarray(12)))); // fixed 12-octet RTP header (no CSRC, no extension)
    try {
      const media = await CallMedia.open({ ports, sampleRate: 16000, jitter });
      track(media);
      const port = sink.address().port;
      media.start({
        remoteRtp: { address: '127.0.0.1', port }, remoteRtcp: { address: '127.0.0.1', port }, rtcpMux: true,
        codec: { name: 'PCMU', payloadType: 0, clockRate: 8000, channels: 1 }, telephoneEventPayloadType: null,
        ptime: 20, maxptime: null, direction: 'sendrecv', remoteHold: false, srtp: null,
      });
      const tone = Int16Array.from({ length: 16000 }, (_, i) => Math.round(12000 * Math.sin((2 * Math.PI * 1000 * i) / 16000)));
      // PCMU silence is 0xFF (µ-law +0). Each packet must be tone or pure silence.
      const silentOctets = (): number[] => payloads.map((p) => p.filter((x) => x === 0xff).length);
      const isTone = (n: number): boolean => n <= 80; // a 1 kHz tone at 8 kHz crosses zero on 40 of 160 samples
      void media.audio.write(tone);
      await until(() => silentOctets().filter(isTone).length >= 6);
      media.audio.clear();
      const before = payloads.length;
      await until(() => payloads.length >= before + 6);
      const octets = silentOctets();
      const firstTone = octets.findIndex(isTone);
      const afterTone = octets.findIndex((n, i) => i > firstTone && !isTone(n));
      expect(firstTone).toBeGreaterThanOrEqual(0);
      expect(afterTone).toBeGreaterThan(firstTone);
      expect(octets.slice(afterTone)).toEqual(octets.slice(afterTone).map(() => 160));
    } finally {
      sink.close();
    }
  });
});

