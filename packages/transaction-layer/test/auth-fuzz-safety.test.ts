import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DigestAuthError } from '../src/auth/digest-auth-error.js';
import { DigestClient, answerChallenge } from '../src/auth/digest-client.js';
import { DigestServer } from '../src/auth/digest-server.js';
import { challengeResponse, request } from './auth-helpers.js';

/** Header values an attacker controls: anything but CR/LF (which no header line can hold). */
const value = fc.oneof(
  fc.string({ maxLength: 120 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc
    .array(fc.tuple(fc.constantFrom('realm', 'nonce', 'qop', 'algorithm', 'stale', 'opaque', 'username', 'uri', 'response', 'nc', 'cnonce', 'userhash', 'x'), fc.string({ maxLength: 20 }), fc.boolean()), { maxLength: 10 })
    .map((ps) => 'Digest ' + ps.map(([k, v, q]) => (q ? `${k}="${v}"` : `${k}=${v}`)).join(', ')),
).map((v) => v.replace(/[\r\n]/g, ' '));

describe('RFC 3261 §22 untrusted input never throws untyped errors', () => {
  it('RFC 3261 §22.2: any challenge text gives credentials or a DigestAuthError', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 4 }), fc.boolean(), (values, proxy) => {
        const req = request('REGISTER', 'sip:example.com');
        const res = challengeResponse(req, proxy ? 407 : 401, values.map((v) => [proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate', v] as const));
        try {
          answerChallenge(res, req, { username: 'u', password: 'p' });
          new DigestClient({ username: 'u', password: 'p' }).handleChallenge(res, req);
        } catch (e) {
          expect(e).toBeInstanceOf(DigestAuthError);
        }
      }),
    );
  });

  it('RFC 3261 §22.4: any Authorization text gives a verdict, never an exception', async () => {
    const server = new DigestServer({ realm: 'example.com', secret: 'k' });
    await fc.assert(
      fc.asyncProperty(fc.array(value, { maxLength: 3 }), async (values) => {
        const req = request('REGISTER', 'sip:example.com');
        for (const v of values) req.headers.append('Authorization', v);
        const verdict = await server.verify(req, () => ({ password: 'p' }), 0);
        expect(['ok', 'stale', 'bad']).toContain(verdict.status);
      }),
    );
  });
});
