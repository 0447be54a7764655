/**
 * DTMF both ways (RFC 4733 and SIP INFO) and delayed offer (RFC 3261
 * §13.2.1 / §13.3.1.1 with RFC 3264) between two user agents on loopback,
 * plus the failure when the ACK carries no answer (raw UAC).
 */
import { createRequest, createResponse } from '@trunkline/sip-parser';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallEndedEvent } from '../../src/index.js';
import { rawPeer } from '../support/raw-peer.js';
import { callPair, loudness, requests, responses, sdpOf, tone, tracedAgent, until } from './support/pair.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

type Digit = { digit: string; durationMs: number; source: string };

describe('DTMF between two user agents', () => {
  it('sendDtmf(method: info): one INFO per digit with application/dtmf-relay, 200 each; the peer gets dtmf events with source info', async () => {
    const p = await callPair();
    cleanup.push(() => p.close());
    const got: Digit[] = [];
    p.b.on('dtmf', (d) => got.push(d));
    await p.a.sendDtmf('12#', { method: 'info', durationMs: 160 });
    expect(got).toEqual([
      { digit: '1', durationMs: 160, source: 'info' },
      { digit: '2', durationMs: 160, source: 'info' },
      { digit: '#', durationMs: 160, source: 'info' },
    ]);
    const infos = requests(p.caller.sent, 'INFO');
    expect(infos).toHaveLength(3);
    expect(infos[0]!.contentType).toBe('application/dtmf-relay');
    expect(new TextDecoder().decode(infos[0]!.body)).toBe('Signal=1\r\nDuration=160\r\n');
    await until(() => responses(p.callee.sent, 'INFO', 200).length === 3);
    expect(responses(p.callee.sent, 'INFO', 200)).toHaveLength(3);
  }, 10_000);

  it('sendDtmf(method: rfc4733) (default): the peer gets dtmf events with source rfc4733', async () => {
    const p = await callPair();
    cleanup.push(() => p.close());
    const got: Digit[] = [];
    p.b.on('dtmf', (d) => got.push(d));
    await p.a.sendDtmf('59', { durationMs: 100 });
    await until(() => got.length === 2, 2000);
    expect(got.map((d) => [d.digit, d.source])).toEqual([
      ['5', 'rfc4733'],
      ['9', 'rfc4733'],
    ]);
    expect(requests(p.caller.sent, 'INFO')).toHaveLength(0);
  }, 10_000);
});

describe('RFC 3261 §13.2.1 delayed offer between two user agents', () => {
  it('invite(delayedOffer): INVITE without body, the offer in the 200, the answer in the ACK; audio both ways', async () => {
    const p = await callPair({}, { delayedOffer: true });
    cleanup.push(() => p.close());
    const [invite] = requests(p.caller.sent, 'INVITE');
    expect(invite!.body.length).toBe(0);
    expect(sdpOf(responses(p.callee.sent, 'INVITE', 200)[0]!)).toMatch(/^m=audio /m);
    await until(() => requests(p.caller.sent, 'ACK').length === 1);
    const [ack] = requests(p.caller.sent, 'ACK');
    expect(ack!.contentType).toBe('application/sdp');
    expect(sdpOf(ack!)).toMatch(/^m=audio /m);
    for (const [from, to] of [
      [p.a, p.b],
      [p.b, p.a],
    ] as const) {
      const heard = loudness(to, 2000);
      void from.audio.write(tone(from, 600));
      expect(await heard).toBeGreaterThanOrEqual(4000);
    }
  }, 10_000);

  it('an ACK without the answer: the callee ends the call with BYE (Reason 488)', async () => {
    const peer = await rawPeer();
    cleanup.push(() => peer.close());
    const callee = await tracedAgent();
    cleanup.push(() => callee.ua.close());
    const bye = new Promise<string | undefined>((resolve) =>
      peer.onRequest(({ request, respond }) => {
        respond(createResponse(request, 200));
        if (request.method === 'BYE') resolve(request.headers.get('Reason'));
      }),
    );
    const ended = new Promise<CallEndedEvent>((resolve) =>
      callee.ua.on('call', (c) => {
        c.once('ended', resolve);
        c.answer().catch(() => undefined);
      }),
    );
    const port = callee.ua.addresses[0]!.port;
    const dialog: Array<readonly [string, string]> = [
      ['From', `<sip:raw@127.0.0.1:${peer.port}>;tag=rawD`],
      ['Call-ID', 'delayed-no-answer@127.0.0.1'],
      ['Contact', `<sip:raw@127.0.0.1:${peer.port}>`],
    ];
    const ok = await peer.send('INVITE', port, [...dialog, ['To', `<sip:ua@127.0.0.1:${port}>`], ['CSeq', '1 INVITE']]);
    expect(sdpOf(ok)).toMatch(/^m=audio /m);
    const ack = createRequest({
      method: 'ACK',
      uri: `sip:ua@127.0.0.1:${port}`,
      headers: [['Via', `SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bK-dack`], ['Max-Forwards', '70'], ...dialog, ['To', `<sip:ua@127.0.0.1:${port}>;tag=${ok.to!.tag!}`], ['CSeq', '1 ACK']],
    });
    await peer.endpoint.sendAck(ack, { protocol: 'udp', address: '127.0.0.1', port });
    expect(await bye).toContain('cause=488');
    expect((await ended).reason).toBe('not-acceptable');
  }, 10_000);
});
