/**
 * `trunkline bridge`: its flags (the echo endpoint's listener flags plus the bot's), and the
 * bridge endpoint end to end on loopback with a Twilio-protocol echo bot and a SIP caller.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { correlatePieces, generateChirp } from '@trunkline/codecs';
import { CallFailedError, createUserAgent } from '@trunkline/user-agent';
import { BRIDGE_HELP, CliUsageError, parseBridgeArgs, parseCommandLine, renderBridgeCallText, startBridgeEndpoint, type BridgeCallSummary, type BridgeOptions } from '../src/index.js';

function bridgeOptions(argv: string[]): BridgeOptions {
  const o = parseBridgeArgs(argv);
  if (o === 'help') throw new Error('unexpected help');
  return o;
}

describe('trunkline bridge: flags', () => {
  it('defaults, the echo listener flags, repeatable --ws-header and --sip-header', () => {
    const o = bridgeOptions(['--ws', 'wss://bot.example.com/stream', '--ws-header', 'Authorization: Bearer abc:def', '--ws-header', 'X-Tenant:acme', '--sip-header', 'X-Case,P-Asserted-Identity', '--srtp', 'mandatory', '--port', '5070']);
    expect(o.wsUrl).toBe('wss://bot.example.com/stream');
    expect(o.wsHeaders).toEqual({ Authorization: 'Bearer abc:def', 'X-Tenant': 'acme' });
    expect(o.sipHeaders).toEqual(['X-Case', 'P-Asserted-Identity']);
    expect(o.codec).toBe('pcmu');
    expect(o.unreachableStatus).toBe(503);
    expect(o.escalateTo).toBeUndefined();
    expect(o.listener).toMatchObject({ srtp: 'mandatory', port: 5070, tlsPort: 5071, transports: ['udp', 'tcp', 'tls'] });
    expect(bridgeOptions(['--ws', 'ws://127.0.0.1:8080', '--codec', 'l16-16k', '--escalate-to', 'sip:queue@pbx.example.com', '--unreachable-status', '480'])).toMatchObject({
      codec: 'l16-16k',
      escalateTo: 'sip:queue@pbx.example.com',
      unreachableStatus: 480,
    });
    const line = parseCommandLine(['bridge', '--help']);
    expect(line.command === 'help' && line.text).toBe(BRIDGE_HELP);
    expect(BRIDGE_HELP).toContain('--ws URL');
    expect(BRIDGE_HELP).toContain('--allow CIDR');
  });

  it.each([
    ['no --ws', [], /--ws URL is required/],
    ['not a ws URL', ['--ws', 'http://bot'], /--ws: expected a ws:\/\/ or wss:\/\/ URL/],
    ['header without a colon', ['--ws', 'ws://b', '--ws-header', 'Bearer'], /--ws-header: expected NAME:VALUE/],
    ['unknown codec', ['--ws', 'ws://b', '--codec', 'opus'], /codec/],
    ['echo-only flag', ['--ws', 'ws://b', '--reject', '486'], /reject/],
    ['echo flag checked, message points at bridge', ['--ws', 'ws://b', '--srtp', 'sometimes'], /srtp/],
    ['bad escalation URI', ['--ws', 'ws://b', '--escalate-to', 'queue'], /escalate-to: expected a SIP URI/],
  ] as const)('%s is a usage error', (_name, argv, message) => {
    let error: unknown;
    try {
      parseBridgeArgs(argv);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CliUsageError);
    expect((error as CliUsageError).message).toMatch(message);
    expect((error as CliUsageError).message).not.toContain('trunkline echo');
  });
});

describe('trunkline bridge: the endpoint', () => {
  it('bridges a SIP call to a Twilio-protocol echo bot and reports it; an unreachable bot gets the configured status', async () => {
    const bot = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await once(bot, 'listening');
    // The smallest Twilio bot: echo each media payload.
    bot.on('connection', (ws) => {
      let sid = '';
      ws.on('message', (data) => {
        const m = JSON.parse(String(data)) as { event: string; start?: { streamSid: string }; media?: { payload: string } };
        if (m.event === 'start') sid = m.start!.streamSid;
        if (m.event === 'media') ws.send(JSON.stringify({ event: 'media', streamSid: sid, media: { payload: m.media!.payload } }));
      });
    });
    const url = `ws://127.0.0.1:${(bot.address() as AddressInfo).port}/stream`;
    const summaries: BridgeCallSummary[] = [];
    const endpoint = await startBridgeEndpoint(bridgeOptions(['--ws', url, '--transports', 'udp', '--port', '0', '--bind', '127.0.0.1']), { onCall: (s) => summaries.push(s) });
    const phone = await createUserAgent({ transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }] });
    try {
      const port = endpoint.ua.addresses[0]!.port;
      const call = await phone.invite(`sip:bot@127.0.0.1:${port}`);
      const chirp = generateChirp({ durationMs: 800 });
      const frames: Int16Array[] = [];
      const until = performance.now() + 1600;
      void call.audio.write(chirp);
      for await (const f of call.audio) {
        frames.push(f.samples);
        if (performance.now() > until) break;
      }
      const back = Int16Array.from(frames.flatMap((f) => [...f]));
      expect(correlatePieces(chirp, back, { sampleRate: 8000, pieceMs: 100, maxLagMs: 1500 }).median).toBeGreaterThan(0.7);
      await call.hangup();
      await expect.poll(() => summaries.length, { timeout: 5000 }).toBe(1);
      expect(summaries[0]!.end?.by).toBe('caller');
      expect(renderBridgeCallText(summaries[0]!)).toMatch(/ended by caller: .* to bot \d+ frames \(0 dropped\)/);

      await endpoint.close();
      await new Promise<void>((r) => bot.close(() => r()));
      // Nothing listens on the bot's port now: a new endpoint rejects with the configured status.
      await using second = await startBridgeEndpoint(bridgeOptions(['--ws', url, '--transports', 'udp', '--port', '0', '--bind', '127.0.0.1', '--unreachable-status', '480']), { onCall: (s) => summaries.push(s) });
      const failed = await phone.invite(`sip:bot@127.0.0.1:${second.ua.addresses[0]!.port}`).then(() => null, (e: unknown) => e);
      expect((failed as CallFailedError).status).toBe(480);
      await expect.poll(() => summaries.length, { timeout: 5000 }).toBe(2);
      expect(renderBridgeCallText(summaries[1]!)).toContain('not bridged');
    } finally {
      await phone.close();
      await endpoint.close();
      bot.close();
    }
  });
});
