/**
 * Failure behaviour of the bridge on loopback, through real SIP calls: the bot unreachable
 * (503 or configured), the bot dropping or closing its socket (BYE with a Reason, RFC 3326), the
 * bot's `hangup` event (Reason and UUI on the BYE, RFC 7433), and the bounded queue toward a caller
 * when a bot sends audio far faster than real time.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { encodePcmu } from '@trunkline/codecs';
import { CallFailedError } from '@trunkline/user-agent';
import { MediaStreamError } from '../src/index.js';
import { useBridgeHarness } from './support/bridge-harness.js';
import { startTestBot } from './support/twilio-test-bot.js';
import { tone } from './support/audio.js';

const h = useBridgeHarness();

/** A ws: URL nothing listens on (a port just released). */
async function deadUrl(): Promise<string> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return `ws://127.0.0.1:${port}/stream`;
}

describe('bridge failure behaviour', () => {
  it('bot unreachable (connection refused): the INVITE is rejected with 503 and bridgeCall rejects with MEDIA_STREAM_BOT_UNREACHABLE', async () => {
    h.next = { url: await deadUrl(), options: {} };
    const failed = await h.phone.invite(h.target).then(
      () => null,
      (e: unknown) => e,
    );
    expect(failed).toBeInstanceOf(CallFailedError);
    expect((failed as CallFailedError).status).toBe(503);
    const e = await h.lastBridge().then(() => null, (x: unknown) => x);
    expect(e).toBeInstanceOf(MediaStreamError);
    expect(e).toMatchObject({ code: 'MEDIA_STREAM_BOT_UNREACHABLE', statusHint: 503 });
  });

  it('bot refuses the upgrade (HTTP 401): rejected with the configured status (480)', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0, verifyClient: (_info, cb) => cb(false, 401) });
    await once(server, 'listening');
    try {
      h.next = { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`, options: { onUnreachable: { status: 480 } } };
      const failed = await h.phone.invite(h.target).then(() => null, (e: unknown) => e);
      expect((failed as CallFailedError).status).toBe(480);
      const e = await h.lastBridge().then(() => null, (x: unknown) => x);
      expect((e as MediaStreamError).message).toContain('HTTP 401');
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('bot unreachable with a prompt configured: the call is answered, the prompt played, then BYE with the Reason', async () => {
    h.next = { url: await deadUrl(), options: { onUnreachable: { prompt: tone(440, 300), reason: 'SIP;cause=503;text="Agent unavailable"' } } };
    const call = await h.phone.invite(h.target);
    let loud = 0;
    for await (const f of call.audio) if (f.samples.some((s) => Math.abs(s) > 4000)) loud++;
    const end = await call.done;
    expect(end.by).toBe('remote');
    expect(end.reasonHeader).toBe('SIP;cause=503;text="Agent unavailable"');
    // 15 frames sent; the caller's jitter buffer on a loaded box may still lose a few at the start.
    expect(loud).toBeGreaterThanOrEqual(8);
  });

  it('bot drops its socket mid-call: BYE with Reason SIP;cause=502; a normal close gives cause=200', async () => {
    await using bot = await startTestBot();
    h.next = { url: bot.url, options: {} };
    const a = await h.phone.invite(h.target);
    (await bot.session(0)).ws.terminate();
    const endA = await a.done;
    expect(endA.reasonHeader).toBe('SIP;cause=502;text="Bot connection lost"');
    expect((await (await h.lastBridge()).done).by).toBe('bot-failed');

    const b = await h.phone.invite(h.target);
    (await bot.session(1)).ws.close(1000);
    const endB = await b.done;
    expect(endB.reasonHeader).toBe('SIP;cause=200;text="Bot ended the call"');
    expect((await (await h.lastBridge()).done).by).toBe('bot-closed');
  });

  it("bot's hangup event: BYE carries its Reason and UUI; the bot gets stop, then a normal close", async () => {
    await using bot = await startTestBot((s) => {
      void s.waitFor((m) => m.event === 'start').then(() =>
        s.send({ event: 'hangup', hangup: { reason: 'Q.850;cause=16;text="Resolved by agent"', uui: { text: 'RESOLVED' } } }),
      );
    });
    h.next = { url: bot.url, options: {} };
    const call = await h.phone.invite(h.target);
    const end = await call.done;
    expect(end.reasonHeader).toBe('Q.850;cause=16;text="Resolved by agent"');
    expect(end.uui[0]?.text).toBe('RESOLVED');
    const session = await bot.session(0);
    expect(await session.closed).toBe(1000);
    expect(session.messages.at(-1)?.event).toBe('stop');
    expect((await (await h.lastBridge()).done).by).toBe('bot-hangup');
  });

  it('a bot sending 10 s of audio at once is held to maxBotAudioMs in the bridge (the rest dropped and counted), and clear still empties it', async () => {
    await using bot = await startTestBot((s) => {
      void s.waitFor((m) => m.event === 'start').then(() => {
        const chunk = encodePcmu(tone(500, 200));
        for (let i = 0; i < 50; i++) s.sendMulaw(chunk);
        s.sendMark('end');
      });
    });
    h.next = { url: bot.url, options: { maxBotAudioMs: 1000 } };
    const call = await h.phone.invite(h.target);
    const session = await bot.session(0);
    const bridge = await h.lastBridge();
    // The bot's mark follows all its media: once it is parsed, every chunk has been taken or dropped.
    await new Promise<void>((resolve) => bridge.on('bot-message', (m) => void (m.event === 'mark' && resolve())));
    const s = bridge.stats;
    expect(s.botAudioMs).toBe(10_000);
    // Held: at most the bound here plus the call's own playout queue (2 s by default, plus one chunk).
    expect(s.botAudioQueuedMs).toBeLessThanOrEqual(1000 + 2000 + 200 + 20);
    expect(s.botAudioDroppedMs).toBeGreaterThanOrEqual(10_000 - (1000 + 2000 + 200 + 20) - 200);
    session.send({ event: 'clear' });
    await session.waitFor((m) => m.event === 'mark');
    expect(bridge.stats.botAudioQueuedMs).toBe(0);
    await call.hangup();
  });
});
