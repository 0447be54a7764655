/**
 * G.722 (RFC 3551 §4.5.2: 16 kHz audio, RTP clock 8000) through CallMedia on loopback: wideband
 * audio survives the round trip, the app's sampleRate is served by the resampler whatever the
 * codec, a re-negotiation can switch codecs mid-call, and metrics name the codec.
 */
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { NegotiatedMedia } from '@trunkline/sdp';
import { CallMediaError } from '../../src/media/index.js';
import { createMediaCodec } from '../../src/media/media-codec.js';
import { correlatePieces, generateDtmf } from '@trunkline/codecs';
import { chirp, concat, rmsOf } from './support/audio.js';
import { closeAfterEach, collect, delay, echo, loopbackPorts, openPair } from './support/loopback.js';

const track = closeAfterEach();
/** A fixed playout delay: a stall on a loaded CI box must not shift the echo mid-sweep. */
const jitter = { minDelayMs: 80, initialDelayMs: 80 };

describe('RFC 3551 §4.5.2 G722 in CallMedia', () => {
  it('a 300 Hz–7 kHz sweep at 16 kHz comes back through an echoing peer (correlation ≥ 0.9), its 4.5–7 kHz part too', async () => {
    const { a, b } = track(await openPair(loopbackPorts(), { sampleRate: 16000, jitter }, { sampleRate: 16000, jitter }, { codec: 'G722' }));
    const echoing = echo(b);
    const heard = collect(a);
    const sweep = chirp({ sampleRate: 16000, seconds: 0.6, f0: 300, f1: 7000 });
    const high = chirp({ sampleRate: 16000, seconds: 0.3, f0: 4500, f1: 7000 });
    const sent = once(a, 'mark');
    await a.audio.write(sweep);
    await a.audio.write(new Int16Array(3200));
    await a.audio.write(high);
    a.audio.mark('sent');
    await sent;
    await delay(1000); // the echo's round trip (~170 ms; generous for a loaded box, or the tail is cut)
    const ma = a.metrics;
    await Promise.all([a.close(), b.close()]);
    await Promise.all([heard.done, echoing]);
    const received = concat(heard.frames);
    // Piece by piece (50 ms, each at its own lag): a timer stall on a loaded box may slip the echo by a frame.
    const whole = correlatePieces(sweep, received, { sampleRate: 16000, pieceMs: 50, maxLagMs: 1500 });
    const upper = correlatePieces(high, received.subarray(sweep.length + 3200), { sampleRate: 16000, pieceMs: 50, maxLagMs: 1500 });
    console.log(`G722 loopback: sweep piece median ${whole.median.toFixed(4)}, 4.5-7 kHz ${upper.median.toFixed(4)}`);
    expect(whole.median).toBeGreaterThanOrEqual(0.9);
    // G.711 cannot carry anything above 4 kHz; G.722's 2-bit higher band does (measured 0.985 whole).
    expect(upper.median).toBeGreaterThanOrEqual(0.9);
    expect(ma.codec).toBe('G722');
    expect(ma.payloadType).toBe(9);
    // 160 octets of payload per 20 ms (64 kbit/s) plus the 12-octet RTP header.
    expect(ma.bytesSent).toBeGreaterThanOrEqual(ma.packetsSent * 172);
    expect(ma.packetsLost).toBe(0);
  });

  it('an 8 kHz app on a G722 call: its audio is resampled to 16 kHz to send and back to 8 kHz to read', async () => {
    const { a, b } = track(await openPair(loopbackPorts(), { sampleRate: 8000, jitter }, { sampleRate: 48000, jitter }, { codec: 'G722' }));
    const echoing = echo(b);
    const heard = collect(a);
    const sweep = chirp({ sampleRate: 8000, seconds: 0.6 });
    const sent = once(a, 'mark');
    await a.audio.write(sweep);
    a.audio.mark('sent');
    await sent;
    await delay(1000);
    await Promise.all([a.close(), b.close()]);
    await Promise.all([heard.done, echoing]);
    expect(heard.frames.every((f) => f.length === 160)).toBe(true);
    expect(correlatePieces(sweep, concat(heard.frames), { sampleRate: 8000, pieceMs: 50, maxLagMs: 1500 }).median).toBeGreaterThanOrEqual(0.9);
  });

  it('update() switches PCMU → G722 mid-call (a re-INVITE): audio keeps flowing, metrics name the new codec', async () => {
    const { a, b, forA, forB } = track(await openPair(loopbackPorts(), { sampleRate: 16000, jitter }, { sampleRate: 16000, jitter }, { codec: 'PCMU' }));
    const heard = collect(b);
    const tone = Int16Array.from({ length: 16000 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 1000 * i) / 16000)));
    await a.audio.write(tone.subarray(0, 4800));
    expect(a.metrics.codec).toBe('PCMU');
    const g722 = (m: NegotiatedMedia): NegotiatedMedia => ({ ...m, codec: { name: 'G722', payloadType: 9, clockRate: 8000, channels: 1 } });
    a.update(g722(forA));
    b.update(g722(forB));
    await a.audio.write(tone.subarray(4800));
    await delay(500);
    expect([a.metrics.codec, b.metrics.codec]).toEqual(['G722', 'G722']);
    await Promise.all([a.close(), b.close()]);
    await heard.done;
    const received = concat(heard.frames);
    // After the jitter buffer's delay the tone plays on through the switch: no silent second half.
    expect(rmsOf(received.subarray(received.length - 6400, received.length - 3200))).toBeGreaterThan(3000);
    expect(b.metrics.drops.payloadType).toBe(0);
  });

  it('in-band DTMF detection works on G722 audio (decoded at 16 kHz, fed to the 8 kHz detector through a resampler)', async () => {
    const { a, b } = track(await openPair(loopbackPorts(), { sampleRate: 16000, jitter }, { sampleRate: 16000, jitter, inbandDtmf: true }, { codec: 'G722', telephoneEvent: false }));
    const digits: string[] = [];
    b.on('dtmf', (e) => digits.push(`${e.digit}/${e.source}`));
    const sent = once(a, 'mark');
    await a.audio.write(generateDtmf('59', { sampleRate: 16000, toneMs: 100, gapMs: 100 }));
    a.audio.mark('sent');
    await sent;
    await delay(600);
    expect(digits).toEqual(['5/inband', '9/inband']);
  });

  it('codecs other than PCMU, PCMA and G722 at clock 8000 are refused with MEDIA_UNSUPPORTED_CODEC (488)', () => {
    for (const codec of [
      { name: 'G722', payloadType: 96, clockRate: 16000, channels: 1 },
      { name: 'opus', payloadType: 111, clockRate: 48000, channels: 2 },
      { name: 'G729', payloadType: 18, clockRate: 8000, channels: 1 },
    ]) {
      let error: unknown;
      try {
        createMediaCodec(codec);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(CallMediaError);
      expect((error as CallMediaError).code).toBe('MEDIA_UNSUPPORTED_CODEC');
      expect((error as CallMediaError).statusHint).toBe(488);
    }
  });

  it('G722 frames: 20 ms is 320 samples at 16 kHz, 160 octets, 160 RTP clock units', () => {
    const codec = createMediaCodec({ name: 'G722', payloadType: 9, clockRate: 8000, channels: 1 });
    expect([codec.audioRate, codec.clockRate, codec.audioSamples(160), codec.decodedLength(new Uint8Array(160))]).toEqual([16000, 8000, 320, 320]);
    expect(codec.encode(new Int16Array(320), new Uint8Array(160)).length).toBe(160);
  });
});
