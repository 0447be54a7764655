/**
 * Opus against an independent libopus: baresip 1.0's `opus` module (Debian `baresip-core`), in real
 * calls both ways. RFC 7587 §7: `a=rtpmap:<pt> opus/48000/2`, RTP clock 48000, our audio 16 kHz
 * mono. A 300 Hz–7 kHz sweep crosses both implementations (ours encodes, baresip decodes and
 * re-encodes, ours decodes): a correlation ≥ 0.9 (median of 50 ms pieces, each at its own lag, so a
 * jitter buffer slipping a frame on a loaded box splits no figure) shows the payload format, the
 * 48 kHz timestamps and the wideband audio all agree.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resampler, correlatePieces, generateChirp, readWav, writeWav, type PieceCorrelation } from '@trunkline/codecs';
import { Baresip, requirePeer } from '@trunkline/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallEndedEvent, UserAgent } from '../src/index.js';
import { answerWithEcho, record, testAgent } from './support/ua.js';

const RATE = 16000;
const stopping: Array<Baresip | UserAgent> = [];
afterEach(async () => {
  await Promise.all(stopping.splice(0).map((x) => (x instanceof Baresip ? x.stop() : x.close())));
});

/**
 * Our side: Opus preferred, 16 kHz app audio, a fixed 200 ms playout delay: baresip's echo comes in
 * bursts under load, and a fixed delay neither drops a frame to shrink nor grows mid-sweep.
 */
const opusAgent = (): Promise<UserAgent> =>
  testAgent({ media: { srtp: 'off', codecs: ['OPUS', 'PCMU'], sampleRate: RATE, jitter: { minDelayMs: 200, initialDelayMs: 200, maxDelayMs: 200 } } });
/** The sweep: 1 s, 300 Hz–7 kHz (the upper half is out of G.711's reach). */
const SWEEP = generateChirp({ sampleRate: RATE, durationMs: 1000, f0: 300, f1: 7000 });
const pieces = (received: Int16Array, maxLagMs: number): PieceCorrelation => correlatePieces(SWEEP, received, { sampleRate: RATE, pieceMs: 50, maxLagMs });

describe('interop with baresip 1.0 opus (RFC 7587)', () => {
  it('the user agent calls a baresip echo with Opus preferred: the sweep comes back (piece median ≥ 0.9 in one of up to 3 calls)', async () => {
    requirePeer('baresip');
    // baresip's echo runs through aubridge buffers that grow under load: bounded as in the G722 test.
    const peer = await Baresip.start({ echo: true, audioCodecs: ['opus', 'pcmu'], config: ['audio_buffer 20-100', 'jitter_buffer_delay 2-6', 'auplay_channels 1', 'ausrc_channels 1'] });
    stopping.push(peer);
    const ua = await opusAgent();
    stopping.push(ua);
    // baresip's echo loop (opus decode → aubridge → opus encode, 48 kHz stereo) glitches when the box
    // is starved of CPU (measured 0.43–0.79 under load 10, with our side concealing nothing), so up to
    // three calls are placed and every one is logged; a single clean echo shows the interop.
    let best = 0;
    for (let attempt = 1; attempt <= 3 && best < 0.9; attempt++) {
      const call = await ua.invite(`sip:uas@127.0.0.1:${peer.sipPort}`);
      await new Promise((resolve) => setTimeout(resolve, 1000)); // both jitter buffers settle
      // The echo runs 1.1–1.6 s behind (measured): 6 s recorded, lags searched up to 5.5 s.
      const recording = record(call, 6000);
      await call.audio.write(SWEEP);
      const received = await recording;
      const metrics = call.metrics.media;
      await call.hangup();
      const echo = pieces(received, 5500);
      console.log(`user agent → baresip opus echo, call ${attempt}: piece median ${echo.median.toFixed(4)} at ${echo.medianLagMs} ms`, JSON.stringify(metrics));
      expect(metrics).toMatchObject({ codec: 'OPUS', payloadType: 111 });
      best = Math.max(best, echo.median);
    }
    expect(peer.output).toMatch(/a=rtpmap:111 opus\/48000\/2/);
    expect(best).toBeGreaterThanOrEqual(0.9);
  }, 90_000);

  it('baresip calls the user agent (Opus) and the app echoes: baresip decodes its own sweep back (piece median ≥ 0.9)', async () => {
    requirePeer('baresip');
    const dir = mkdtempSync(join(tmpdir(), 'bs-opus-'));
    try {
      const audio = new Int16Array(RATE * 4);
      audio.set(SWEEP, RATE * 1.5);
      const source = join(dir, 'in.wav');
      // baresip's aufile source must run at the codec's 48 kHz; `ausrc_channels 1` lets it be mono.
      writeFileSync(source, writeWav(new Resampler({ fromRate: RATE, toRate: 48000 }).process(audio), 48000));
      const peer = await Baresip.start({ audioSource: source, recordDir: dir, user: 'caller', audioCodecs: ['opus'], config: ['ausrc_channels 1'] });
      stopping.push(peer);
      const ua = await opusAgent();
      stopping.push(ua);
      answerWithEcho(ua);
      const ended = new Promise<CallEndedEvent>((resolve) => ua.once('call', (c) => c.once('ended', resolve)));
      peer.command(`/dial sip:echo@127.0.0.1:${ua.addresses[0]!.port}`);
      const end = await ended; // baresip hangs up when its file ends
      expect(end.metrics.media, JSON.stringify(end)).toMatchObject({ codec: 'OPUS' });
      await peer.stop(); // flushes the WAV dumps
      const dump = readdirSync(dir).find((f) => f.endsWith('-dec.wav'));
      expect(dump).toBeDefined();
      const wav = readWav(readFileSync(join(dir, dump!)), { downmix: true }); // decoded as opus/48000/2: stereo
      const received = wav.sampleRate === RATE ? wav.samples : new Resampler({ fromRate: wav.sampleRate, toRate: RATE }).process(wav.samples);
      const echo = pieces(received, 3500);
      console.log(`baresip opus → user agent echo: dump ${wav.sampleRate} Hz, piece median ${echo.median.toFixed(4)} at ${echo.medianLagMs} ms`, JSON.stringify(end.metrics.media));
      expect(echo.median).toBeGreaterThanOrEqual(0.9);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
