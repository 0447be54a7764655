/**
 * Helpers for user-agent tests on loopback: user agents on ephemeral SIP
 * ports with a random RTP range each, an echo answerer, and audio capture.
 */
import { crossCorrelate, generateChirp } from '@trunkline/codecs';
import { createUserAgent, type Call, type UserAgent, type UserAgentOptions } from '../../src/index.js';
import type { CallAudioFrame } from '../../src/media/index.js';

/** A random even RTP range of `size` ports in 20000..59999, so parallel test files rarely meet (PortAllocator skips busy ports anyway). */
export function rtpRange(size = 200): [number, number] {
  const base = 20000 + 2 * Math.floor(Math.random() * ((40000 - size) / 2));
  return [base, base + size - 1];
}

/** A user agent on 127.0.0.1 with ephemeral ports and fast timers (T1 = 100 ms) unless overridden. */
export async function testAgent(options: Partial<UserAgentOptions> = {}): Promise<UserAgent> {
  return createUserAgent({
    transports: [{ protocol: 'udp', port: 0 }],
    rtpPorts: rtpRange(),
    timers: { T1: 100, T2: 400, T4: 500 },
    ...options,
  });
}

/** The `sip:` URI of `ua`'s listener for `protocol`. */
export function uriOf(ua: UserAgent, protocol: 'udp' | 'tcp' | 'tls' = 'udp', user = 'echo'): string {
  const a = ua.addresses.find((x) => x.protocol === protocol);
  if (a === undefined) throw new Error(`no ${protocol} listener`);
  return protocol === 'udp' ? `sip:${user}@127.0.0.1:${a.port}` : `sip:${user}@127.0.0.1:${a.port};transport=${protocol}`;
}

/**
 * Answers every call and writes every frame it reads back, after holding the
 * first `prebufferMs`: on a loaded machine the event loop stalls now and then
 * for 50-150 ms, and an echo without a cushion underruns its playout queue
 * (silence is sent, the echo slips by that much and a chirp's correlation
 * splits). A TTS app writes ahead and never meets this.
 */
export function answerWithEcho(ua: UserAgent, prebufferMs = 200): void {
  ua.on('call', async (call) => {
    await call.answer();
    const held: CallAudioFrame[] = [];
    let heldMs = 0;
    for await (const frame of call.audio) {
      if (heldMs < prebufferMs) {
        held.push(frame);
        heldMs += (1000 * frame.samples.length) / frame.sampleRate;
        if (heldMs >= prebufferMs) for (const f of held.splice(0)) void call.audio.write(f);
        continue;
      }
      void call.audio.write(frame);
    }
  });
}

/** Reads `ms` of audio from `call` (or until it ends) and returns it as one array. */
export async function record(call: Call, ms: number): Promise<Int16Array> {
  const chunks: Int16Array[] = [];
  let samples = 0;
  const want = (ms * call.audio.sampleRate) / 1000;
  for await (const frame of call.audio) {
    chunks.push(frame.samples);
    samples += frame.samples.length;
    if (samples >= want) break;
  }
  const out = new Int16Array(samples);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** What came back of a chirp. */
export interface ChirpResult {
  /** Normalised correlation of the whole chirp at one lag (−1..1). */
  readonly peak: number;
  /** Its lag, ms. */
  readonly lagMs: number;
  /** Share of the chirp's 100 ms pieces that came back with a peak ≥ 0.9, each at its own lag: the audio's integrity, whatever timeline slips happened. */
  readonly piecesOk: number;
}

/**
 * Sends a 1.5 s chirp on `call` and correlates what came back within 3 s.
 * First lets 2.5 s of media flow: the adaptive jitter buffers on both sides
 * settle from their initial delay by dropping a frame per second.
 *
 * Two figures: the whole chirp at one lag, and the share of 100 ms pieces that
 * correlate ≥ 0.9 at their own lag. On a loaded machine an event-loop stall makes a jitter buffer
 * conceal a frame and grow by one, which shifts the rest of the echo by 20 ms
 * and cuts the whole-chirp figure, while the pieces still correlate ≈ 1
 * (but the one the slip falls in).
 */
export async function chirpRoundTrip(call: Call): Promise<ChirpResult> {
  await new Promise((resolve) => setTimeout(resolve, 2500));
  const rate = call.audio.sampleRate;
  const chirp = generateChirp({ sampleRate: rate, durationMs: 1500 });
  const recording = record(call, 3000);
  await call.audio.write(chirp);
  const received = await recording;
  const whole = crossCorrelate(chirp, received, { sampleRate: rate, maxLagMs: 2000 });
  const piece = rate / 10;
  let ok = 0;
  let pieces = 0;
  for (let at = 0; at + piece <= chirp.length; at += piece, pieces++) {
    if (crossCorrelate(chirp.subarray(at, at + piece), received, { sampleRate: rate, maxLagMs: 3000 }).peak >= 0.9) ok++;
  }
  return { peak: whole.peak, lagMs: whole.lagMs, piecesOk: ok / pieces };
}
