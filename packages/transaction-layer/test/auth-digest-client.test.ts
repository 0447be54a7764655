import { describe, expect, it, vi } from 'vitest';
import { DigestAuthError } from '../src/auth/digest-auth-error.js';
import { DigestClient, answerChallenge, setAuthorization } from '../src/auth/digest-client.js';
import { parseDigestCredentials } from '../src/auth/digest-credentials.js';
import { computeUserhash } from '../src/auth/digest-response.js';
import { challengeResponse, corpus401, corpusRegister, counterBytes, request } from './auth-helpers.js';

const agent = { username: 'agent', password: 's3cr3t-pa55' };
const cred = (h: { value: string }) => parseDigestCredentials(h.value)!;

describe('RFC 3261 §22.2 answering challenges', () => {
  it('RFC 3261 §22.2: answering the corpus 401 reproduces the corpus Authorization header exactly', () => {
    const register = corpusRegister();
    const expected = register.headers.get('Authorization');
    register.headers.remove('Authorization');
    const headers = answerChallenge(corpus401(), register, agent, {
      cnonceBytes: 4,
      randomBytes: () => Uint8Array.of(0x0a, 0x4f, 0x11, 0x3b),
    });
    expect(headers).toEqual([{ name: 'Authorization', realm: 'voice.example.com', value: expected }]);
  });

  it('RFC 3261 §22.3: a 407 Proxy-Authenticate is answered with Proxy-Authorization', () => {
    const req = request('INVITE', 'sip:bob@biloxi.example.com');
    const res = challengeResponse(req, 407, [['Proxy-Authenticate', 'Digest realm="atlanta.example.com", nonce="abc", qop="auth"']]);
    const [h] = answerChallenge(res, req, { username: 'alice', password: 'pw' });
    expect(h?.name).toBe('Proxy-Authorization');
    expect(cred(h!)).toMatchObject({ realm: 'atlanta.example.com', uri: 'sip:bob@biloxi.example.com', algorithm: 'MD5', nc: '00000001' });
  });

  it('RFC 8760 §2.4/§3: of several challenges for one realm the strongest algorithm is answered (downgrade-safe local policy)', () => {
    const req = request('REGISTER', 'sip:example.com');
    const res = challengeResponse(req, 401, [
      ['WWW-Authenticate', 'Digest realm="example.com", nonce="n", algorithm=MD5, qop="auth"'],
      ['WWW-Authenticate', 'Digest realm="example.com", nonce="n", algorithm=SHA-512-256, qop="auth"'],
      ['WWW-Authenticate', 'Digest realm="example.com", nonce="n", algorithm=SHA-256, qop="auth"'],
    ]);
    const headers = answerChallenge(res, req, { username: 'u', password: 'p' });
    expect(headers).toHaveLength(1);
    expect(cred(headers[0]!).algorithm).toBe('SHA-512-256');
    const sha256Only = answerChallenge(res, req, { username: 'u', password: 'p' }, { algorithms: ['SHA-256', 'MD5'] });
    expect(cred(sha256Only[0]!).algorithm).toBe('SHA-256');
    // RFC 8760 §2.4's default rule, on request: the topmost supported challenge.
    const topmost = answerChallenge(res, req, { username: 'u', password: 'p' }, { algorithmChoice: 'topmost' });
    expect(cred(topmost[0]!).algorithm).toBe('MD5');
  });

  it('RFC 3261 §22.3: one answer per challenged realm; both header kinds in one (forked) response', () => {
    const req = request('INVITE', 'sip:bob@biloxi.example.com');
    const res = challengeResponse(req, 407, [
      ['Proxy-Authenticate', 'Digest realm="proxy.example.com", nonce="p1", qop="auth"'],
      ['WWW-Authenticate', 'Digest realm="biloxi.example.com", nonce="b1", qop="auth", algorithm=SHA-256'],
    ]);
    const lookup = vi.fn((realm: string) => ({ username: realm.split('.')[0]!, password: 'pw' }));
    const headers = answerChallenge(res, req, lookup);
    expect(headers.map((h) => [h.name, h.realm])).toEqual([
      ['Proxy-Authorization', 'proxy.example.com'],
      ['Authorization', 'biloxi.example.com'],
    ]);
    expect(lookup.mock.calls.map((c) => c[0])).toEqual(['proxy.example.com', 'biloxi.example.com']);
    expect(cred(headers[1]!).username).toBe('biloxi');
  });

  it('RFC 7616 §3.3: unknown algorithms, other schemes and malformed challenges are skipped; none usable is a typed error', () => {
    const req = request('REGISTER', 'sip:example.com');
    const mixed = challengeResponse(req, 401, [
      ['WWW-Authenticate', 'Digest realm="example.com", nonce="n", algorithm=SHA-1'],
      ['WWW-Authenticate', 'Basic realm="example.com"'],
      ['WWW-Authenticate', 'Digest realm="example.com" nonce="x"'],
      ['WWW-Authenticate', 'Digest realm="example.com", nonce="n"'],
    ]);
    expect(cred(answerChallenge(mixed, req, agent)[0]!)).toMatchObject({ algorithm: 'MD5', qop: null, nc: null, cnonce: null });
    const none = challengeResponse(req, 401, [['WWW-Authenticate', 'Digest realm="example.com", nonce="n", algorithm=SHA-1']]);
    const err = (() => {
      try {
        answerChallenge(none, req, agent);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(DigestAuthError);
    expect(err).toMatchObject({ code: 'NO_USABLE_CHALLENGE' });
    expect(() => answerChallenge(challengeResponse(req, 401, []), req, agent)).toThrow(expect.objectContaining({ code: 'NO_USABLE_CHALLENGE' }));
  });

  it('RFC 3261 §22.2: no credentials for the realm is NO_CREDENTIALS', () => {
    const req = request('REGISTER', 'sip:example.com');
    const res = challengeResponse(req, 401, [['WWW-Authenticate', 'Digest realm="example.com", nonce="n"']]);
    expect(() => answerChallenge(res, req, () => undefined)).toThrow(expect.objectContaining({ code: 'DIGEST_NO_CREDENTIALS' }));
    expect(() => answerChallenge(res, req, { ...agent, realm: 'other.com' })).toThrow(expect.objectContaining({ code: 'DIGEST_NO_CREDENTIALS' }));
  });

  it('RFC 7616 §3.4.4: userhash is sent when the server offers it', () => {
    const req = request('REGISTER', 'sip:example.com');
    const res = challengeResponse(req, 401, [['WWW-Authenticate', 'Digest realm="example.com", nonce="n", algorithm=SHA-256, qop="auth", userhash=true']]);
    const c = cred(answerChallenge(res, req, agent)[0]!);
    expect(c.userhash).toBe(true);
    expect(c.username).toBe(computeUserhash('SHA-256', 'agent', 'example.com'));
    expect(cred(answerChallenge(res, req, agent, { userhash: false })[0]!)).toMatchObject({ userhash: false, username: 'agent' });
  });

  it('RFC 7616 §3.3: qop=auth is preferred; auth-int on request or when it is the only offer', () => {
    const req = request('INVITE', 'sip:bob@biloxi.example.com', 1, 'v=0\r\n');
    const both = challengeResponse(req, 401, [['WWW-Authenticate', 'Digest realm="r", nonce="n", qop="auth,auth-int"']]);
    expect(cred(answerChallenge(both, req, agent)[0]!).qop).toBe('auth');
    expect(cred(answerChallenge(both, req, agent, { preferAuthInt: true })[0]!).qop).toBe('auth-int');
    const intOnly = challengeResponse(req, 401, [['WWW-Authenticate', 'Digest realm="r", nonce="n", qop="auth-int"']]);
    expect(cred(answerChallenge(intOnly, req, agent)[0]!).qop).toBe('auth-int');
  });

  it('RFC 3261 §22.2: API misuse is a TypeError', () => {
    const req = request('REGISTER', 'sip:example.com');
    expect(() => answerChallenge(req as never, req, agent)).toThrow(TypeError);
    expect(() => new DigestClient({ username: 'x' } as never)).toThrow(TypeError);
  });
});

describe('RFC 3261 §22 DigestClient state', () => {
  const challenge = (req: ReturnType<typeof request>, nonce: string, extra = '') =>
    challengeResponse(req, 401, [['WWW-Authenticate', `Digest realm="example.com", nonce="${nonce}", qop="auth", algorithm=SHA-256${extra}`]]);

  it('RFC 7616 §3.4: pre-authentication reuses the nonce and counts nc up; cnonce stays', () => {
    const client = new DigestClient(agent, { randomBytes: counterBytes() });
    const r1 = request('REGISTER', 'sip:example.com', 1);
    const first = client.handleChallenge(challenge(r1, 'N1'), r1);
    expect(cred(first[0]!).nc).toBe('00000001');
    const r2 = request('REGISTER', 'sip:example.com', 3);
    const r3 = request('OPTIONS', 'sip:example.com', 4);
    const second = cred(client.authorize(r2)[0]!);
    const third = cred(client.authorize(r3)[0]!);
    expect([second.nc, third.nc]).toEqual(['00000002', '00000003']);
    expect(second.cnonce).toBe(cred(first[0]!).cnonce);
    expect(second.nonce).toBe('N1');
    expect(client.realms).toEqual(['example.com']);
  });

  it('RFC 7616 §3.3: stale=true retries with the new nonce without asking for credentials again', () => {
    const lookup = vi.fn(() => agent);
    const client = new DigestClient(lookup);
    const r1 = request('REGISTER', 'sip:example.com', 1);
    const r2 = request('REGISTER', 'sip:example.com', 2);
    setAuthorization(r2, client.handleChallenge(challenge(r1, 'N1'), r1));
    const again = client.handleChallenge(challenge(r2, 'N2', ', stale=true'), r2);
    expect(lookup).toHaveBeenCalledTimes(1);
    expect(cred(again[0]!)).toMatchObject({ nonce: 'N2', nc: '00000001' });
  });

  it('RFC 3261 §22.2: a second 401 for the same nonce without stale gives up: AUTH_REJECTED', () => {
    const client = new DigestClient(agent);
    const r1 = request('REGISTER', 'sip:example.com', 1);
    const r2 = request('REGISTER', 'sip:example.com', 2);
    setAuthorization(r2, client.handleChallenge(challenge(r1, 'N1'), r1));
    expect(() => client.handleChallenge(challenge(r2, 'N1'), r2)).toThrow(expect.objectContaining({ code: 'DIGEST_AUTH_REJECTED', realm: 'example.com' }));
    // The realm's cache is dropped: nothing to pre-authenticate with.
    expect(client.authorize(request('REGISTER', 'sip:example.com', 3))).toEqual([]);
  });

  it('RFC 3261 §22.2: a fresh nonce rejecting our first answer (nc=1) is also AUTH_REJECTED', () => {
    const client = new DigestClient(agent);
    const r1 = request('REGISTER', 'sip:example.com', 1);
    const r2 = request('REGISTER', 'sip:example.com', 2);
    setAuthorization(r2, client.handleChallenge(challenge(r1, 'N1'), r1));
    expect(() => client.handleChallenge(challenge(r2, 'N9'), r2)).toThrow(expect.objectContaining({ code: 'DIGEST_AUTH_REJECTED' }));
  });

  it('RFC 7616 §3.4: a pre-authenticated request (nc>1) challenged with a new nonce is answered afresh', () => {
    const client = new DigestClient(agent);
    const r1 = request('REGISTER', 'sip:example.com', 1);
    client.handleChallenge(challenge(r1, 'N1'), r1);
    const r3 = request('REGISTER', 'sip:example.com', 3);
    setAuthorization(r3, client.authorize(r3));
    expect(cred(client.handleChallenge(challenge(r3, 'N2'), r3)[0]!)).toMatchObject({ nonce: 'N2', nc: '00000001' });
  });

  it('RFC 3261 §22.2: setAuthorization replaces earlier credentials; forget() drops the cache', () => {
    const client = new DigestClient(agent);
    const r1 = request('REGISTER', 'sip:example.com', 1);
    const r2 = request('REGISTER', 'sip:example.com', 2);
    setAuthorization(r2, [{ name: 'Authorization', realm: 'x', value: 'Digest username="old"' }]);
    setAuthorization(r2, client.handleChallenge(challenge(r1, 'N1'), r1));
    expect(r2.headers.getAll('Authorization')).toHaveLength(1);
    client.forget('example.com');
    expect(client.realms).toEqual([]);
  });
});
