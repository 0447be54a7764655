/**
 * bridgeCall end to end on loopback: a real SIP call from a second user agent, through the
 * bridge, to a bot written from Twilio's public Media Streams protocol (test/support).
 */
import { describe, expect, it } from 'vitest';
import { correlatePieces, decodePcmu, encodePcmu, generateChirp } from '@trunkline/codecs';
import type { Call, CallAudioFrame } from '@trunkline/user-agent';
import { useBridgeHarness } from './support/bridge-harness.js';
import { startTestBot, type BotSession, type Received } from './support/twilio-test-bot.js';
import { isLoud, join, tone } from './support/audio.js';

const h = useBridgeHarness();

/** Reads the caller's frames until `until` resolves (or the call ends). */
function collect(call: Call): { frames: CallAudioFrame[]; at: number[] } {
  const frames: CallAudioFrame[] = [];
  const at: number[] = [];
  void (async () => {
    for await (const f of call.audio) {
      frames.push(f);
      at.push(performance.now());
    }
  })();
  return { frames, at };
}

const events = (s: BotSession, name: string): Received[] => s.messages.filter((m) => m.event === name);
const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('Twilio Media Streams bridge: a real SIP call to a protocol-faithful bot', () => {
  it('sends connected, start (streamSid, callSid, tracks, mediaFormat, customParameters with UUI), media, dtmf and stop field by field; the bot echo reaches the caller', async () => {
    // The Twilio echo bot: every inbound media payload goes straight back.
    await using bot = await startTestBot((s) => {
      s.ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        const m = JSON.parse(String(data)) as { event: string; media?: { payload: string } };
        if (m.event === 'media') s.send({ event: 'media', media: { payload: m.media!.payload } });
      });
    });
    h.next = { url: bot.url, options: { headers: { Authorization: 'Bearer test-token' }, sipHeaders: ['X-Case'], customParameters: { tenant: 'acme' } } };
    const call = await h.phone.invite(h.target, { uui: { text: 'CASE-42' }, headers: { 'X-Case': '42' } });
    const heard = collect(call);
    const session = await bot.session(0);
    const bridge = await h.lastBridge();
    const chirp = generateChirp({ durationMs: 1000 });
    await call.audio.write(chirp);
    // The chirp goes out, round-trips through the bot, and comes back.
    await delay(1800);
    await call.sendDtmf('5');
    await session.waitFor((m) => m.event === 'dtmf');
    await call.hangup();
    const end = await bridge.done;
    const code = await session.closed;

    // Upgrade headers as configured.
    expect(session.headers['authorization']).toBe('Bearer test-token');
    // connected first, without sequenceNumber.
    const [connected, start] = session.messages;
    expect(connected).toMatchObject({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    expect(connected).not.toHaveProperty('sequenceNumber');
    // start: sequenceNumber "1", SIDs in Twilio's shapes, bidirectional track, µ-law 8 kHz mono.
    expect(start).toMatchObject({ event: 'start', sequenceNumber: '1', streamSid: bridge.streamSid });
    const s = start!['start'] as Record<string, unknown>;
    expect(s['streamSid']).toMatch(/^MZ[0-9a-f]{32}$/);
    expect(s['callSid']).toMatch(/^CA[0-9a-f]{32}$/);
    expect(s['accountSid']).toMatch(/^AC[0-9a-f]{32}$/);
    expect(s['tracks']).toEqual(['inbound']);
    expect(s['mediaFormat']).toEqual({ encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 });
    expect(s['customParameters']).toEqual({
      From: call.from.uri,
      To: call.to.uri,
      'Call-ID': call.callId,
      UUI: '04434153452D3432',
      'UUI-Text': 'CASE-42',
      'X-Case': '42',
      tenant: 'acme',
    });
    // Every message after connected: sequenceNumber counts up by one.
    expect(session.messages.slice(1).map((m) => Number(m['sequenceNumber']))).toEqual(session.messages.slice(1).map((_, i) => i + 1));
    // media: inbound track, chunk from "1" up by one, timestamps in 20 ms steps, 160 µ-law bytes.
    const media = events(session, 'media').map((m) => m['media'] as Record<string, string>);
    expect(media.length).toBeGreaterThan(50);
    expect(media.every((m) => m['track'] === 'inbound')).toBe(true);
    expect(media.map((m) => Number(m['chunk']))).toEqual(media.map((_, i) => i + 1));
    const ts = media.map((m) => Number(m['timestamp']));
    expect(ts.every((t, i) => t % 20 === 0 && (i === 0 || t > ts[i - 1]!))).toBe(true);
    expect(media.every((m) => Buffer.from(m['payload']!, 'base64').length === 160)).toBe(true);
    // The caller's chirp reached the bot.
    const atBot = join(media.map((m) => decodePcmu(Buffer.from(m['payload']!, 'base64'))));
    expect(correlatePieces(chirp, atBot, { sampleRate: 8000, pieceMs: 100, maxLagMs: 3000 }).median).toBeGreaterThan(0.8);
    // ... and the bot's echo of it reached the caller.
    const back = join(heard.frames.map((f) => f.samples));
    expect(correlatePieces(chirp, back, { sampleRate: 8000, pieceMs: 100, maxLagMs: 3000 }).median).toBeGreaterThan(0.7);
    // dtmf: inbound_track.
    expect(events(session, 'dtmf')[0]).toMatchObject({ dtmf: { track: 'inbound_track', digit: '5' }, streamSid: bridge.streamSid });
    // Caller hangs up: stop (with the SIDs) is the last message, then a normal close.
    expect(session.messages.at(-1)).toMatchObject({ event: 'stop', stop: { accountSid: s['accountSid'], callSid: s['callSid'] }, streamSid: bridge.streamSid });
    expect(code).toBe(1000);
    expect(end.by).toBe('caller');
    expect(end.stats.framesToBot).toBe(media.length);
    expect(end.stats.dtmfToBot).toBe(1);
    expect(end.call.metrics.media?.codec).toBe('PCMU');
  });

  it('plays bot audio in any chunk size, echoes marks in order only after their audio was sent, and after clear at most one frame of old audio reaches the caller', async () => {
    const sentOut: Int16Array[] = [];
    const sentAt: number[] = [];
    const chirp = generateChirp({ durationMs: 400, f0: 400, f1: 3000 });
    const long = tone(1000, 3000);
    let clearSentAt = 0;
    await using bot = await startTestBot((s) => {
      void (async () => {
        await s.waitFor((m) => m.event === 'start');
        // Utterance 1: the chirp in odd chunk sizes, then a mark.
        const bytes = encodePcmu(chirp);
        for (const [a, b] of [[0, 1000], [1000, 2700], [2700, 3200]] as const) s.sendMulaw(bytes.subarray(a, b));
        s.sendMark('u1');
        // Utterance 2: 3 s in one message, then two marks.
        s.sendMulaw(encodePcmu(long));
        s.sendMark('u2');
        s.sendMark('u3');
        // The caller "barges in" 300 ms into utterance 2.
        await s.waitFor((m) => m.event === 'mark' && (m['mark'] as { name: string }).name === 'u1');
        await delay(300);
        clearSentAt = performance.now();
        s.send({ event: 'clear' });
      })();
    });
    h.next = { url: bot.url, options: { answer: { record: { onFrame: (d, f) => void (d === 'out' && (sentOut.push(f.slice()), sentAt.push(performance.now()))) } } } };
    const call = await h.phone.invite(h.target);
    const heard = collect(call);
    const session = await bot.session(0);
    const bridge = await h.lastBridge();
    const markSentFrames = new Map<string, number>();
    let clearAtFrame = -1;
    bridge.on('mark', ({ name }) => markSentFrames.set(name, sentOut.length));
    bridge.on('clear', () => (clearAtFrame = sentOut.length));
    await session.waitFor((m) => m.event === 'mark' && (m['mark'] as { name: string }).name === 'u3');
    await delay(600);
    await call.hangup();
    await bridge.done;

    // Marks come back in order: u1 after its audio, u2 and u3 returned by the clear.
    expect(events(session, 'mark').map((m) => (m['mark'] as { name: string }).name)).toEqual(['u1', 'u2', 'u3']);
    // u1 was echoed only once the whole chirp had been sent (20 frames of 20 ms).
    const loudBefore = (n: number): number => sentOut.slice(0, n).filter(isLoud).length;
    expect(loudBefore(markSentFrames.get('u1')!)).toBeGreaterThanOrEqual(19);
    expect(clearAtFrame).toBeGreaterThan(0);
    // Barge-in, measured where the audio leaves (the call's own send tap): old audio sent after the clear.
    const framesAfterClear = sentOut.slice(clearAtFrame).filter(isLoud).length;
    expect(framesAfterClear).toBeLessThanOrEqual(1);
    // ... and where the caller hears it: no more loud frames than were sent before the clear, plus
    // one (frames its jitter buffer concealed are repeats, not audio that arrived).
    const loudHeard = heard.frames.filter((f) => !f.concealed && isLoud(f.samples)).length;
    expect(loudHeard).toBeLessThanOrEqual(loudBefore(clearAtFrame) + 1);
    // The clear came 300 ms (plus a mark round trip) into utterance 2: far less than its 150 frames were sent.
    expect(loudBefore(clearAtFrame)).toBeLessThan(20 + 100);
    // The caller heard the chirp the bot sent.
    expect(correlatePieces(chirp, join(heard.frames.map((f) => f.samples)), { sampleRate: 8000, pieceMs: 100, maxLagMs: 3000 }).median).toBeGreaterThan(0.7);
    // u2 and u3 came back within a few ms of the clear, not after their audio would have played.
    const u3 = events(session, 'mark').at(-1)!;
    expect(u3.at - clearSentAt).toBeLessThan(500);
    const lastLoud = sentAt[sentOut.findLastIndex((f) => isLoud(f))]!;
    console.info(`barge-in: ${framesAfterClear} frame(s) of old audio sent after clear; caller heard ${loudHeard} loud frames, ${loudBefore(clearAtFrame)} were sent before clear; last loud frame left ${(lastLoud - clearSentAt).toFixed(1)} ms after the bot sent clear`);
  });
});
