import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { answerOffer, createOffer } from '@trunkline/sdp';
import { createResponse, type SipResponse } from '@trunkline/sip-parser';
import type { DnsResolver } from '@trunkline/transaction-layer';
import { afterEach, describe, expect, it } from 'vitest';
import { CALL_CHANNEL, CallFailedError, type Call, type CallEndedEvent, type UserAgent } from '../src/index.js';
import { rawPeer, type RawPeer } from './support/raw-peer.js';
import { answerWithEcho, testAgent, uriOf } from './support/ua.js';

const agents: UserAgent[] = [];
const peers: RawPeer[] = [];
afterEach(async () => {
  await Promise.all([...agents.splice(0).map((a) => a.close()), ...peers.splice(0).map((p) => p.close())]);
});

async function agent(options: Parameters<typeof testAgent>[0] = {}): Promise<UserAgent> {
  const ua = await testAgent({ media: { srtp: 'off' }, ...options });
  agents.push(ua);
  return ua;
}

async function peer(): Promise<RawPeer> {
  const p = await rawPeer();
  peers.push(p);
  return p;
}

function sdpAnswer(offer: Uint8Array): string {
  const r = answerOffer(new TextDecoder().decode(offer), { srtp: 'off', signalling: 'udp', address: '127.0.0.1', port: 9 });
  if (!r.ok) throw new Error(r.reason);
  return r.answer;
}

describe('RFC 3261 §13.3.1.4 the UAS resends its 2xx over UDP until the ACK, and ends the call after 64*T1 without one', () => {
  it('no ACK: ≥ 5 retransmissions of the 200, then BYE; answer() rejects CALL_TIMEOUT; ended ack-timeout', async () => {
    const ua = await agent();
    const uac = await peer();
    let answered: Promise<void> | null = null;
    const incoming = new Promise<Call>((resolve) => ua.once('call', resolve));
    ua.on('call', (call) => {
      answered = call.answer();
      answered.catch(() => undefined);
    });
    const retransmissions: SipResponse[] = [];
    uac.endpoint.on('response', ({ response }) => retransmissions.push(response));
    const bye = new Promise<number>((resolve) =>
      uac.onRequest(({ request, respond }) => {
        if (request.method === 'BYE') {
          respond(createResponse(request, 200));
          resolve(performance.now());
        }
      }),
    );
    const offer = createOffer({ srtp: 'off', signalling: 'udp', address: '127.0.0.1', port: 9 });
    const start = performance.now();
    const ok = await uac.send('INVITE', ua.addresses[0]!.port, [['Contact', `<sip:raw@127.0.0.1:${uac.port}>`]], offer.sdp);
    expect(ok.status).toBe(200);
    const byeAt = await bye;
    expect(byeAt - start).toBeGreaterThanOrEqual(64 * 100 - 50);
    expect(byeAt - start).toBeLessThan(64 * 100 + 3000);
    expect(retransmissions.length).toBeGreaterThanOrEqual(5);
    expect(retransmissions.every((r) => r.status === 200)).toBe(true);
    const call = await incoming;
    await expect(answered).rejects.toMatchObject({ code: 'CALL_TIMEOUT' });
    expect((await call.done).reason).toBe('ack-timeout');
  }, 20_000);
});

describe('RFC 3261 §13.2.2.4 forked 2xx', () => {
  it('the first 2xx wins; a 2xx from another fork gets ACK then BYE', async () => {
    const ua = await agent();
    const uas = await peer();
    const acks: string[] = [];
    uas.endpoint.on('ack', ({ request }) => acks.push(request.to?.tag ?? ''));
    const byes: string[] = [];
    uas.onRequest(({ request, respond }) => {
      if (request.method === 'BYE') {
        byes.push(request.to?.tag ?? '');
        return respond(createResponse(request, 200));
      }
      if (request.method !== 'INVITE') return respond(createResponse(request, 200));
      const answer = sdpAnswer(request.body);
      const contact: [string, string] = ['Contact', `<sip:fork@127.0.0.1:${uas.port}>`];
      respond(createResponse(request, 200, { toTag: 'fork-a', headers: [contact], body: answer, contentType: 'application/sdp' }));
      setTimeout(() => respond(createResponse(request, 200, { toTag: 'fork-b', headers: [contact], body: answer, contentType: 'application/sdp' })), 50);
    });
    const call = await ua.invite(`sip:agent@127.0.0.1:${uas.port}`);
    await new Promise((r) => setTimeout(r, 400));
    expect(acks.sort()).toEqual(['fork-a', 'fork-b']);
    expect(byes).toEqual(['fork-b']);
    expect(call.state).toBe('established');
    await call.hangup();
    expect(byes).toEqual(['fork-b', 'fork-a']);
  });
});

describe('RFC 3263 §4.3 failover', () => {
  it('SRV targets in order: a 503 from the first moves the INVITE to the second', async () => {
    const callee = await agent();
    answerWithEcho(callee);
    const busy = await peer();
    let refused = 0;
    busy.onRequest(({ request, respond }) => {
      if (request.method === 'INVITE') refused++;
      respond(createResponse(request, 503, { toTag: 'busy' }));
    });
    const resolver: DnsResolver = {
      resolveNaptr: async () => [],
      resolveSrv: async (name) =>
        name === '_sip._udp.trunk.test'
          ? [
              { name: 'a.trunk.test', port: busy.port, priority: 1, weight: 0 },
              { name: 'b.trunk.test', port: callee.addresses[0]!.port, priority: 2, weight: 0 },
            ]
          : [],
      resolve4: async () => ['127.0.0.1'],
      resolve6: async () => [],
    };
    const caller = await agent({ resolver });
    const call = await caller.invite('sip:agent@trunk.test');
    expect(refused).toBe(1);
    expect(call.state).toBe('established');
    await call.hangup();
  });
});

describe('RFC 3261 §9.1 and §15: the app signal', () => {
  it('timeoutMs while ringing: CANCEL, then CALL_TIMEOUT', async () => {
    const callee = await agent();
    callee.on('call', (call) => call.ring());
    const e = await (await caller()).invite(uriOf(callee), { timeoutMs: 300 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(CallFailedError);
    expect(e).toMatchObject({ code: 'CALL_TIMEOUT', status: 487 });
  });

  it('abort after the answer sends BYE', async () => {
    const callee = await agent();
    answerWithEcho(callee);
    const remoteEnded = new Promise<CallEndedEvent>((resolve) => callee.once('call', (c) => c.once('ended', resolve)));
    const abort = new AbortController();
    const call = await (await caller()).invite(uriOf(callee), { signal: abort.signal });
    abort.abort();
    expect(await remoteEnded).toMatchObject({ by: 'remote', reason: 'hangup' });
    expect((await call.done).by).toBe('local');
  });
});

describe('calls() and diagnostics_channel', () => {
  it('calls() yields inbound calls and ends on close; lifecycle records are published', async () => {
    const records: Array<{ type: string }> = [];
    const onRecord = (r: unknown): void => void records.push(r as { type: string });
    subscribe(CALL_CHANNEL, onRecord);
    try {
      const callee = await agent();
      const seen: Call[] = [];
      const loop = (async () => {
        for await (const call of callee.calls()) {
          seen.push(call);
          void call.answer();
        }
      })();
      const call = await (await caller()).invite(uriOf(callee));
      await call.hangup();
      await callee.close();
      await loop;
      expect(seen).toHaveLength(1);
      expect(records.map((r) => r.type)).toEqual(expect.arrayContaining(['created', 'state', 'established', 'ended']));
    } finally {
      unsubscribe(CALL_CHANNEL, onRecord);
    }
  });
});

function caller(): Promise<UserAgent> {
  return agent();
}
