/**
 * RFC 4028 session timers wired into calls (issue 12), on short intervals:
 * the test-only `minSEFloor` lets Session-Expires be a few seconds (90 s is
 * the conforming floor), so refreshes and the expiry run in real time.
 * T1 = 100 ms, so the refresh is planned at a quarter of the interval
 * (a 64·T1 transaction would not fit before the peer's BYE point).
 */
import { createResponse } from '@trunkline/sip-parser';
import { afterEach, describe, expect, it } from 'vitest';
import type { CallEndedEvent } from '../../src/index.js';
import { rawPeer } from '../support/raw-peer.js';
import { answerAsUas, callPair, requests, responses, tracedAgent, until } from './support/pair.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const short = (sessionExpires: number, minSE = 2) => ({ sessionTimers: { sessionExpires, minSE, minSEFloor: 1 } }) as const;

describe('RFC 4028 session timers between two user agents', () => {
  it('§7.1/§9 Supported: timer, Session-Expires and Min-SE on the INVITE; the 2xx names the UAS as refresher; §10 it refreshes by UPDATE at a quarter of 6 s, no BYE', async () => {
    const p = await callPair(short(6));
    cleanup.push(() => p.close());
    const [invite] = requests(p.caller.sent, 'INVITE');
    expect(invite!.headers.getAll('Supported')).toContain('timer');
    expect(invite!.headers.get('Session-Expires')).toBe('6');
    expect(invite!.headers.get('Min-SE')).toBe('2');
    const ok = responses(p.callee.sent, 'INVITE', 200)[0]!;
    expect(ok.headers.get('Session-Expires')).toBe('6;refresher=uas');
    expect(p.a.sessionTimer).toEqual({ interval: 6, refresher: 'remote' });
    expect(p.b.sessionTimer).toEqual({ interval: 6, refresher: 'local' });
    // Two refreshes: at 1.5 s and 3 s after the answer; the caller's BYE point would be 4 s without them.
    await until(() => responses(p.caller.sent, 'UPDATE', 200).length >= 2, 5000);
    const updates = requests(p.callee.sent, 'UPDATE');
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(updates[0]!.body.length).toBe(0);
    expect(updates[0]!.headers.get('Session-Expires')).toBe('6;refresher=uac');
    expect(responses(p.caller.sent, 'UPDATE', 200)[0]!.headers.get('Session-Expires')).toBe('6;refresher=uac');
    expect(p.a.state).toBe('established');
    expect(requests(p.caller.sent, 'BYE')).toHaveLength(0);
    expect(requests(p.callee.sent, 'BYE')).toHaveLength(0);
  }, 10_000);

  it('§7.4 a Session-Expires below the callee Min-SE gets 422 with Min-SE; the caller retries with it (CSeq 2) and the call is set up', async () => {
    const p = await callPair(short(3), { callee: short(4, 4) });
    cleanup.push(() => p.close());
    const invites = requests(p.caller.sent, 'INVITE');
    expect(invites.map((i) => i.cseq?.seq)).toEqual([1, 2]);
    expect(responses(p.callee.sent, 'INVITE', 422)[0]!.headers.get('Min-SE')).toBe('4');
    expect(invites[1]!.headers.get('Session-Expires')).toBe('4');
    expect(invites[1]!.headers.get('Min-SE')).toBe('4');
    expect(p.a.sessionTimer?.interval).toBe(4);
  }, 10_000);
});

describe('RFC 4028 against a peer that does not allow UPDATE (raw UAS)', () => {
  it('§10 we refresh (refresher=uac) by re-INVITE with SDP; then the peer stops answering refreshes → BYE with Reason SIP;cause=408', async () => {
    const peer = await rawPeer();
    cleanup.push(() => peer.close());
    const caller = await tracedAgent(short(3, 1));
    cleanup.push(() => caller.ua.close());
    let refreshes = 0;
    const bye = new Promise<string | undefined>((resolve) =>
      answerAsUas(peer, [['Session-Expires', '3;refresher=uac'], ['Require', 'timer'], ['Supported', 'timer']], ({ request, respond }) => {
        if (request.method === 'BYE') {
          respond(createResponse(request, 200));
          resolve(request.headers.get('Reason'));
          return true;
        }
        if (request.method === 'INVITE' && request.to?.tag != null && ++refreshes >= 2) {
          return true; // the second refresh is never answered: Timer B, then the session is over (§10)
        }
        return false;
      }),
    );
    const call = await caller.ua.invite(`sip:raw@127.0.0.1:${peer.port}`);
    expect(call.sessionTimer).toEqual({ interval: 3, refresher: 'local' });
    const ended = new Promise<CallEndedEvent>((resolve) => call.once('ended', resolve));
    const reason = await bye;
    const reInvites = requests(caller.sent, 'INVITE').slice(1);
    expect(reInvites.length).toBeGreaterThanOrEqual(2);
    expect(reInvites[0]!.headers.get('Session-Expires')).toBe('3;refresher=uac');
    expect(reInvites[0]!.contentType).toBe('application/sdp');
    expect(requests(caller.sent, 'UPDATE')).toHaveLength(0);
    expect(reason).toBe('SIP;cause=408;text="Session expired"');
    expect((await ended).reason).toBe('session-expired');
  }, 15_000);

  it('§10 the peer refreshes (refresher=uas) but never does: BYE with Reason 408 at expiry − SE/3', async () => {
    const peer = await rawPeer();
    cleanup.push(() => peer.close());
    const caller = await tracedAgent(short(3, 1));
    cleanup.push(() => caller.ua.close());
    const bye = new Promise<{ at: number; reason: string | undefined }>((resolve) =>
      answerAsUas(peer, [['Session-Expires', '3;refresher=uas'], ['Supported', 'timer']], ({ request, respond }) => {
        if (request.method !== 'BYE') return false;
        respond(createResponse(request, 200));
        resolve({ at: performance.now(), reason: request.headers.get('Reason') });
        return true;
      }),
    );
    const call = await caller.ua.invite(`sip:raw@127.0.0.1:${peer.port}`);
    const answeredAt = performance.now();
    expect(call.sessionTimer).toEqual({ interval: 3, refresher: 'remote' });
    const { at, reason } = await bye;
    // 3 s − min(32 s, 1 s) = 2 s after the 2xx.
    expect(at - answeredAt).toBeGreaterThanOrEqual(1900);
    expect(at - answeredAt).toBeLessThan(2900);
    expect(reason).toBe('SIP;cause=408;text="Session expired"');
    expect(requests(caller.sent, 'INVITE')).toHaveLength(1);
  }, 10_000);
});
