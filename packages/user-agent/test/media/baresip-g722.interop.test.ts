/**
 * G.722 against an independent implementation: baresip 1.0's `g722` module (Debian `baresip-core`),
 * in real calls both ways. RFC 3551 §4.5.2: `a=rtpmap:9 G722/8000`, 16 kHz audio. A 300 Hz–7 kHz
 * sweep goes through both codecs (ours encodes, baresip decodes and re-encodes, ours decodes), so
 * a correlation ≥ 0.9 means the two ADPCM loops track each other (any mismatch in the adaptation
 * would make the decoders diverge); content above 4 kHz coming back shows the call is wideband.
 * "Correlation ≥ 0.9": the median over 50 ms pieces, each at its own lag (`correlatePieces`),
 * robust to a jitter buffer slipping a frame mid-sweep on a loaded box.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resampler, correlatePieces, crossCorrelate, generateChirp, readWav, writeWav } from '@trunkline/codecs';
import { Baresip, requirePeer } from '@trunkline/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import type { Call, CallEndedEvent, UserAgent } from '../../src/index.js';
import { answerWithEcho, record, testAgent } from '../support/ua.js';

const running: Array<Baresip | UserAgent> = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((x) => (x instanceof Baresip ? x.stop() : x.close())));
});

function needBaresip(): void {
  requirePeer('baresip');
}

const RATE = 16000;
/**
 * baresip's echo loops its decoder into its encoder through aubridge buffers that grow under load
 * (round trips of 1.2–2.2 s measured here, with PCMU as with G722); capped as in the test caller's
 * interop test (packages/trunkline/test/interop/caller-calls-baresip.test.ts).
 */
const BOUNDED_ECHO_DELAY = ['audio_buffer 20-100', 'jitter_buffer_delay 2-6'];
/** A fixed receive delay (no adaptive shrinking mid-sweep), as the loopback media tests use. */
const JITTER = { minDelayMs: 80, initialDelayMs: 80, maxDelayMs: 80 };
/** A 300 Hz–7 kHz sweep (1 s), and one spending 0.5 s above 4.5 kHz, where a G.711 call carries nothing. */
const sweep = (): Int16Array => generateChirp({ sampleRate: RATE, durationMs: 1000, f0: 300, f1: 7000 });
const highSweep = (): Int16Array => generateChirp({ sampleRate: RATE, durationMs: 500, f0: 4500, f1: 7000 });

/** The two sweeps with 0.5 s of silence between them, as sent. */
function signal(chirp: Int16Array, high: Int16Array): Int16Array {
  const out = new Int16Array(chirp.length + RATE / 2 + high.length);
  out.set(chirp);
  out.set(high, chirp.length + RATE / 2);
  return out;
}

/**
 * The median correlation of 50 ms pieces of `sent` in `received`, each at its own lag: a jitter
 * buffer on either side may slip the echo by a frame mid-sweep (a loaded box), which splits a
 * whole-sweep correlation while every piece but the one the slip falls in still correlates ≈ 1.
 */
const pieceMedian = (sent: Int16Array, received: Int16Array, maxLagMs: number): number =>
  correlatePieces(sent, received, { sampleRate: RATE, pieceMs: 50, maxLagMs }).median;

/**
 * Sends the sweeps after 1 s of media (jitter buffers settle) and records 4 s. The recording starts
 * with the frames read-buffered meanwhile (up to 1 s), so the lags found include that second.
 */
async function sweepRoundTrip(call: Call, audio: Int16Array): Promise<Int16Array> {
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const recording = record(call, 4000);
  await call.audio.write(audio);
  return recording;
}

describe('interop with baresip 1.0 g722 (RFC 3551 §4.5.2)', () => {
  it('the user agent calls a baresip echo with G722 preferred: the wideband sweep comes back (correlation ≥ 0.9)', async () => {
    needBaresip();
    const peer = await Baresip.start({ echo: true, audioCodecs: ['g722', 'pcmu'], config: BOUNDED_ECHO_DELAY });
    running.push(peer);
    const ua = await testAgent({ media: { srtp: 'off', codecs: ['G722', 'PCMU'], sampleRate: RATE, jitter: JITTER } });
    running.push(ua);
    const call = await ua.invite(`sip:uas@127.0.0.1:${peer.sipPort}`);
    const chirp = sweep();
    const high = highSweep();
    const received = await sweepRoundTrip(call, signal(chirp, high));
    const metrics = call.metrics.media;
    await call.hangup();
    const whole = crossCorrelate(chirp, received, { sampleRate: RATE, maxLagMs: 2500 });
    const pieces = pieceMedian(chirp, received, 3500);
    const upper = pieceMedian(high, received.subarray(chirp.length + RATE / 2), 3500);
    console.log(
      `user agent → baresip g722 echo: whole ${whole.peak.toFixed(4)} at ${whole.lagMs} ms, piece median ${pieces.toFixed(4)}, 4.5-7 kHz piece median ${upper.toFixed(4)}`,
      JSON.stringify(metrics),
    );
    expect(metrics?.codec).toBe('G722');
    expect(metrics?.payloadType).toBe(9);
    expect(peer.output).toMatch(/a=rtpmap:9 G722\/8000/);
    // Measured: whole 0.997 when no slip happened (0.58–0.85 with slips); piece medians ≈ 0.99.
    expect(pieces).toBeGreaterThanOrEqual(0.9);
    // Above 4.5 kHz: with PCMU negotiated instead nothing comes back; G.722's higher band carries it.
    expect(upper).toBeGreaterThanOrEqual(0.9);
  });

  it('baresip calls the user agent (G722) and the app echoes: baresip decodes its own sweep back (correlation ≥ 0.9)', async () => {
    needBaresip();
    const dir = mkdtempSync(join(tmpdir(), 'bs-g722-'));
    try {
      const chirp = sweep();
      const high = highSweep();
      const audio = new Int16Array(RATE * 5);
      audio.set(signal(chirp, high), RATE * 1.5);
      const path = join(dir, 'in.wav');
      writeFileSync(path, writeWav(audio, RATE));
      const peer = await Baresip.start({ audioSource: path, recordDir: dir, user: 'caller', audioCodecs: ['g722'] });
      running.push(peer);
      const ua = await testAgent({ media: { srtp: 'off', codecs: ['G722', 'PCMU'], sampleRate: RATE, jitter: JITTER } });
      running.push(ua);
      answerWithEcho(ua);
      const ended = new Promise<CallEndedEvent>((resolve) => ua.once('call', (c) => c.once('ended', resolve)));
      peer.command(`/dial sip:echo@127.0.0.1:${ua.addresses[0]!.port}`);
      const end = await ended; // baresip hangs up when its file ends
      expect(end.metrics.media, JSON.stringify(end)).toMatchObject({ codec: 'G722', payloadType: 9 });
      await peer.stop(); // flushes the WAV dumps
      const dump = readdirSync(dir).find((f) => f.endsWith('-dec.wav'));
      expect(dump).toBeDefined();
      const wav = readWav(readFileSync(join(dir, dump!)));
      const received = wav.sampleRate === RATE ? wav.samples : new Resampler({ fromRate: wav.sampleRate, toRate: RATE }).process(wav.samples);
      const whole = crossCorrelate(chirp, received, { sampleRate: RATE, maxLagMs: 4500 });
      const pieces = pieceMedian(chirp, received, 4500);
      const upper = pieceMedian(high, received.subarray(chirp.length + RATE / 2), 4500);
      console.log(`baresip g722 → user agent echo: dump ${wav.sampleRate} Hz, whole ${whole.peak.toFixed(4)}, piece median ${pieces.toFixed(4)}, 4.5-7 kHz ${upper.toFixed(4)}`, JSON.stringify(end.metrics));
      expect(pieces).toBeGreaterThanOrEqual(0.9);
      expect(upper).toBeGreaterThanOrEqual(0.9);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
