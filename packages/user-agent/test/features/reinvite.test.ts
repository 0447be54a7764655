/**
 * Re-INVITE, UPDATE and hold between two user agents on loopback (issue 12):
 * the SIP messages as sent (CSeq, o= versions, direction attributes) and the
 * audio after each re-negotiation, SRTP re-keyed on every offer.
 */
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { answerOffer, createOffer } from '@trunkline/sdp';
import { createRequest, createResponse } from '@trunkline/sip-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { CallRequestError, type Call } from '../../src/index.js';
import { rawPeer, type RawPeer } from '../support/raw-peer.js';
import { callPair, directionOf, loudness, originVersion, requests, responses, sdpOf, tone, tracedAgent, until, type CallPair } from './support/pair.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  // Newest first: a user agent closes (its BYE answered) before the raw peer it talks to.
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** SRTP on every call (keys over UDP allowed for the test), so each re-offer re-keys. */
const SRTP = { media: { srtp: 'mandatory', allowSdesOverCleartext: true } } as const;

async function pair(...args: Parameters<typeof callPair>): Promise<CallPair> {
  const p = await callPair(...args);
  cleanup.push(() => p.close());
  return p;
}

/** `from` sends a tone; true when `to` hears it. */
async function audioFlows(from: Call, to: Call): Promise<boolean> {
  const heard = loudness(to, 2000);
  void from.audio.write(tone(from, 600));
  return (await heard) >= 4000;
}

describe('RFC 3261 §14 re-INVITE and RFC 3311 UPDATE between two user agents', () => {
  it('§14.1 reoffer(): re-INVITE with CSeq 2, o= version +1 both ways, new SRTP keys, ACK; audio still flows both ways', async () => {
    const p = await pair(SRTP);
    const renegotiated = once(p.b, 'renegotiated');
    await p.a.reoffer();
    await renegotiated;
    await until(() => responses(p.callee.sent, 'INVITE', 200).some((r) => r.cseq?.seq === 2) && requests(p.caller.sent, 'ACK').length === 2);
    const [first, again] = requests(p.caller.sent, 'INVITE');
    expect(again!.cseq?.seq).toBe(2);
    expect(originVersion(sdpOf(again!))).toBe(originVersion(sdpOf(first!)) + 1);
    const crypto = (sdp: string): string[] => sdp.split('\r\n').filter((l) => l.startsWith('a=crypto'));
    expect(crypto(sdpOf(again!))).not.toEqual(crypto(sdpOf(first!)));
    const oks = responses(p.callee.sent, 'INVITE', 200);
    const answers = [...new Set(oks.map(sdpOf))];
    expect(answers).toHaveLength(2);
    expect(originVersion(answers[1]!)).toBe(originVersion(answers[0]!) + 1);
    expect(requests(p.caller.sent, 'ACK').map((r) => r.cseq?.seq)).toContain(2);
    expect(await audioFlows(p.a, p.b)).toBe(true);
    expect(await audioFlows(p.b, p.a)).toBe(true);
  }, 15_000);

  it('RFC 3311 §5.1 reoffer({ method: UPDATE }): UPDATE with SDP answered 200 with SDP, no ACK; the callee re-offers too', async () => {
    const p = await pair(SRTP);
    await p.a.reoffer({ method: 'UPDATE' });
    await until(() => responses(p.callee.sent, 'UPDATE', 200).length === 1);
    const [update] = requests(p.caller.sent, 'UPDATE');
    expect(update!.contentType).toBe('application/sdp');
    expect(sdpOf(responses(p.callee.sent, 'UPDATE', 200)[0]!)).toContain('m=audio');
    expect(requests(p.caller.sent, 'ACK')).toHaveLength(1);
    await p.b.reoffer(); // the callee's own re-INVITE (§12.2.1.1 its own CSeq space)
    await until(() => requests(p.callee.sent, 'INVITE').length === 1);
    expect(requests(p.callee.sent, 'INVITE')).toHaveLength(1);
    expect(await audioFlows(p.a, p.b)).toBe(true);
  }, 15_000);

  it('§14.1 glare: both re-offer at once; 491 answered, the randomised retry lands and both settle', async () => {
    const p = await pair();
    const started = performance.now();
    await Promise.all([p.a.reoffer(), p.b.reoffer()]);
    const took = performance.now() - started;
    await until(() => responses(p.caller.sent, 'INVITE', 491).length + responses(p.callee.sent, 'INVITE', 491).length > 0);
    const glare = [...responses(p.caller.sent, 'INVITE', 491), ...responses(p.callee.sent, 'INVITE', 491)];
    expect(glare.length).toBeGreaterThanOrEqual(1);
    // The caller owns the Call-ID: its retry waits 2.1-4 s; the callee's 0-2 s.
    expect(took).toBeLessThan(4000 + 1500);
    expect(await audioFlows(p.a, p.b)).toBe(true);
  }, 15_000);

  it('§14.2 our 2xx to a peer\'s re-INVITE is retransmitted over UDP until its ACK; a re-INVITE without SDP gets our offer, answered in the ACK', async () => {
    const peer = await rawPeer();
    cleanup.push(() => peer.close());
    const callee = await tracedAgent();
    cleanup.push(() => callee.ua.close());
    callee.ua.on('call', (c) => void c.answer().catch(() => undefined));
    peer.onRequest(({ request, respond }) => void respond(createResponse(request, 200))); // the BYE at close
    const port = callee.ua.addresses[0]!.port;
    const flow = { protocol: 'udp', address: '127.0.0.1', port } as const;
    const dialog = (cseq: number, method: string, toTag?: string): Array<readonly [string, string]> => [
      ['From', `<sip:raw@127.0.0.1:${peer.port}>;tag=rawA`],
      ['To', `<sip:ua@127.0.0.1:${port}>${toTag === undefined ? '' : `;tag=${toTag}`}`],
      ['Call-ID', 'reinvite-retransmit@127.0.0.1'],
      ['CSeq', `${cseq} ${method}`],
      ['Contact', `<sip:raw@127.0.0.1:${peer.port}>`],
    ];
    const ack = (cseq: number, toTag: string, body?: string) =>
      createRequest({ method: 'ACK', uri: `sip:ua@127.0.0.1:${port}`, headers: [['Via', `SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bK-ack${cseq}`], ['Max-Forwards', '70'], ...dialog(cseq, 'ACK', toTag)], ...(body === undefined ? {} : { body, contentType: 'application/sdp' }) });
    const local = { srtp: 'off', signalling: 'udp', address: '127.0.0.1', port: 40000 } as const;
    const first = createOffer(local);
    const ok = await peer.send('INVITE', port, dialog(1, 'INVITE'), first.sdp);
    const toTag = ok.to!.tag!;
    await peer.endpoint.sendAck(ack(1, toTag), flow);
    // The re-INVITE, not ACKed for 800 ms: the 200 is resent at T1, 2·T1, 4·T1 (T1 = 100 ms).
    const again = createOffer({ ...local, previous: first.sdp, port: 40002 });
    const ok2 = await peer.send('INVITE', port, dialog(2, 'INVITE', toTag), again.sdp);
    expect(ok2.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 800));
    const sentBeforeAck = responses(callee.sent, 'INVITE', 200).filter((r) => r.cseq?.seq === 2).length;
    expect(sentBeforeAck).toBeGreaterThanOrEqual(3);
    await peer.endpoint.sendAck(ack(2, toTag), flow);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(responses(callee.sent, 'INVITE', 200).filter((r) => r.cseq?.seq === 2).length).toBe(sentBeforeAck);
    // A re-INVITE without an offer: our offer in the 200 (o= + 1), the answer in the ACK.
    const ok3 = await peer.send('INVITE', port, dialog(3, 'INVITE', toTag));
    const offer = sdpOf(ok3);
    expect(originVersion(offer)).toBe(originVersion(sdpOf(ok2)) + 1);
    const answer = answerOffer(offer, { ...local, previous: again.sdp });
    if (!answer.ok) throw new Error(answer.reason);
    await peer.endpoint.sendAck(ack(3, toTag, answer.answer), flow);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(requests(callee.sent, 'BYE')).toHaveLength(0);
    expect(callee.ua.stats.callsActive).toBe(1);
  }, 10_000);
});

describe('RFC 3264 §8.4 hold between two user agents', () => {
  it('hold(): a=sendonly offered, a=recvonly answered, the callee gets `hold`; unhold(): sendrecv, `unhold`; our writes while holding still reach the peer', async () => {
    const p = await pair(SRTP);
    const held = once(p.b, 'hold');
    await p.a.hold();
    await until(() => responses(p.callee.sent, 'INVITE', 200).some((r) => r.cseq?.seq === 2));
    const [ev] = (await held) as [{ direction: string }];
    expect(ev.direction).toBe('recvonly');
    expect(p.a.onHold).toBe(true);
    expect(p.b.heldByPeer).toBe(true);
    const holdInvite = requests(p.caller.sent, 'INVITE')[1]!;
    expect(directionOf(sdpOf(holdInvite))).toBe('sendonly');
    expect(directionOf(sdpOf(responses(p.callee.sent, 'INVITE', 200).at(-1)!))).toBe('recvonly');
    // Music on hold: the holder's audio is still sent.
    expect(await audioFlows(p.a, p.b)).toBe(true);
    const resumed = once(p.b, 'unhold');
    await p.a.unhold();
    await resumed;
    await until(() => requests(p.caller.sent, 'INVITE').length === 3);
    expect(p.b.heldByPeer).toBe(false);
    const resume = requests(p.caller.sent, 'INVITE')[2]!;
    expect(directionOf(sdpOf(resume))).toBe('sendrecv');
    expect(originVersion(sdpOf(resume))).toBe(originVersion(sdpOf(holdInvite)) + 1);
    expect(await audioFlows(p.b, p.a)).toBe(true);
  }, 15_000);
});

describe('RFC 3261 §14.1 a failed re-offer keeps the session', () => {
  it('488 to our re-INVITE: reoffer() rejects CALL_REQUEST_FAILED, the call stays established and its o= goes on increasing', async () => {
    const peer: RawPeer = await rawPeer();
    cleanup.push(() => peer.close());
    const caller = await tracedAgent();
    cleanup.push(() => caller.ua.close());
    const toTag = 'rawtag';
    peer.onRequest(({ request, respond }) => {
      if (request.method === 'INVITE' && request.to?.tag == null) {
        const r = answerOffer(sdpOf(request), { srtp: 'off', signalling: 'udp', address: '127.0.0.1', port: 9 });
        if (!r.ok) throw new Error(r.reason);
        respond(createResponse(request, 200, { toTag, headers: [['Contact', `<sip:raw@127.0.0.1:${peer.port}>`]], body: r.answer, contentType: 'application/sdp' }));
      } else if (request.method === 'INVITE') {
        respond(createResponse(request, 488));
      } else {
        respond(createResponse(request, 200));
      }
    });
    const call = await caller.ua.invite(`sip:raw@127.0.0.1:${peer.port}`);
    await expect(call.reoffer()).rejects.toSatisfy((e) => e instanceof CallRequestError && e.code === 'CALL_REQUEST_FAILED' && e.status === 488);
    expect(call.state).toBe('established');
    await expect(call.reoffer()).rejects.toBeInstanceOf(CallRequestError);
    await until(() => requests(caller.sent, 'INVITE').length === 3);
    const versions = requests(caller.sent, 'INVITE').map((r) => originVersion(sdpOf(r)));
    expect(versions).toEqual([versions[0]!, versions[0]! + 1, versions[0]! + 2]);
  }, 10_000);
});

describe('RFC 3264 §8.4 the peer holds us (raw UAC): legacy c=0.0.0.0, then inactive, then resume', () => {
  it('`hold` once, nothing sent while held (not even toward 0.0.0.0), `unhold` and RTP again on resume', async () => {
    const peer = await rawPeer();
    cleanup.push(() => peer.close());
    const callee = await tracedAgent();
    cleanup.push(() => callee.ua.close());
    peer.onRequest(({ request, respond }) => void respond(createResponse(request, 200))); // the BYE at close
    const rtp = createSocket('udp4');
    await new Promise<void>((resolve) => rtp.bind(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise<void>((resolve) => rtp.close(() => resolve())));
    let packets = 0;
    rtp.on('message', () => packets++);
    const events: string[] = [];
    const answered = new Promise<Call>((resolve) =>
      callee.ua.on('call', (c) => {
        c.on('hold', ({ direction }) => events.push(`hold:${direction}`));
        c.on('unhold', () => events.push('unhold'));
        void c.answer().then(() => resolve(c), () => undefined);
      }),
    );
    const port = callee.ua.addresses[0]!.port;
    const flow = { protocol: 'udp', address: '127.0.0.1', port } as const;
    const dialog = (cseq: number, method: string, toTag?: string): Array<readonly [string, string]> => [
      ['From', `<sip:raw@127.0.0.1:${peer.port}>;tag=rawH`],
      ['To', `<sip:ua@127.0.0.1:${port}>${toTag === undefined ? '' : `;tag=${toTag}`}`],
      ['Call-ID', 'legacy-hold@127.0.0.1'],
      ['CSeq', `${cseq} ${method}`],
      ['Contact', `<sip:raw@127.0.0.1:${peer.port}>`],
    ];
    const ack = (cseq: number, toTag: string) =>
      createRequest({ method: 'ACK', uri: `sip:ua@127.0.0.1:${port}`, headers: [['Via', `SIP/2.0/UDP 127.0.0.1:${peer.port};branch=z9hG4bK-hack${cseq}`], ['Max-Forwards', '70'], ...dialog(cseq, 'ACK', toTag)] });
    const local = { srtp: 'off', signalling: 'udp', address: '127.0.0.1', port: rtp.address().port } as const;
    let previous = createOffer(local).sdp;
    const ok = await peer.send('INVITE', port, dialog(1, 'INVITE'), previous);
    const toTag = ok.to!.tag!;
    await peer.endpoint.sendAck(ack(1, toTag), flow);
    const call = await answered;
    await until(() => packets > 5);
    const reInvite = async (cseq: number, edit: (sdp: string) => string): Promise<string> => {
      const sdp = edit(createOffer({ ...local, previous }).sdp);
      previous = sdp;
      const r = await peer.send('INVITE', port, dialog(cseq, 'INVITE', toTag), sdp);
      await peer.endpoint.sendAck(ack(cseq, toTag), flow);
      return sdpOf(r);
    };
    // Legacy hold (RFC 2543 style): c=0.0.0.0, direction left sendrecv.
    const held = await reInvite(2, (sdp) => sdp.replace(/^c=IN IP4 127\.0\.0\.1/m, 'c=IN IP4 0.0.0.0'));
    expect(call.heldByPeer).toBe(true);
    expect(held).toMatch(/^m=audio /m);
    await new Promise((resolve) => setTimeout(resolve, 100)); // packets already in flight land
    const atHold = packets;
    // RFC 3264 inactive: still held, no second event.
    expect(directionOf(await reInvite(3, (sdp) => sdp.replace('a=sendrecv', 'a=inactive')))).toBe('inactive');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(packets).toBe(atHold);
    // Resume.
    expect(directionOf(await reInvite(4, (sdp) => sdp))).toBe('sendrecv');
    await until(() => packets > atHold + 5);
    expect(packets).toBeGreaterThan(atHold + 5);
    expect(call.heldByPeer).toBe(false);
    expect(events).toEqual([expect.stringMatching(/^hold:/), 'unhold']);
  }, 10_000);
});
