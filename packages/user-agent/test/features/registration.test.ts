import type { SipRequest, SipResponse } from '@trunkline/sip-parser';
import { DigestServer, parseDigestCredentials } from '@trunkline/transaction-layer';
import { describe, expect, it } from 'vitest';
import { Registration, RegistrationError, type RegistrationOptions, type RegistrationOutput } from '../../src/features/registration.js';
import { response } from './support/messages.js';

const S = 1000;
const BASE: RegistrationOptions = {
  registrar: 'sip:example.com',
  aor: 'sip:alice@example.com',
  contact: 'sip:alice@192.0.2.10:5060',
  retry: { baseMs: 1000, maxMs: 60_000 },
  random: () => 0.5,
};
const PASSWORD = 'secret-1';
const lookup = (username: string) => (username === 'alice' ? { password: PASSWORD } : undefined);

function sent(out: RegistrationOutput[]): SipRequest {
  const s = out.find((o) => o.type === 'send');
  if (s === undefined || s.type !== 'send') throw new Error(`no request sent: ${JSON.stringify(out.map((o) => o.type))}`);
  return s.request;
}

function types(out: RegistrationOutput[]): string[] {
  return out.map((o) => o.type);
}

function ok(req: SipRequest, headers: ReadonlyArray<readonly [string, string]> = [['Contact', `<${BASE.contact}>;expires=120`]]): SipResponse {
  return response(req, 200, headers);
}

describe('RFC 3261 §10.2.1: the REGISTER request', () => {
  it('Request-URI is the registrar; To and From the AOR (From tagged); Call-ID, CSeq, Contact, Expires; no Via (the endpoint adds it)', () => {
    const reg = new Registration({ ...BASE, callId: 'reg-1@test', fromTag: 'f1', headers: [['User-Agent', 'trunkline-test']] });
    const req = sent(reg.start(0));
    expect(req.method).toBe('REGISTER');
    expect(req.requestUri).toBe('sip:example.com');
    expect(req.headers.get('From')).toBe('<sip:alice@example.com>;tag=f1');
    expect(req.headers.get('To')).toBe('<sip:alice@example.com>');
    expect(req.callId).toBe('reg-1@test');
    expect(req.cseq).toEqual({ seq: 1, method: 'REGISTER' });
    expect(req.headers.get('Contact')).toBe('<sip:alice@192.0.2.10:5060>');
    expect(req.headers.get('Expires')).toBe('3600');
    expect(req.headers.get('User-Agent')).toBe('trunkline-test');
    expect(req.headers.has('Via')).toBe(false);
    expect(reg.state).toBe('registering');
    expect(reg.start(1)).toEqual([]); // idempotent
  });

  it('misuse is a TypeError naming the option', () => {
    expect(() => new Registration({ ...BASE, registrar: '' })).toThrow(/registrar/);
    expect(() => new Registration({ ...BASE, contact: 'not a uri' })).toThrow(/contact/);
    expect(() => new Registration({ ...BASE, expires: 0 })).toThrow(/expires/);
    expect(() => new Registration({ ...BASE, retry: { baseMs: 10, maxMs: 5 } })).toThrow(/maxMs/);
  });

  it('several registrations each have their own Call-ID and CSeq space', () => {
    const a = new Registration(BASE);
    const b = new Registration({ ...BASE, aor: 'sip:bob@example.com' });
    const ra = sent(a.start(0));
    const rb = sent(b.start(0));
    expect(ra.callId).not.toBe(rb.callId);
    expect(ra.cseq?.seq).toBe(1);
    expect(rb.cseq?.seq).toBe(1);
  });
});

describe('RFC 3261 §22.2: 401/407 answered with the DigestClient', () => {
  it('a SHA-256 challenge is answered in a new REGISTER (same Call-ID, CSeq + 1) the DigestServer accepts; refreshes pre-authenticate (nc counts up)', async () => {
    const server = new DigestServer({ realm: 'example.com', algorithms: ['SHA-256'] });
    const reg = new Registration({ ...BASE, credentials: { username: 'alice', password: PASSWORD } });
    const first = sent(reg.start(0));
    expect((await server.verify(first, lookup, 0)).status).toBe('bad');
    const challenge = response(first, 401, server.challenge(0).map((h) => [h.name, h.value] as const));
    const retry = sent(reg.receiveResponse(challenge, 10));
    expect(retry.callId).toBe(first.callId);
    expect(retry.cseq?.seq).toBe(2);
    expect(await server.verify(retry, lookup, 10)).toMatchObject({ status: 'ok', username: 'alice', algorithm: 'SHA-256' });
    expect(parseDigestCredentials(retry.headers.get('Authorization')!)!.nc).toBe('00000001');
    expect(types(reg.receiveResponse(ok(retry), 20))).toEqual(['registered']);
    const refresh = sent(reg.tick(reg.nextDeadline!));
    expect(refresh.cseq?.seq).toBe(3);
    expect(parseDigestCredentials(refresh.headers.get('Authorization')!)!.nc).toBe('00000002');
    expect(await server.verify(refresh, lookup, 30)).toMatchObject({ status: 'ok' });
  });

  it('a 407 gets Proxy-Authorization', () => {
    const proxy = new DigestServer({ realm: 'proxy.example.com', proxy: true });
    const reg = new Registration({ ...BASE, credentials: { username: 'alice', password: PASSWORD } });
    const first = sent(reg.start(0));
    const retry = sent(reg.receiveResponse(response(first, 407, proxy.challenge(0).map((h) => [h.name, h.value] as const)), 1));
    expect(retry.headers.has('Proxy-Authorization')).toBe(true);
    expect(retry.headers.has('Authorization')).toBe(false);
  });

  it.each([
    ['no credentials configured', undefined],
    ['a wrong password (challenged again)', { username: 'alice', password: 'wrong' }],
  ] as const)('%s → failed REGISTRATION_AUTH_FAILED, retried after the backoff', (_name, credentials) => {
    const server = new DigestServer({ realm: 'example.com' });
    const reg = new Registration(credentials === undefined ? BASE : { ...BASE, credentials });
    const challenge = (req: SipRequest): SipResponse => response(req, 401, server.challenge(0).map((h) => [h.name, h.value] as const));
    let out = reg.receiveResponse(challenge(sent(reg.start(0))), 1);
    if (credentials !== undefined) out = reg.receiveResponse(challenge(sent(out)), 2);
    const failed = out.find((o) => o.type === 'failed');
    expect(failed).toMatchObject({ type: 'failed', error: { code: 'REGISTRATION_AUTH_FAILED', status: 401 } });
    expect(reg.state).toBe('waiting');
  });
});

describe('RFC 3261 §10.2.4: the granted expiry and the refresh', () => {
  it.each([
    ['the Contact expires parameter of our binding', [['Contact', '<sip:other@192.0.2.99>;expires=999, <sip:alice@192.0.2.10:5060>;expires=120']], 120],
    ['the Expires header when our binding has no parameter', [['Contact', '<sip:alice@192.0.2.10:5060>'], ['Expires', '300']], 300],
    ['what we asked when the registrar says nothing', [], 3600],
  ] as const)('granted from %s', (_name, headers, granted) => {
    const reg = new Registration(BASE);
    const out = reg.receiveResponse(response(sent(reg.start(1000)), 200, headers), 1500);
    expect(out[0]).toMatchObject({ type: 'registered', expires: granted });
    expect(reg.boundUntil).toBe(1000 + granted * S); // counted from the send
  });

  it.each([
    // granted, refresh after (s): min(g/2, g − 30), never before g/3
    [3600, 1800],
    [120, 60],
    [50, 20],
    [20, 20 / 3],
  ])('granted %i s → refresh %d s after the REGISTER was sent, never at expiry', (granted, after) => {
    const reg = new Registration(BASE);
    reg.receiveResponse(response(sent(reg.start(0)), 200, [['Expires', String(granted)]]), 100);
    expect(reg.nextDeadline).toBeCloseTo(after * S, 6);
    expect(reg.tick(after * S - 1)).toEqual([]);
    const refresh = sent(reg.tick(after * S));
    expect(refresh.cseq?.seq).toBe(2);
    expect(refresh.callId).toBe(reg.callId);
    expect(reg.state).toBe('registered'); // the binding holds while the refresh is in flight
  });

  it('a 2xx granting our Contact 0 s binds nothing: failed REGISTRATION_NOT_BOUND', () => {
    const reg = new Registration(BASE);
    const out = reg.receiveResponse(response(sent(reg.start(0)), 200, [['Contact', `<${BASE.contact}>;expires=0`]]), 1);
    expect(out[0]).toMatchObject({ type: 'failed', error: { code: 'REGISTRATION_NOT_BOUND' } });
  });

  it('a response to an earlier REGISTER (CSeq mismatch) and provisional responses are ignored', () => {
    const reg = new Registration(BASE);
    const first = sent(reg.start(0));
    expect(reg.receiveResponse(response(first, 100), 1)).toEqual([]);
    const stale = response(first, 200);
    stale.headers.set('CSeq', '7 REGISTER');
    expect(reg.receiveResponse(stale, 1)).toEqual([]);
    expect(reg.state).toBe('registering');
  });
});

describe('RFC 3261 §10.2.8: 423 Interval Too Brief', () => {
  it('retried at once with the Min-Expires asked', () => {
    const reg = new Registration({ ...BASE, expires: 60 });
    const first = sent(reg.start(0));
    const retry = sent(reg.receiveResponse(response(first, 423, [['Min-Expires', '600']]), 1));
    expect(retry.headers.get('Expires')).toBe('600');
    expect(retry.cseq?.seq).toBe(2);
    expect(reg.expires).toBe(600);
  });

  it.each([
    ['no Min-Expires', []],
    ['a Min-Expires no larger than asked', [['Min-Expires', '30']]],
  ] as const)('a 423 with %s fails: REGISTRATION_INTERVAL_TOO_BRIEF', (_name, headers) => {
    const reg = new Registration({ ...BASE, expires: 60 });
    const out = reg.receiveResponse(response(sent(reg.start(0)), 423, headers), 1);
    expect(out[0]).toMatchObject({ type: 'failed', error: { code: 'REGISTRATION_INTERVAL_TOO_BRIEF', status: 423 } });
  });
});

describe('RFC 5626 §4.5: failures retried with exponential backoff and jitter', () => {
  it('W = min(max, base·2^n) for the n-th consecutive failure; the wait is drawn from [W/2, W]', () => {
    for (const [r, factor] of [
      [0, 0.5],
      [0.999_999, 1],
    ] as const) {
      const reg = new Registration({ ...BASE, random: () => r });
      let now = 0;
      const waits: number[] = [];
      let out = reg.start(now);
      for (let n = 1; n <= 8; n++) {
        const req = sent(out);
        const failed = reg.receiveResponse(response(req, 500), now).find((o) => o.type === 'failed');
        if (failed?.type !== 'failed' || failed.retryAt === null) throw new Error('expected a retry');
        waits.push(failed.retryAt - now);
        now = failed.retryAt;
        out = reg.tick(now);
      }
      const expected = [2, 4, 8, 16, 32, 60, 60, 60].map((s) => s * S * factor);
      waits.forEach((w, i) => expect(w).toBeCloseTo(expected[i]!, -1));
    }
  });

  it('a Retry-After longer than the backoff is honoured (§20.33)', () => {
    const reg = new Registration(BASE);
    const out = reg.receiveResponse(response(sent(reg.start(0)), 503, [['Retry-After', '45']]), 0);
    expect(out[0]).toMatchObject({ type: 'failed', retryAt: 45 * S, error: { code: 'REGISTRATION_REJECTED', status: 503 } });
  });

  it('a REGISTER without a final response (Timer F, transport) fails with REGISTRATION_TIMEOUT', () => {
    const reg = new Registration(BASE);
    reg.start(0);
    const [failed] = reg.requestFailed(32 * S, new Error('Timer F'));
    expect(failed).toMatchObject({ type: 'failed', error: { code: 'REGISTRATION_TIMEOUT', status: null } });
    expect((failed as { error: RegistrationError }).error.cause).toBeInstanceOf(Error);
  });

  it('a success resets the failure count; a binding whose refreshes keep failing lapses: unregistered (expired)', () => {
    const reg = new Registration(BASE);
    reg.receiveResponse(ok(sent(reg.start(0)), [['Expires', '60']]), 0);
    expect(reg.failures).toBe(0);
    let now = reg.nextDeadline!;
    const seen: string[] = [];
    for (let i = 0; i < 6 && now < 120 * S; i++) {
      const out = reg.tick(now);
      seen.push(...types(out));
      const req = out.find((o) => o.type === 'send');
      if (req?.type === 'send') seen.push(...types(reg.requestFailed(now)));
      now = reg.nextDeadline!;
    }
    expect(seen).toContain('unregistered');
    expect(reg.registered).toBe(false);
    expect(seen.indexOf('unregistered')).toBeGreaterThan(seen.indexOf('failed'));
  });
});

describe('RFC 3261 §10.2.2: close() removes the binding', () => {
  it('Expires: 0 and Contact ;expires=0, then unregistered (closed) and closed', () => {
    const reg = new Registration(BASE);
    reg.receiveResponse(ok(sent(reg.start(0))), 1);
    const removal = sent(reg.close(2));
    expect(removal.headers.get('Expires')).toBe('0');
    expect(removal.headers.get('Contact')).toBe(`<${BASE.contact}>;expires=0`);
    expect(removal.cseq?.seq).toBe(2);
    expect(types(reg.receiveResponse(ok(removal, []), 3))).toEqual(['unregistered', 'closed']);
    expect(reg.state).toBe('closed');
    expect(reg.nextDeadline).toBeNull();
    expect(reg.close(4)).toEqual([]);
  });

  it('waits for the REGISTER in flight (one at a time, §10.2), then removes what it bound', () => {
    const reg = new Registration(BASE);
    const first = sent(reg.start(0));
    expect(reg.close(1)).toEqual([]);
    const out = reg.receiveResponse(ok(first), 2);
    expect(types(out)).toEqual(['registered', 'send']);
    expect(sent(out).headers.get('Expires')).toBe('0');
  });

  it('nothing bound: closed at once, no REGISTER', () => {
    const reg = new Registration(BASE);
    expect(types(reg.close(0))).toEqual(['closed']);
  });

  it('a removal that times out still closes', () => {
    const reg = new Registration(BASE);
    reg.receiveResponse(ok(sent(reg.start(0))), 1);
    reg.close(2);
    expect(types(reg.requestFailed(40 * S))).toEqual(['failed', 'closed']);
  });
});
