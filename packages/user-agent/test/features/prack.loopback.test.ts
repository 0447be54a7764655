/**
 * RFC 3262 reliable provisional responses (100rel / PRACK) on loopback:
 * two user agents (both roles), and a raw UAC that withholds or garbles its
 * PRACKs to see the UAS retransmit, queue, match and give up.
 */
import { answerOffer } from '@trunkline/sdp';
import { createRequest, createResponse, type SipRequest, type SipResponse } from '@trunkline/sip-parser';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallEndedEvent, UserAgent } from '../../src/index.js';
import { rawPeer, type RawPeer } from '../support/raw-peer.js';
import { answerAsUas, earlyMediaCall, originVersion, requests, responses, sdpOf, tracedAgent, until, type TracedAgent } from './support/pair.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const SDP_OFFER = ['v=0', 'o=raw 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 40000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');

describe('RFC 3262 between two user agents', () => {
  it('§3/§4/§7: Supported: 100rel on the INVITE; the 183 goes reliably (Require, RSeq); PRACK with RAck; 200 to the PRACK before the 200 to the INVITE; audio before the answer', async () => {
    const { caller, callee, call, heardLevel, heardBeforeAnswer } = await earlyMediaCall(cleanup, false);
    expect(heardLevel).toBeGreaterThanOrEqual(4000);
    expect(heardBeforeAnswer).toBe(true);

    const [invite] = requests(caller.sent, 'INVITE');
    expect(invite!.headers.getAll('Supported').join(',')).toContain('100rel');
    const [p183] = responses(callee.sent, 'INVITE', 183);
    expect(p183!.headers.get('Require')).toBe('100rel');
    const rseq = Number(p183!.headers.get('RSeq'));
    expect(rseq).toBeGreaterThanOrEqual(1);
    expect(rseq).toBeLessThanOrEqual(2 ** 31 - 1);
    const [prack] = requests(caller.sent, 'PRACK');
    expect(prack!.headers.get('RAck')).toBe(`${rseq} ${invite!.cseq!.seq} INVITE`);
    expect(prack!.to?.tag).toBe(p183!.to?.tag); // the early dialog (§7.1)
    expect(prack!.body.length).toBe(0); // the 183 answered our offer: nothing to answer
    await until(() => responses(callee.sent, 'PRACK', 200).length > 0);
    expect(responses(callee.sent, 'PRACK', 200)).toHaveLength(1);
    // §3: the 2xx only after the PRACK of a 1xx with SDP; the same SDP, no new offer.
    const order = callee.sent.map((m) => (m.isRequest ? m.method : `${m.status} ${m.cseq?.method}`));
    expect(order.indexOf('200 PRACK')).toBeLessThan(order.indexOf('200 INVITE'));
    const [ok] = responses(callee.sent, 'INVITE', 200);
    expect(sdpOf(ok!)).toBe(sdpOf(p183!));
    expect(requests(caller.sent, 'ACK')[0]?.body.length ?? -1).toBe(0);

    // RFC 3261 §12.2.1.1: the BYE's CSeq is above the PRACK's, so it is accepted.
    await call.hangup();
    const [bye] = requests(caller.sent, 'BYE');
    expect(bye!.cseq!.seq).toBeGreaterThan(prack!.cseq!.seq);
    expect((await call.done).byeStatus).toBe(200);
  }, 10_000);

  it('§5 delayed offer: a no-SDP INVITE gets our offer in the reliable 183, the answer comes in the PRACK, early audio flows; the ACK carries no SDP', async () => {
    const { caller, callee, call, heardLevel, heardBeforeAnswer } = await earlyMediaCall(cleanup, true);
    expect(heardLevel).toBeGreaterThanOrEqual(4000);
    expect(heardBeforeAnswer).toBe(true);
    const [invite] = requests(caller.sent, 'INVITE');
    expect(invite!.body.length).toBe(0);
    const [p183] = responses(callee.sent, 'INVITE', 183);
    expect(sdpOf(p183!)).toMatch(/^m=audio \d+ RTP\/AVP/m);
    const [prack] = requests(caller.sent, 'PRACK');
    expect(prack!.contentType).toBe('application/sdp');
    expect(sdpOf(prack!)).toMatch(/^m=audio \d+ RTP\/AVP/m);
    const [ack] = requests(caller.sent, 'ACK');
    expect(ack!.body.length).toBe(0);
    expect(call.state).toBe('established');
    await call.hangup();
    expect((await call.done).byeStatus).toBe(200);
  }, 10_000);
});

describe('RFC 3262 §4 as UAC against a raw UAS', () => {
  it('each new RSeq is PRACKed once, in order; a retransmitted RSeq and an out-of-order one get no PRACK; our BYE goes above the PRACKs\' CSeq', async () => {
    const caller = await tracedAgent();
    cleanup.push(() => caller.ua.close());
    const peer = await rawPeer();
    cleanup.push(() => peer.close());
    const pracks: SipRequest[] = [];
    answerAsUas(peer, [], ({ request, respond }) => {
      if (request.method === 'PRACK') {
        pracks.push(request);
        respond(createResponse(request, 200));
        return true;
      }
      if (request.method !== 'INVITE' || request.to?.tag != null) return false;
      const contact = ['Contact', `<sip:raw@127.0.0.1:${peer.port}>`] as const;
      const reliable = (status: number, rseq: number): SipResponse => createResponse(request, status, { toTag: 'rawuas', headers: [contact, ['Require', '100rel'], ['RSeq', String(rseq)]] });
      void (async () => {
        respond(reliable(180, 5));
        respond(reliable(180, 5)); // a retransmission
        respond(reliable(183, 7)); // a gap: 6 is missing
        await until(() => pracks.length >= 1, 2000);
        respond(reliable(183, 6));
        await until(() => pracks.length >= 2, 2000);
        const answer = answerOffer(sdpOf(request), { srtp: 'off', signalling: 'udp', address: '127.0.0.1', port: 9 });
        if (!answer.ok) throw new Error(answer.reason);
        respond(createResponse(request, 200, { toTag: 'rawuas', headers: [contact], body: answer.answer, contentType: 'application/sdp' }));
      })();
      return true;
    });
    const call = await caller.ua.invite(`sip:raw@127.0.0.1:${peer.port}`);
    const cseq = requests(caller.sent, 'INVITE')[0]!.cseq!.seq;
    expect(pracks.map((p) => p.headers.get('RAck'))).toEqual([`5 ${cseq} INVITE`, `6 ${cseq} INVITE`]);
    expect(pracks.map((p) => p.cseq!.seq)).toEqual([cseq + 1, cseq + 2]);
    await call.hangup();
    expect(requests(caller.sent, 'BYE')[0]!.cseq!.seq).toBe(cseq + 3);
    expect(requests(caller.sent, 'PRACK')).toHaveLength(2);
  }, 10_000);
});

/** A raw UAC: sends INVITE (with `headers`, optional SDP) to `ua` and collects the 1xx. */
function rawInvite(peer: RawPeer, ua: UserAgent, headers: ReadonlyArray<readonly [string, string]>, sdp: string | null, signal?: AbortSignal) {
  const port = ua.addresses[0]!.port;
  const provisionals: SipResponse[] = [];
  const callId = `prack-${Math.random().toString(36).slice(2)}@127.0.0.1`;
  const invite = createRequest({
    method: 'INVITE',
    uri: `sip:ua@127.0.0.1:${port}`,
    headers: [
      ['Via', `SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bK-${callId.slice(6, 16)};rport`],
      ['Max-Forwards', '70'],
      ['From', `<sip:raw@127.0.0.1:${peer.port}>;tag=rawuac`],
      ['To', `<sip:ua@127.0.0.1:${port}>`],
      ['Call-ID', callId],
      ['CSeq', '7 INVITE'],
      ['Contact', `<sip:raw@127.0.0.1:${peer.port}>`],
      ...headers,
    ],
    ...(sdp === null ? {} : { body: sdp, contentType: 'application/sdp' }),
  });
  const final = peer.endpoint.request(invite, { protocol: 'udp', address: '127.0.0.1', port }, {
    onProvisional: (response) => provisionals.push(response),
    ...(signal === undefined ? {} : { signal }), // aborting sends CANCEL (RFC 3261 §9.1)
  });
  final.catch(() => undefined); // a test that does not wait for the final response closes the peer first
  let cseq = 7;
  /** A PRACK in the early dialog of `p` with `rack` (default: the one `p` asks for). */
  const prack = (p: SipResponse, rack = `${p.headers.get('RSeq')} 7 INVITE`, sdp?: string): Promise<SipResponse> => {
    const request: SipRequest = createRequest({
      method: 'PRACK',
      uri: `sip:ua@127.0.0.1:${port}`,
      headers: [
        ['Via', `SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bK-prack-${++cseq}-${callId.slice(6, 16)};rport`],
        ['Max-Forwards', '70'],
        ['From', `<sip:raw@127.0.0.1:${peer.port}>;tag=rawuac`],
        ['To', `<sip:ua@127.0.0.1:${port}>;tag=${p.to!.tag!}`],
        ['Call-ID', callId],
        ['CSeq', `${cseq} PRACK`],
        ['RAck', rack],
      ],
      ...(sdp === undefined ? {} : { body: sdp, contentType: 'application/sdp' }),
    });
    return peer.endpoint.request(request, { protocol: 'udp', address: '127.0.0.1', port });
  };
  /** The ACK for a 2xx `ok` (RFC 3261 §13.2.2.4), so the callee's call is confirmed. */
  const ack = (ok: SipResponse): Promise<unknown> =>
    peer.endpoint.sendAck(
      createRequest({
        method: 'ACK',
        uri: `sip:ua@127.0.0.1:${port}`,
        headers: [
          ['Via', `SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bK-ack-${callId.slice(6, 16)};rport`],
          ['Max-Forwards', '70'],
          ['From', `<sip:raw@127.0.0.1:${peer.port}>;tag=rawuac`],
          ['To', `<sip:ua@127.0.0.1:${port}>;tag=${ok.to!.tag!}`],
          ['Call-ID', callId],
          ['CSeq', '7 ACK'],
        ],
      }),
      { protocol: 'udp', address: '127.0.0.1', port },
    );
  return { provisionals, final, prack, ack };
}

/** A traced callee agent (`options` as for `tracedAgent`) and a raw peer to call it, both closed after the test. */
async function calleeAndRawPeer(options: Parameters<typeof tracedAgent>[0] = {}): Promise<{ callee: TracedAgent; peer: RawPeer }> {
  const callee = await tracedAgent(options);
  cleanup.push(() => callee.ua.close());
  const peer = await rawPeer();
  cleanup.push(() => peer.close());
  return { callee, peer };
}

describe('RFC 3262 §3 as UAS against a raw UAC', () => {
  it('Require: 100rel: ring() is reliable too; a lost PRACK means retransmissions (same RSeq); the 183 waits its turn with RSeq + 1; a PRACK naming nothing gets 481', async () => {
    const { callee, peer } = await calleeAndRawPeer();
    let progressed: Promise<void> | null = null;
    callee.ua.on('call', (call) => {
      call.ring();
      progressed = call.progress();
    });
    const uac = rawInvite(peer, callee.ua, [['Require', '100rel']], SDP_OFFER);
    // No PRACK at first: the UAS resends the 180 at T1 (100 ms), 2·T1, 4·T1 ...
    await until(() => uac.provisionals.filter((p) => p.status === 180).length >= 3, 3000);
    const ringing = uac.provisionals.filter((p) => p.status === 180);
    expect(ringing.length).toBeGreaterThanOrEqual(3);
    const rseq = Number(ringing[0]!.headers.get('RSeq'));
    expect(ringing.every((p) => p.headers.get('RSeq') === String(rseq) && p.headers.get('Require') === '100rel')).toBe(true);
    // The T1-doubling schedule itself is checked on virtual time (reliable-provisional.test.ts); arrival gaps on a loaded box are not.
    expect(uac.provisionals.some((p) => p.status === 183)).toBe(false); // queued behind the 180 (§3)

    expect((await uac.prack(ringing[0]!, `${rseq + 5} 7 INVITE`)).status).toBe(481); // no such RSeq
    expect((await uac.prack(ringing[0]!, `${rseq} 8 INVITE`)).status).toBe(481); // wrong CSeq
    expect((await uac.prack(ringing[0]!)).status).toBe(200);
    await until(() => uac.provisionals.some((p) => p.status === 183), 2000);
    const p183 = uac.provisionals.find((p) => p.status === 183)!;
    expect(p183.headers.get('RSeq')).toBe(String(rseq + 1));
    expect(sdpOf(p183)).toMatch(/^m=audio /m);
    expect((await uac.prack(ringing[0]!)).status).toBe(481); // already acknowledged
    expect((await uac.prack(p183)).status).toBe(200);
    await progressed; // resolves once the 183 is PRACKed
  }, 10_000);

  it('no PRACK within 64·T1: the INVITE is rejected with 500, progress() rejects CALL_TIMEOUT, the call ends by timeout', async () => {
    const { callee, peer } = await calleeAndRawPeer({ timers: { T1: 20, T2: 80, T4: 100 } });
    const failures: unknown[] = [];
    const ended = new Promise<CallEndedEvent>((resolve) =>
      callee.ua.on('call', (call) => {
        call.progress().catch((e: unknown) => failures.push(e));
        void call.done.then(resolve);
      }),
    );
    const uac = rawInvite(peer, callee.ua, [['Supported', '100rel']], SDP_OFFER);
    const final = await uac.final;
    expect(final.status).toBe(500);
    const e = await ended;
    expect(e.reason).toBe('timeout');
    expect(e.status).toBe(500);
    expect(failures.map((f) => (f as { code?: string }).code)).toEqual(['CALL_TIMEOUT']);
    const sent183 = responses(callee.sent, 'INVITE', 183);
    // 64·T1 = 1280 ms with resends at 20, 40, 80, ... ms: 7 sends in all.
    expect(sent183.length).toBeGreaterThanOrEqual(3); // fewer when timers fire late on a loaded box
    expect(sent183.length).toBeLessThanOrEqual(8);
  }, 10_000);

  it('a CANCEL while the reliable 183 waits for its PRACK: 487, the 183 is no longer resent, progress() rejects CALL_CANCELLED', async () => {
    const { callee, peer } = await calleeAndRawPeer();
    const outcome = new Promise<unknown>((resolve) => callee.ua.on('call', (call) => call.progress().then(() => 'PRACKed', resolve)));
    const abort = new AbortController();
    const uac = rawInvite(peer, callee.ua, [['Supported', '100rel']], SDP_OFFER, abort.signal);
    await until(() => uac.provisionals.some((p) => p.status === 183), 2000);
    abort.abort();
    expect((await uac.final).status).toBe(487);
    expect(await outcome).toMatchObject({ name: 'CallFailedError', code: 'CALL_CANCELLED' });
    const sent = responses(callee.sent, 'INVITE', 183).length;
    await new Promise((resolve) => setTimeout(resolve, 500)); // T1 is 100 ms: several resends would be due by now
    expect(responses(callee.sent, 'INVITE', 183).length).toBe(sent);
  }, 10_000);

  it('§5: when our reliable 183 answered the INVITE, SDP in the PRACK is a new offer, answered in the PRACK\'s 200 (o= version + 1); the 2xx repeats that answer', async () => {
    const { callee, peer } = await calleeAndRawPeer();
    const renegotiated: string[] = [];
    callee.ua.on('call', (call) => {
      call.on('renegotiated', ({ by }) => renegotiated.push(by));
      void call
        .progress()
        .then(() => call.answer())
        .catch(() => undefined);
    });
    const uac = rawInvite(peer, callee.ua, [['Supported', '100rel']], SDP_OFFER);
    await until(() => uac.provisionals.some((p) => p.status === 183), 2000);
    const p183 = uac.provisionals.find((p) => p.status === 183)!;
    const newOffer = SDP_OFFER.replace('o=raw 1 1', 'o=raw 1 2').replace('m=audio 40000', 'm=audio 40002');
    const ok = await uac.prack(p183, undefined, newOffer);
    expect(ok.status).toBe(200);
    expect(ok.contentType).toBe('application/sdp');
    expect(originVersion(sdpOf(ok))).toBe(originVersion(sdpOf(p183)) + 1);
    expect(renegotiated).toEqual(['remote']);
    const final = await uac.final;
    expect(final.status).toBe(200);
    expect(sdpOf(final)).toBe(sdpOf(ok));
    await uac.ack(final);
  }, 10_000);

  it('without 100rel: the 183 is unreliable (no Require, no RSeq) and a delayed-offer INVITE cannot get early media', async () => {
    const { callee, peer } = await calleeAndRawPeer();
    const outcome = new Promise<unknown>((resolve) =>
      callee.ua.on('call', (call) => {
        call.progress().then(
          () => resolve('ok'),
          (e: unknown) => resolve(e),
        );
      }),
    );
    rawInvite(peer, callee.ua, [], null);
    expect(((await outcome) as Error).name).toBe('CallStateError');
    const plain = rawInvite(peer, callee.ua, [], SDP_OFFER);
    await until(() => plain.provisionals.some((p) => p.status === 183), 2000);
    const p183 = plain.provisionals.find((p) => p.status === 183)!;
    expect(p183.headers.get('RSeq')).toBeUndefined();
    expect(p183.headers.get('Require')).toBeUndefined();
  }, 10_000);
});
