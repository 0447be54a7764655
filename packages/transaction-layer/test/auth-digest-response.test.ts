import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseMessage, type SipRequest } from '@trunkline/sip-parser';
import { computeDigest, computeHA1, computeUserhash, formatNonceCount, parseNonceCount } from '../src/auth/digest-response.js';
import { digestHash, parseDigestAlgorithm, algorithmStrength } from '../src/auth/digest-algorithm.js';
import { formatDigestCredentials, parseDigestCredentials } from '../src/auth/digest-credentials.js';

const CORPUS = '/work/shared/bench-corpus';
const corpus = JSON.parse(readFileSync(`${CORPUS}/index.json`, 'utf8')) as {
  digest: Record<'username' | 'password' | 'realm' | 'nonce' | 'uri' | 'cnonce' | 'nc' | 'qop' | 'method' | 'ha1' | 'ha2' | 'response', string>;
};

describe('RFC 3261 §22.4 digest computation', () => {
  it('RFC 3261 §22.4: the bench-corpus REGISTER example (MD5, qop=auth) gives its HA1, HA2 and response', () => {
    const d = corpus.digest;
    const out = computeDigest({
      algorithm: 'MD5',
      username: d.username,
      realm: d.realm,
      secret: { password: d.password },
      nonce: d.nonce,
      method: d.method,
      uri: d.uri,
      qop: 'auth',
      nc: d.nc,
      cnonce: d.cnonce,
    });
    expect(out).toEqual({ ha1: d.ha1, ha2: d.ha2, response: d.response });
  });

  it('RFC 3261 §22.4: the Authorization header of 08-register-auth.sip verifies and re-formats byte for byte', () => {
    const msg = parseMessage(readFileSync(`${CORPUS}/08-register-auth.sip`)) as SipRequest;
    const header = msg.headers.get('Authorization')!;
    const c = parseDigestCredentials(header)!;
    expect(c).toMatchObject({ username: 'agent', realm: 'voice.example.com', algorithm: 'MD5', qop: 'auth', nc: '00000001' });
    const expected = computeDigest({
      algorithm: c.algorithm,
      username: c.username,
      realm: c.realm,
      secret: { password: corpus.digest.password },
      nonce: c.nonce,
      method: msg.method,
      uri: msg.requestUri,
      qop: c.qop,
      nc: c.nc!,
      cnonce: c.cnonce!,
    });
    expect(expected.response).toBe(c.response);
    expect(formatDigestCredentials(c)).toBe(header);
  });

  it('RFC 7616 §3.9.1: MD5 and SHA-256 responses for Mufasa / "Circle of Life"', () => {
    const base = {
      username: 'Mufasa',
      realm: 'http-auth@example.org',
      secret: { password: 'Circle of Life' },
      nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
      method: 'GET',
      uri: '/dir/index.html',
      qop: 'auth' as const,
      nc: '00000001',
      cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
    };
    expect(computeDigest({ ...base, algorithm: 'MD5' }).response).toBe('8ca523f5e9506fed4657c9700eebdbec');
    expect(computeDigest({ ...base, algorithm: 'SHA-256' }).response).toBe(
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    );
  });

  it('RFC 7616 §3.9.2: SHA-512-256 with the example inputs (the RFC\'s printed values are a known erratum)', () => {
    // The RFC prints response ae66e67d... and userhash 488869477b..., which do
    // not hash from its own inputs; implementations agree on these instead.
    const out = computeDigest({
      algorithm: 'SHA-512-256',
      username: 'J\u00e4s\u00f8n Doe',
      realm: 'api@example.org',
      secret: { password: 'Secret, or not?' },
      nonce: '5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK',
      method: 'GET',
      uri: '/doe.json',
      qop: 'auth',
      nc: '00000001',
      cnonce: 'NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v',
    });
    expect(out.response).toBe('3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5');
    expect(computeUserhash('SHA-512-256', 'J\u00e4s\u00f8n Doe', 'api@example.org')).toBe(
      digestHash('SHA-512-256', 'J\u00e4s\u00f8n Doe:api@example.org'),
    );
  });

  it('RFC 2617 §3.5: MD5, qop=auth, Mufasa / "Circle Of Life" at testrealm@host.com', () => {
    const out = computeDigest({
      algorithm: 'MD5',
      username: 'Mufasa',
      realm: 'testrealm@host.com',
      secret: { password: 'Circle Of Life' },
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      method: 'GET',
      uri: '/dir/index.html',
      qop: 'auth',
      nc: '00000001',
      cnonce: '0a4f113b',
    });
    expect(out.response).toBe('6629fae49393a05397450978507c4ef1');
  });

  it('RFC 2069 §2.4: no qop: response = KD(H(A1), nonce ":" H(A2)) — the example as corrected by erratum 749', () => {
    const input = {
      algorithm: 'MD5' as const,
      username: 'Mufasa',
      realm: 'testrealm@host.com',
      secret: { password: 'CircleOfLife' },
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      method: 'GET',
      uri: '/dir/index.html',
      qop: null,
    };
    const ha1 = computeHA1('MD5', 'Mufasa', 'testrealm@host.com', 'CircleOfLife');
    const ha2 = digestHash('MD5', 'GET:/dir/index.html');
    const out = computeDigest(input);
    expect(out.response).toBe(digestHash('MD5', `${ha1}:dcd98b7102dd2f0e8b11d0f600bfb0c093:${ha2}`));
    expect(out.response).toBe('1949323746fe6a43ef61f9606e7febea');
  });

  it.each([
    ['MD5-sess', 'MD5'],
    ['SHA-256-sess', 'SHA-256'],
    ['SHA-512-256-sess', 'SHA-512-256'],
  ] as const)('RFC 7616 §3.4.2: %s: A1 = H(user:realm:pass) ":" nonce ":" cnonce', (algorithm, hash) => {
    const base = computeHA1(hash, 'alice', 'atlanta.com', 'pw');
    const out = computeDigest({
      algorithm,
      username: 'alice',
      realm: 'atlanta.com',
      secret: { password: 'pw' },
      nonce: 'n1',
      method: 'INVITE',
      uri: 'sip:bob@biloxi.com',
      qop: 'auth',
      nc: '00000001',
      cnonce: 'c1',
    });
    expect(out.ha1).toBe(digestHash(hash, `${base}:n1:c1`));
    expect(out.response).toBe(digestHash(hash, `${out.ha1}:n1:00000001:c1:auth:${digestHash(hash, 'INVITE:sip:bob@biloxi.com')}`));
    // A stored H(A1) gives the same answer as the password.
    expect(computeDigest({ algorithm, username: 'alice', realm: 'atlanta.com', secret: { ha1: base }, nonce: 'n1', method: 'INVITE', uri: 'sip:bob@biloxi.com', qop: 'auth', nc: '00000001', cnonce: 'c1' }).response).toBe(out.response);
  });

  it('RFC 7616 §3.4.3 / RFC 3261 §22.4: auth-int hashes the body into A2 (empty body = H(""))', () => {
    const body = new TextEncoder().encode('v=0\r\n');
    const common = { algorithm: 'SHA-256' as const, username: 'u', realm: 'r', secret: { password: 'p' }, nonce: 'n', method: 'INVITE', uri: 'sip:x@y', qop: 'auth-int' as const, nc: '00000001', cnonce: 'c' };
    expect(computeDigest({ ...common, body }).ha2).toBe(digestHash('SHA-256', `INVITE:sip:x@y:${digestHash('SHA-256', body)}`));
    expect(computeDigest(common).ha2).toBe(digestHash('SHA-256', `INVITE:sip:x@y:${digestHash('SHA-256', '')}`));
    expect(computeDigest({ ...common, body }).response).not.toBe(computeDigest(common).response);
  });

  it('RFC 7616 §3.4: nc is exactly 8 hex digits', () => {
    expect(formatNonceCount(1)).toBe('00000001');
    expect(formatNonceCount(0x1ab)).toBe('000001ab');
    expect(parseNonceCount('000001AB')).toBe(0x1ab);
    expect(parseNonceCount('1')).toBeNull();
    expect(() => formatNonceCount(0)).toThrow(TypeError);
  });

  it('RFC 8760 §2.4: algorithm tokens are case-insensitive, absent means MD5, strength SHA-512-256 > SHA-256 > MD5', () => {
    expect(parseDigestAlgorithm(undefined)).toBe('MD5');
    expect(parseDigestAlgorithm('sha-256')).toBe('SHA-256');
    expect(parseDigestAlgorithm('SHA-1')).toBeNull();
    expect(algorithmStrength('SHA-512-256')).toBeGreaterThan(algorithmStrength('SHA-256'));
    expect(algorithmStrength('SHA-256')).toBeGreaterThan(algorithmStrength('MD5'));
  });
});
