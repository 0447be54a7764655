import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { DigestAlgorithm } from '../src/auth/digest-algorithm.js';
import { parseDigestChallenge } from '../src/auth/digest-challenge.js';
import { DigestClient, answerChallenge, setAuthorization } from '../src/auth/digest-client.js';
import { parseDigestCredentials, formatDigestCredentials } from '../src/auth/digest-credentials.js';
import { computeHA1, computeUserhash } from '../src/auth/digest-response.js';
import { createNonce, verifyNonce } from '../src/auth/digest-nonce.js';
import { DigestServer, type DigestPasswordLookup } from '../src/auth/digest-server.js';
import { NonceCountTracker } from '../src/auth/nonce-count-tracker.js';
import { challengeResponse, counterBytes, request } from './auth-helpers.js';

const SECRET = 'test-secret-0123456789';
const REALM = 'voice.example.com';
const users: Record<string, string> = { agent: 's3cr3t-pa55', alice: 'wonderland' };
const lookup: DigestPasswordLookup = (username) => (username in users ? { password: users[username]! } : undefined);
const T0 = 1_700_000_000_000;

function server(extra: Partial<ConstructorParameters<typeof DigestServer>[0]> = {}): DigestServer {
  return new DigestServer({ realm: REALM, secret: SECRET, randomBytes: counterBytes(), ...extra });
}

/** A REGISTER challenged by `srv` at `now` and answered by `client`. */
function answered(srv: DigestServer, client: DigestClient, now: number, cseq = 1) {
  const r1 = request('REGISTER', 'sip:voice.example.com', cseq);
  const res = challengeResponse(r1, srv.status, srv.challenge(now).map((h) => [h.name, h.value] as const));
  const r2 = request('REGISTER', 'sip:voice.example.com', cseq + 1);
  setAuthorization(r2, client.handleChallenge(res, r1));
  return r2;
}

describe('RFC 3261 §22.1 challenges', () => {
  it('RFC 8760 §2.3: one challenge per offered algorithm, preferred first, one nonce', () => {
    const headers = server({ algorithms: ['SHA-512-256', 'SHA-256', 'MD5'] }).challenge(T0);
    expect(headers.map((h) => h.name)).toEqual(['WWW-Authenticate', 'WWW-Authenticate', 'WWW-Authenticate']);
    const parsed = headers.map((h) => parseDigestChallenge(h.value)!);
    expect(parsed.map((c) => c.algorithm)).toEqual(['SHA-512-256', 'SHA-256', 'MD5']);
    expect(new Set(parsed.map((c) => c.nonce)).size).toBe(1);
    expect(parsed[0]).toMatchObject({ realm: REALM, qop: ['auth'], stale: false });
    expect(headers[0]!.value).toMatch(/^Digest realm="voice\.example\.com", nonce="[A-Za-z0-9_-]+", opaque="[0-9a-f]+", algorithm=SHA-512-256, qop="auth"$/);
  });

  it('RFC 3261 §22.3: a proxy challenges with 407 / Proxy-Authenticate; stale=true when asked', () => {
    const p = server({ proxy: true });
    expect(p.status).toBe(407);
    const [h] = p.challenge(T0, { stale: true });
    expect(h?.name).toBe('Proxy-Authenticate');
    expect(parseDigestChallenge(h!.value)!.stale).toBe(true);
  });

  it('RFC 7616 §3.3: nonces are HMAC-signed timestamps: verifiable, tamper-evident, bound to the realm', () => {
    const key = new TextEncoder().encode(SECRET);
    const n = createNonce(key, REALM, T0, new Uint8Array(8).fill(7));
    expect(verifyNonce(key, REALM, n)).toBe(T0);
    expect(verifyNonce(key, 'other.realm', n)).toBeNull();
    expect(verifyNonce(new TextEncoder().encode('other'), REALM, n)).toBeNull();
    const flipped = (n[5] === 'A' ? 'B' : 'A');
    expect(verifyNonce(key, REALM, n.slice(0, 5) + flipped + n.slice(6))).toBeNull();
    expect(verifyNonce(key, REALM, 'short')).toBeNull();
  });
});

describe('RFC 3261 §22.4 verification', () => {
  it('RFC 3261 §22.4: client ↔ server round trip succeeds for every algorithm, qop and method (property)', async () => {
    const algorithm = fc.constantFrom<DigestAlgorithm>('MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess', 'SHA-512-256', 'SHA-512-256-sess');
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          algorithm,
          qop: fc.constantFrom<'auth' | 'auth-int'>('auth', 'auth-int'),
          username: fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/["\\\r\n]/.test(s)),
          password: fc.string({ maxLength: 20 }),
          method: fc.constantFrom('REGISTER', 'INVITE', 'BYE', 'OPTIONS', 'MESSAGE'),
          user: fc.stringMatching(/^[a-z0-9]{1,8}$/),
          body: fc.string({ maxLength: 40 }),
          userhash: fc.boolean(),
          requests: fc.integer({ min: 1, max: 4 }),
        }),
        async (c) => {
          const srv = server({ algorithms: [c.algorithm], qop: [c.qop], userhash: c.userhash });
          const byHash = new Map([[computeUserhash(c.algorithm, c.username, REALM), c.username]]);
          const look: DigestPasswordLookup = (name, _realm, hashed) => {
            const plain = hashed ? byHash.get(name) : name;
            return plain === c.username ? { password: c.password, username: plain } : undefined;
          };
          const client = new DigestClient({ username: c.username, password: c.password }, { preferAuthInt: true });
          const uri = `sip:${c.user}@voice.example.com`;
          const r1 = request(c.method, uri, 1, c.body);
          const res = challengeResponse(r1, 401, srv.challenge(T0).map((h) => [h.name, h.value] as const));
          const r2 = request(c.method, uri, 2, c.body);
          setAuthorization(r2, client.handleChallenge(res, r1));
          expect(await srv.verify(r2, look, T0 + 1000)).toMatchObject({ status: 'ok', username: c.username, algorithm: c.algorithm, qop: c.qop });
          // Pre-authenticated follow-ups (nc 2, 3, ...) pass too.
          for (let i = 0; i < c.requests; i++) {
            const rn = request(c.method, uri, 3 + i, c.body);
            setAuthorization(rn, client.authorize(rn));
            expect((await srv.verify(rn, look, T0 + 2000)).status).toBe('ok');
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('RFC 3261 §22.4: a wrong password is rejected (WRONG_RESPONSE)', async () => {
    const srv = server();
    const r = answered(srv, new DigestClient({ username: 'agent', password: 'guess' }), T0);
    expect(await srv.verify(r, lookup, T0 + 10)).toEqual({ status: 'bad', reason: 'WRONG_RESPONSE' });
  });

  it('RFC 3261 §22.4: an unknown user, a foreign nonce, a wrong opaque and another URI are rejected', async () => {
    const srv = server();
    const good = answered(srv, new DigestClient({ username: 'agent', password: users.agent! }), T0);
    const c = parseDigestCredentials(good.headers.get('Authorization')!)!;
    const variant = async (patch: Partial<typeof c>, uri = 'sip:voice.example.com') => {
      const r = request('REGISTER', uri, 9);
      r.headers.set('Authorization', formatDigestCredentials({ ...c, ...patch }));
      return srv.verify(r, lookup, T0 + 10);
    };
    expect(await variant({ username: 'mallory' })).toEqual({ status: 'bad', reason: 'UNKNOWN_USER' });
    expect(await variant({ nonce: 'forged-nonce' })).toEqual({ status: 'bad', reason: 'UNKNOWN_NONCE' });
    expect(await variant({ opaque: 'nope' })).toEqual({ status: 'bad', reason: 'OPAQUE_MISMATCH' });
    expect(await variant({}, 'sip:elsewhere.example.com')).toEqual({ status: 'bad', reason: 'URI_MISMATCH' });
    expect(await variant({ nc: 'zz' })).toEqual({ status: 'bad', reason: 'BAD_NONCE_COUNT' });
    expect(await variant({ qop: null, nc: null, cnonce: null })).toEqual({ status: 'bad', reason: 'QOP_REQUIRED' });
    expect(await variant({ algorithm: 'SHA-512-256' })).toEqual({ status: 'bad', reason: 'UNSUPPORTED_ALGORITHM' });
  });

  it('RFC 3261 §22.1: no credentials, another realm, or malformed credentials never throw', async () => {
    const srv = server();
    const none = request('REGISTER', 'sip:voice.example.com');
    expect(await srv.verify(none, lookup, T0)).toEqual({ status: 'bad', reason: 'NO_CREDENTIALS' });
    none.headers.set('Authorization', 'Digest username="a", realm="other", nonce="n", uri="sip:x", response="r"');
    expect(await srv.verify(none, lookup, T0)).toEqual({ status: 'bad', reason: 'NO_CREDENTIALS' });
    none.headers.set('Authorization', 'Digest username="a", realm="voice.example.com"');
    expect(await srv.verify(none, lookup, T0)).toEqual({ status: 'bad', reason: 'MALFORMED' });
    none.headers.set('Authorization', 'Digest ,,,"');
    expect(await srv.verify(none, lookup, T0)).toEqual({ status: 'bad', reason: 'MALFORMED' });
  });

  it('RFC 7616 §3.3: an expired nonce with a right response is stale; the client retries without new credentials', async () => {
    const srv = server({ nonceTtlMs: 60_000 });
    const client = new DigestClient({ username: 'agent', password: users.agent! });
    const r2 = answered(srv, client, T0);
    const later = T0 + 61_000;
    const v = await srv.verify(r2, lookup, later);
    expect(v).toEqual({ status: 'stale', reason: 'EXPIRED' });
    const res = challengeResponse(r2, 401, srv.challenge(later, { stale: v.status === 'stale' }).map((h) => [h.name, h.value] as const));
    const r3 = request('REGISTER', 'sip:voice.example.com', 3);
    setAuthorization(r3, client.handleChallenge(res, r2));
    expect(await srv.verify(r3, lookup, later + 5)).toMatchObject({ status: 'ok', username: 'agent' });
  });

  it('RFC 7616 §3.4: a replayed nonce count is refused (stale, so only a fresh nonce is earned); out-of-order within the window is fine', async () => {
    const srv = server({ nonceCountWindow: 4 });
    const client = new DigestClient({ username: 'agent', password: users.agent! });
    const r1 = answered(srv, client, T0); // nc=1
    const pre = [2, 3, 4, 5, 6].map((i) => {
      const r = request('REGISTER', 'sip:voice.example.com', 10 + i);
      setAuthorization(r, client.authorize(r));
      return r;
    }); // nc 2..6
    expect((await srv.verify(r1, lookup, T0 + 1)).status).toBe('ok');
    expect(await srv.verify(r1, lookup, T0 + 2)).toEqual({ status: 'stale', reason: 'NONCE_COUNT_REUSED' });
    expect((await srv.verify(pre[4]!, lookup, T0 + 3)).status).toBe('ok'); // nc 6
    expect((await srv.verify(pre[2]!, lookup, T0 + 4)).status).toBe('ok'); // nc 4, late but in window
    expect((await srv.verify(pre[0]!, lookup, T0 + 5)).status).toBe('stale'); // nc 2, out of the window
  });

  it('RFC 7616 §5.5: nonce tracking memory is bounded; an evicted nonce is answered stale, not trusted', async () => {
    const srv = server({ maxTrackedNonces: 2 });
    const clients = [0, 1, 2].map(() => new DigestClient({ username: 'agent', password: users.agent! }));
    const reqs = clients.map((c, i) => answered(srv, c, T0 + i * 10));
    for (const [i, r] of reqs.entries()) expect((await srv.verify(r, lookup, T0 + 100 + i)).status).toBe('ok');
    const again = request('REGISTER', 'sip:voice.example.com', 50);
    setAuthorization(again, clients[0]!.authorize(again));
    expect(await srv.verify(again, lookup, T0 + 200)).toEqual({ status: 'stale', reason: 'NONCE_STATE_EVICTED' });
  });

  it('RFC 7616 §3.4.2: a server may store H(A1) instead of passwords; RFC 2069 answers only when allowed', async () => {
    const srv = server({ algorithms: ['SHA-256'] });
    const ha1Lookup: DigestPasswordLookup = (u) => (u === 'agent' ? { ha1: { 'SHA-256': computeHA1('SHA-256', 'agent', REALM, users.agent!) } } : undefined);
    const r = answered(srv, new DigestClient({ username: 'agent', password: users.agent! }), T0);
    expect((await srv.verify(r, ha1Lookup, T0 + 1)).status).toBe('ok');

    const legacy = server({ qop: [], allowNoQop: true, algorithms: ['MD5'] });
    const r1 = request('REGISTER', 'sip:voice.example.com', 1);
    const res = challengeResponse(r1, 401, legacy.challenge(T0).map((h) => [h.name, h.value] as const));
    const r2 = request('REGISTER', 'sip:voice.example.com', 2);
    setAuthorization(r2, answerChallenge(res, r1, { username: 'alice', password: users.alice! }));
    expect(parseDigestCredentials(r2.headers.get('Authorization')!)!.qop).toBeNull();
    expect((await legacy.verify(r2, lookup, T0 + 1)).status).toBe('ok');
    expect(() => server({ qop: [] })).toThrow(TypeError);
  });

  it('RFC 7616 §3.3: server options are validated once: TypeError for misuse', () => {
    expect(() => new DigestServer({ realm: '' })).toThrow(TypeError);
    expect(() => server({ algorithms: [] })).toThrow(TypeError);
    expect(() => server({ nonceTtlMs: 0 })).toThrow(TypeError);
    expect(() => server({ nonceCountWindow: 65 })).toThrow(TypeError);
  });
});

describe('RFC 7616 §3.4 NonceCountTracker', () => {
  it('RFC 7616 §3.4: each count once per nonce; window slides; size bounded', () => {
    const t = new NonceCountTracker(2, 8);
    expect(t.check('a', 1, 1)).toBe('ok');
    expect(t.check('a', 1, 1)).toBe('replay');
    expect(t.check('a', 1, 100)).toBe('ok');
    expect(t.check('a', 1, 95)).toBe('ok');
    expect(t.check('a', 1, 95)).toBe('replay');
    expect(t.check('a', 1, 92)).toBe('too-old');
    expect(t.check('b', 2, 1)).toBe('ok');
    expect(t.check('c', 3, 1)).toBe('ok');
    expect(t.size).toBe(2);
    expect(t.check('a', 1, 101)).toBe('evicted');
    expect(t.check('d', 4, 1)).toBe('ok');
  });

  it('RFC 7616 §3.4: no count is ever accepted twice (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 80 }), { maxLength: 200 }), (counts) => {
        const t = new NonceCountTracker(4, 32);
        const accepted = new Set<number>();
        for (const nc of counts) {
          if (t.check('n', 1, nc) === 'ok') {
            expect(accepted.has(nc)).toBe(false);
            accepted.add(nc);
          }
        }
      }),
    );
  });
});
