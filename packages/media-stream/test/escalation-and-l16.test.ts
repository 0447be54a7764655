/**
 * Escalation without REFER, end to end: caller → bridge → bot asks to escalate → the bridge calls a
 * second user agent standing in for the contact centre (it receives the caller's UUI plus the
 * bot's, and echoes), the caller's audio reaches it and comes back, and BYE on either side ends
 * both legs. And the raw variant: binary 16-bit PCM at 16 kHz with the same JSON control frames.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { correlatePieces, decodePcmu, encodePcmu, generateChirp } from '@trunkline/codecs';
import { createUserAgent, type Call, type UserAgent } from '@trunkline/user-agent';
import { bridgeCall } from '../src/index.js';
import { udp, useBridgeHarness } from './support/bridge-harness.js';
import { startTestBot } from './support/twilio-test-bot.js';
import { join } from './support/audio.js';

const h = useBridgeHarness();
let centre: UserAgent;
const centreCalls: Call[] = [];

beforeAll(async () => {
  centre = await createUserAgent({ transports: [udp], user: 'agent', media: { sampleRate: 8000 } });
  // The contact centre: answers and echoes each packet back.
  centre.on('call', (call) => {
    centreCalls.push(call);
    void call.answer({ reflect: true }).then(async () => {
      for await (const f of call.audio) void f;
    }, () => undefined);
  });
});

afterAll(async () => {
  await centre?.close();
});

async function hear(call: Call, ms: number): Promise<Int16Array> {
  const frames: Int16Array[] = [];
  const until = performance.now() + ms;
  for await (const f of call.audio) {
    frames.push(f.samples);
    if (performance.now() > until) break;
  }
  return join(frames);
}

describe('escalation to a contact centre (no REFER)', () => {
  it("the bot's escalate places a call carrying the caller's UUI and the bot's; audio flows back to back; the caller's DTMF reaches it; the contact centre's BYE ends both legs", async () => {
    await using bot = await startTestBot((s) => {
      void s.waitFor((m) => m.event === 'start').then(() => s.send({ event: 'escalate', escalate: { uui: { text: 'INTENT=billing' } } }));
    });
    h.next = { url: bot.url, options: { escalation: { userAgent: h.bridgeUa, target: `sip:queue@127.0.0.1:${centre.addresses[0]!.port}` } } };
    const call = await h.phone.invite(h.target, { uui: { text: 'CASE-7' } });
    const bridge = await h.lastBridge();
    const leg = await new Promise<Call>((resolve) => bridge.once('escalated', resolve));
    const session = await bot.session(0);
    // The bot's socket: stop, then a normal close.
    expect(await session.closed).toBe(1000);
    expect(session.messages.at(-1)?.event).toBe('stop');
    // The contact centre got the caller's UUI and the bot's, in that order.
    const agentSide = centreCalls.at(-1)!;
    expect(agentSide.uui.map((u) => u.text)).toEqual(['CASE-7', 'INTENT=billing']);
    expect(leg.state).toBe('established');
    // The caller's audio reaches the contact centre and its echo comes back.
    const chirp = generateChirp({ durationMs: 600 });
    const listening = hear(call, 1500);
    await call.audio.write(chirp);
    expect(correlatePieces(chirp, await listening, { sampleRate: 8000, pieceMs: 100, maxLagMs: 3000 }).median).toBeGreaterThan(0.7);
    // The caller's digits go on to the contact centre (its IVR).
    const digit = new Promise<string>((resolve) => agentSide.once('dtmf', (d) => resolve(d.digit)));
    await call.sendDtmf('9');
    expect(await digit).toBe('9');
    // BYE from the contact centre ends the caller's leg too.
    await agentSide.hangup();
    await call.done;
    const end = await bridge.done;
    expect(end.by).toBe('escalated');
    expect(end.escalation?.by).toBe('remote');
  });

  it("the caller's BYE ends the contact-centre leg; an escalate with no target configured tells the bot and keeps the call", async () => {
    await using bot = await startTestBot((s) => {
      void s.waitFor((m) => m.event === 'start').then(() => s.send({ event: 'escalate' }));
    });
    h.next = { url: bot.url, options: {} };
    const call = await h.phone.invite(h.target);
    const session = await bot.session(0);
    const failed = await session.waitFor((m) => m.event === 'escalation');
    expect(failed['escalation']).toMatchObject({ status: 'failed', sipStatus: null });
    expect(call.state).toBe('established');
    await call.hangup();

    h.next = { url: bot.url, options: { escalation: { userAgent: h.bridgeUa, target: `sip:queue@127.0.0.1:${centre.addresses[0]!.port}` } } };
    const second = await h.phone.invite(h.target);
    const bridge = await h.lastBridge();
    await new Promise<Call>((resolve) => bridge.once('escalated', resolve));
    const agentSide = centreCalls.at(-1)!;
    await second.hangup();
    const agentEnd = await agentSide.done;
    expect(agentEnd.by).toBe('remote');
    expect((await bridge.done).by).toBe('escalated');
  });
});

describe('escalation that fails after the bot left', () => {
  it('the contact centre does not answer in time and the bot already closed its socket: the caller gets BYE with the bot-closed Reason', async () => {
    const ringer = await createUserAgent({ transports: [udp], media: { sampleRate: 8000 } });
    ringer.on('call', (c) => c.ring());
    try {
      await using bot = await startTestBot((s) => {
        void s.waitFor((m) => m.event === 'start').then(() => {
          s.send({ event: 'escalate' });
          s.ws.close(1000);
        });
      });
      h.next = { url: bot.url, options: { escalation: { userAgent: h.bridgeUa, target: `sip:queue@127.0.0.1:${ringer.addresses[0]!.port}`, timeoutMs: 300 } } };
      const call = await h.phone.invite(h.target);
      const bridge = await h.lastBridge();
      const failed = new Promise((resolve) => bridge.once('escalation-failed', resolve));
      const end = await call.done;
      await failed;
      expect(end.reasonHeader).toBe('SIP;cause=200;text="Bot ended the call"');
      expect((await bridge.done).by).toBe('bot-closed');
    } finally {
      await ringer.close();
    }
  });
});

describe('outbound: a call the bridge places, attached to a bot', () => {
  it('ua.invite() then bridgeCall() on the established call: the bot gets start for it and its audio reaches the called party', async () => {
    const tone = generateChirp({ durationMs: 500 });
    await using bot = await startTestBot((s) => {
      void s.waitFor((m) => m.event === 'start').then(() => {
        s.sendMulaw(encodePcmu(tone));
        s.sendMark('spoken');
      });
    });
    // The called party (the contact-centre UA here) answers and reads what it hears.
    const heardAt = centreCalls.length;
    const call = await h.bridgeUa.invite(`sip:customer@127.0.0.1:${centre.addresses[0]!.port}`, { uui: { text: 'CAMPAIGN-9' } });
    const bridge = await bridgeCall(call, bot.url);
    const session = await bot.session(0);
    await session.waitFor((m) => m.event === 'mark');
    const start = session.messages.find((m) => m.event === 'start')!['start'] as { customParameters: Record<string, string> };
    expect(start.customParameters['To']).toContain('sip:customer@127.0.0.1');
    expect(centreCalls[heardAt]!.uui[0]?.text).toBe('CAMPAIGN-9');
    // The called party reflects what it hears: the bot's audio comes back to the bot as media.
    await new Promise((r) => setTimeout(r, 400));
    const atBot = join(session.messages.filter((m) => m.event === 'media').map((m) => decodePcmu(Buffer.from((m['media'] as { payload: string }).payload, 'base64'))));
    expect(correlatePieces(tone, atBot, { sampleRate: 8000, pieceMs: 100, maxLagMs: 3000 }).median).toBeGreaterThan(0.7);
    await call.hangup();
    expect((await bridge.done).by).toBe('caller');
    expect(session.messages.at(-1)?.event).toBe('stop');
  });
});

describe('raw variant: binary L16 at 16 kHz', () => {
  it('start announces audio/L16 16000; 20 ms binary frames of 640 bytes go to the bot; the bot echo in odd-sized binary frames reaches the caller', async () => {
    await using bot = await startTestBot((s) => {
      let carry = Buffer.alloc(0);
      s.ws.on('message', (data, isBinary) => {
        if (!isBinary) return;
        // Echo back in 333-byte pieces: odd sizes split samples across frames.
        carry = Buffer.concat([carry, data as Buffer]);
        while (carry.length >= 333) {
          s.ws.send(carry.subarray(0, 333), { binary: true });
          carry = carry.subarray(333);
        }
      });
    });
    h.next = { url: bot.url, options: { codec: 'l16-16k' } };
    const call = await h.phone.invite(h.target);
    const session = await bot.session(0);
    const bridge = await h.lastBridge();
    const chirp = generateChirp({ durationMs: 800 });
    const listening = hear(call, 1800);
    await call.audio.write(chirp);
    const back = await listening;
    await call.hangup();
    await bridge.done;
    const start = session.messages.find((m) => m.event === 'start')!;
    expect((start['start'] as { mediaFormat: unknown }).mediaFormat).toEqual({ encoding: 'audio/L16', sampleRate: 16000, channels: 1 });
    expect(session.messages.some((m) => m.event === 'media')).toBe(false);
    expect(session.binary.length).toBeGreaterThan(40);
    expect(session.binary.every((b) => b.length === 640)).toBe(true);
    expect(correlatePieces(chirp, back, { sampleRate: 8000, pieceMs: 100, maxLagMs: 3000 }).median).toBeGreaterThan(0.7);
    expect(session.messages.at(-1)?.event).toBe('stop');
  });
});
