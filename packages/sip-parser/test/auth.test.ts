import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatCredentials, parseCredentials } from '../src/auth.js';
import { expectOnlySipParseErrors, expectParseError } from './support/parse-error.js';

function expectError(f: () => unknown, code: string, offset: number): void {
  expectParseError(f, code, { offset, header: 'WWW-Authenticate' });
}

// RFC 7616 §3.9.1, unfolded (folding CRLF + WSP → SP).
const CHALLENGE_7616 =
  'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, ' +
  'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';
const CHALLENGE_7616_MD5 =
  'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, ' +
  'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';
const RESPONSE_7616 =
  'Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=SHA-256, ' +
  'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, ' +
  'cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, ' +
  'response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", ' +
  'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';
const RESPONSE_7616_MD5 =
  'Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=MD5, ' +
  'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, ' +
  'cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, ' +
  'response="8ca523f5e9506fed4657c9700eebdbec", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';

/** RFC 7616 §3.4.1 response = H(H(A1):nonce:nc:cnonce:qop:H(A2)), A1 = user:realm:password, A2 = method:uri. */
function digest(p: ReadonlyMap<string, string>, password: string, method: string): string {
  const alg = (p.get('algorithm') ?? 'MD5').toUpperCase() === 'SHA-256' ? 'sha256' : 'md5';
  const h = (s: string): string => createHash(alg).update(s).digest('hex');
  const ha1 = h(`${p.get('username')}:${p.get('realm')}:${password}`);
  const ha2 = h(`${method}:${p.get('uri')}`);
  return h(`${ha1}:${p.get('nonce')}:${p.get('nc')}:${p.get('cnonce')}:${p.get('qop')}:${ha2}`);
}

describe('RFC 7616 §3.9.1 Digest examples', () => {
  it('RFC 7616 §3.9.1: the SHA-256 challenge', () => {
    const c = parseCredentials(CHALLENGE_7616, 'WWW-Authenticate');
    expect(c.scheme).toBe('Digest');
    expect(c.token68).toBeNull();
    expect(Object.fromEntries(c.params)).toEqual({
      realm: 'http-auth@example.org',
      qop: 'auth, auth-int',
      algorithm: 'SHA-256',
      nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
      opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
    });
    expect(c.raw).toBe(CHALLENGE_7616);
    expect(parseCredentials(CHALLENGE_7616_MD5).params.get('algorithm')).toBe('MD5');
  });
  it('RFC 7616 §3.9.1: the responses decode to values that reproduce the response hash', () => {
    const sha = parseCredentials(RESPONSE_7616, 'Authorization');
    expect(sha.params.get('nc')).toBe('00000001');
    expect(sha.params.get('qop')).toBe('auth');
    expect(digest(sha.params, 'Circle of Life', 'GET')).toBe(sha.params.get('response'));
    const md5 = parseCredentials(RESPONSE_7616_MD5, 'Authorization');
    expect(digest(md5.params, 'Circle of Life', 'GET')).toBe('8ca523f5e9506fed4657c9700eebdbec');
  });
  it('RFC 7616 §3.3-3.4: formatCredentials quotes what must be quoted and round-trips', () => {
    const ch = parseCredentials(CHALLENGE_7616);
    expect(formatCredentials(ch)).toBe(CHALLENGE_7616);
    const resp = parseCredentials(RESPONSE_7616);
    expect(formatCredentials(resp)).toBe(RESPONSE_7616);
    expect(formatCredentials(parseCredentials('Digest realm="a", qop=auth'), 'challenge')).toBe('Digest realm="a", qop="auth"');
  });
});

describe('RFC 3261 §22.4 / §25.1 challenges and credentials', () => {
  it('RFC 3261 §20.44: WWW-Authenticate example', () => {
    const c = parseCredentials(
      'Digest realm="atlanta.com", domain="sip:boxesbybob.com", qop="auth", nonce="f84f1cec41e6cbe5aea9c8e88d359", opaque="", stale=FALSE, algorithm=MD5',
    );
    expect(Object.fromEntries(c.params)).toEqual({
      realm: 'atlanta.com',
      domain: 'sip:boxesbybob.com',
      qop: 'auth',
      nonce: 'f84f1cec41e6cbe5aea9c8e88d359',
      opaque: '',
      stale: 'FALSE',
      algorithm: 'MD5',
    });
  });
  it('RFC 3261 §20.7: Authorization example with LWS around "=" and ","', () => {
    const c = parseCredentials(
      'Digest username="Alice", realm="atlanta.com" ,nonce = "84a4cc6f3082121f32b42a2187831a9e",\tresponse="7587245234b3434cc3412213e5f113a5432"',
    );
    expect([...c.params.keys()]).toEqual(['username', 'realm', 'nonce', 'response']);
    expect(c.params.get('nonce')).toBe('84a4cc6f3082121f32b42a2187831a9e');
  });
  it('RFC 3261 §25.1: parameter names are lower-cased, quoted-pairs resolved', () => {
    const c = parseCredentials('Digest REALM="a\\"b", Nonce=xyz');
    expect(c.params.get('realm')).toBe('a"b');
    expect(c.params.get('nonce')).toBe('xyz');
  });
  it('RFC 4475 §3.3.7 regaut01: unknown scheme with an auth-param', () => {
    const file = readFileSync(new URL('./fixtures/rfc4475/regaut01.dat', import.meta.url)).toString('latin1');
    const line = file.split('\r\n').find((l) => l.startsWith('Authorization:')) ?? '';
    const c = parseCredentials(line.slice('Authorization:'.length).trim(), 'Authorization');
    expect(c.scheme).toBe('NoOneKnowsThisScheme');
    expect(Object.fromEntries(c.params)).toEqual({ 'opaque-data': 'here' });
  });
  it('RFC 7235 §2.1 / RFC 8898: token68 credentials', () => {
    expect(parseCredentials('Bearer mF_9.B5f-4.1JqM')).toMatchObject({ scheme: 'Bearer', token68: 'mF_9.B5f-4.1JqM' });
    expect(parseCredentials('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==').token68).toBe('QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
    expect(parseCredentials('Bearer').params.size).toBe(0);
    expect(formatCredentials(parseCredentials('Bearer abc=='))).toBe('Bearer abc==');
  });
  const bad: Array<[string, string, number]> = [
    ['', 'BAD_HEADER_VALUE', 0],
    ['"Digest"', 'BAD_HEADER_VALUE', 0],
    ['Digest,realm="a"', 'BAD_HEADER_VALUE', 6],
    ['Digest realm', 'BAD_PARAMETER', 12],
    ['Digest realm=', 'BAD_PARAMETER', 13],
    ['Digest realm="a" nonce="b"', 'BAD_HEADER_VALUE', 17],
    ['Digest realm="a",, nonce="b"', 'BAD_HEADER_VALUE', 17],
    ['Digest realm="a",', 'BAD_HEADER_VALUE', 17],
    ['Digest realm="a", realm="b"', 'BAD_PARAMETER', 18],
    ['Digest realm="a', 'BAD_QUOTED_STRING', 13],
    ['Digest realm=a;b', 'BAD_HEADER_VALUE', 14],
  ];
  it.each(bad)('RFC 3261 §25.1 rejects %j with %s', (text, code, offset) => {
    expectError(() => parseCredentials(text, 'WWW-Authenticate'), code, offset);
  });
});

describe('RFC 3261 §25.1 auth properties', () => {
  const token = fc.string({ unit: fc.constantFrom(...'abcXYZ019-.!%*_+`\'~'.split('')), minLength: 1, maxLength: 8 });
  const valueChar = fc.oneof(fc.constantFrom('"', '\\', ',', '=', ' ', 'a', 'é', '\0'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }));
  it('RFC 7616 §3.3: parseCredentials ∘ formatCredentials keeps scheme and params', () => {
    fc.assert(
      fc.property(
        token,
        fc.uniqueArray(fc.tuple(token.map((t) => t.toLowerCase()), fc.string({ unit: valueChar, maxLength: 10 }).filter((s) => !/[\r\n]/.test(s))), {
          minLength: 1,
          maxLength: 5,
          selector: ([k]) => k,
        }),
        (scheme, entries) => {
          const c = { scheme, params: new Map(entries), raw: '' };
          const back = parseCredentials(formatCredentials(c));
          expect(back.scheme).toBe(scheme);
          expect(back.params).toEqual(c.params);
        },
      ),
      { numRuns: 300 },
    );
  });
  it('RFC 3261 §25.1: arbitrary text either parses or throws SipParseError', () => {
    const unit = fc.oneof(fc.constantFrom(...'Digest =",\\ ab'.split('')), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), (s) => {
        expectOnlySipParseErrors(() => parseCredentials(s));
      }),
      { numRuns: 2000 },
    );
  });
});
