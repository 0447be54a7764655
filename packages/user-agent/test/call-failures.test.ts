import { createResponse } from '@trunkline/sip-parser';
import { DigestServer } from '@trunkline/transaction-layer';
import { afterEach, describe, expect, it } from 'vitest';
import { CallFailedError, type Call, type CallEndedEvent, type UserAgent } from '../src/index.js';
import { rawPeer, type RawPeer } from './support/raw-peer.js';
import { answerWithEcho, testAgent, uriOf } from './support/ua.js';

const agents: UserAgent[] = [];
const peers: RawPeer[] = [];
afterEach(async () => {
  await Promise.all([...agents.splice(0).map((a) => a.close()), ...peers.splice(0).map((p) => p.close())]);
});

async function pair(callee: Parameters<typeof testAgent>[0] = {}, caller: Parameters<typeof testAgent>[0] = {}): Promise<[UserAgent, UserAgent]> {
  const a = await testAgent({ media: { srtp: 'off' }, ...callee });
  const b = await testAgent({ media: { srtp: 'off' }, ...caller });
  agents.push(a, b);
  return [a, b];
}

function nextCall(ua: UserAgent): Promise<Call> {
  return new Promise((resolve) => ua.once('call', resolve));
}

function failure(p: Promise<unknown>): Promise<CallFailedError> {
  return p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => {
      expect(e).toBeInstanceOf(CallFailedError);
      return e as CallFailedError;
    },
  );
}

describe('RFC 7433 User-to-User both ways', () => {
  it('INVITE UUI reaches the callee byte for byte; BYE UUI reaches the caller', async () => {
    const [callee, caller] = await pair();
    const incoming = nextCall(callee);
    answerWithEcho(callee);
    const sent = Uint8Array.from([0x04, ...Buffer.from('CASE-20481;LANG=en-US'), 0x00, 0xff]);
    const outgoing = caller.invite(uriOf(callee), { uui: [{ data: sent, purpose: 'isdn-uui' }, { text: 'second' }] });
    const inbound = await incoming;
    expect(inbound.uui.map((u) => u.hex)).toEqual([Buffer.from(sent).toString('hex').toUpperCase(), '047365636F6E64']);
    expect(inbound.uui[0]!.data).toEqual(sent);
    expect(inbound.uui[1]!.text).toBe('second');
    const call = await outgoing;
    const ended = new Promise<CallEndedEvent>((resolve) => call.once('ended', resolve));
    await inbound.hangup({ uui: { hex: '00C0FFEE' }, reason: 'Q.850;cause=16' });
    const e = await ended;
    expect(e).toMatchObject({ by: 'remote', reason: 'hangup', reasonHeader: 'Q.850;cause=16' });
    expect(e.uui.map((u) => u.hex)).toEqual(['00C0FFEE']);
  });
});

describe('RFC 3261 §9 CANCEL while ringing', () => {
  it('the caller aborts: CANCEL, 487, CALL_CANCELLED; the callee sees ended (remote, cancelled, 487)', async () => {
    const [callee, caller] = await pair();
    const incoming = nextCall(callee);
    const abort = new AbortController();
    const failed = failure(caller.invite(uriOf(callee), { signal: abort.signal }));
    const inbound = await incoming;
    const ended = new Promise<CallEndedEvent>((resolve) => inbound.once('ended', resolve));
    const ringing = new Promise((resolve) => inbound.once('state', resolve));
    inbound.ring();
    await ringing;
    await new Promise((r) => setTimeout(r, 50)); // the 180 reaches the caller
    abort.abort();
    const e = await failed;
    expect(e.code).toBe('CALL_CANCELLED');
    expect(e.status).toBe(487);
    expect(await ended).toMatchObject({ by: 'remote', reason: 'cancelled', status: 487 });
    expect(inbound.state).toBe('terminated');
    await expect(inbound.answer()).rejects.toThrow();
  });
});

describe('RFC 3261 §13.3.1.3 rejection', () => {
  it('486 → CallFailedError CALL_BUSY with status and reason phrase; counted in stats', async () => {
    const [callee, caller] = await pair();
    callee.on('call', (call) => call.reject(486, 'Busy Here'));
    const e = await failure(caller.invite(uriOf(callee)));
    expect(e).toMatchObject({ code: 'CALL_BUSY', status: 486, reasonPhrase: 'Busy Here' });
    expect(caller.stats.failed.CALL_BUSY).toBe(1);
    expect(caller.stats.callsActive).toBe(0);
  });

  it('redirect → CALL_REDIRECTED (302)', async () => {
    const [callee, caller] = await pair();
    callee.on('call', (call) => call.redirect(['sip:elsewhere@192.0.2.1']));
    expect(await failure(caller.invite(uriOf(callee)))).toMatchObject({ code: 'CALL_REDIRECTED', status: 302 });
  });

  it('an offer the callee cannot accept (SRTP mandatory vs plain RTP) → 488 CALL_NOT_ACCEPTABLE, no call event', async () => {
    const [callee, caller] = await pair({ media: { srtp: 'mandatory' } });
    let calls = 0;
    callee.on('call', () => calls++);
    expect(await failure(caller.invite(uriOf(callee)))).toMatchObject({ code: 'CALL_NOT_ACCEPTABLE', status: 488 });
    expect(calls).toBe(0);
    expect(callee.stats.refused.notAcceptable).toBe(1);
  });
});

describe('RFC 3261 §22.2 digest authentication', () => {
  it('a 401 with a SHA-256 challenge is answered once with the credentials; a refusal is CALL_AUTH_FAILED', async () => {
    const [caller] = await pair();
    const peer = await rawPeer();
    peers.push(peer);
    const server = new DigestServer({ realm: 'trunk.example', algorithms: ['SHA-256'] });
    const verdicts: string[] = [];
    peer.onRequest(async ({ request, respond }) => {
      if (request.method !== 'INVITE') return respond(createResponse(request, 200));
      const r = await server.verify(request, (user) => (user === 'alice' ? { password: 's3cret' } : undefined), Date.now());
      verdicts.push(r.status === 'ok' ? `ok ${r.algorithm}` : r.status);
      if (r.status !== 'ok') {
        respond(createResponse(request, 401, { toTag: 'auth', headers: server.challenge(Date.now()).map((h) => [h.name, h.value] as const) }));
      } else {
        respond(createResponse(request, 603, { toTag: 'done' }));
      }
    });
    const target = `sip:agent@127.0.0.1:${peer.port}`;
    const e = await failure(caller.invite(target, { credentials: { username: 'alice', password: 's3cret' } }));
    expect(verdicts).toEqual(['bad', 'ok SHA-256']);
    expect(e).toMatchObject({ code: 'CALL_DECLINED', status: 603 });

    verdicts.length = 0;
    const wrong = await failure(caller.invite(target, { credentials: { username: 'alice', password: 'nope' } }));
    expect(verdicts).toEqual(['bad', 'bad']);
    expect(wrong).toMatchObject({ code: 'CALL_AUTH_FAILED', status: 401 });
    expect(await failure(caller.invite(target))).toMatchObject({ code: 'CALL_AUTH_FAILED', status: 401 });
  });
});

describe('RFC 7616 §3.3 stale nonces on INVITE', () => {
  it('a 401 stale=true to the answered challenge is answered once more with the new nonce (no re-prompt); a second stale ends CALL_AUTH_FAILED', async () => {
    const [caller] = await pair();
    const peer = await rawPeer();
    peers.push(peer);
    const server = new DigestServer({ realm: 'trunk.example', nonceTtlMs: 60_000 });
    const verdicts: string[] = [];
    let expiredNonces = 1; // how many challenges carry a nonce already past its lifetime
    peer.onRequest(async ({ request, respond }) => {
      if (request.method !== 'INVITE') return respond(createResponse(request, 200));
      const now = Date.now();
      const r = await server.verify(request, (user) => (user === 'alice' ? { password: 's3cret' } : undefined), now);
      verdicts.push(r.status === 'ok' ? 'ok' : r.status);
      if (r.status === 'ok') return respond(createResponse(request, 603, { toTag: 'done' }));
      const issuedAt = expiredNonces-- > 0 ? now - 120_000 : now;
      respond(createResponse(request, 401, { toTag: 'auth', headers: server.challenge(issuedAt, { stale: r.status === 'stale' }).map((h) => [h.name, h.value] as const) }));
    });
    const target = `sip:agent@127.0.0.1:${peer.port}`;
    const credentials = { username: 'alice', password: 's3cret' };
    expect(await failure(caller.invite(target, { credentials }))).toMatchObject({ code: 'CALL_DECLINED', status: 603 });
    expect(verdicts).toEqual(['bad', 'stale', 'ok']);

    verdicts.length = 0;
    expiredNonces = 99;
    expect(await failure(caller.invite(target, { credentials }))).toMatchObject({ code: 'CALL_AUTH_FAILED', status: 401 });
    expect(verdicts).toEqual(['bad', 'stale', 'stale']);
  });
});

describe('allow list and limits', () => {
  it('a source outside `allow` gets a stateless 403 and creates no call and no transaction', async () => {
    const [callee, caller] = await pair({ allow: ['10.0.0.0/8', '2001:db8::/32'] });
    let calls = 0;
    callee.on('call', () => calls++);
    expect(await failure(caller.invite(uriOf(callee)))).toMatchObject({ code: 'CALL_REJECTED', status: 403 });
    expect(calls).toBe(0);
    expect(callee.stats).toMatchObject({ callsTotal: 0, transactions: 0, refused: { allowList: 1 } });
  });

  it("refuse: 'drop' answers nothing (the caller times out)", async () => {
    const [callee, caller] = await pair({ allow: ['10.0.0.0/8'], refuse: 'drop' }, { timers: { T1: 25, T2: 100, T4: 100 } });
    expect(await failure(caller.invite(uriOf(callee)))).toMatchObject({ code: 'CALL_TIMEOUT', status: null });
    expect(callee.stats).toMatchObject({ callsTotal: 0, transactions: 0 });
    expect(callee.stats.refused.allowList).toBeGreaterThanOrEqual(1);
  });

  it('beyond maxCalls an INVITE gets 503 with Retry-After (CALL_UNAVAILABLE)', async () => {
    const [callee, caller] = await pair({ maxCalls: 1, retryAfterSeconds: 7 });
    answerWithEcho(callee);
    const first = await caller.invite(uriOf(callee));
    expect(await failure(caller.invite(uriOf(callee)))).toMatchObject({ code: 'CALL_UNAVAILABLE', status: 503 });
    expect(callee.stats.refused.maxCalls).toBe(1);
    await first.hangup();
    const again = await caller.invite(uriOf(callee));
    await again.hangup();
  });
});

describe('media timeout', () => {
  it('no RTP for mediaTimeoutMs: media-timeout event, then BYE (reason media-timeout)', async () => {
    // The caller sends no silence: nothing written, nothing sent.
    const [callee, caller] = await pair({ media: { srtp: 'off', mediaTimeoutMs: 400 } }, { media: { srtp: 'off', sendSilence: false } });
    const incoming = nextCall(callee);
    callee.on('call', (c) => void c.answer());
    const call = await caller.invite(uriOf(callee));
    const inbound = await incoming;
    const timedOut = new Promise((resolve) => inbound.once('media-timeout', resolve));
    const ended = new Promise<CallEndedEvent>((resolve) => call.once('ended', resolve));
    expect(await timedOut).toMatchObject({ silentForMs: expect.any(Number) });
    expect(await ended).toMatchObject({ by: 'remote', reason: 'hangup', reasonHeader: 'SIP;cause=408;text="Media timeout"' });
    await inbound.done;
    expect(inbound.metrics).toMatchObject({ endReason: 'media-timeout', endedBy: 'local' });
  });

  it('hangupOnMediaTimeout: false keeps the call up', async () => {
    const [callee, caller] = await pair({ media: { srtp: 'off', mediaTimeoutMs: 300, hangupOnMediaTimeout: false } }, { media: { srtp: 'off', sendSilence: false } });
    const incoming = nextCall(callee);
    callee.on('call', (c) => void c.answer());
    const call = await caller.invite(uriOf(callee));
    const inbound = await incoming;
    await new Promise((resolve) => inbound.once('media-timeout', resolve));
    await new Promise((r) => setTimeout(r, 200));
    expect(inbound.state).toBe('established');
    await call.hangup();
  });
});
