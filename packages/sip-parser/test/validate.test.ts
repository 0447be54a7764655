/**
 * validateMessage beyond the torture corpora: the RFC 3261 §8.2 / §16.3
 * rules one at a time, on small hand-written messages.
 */
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../src/parse.js';
import { validateMessage, type ValidateOptions, type ValidationResult } from '../src/validate.js';

const BASE: ReadonlyArray<readonly [string, string]> = [
  ['Via', 'SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK776asdhds'],
  ['Max-Forwards', '70'],
  ['To', '<sip:bob@example.com>'],
  ['From', '"Alice" <sip:alice@example.com>;tag=1928301774'],
  ['Call-ID', 'a84b4c76e66710@192.0.2.1'],
];

/** A request with the base headers, `CSeq: 1 <method>`, extra headers and an optional body. */
function request(
  method: string,
  extra: ReadonlyArray<readonly [string, string]> = [],
  body = '',
  uri = 'sip:bob@example.com',
): string {
  const lines = [`${method} ${uri} SIP/2.0`, ...[...BASE, ['CSeq', `1 ${method}`], ...extra].map(([n, v]) => `${n}: ${v}`)];
  return `${lines.join('\r\n')}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

function check(text: string, options?: ValidateOptions): ValidationResult {
  return validateMessage(parseMessage(text), options);
}

const SDP = 'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0\r\n';

describe('RFC 3261 §8.2 UAS request validation', () => {
  it('RFC 3261 §8.1.1 a well-formed INVITE with an SDP offer is accepted', () => {
    expect(check(request('INVITE', [['Content-Type', 'Application/SDP; charset=utf-8']], SDP))).toEqual({ ok: true });
  });

  it('RFC 3261 §8.2.1 a method outside options.methods gets 501', () => {
    expect(check(request('INVITE'), { methods: ['OPTIONS'] })).toMatchObject({ ok: false, status: 501, drop: false });
    expect(check(request('OPTIONS'), { methods: ['OPTIONS'] })).toEqual({ ok: true });
  });

  it('RFC 3261 §8.2.2.3 Require is not checked for CANCEL and ACK', () => {
    expect(check(request('CANCEL', [['Require', 'foo']]))).toEqual({ ok: true });
    expect(check(request('BYE', [['Require', 'foo, 100rel']]), { supported: ['100rel'] })).toMatchObject({
      status: 420,
      unsupported: ['foo'],
    });
  });

  it('RFC 3261 §17.2.1 an ACK that fails validation is dropped, never answered', () => {
    expect(check(request('ACK', [['Max-Forwards', '70']]))).toMatchObject({ ok: false, status: 400, drop: true });
  });

  it('RFC 3261 §20.15 a body without Content-Type is a 400 for a UAS, forwarded by a proxy', () => {
    expect(check(request('MESSAGE', [], 'hello'))).toMatchObject({ ok: false, status: 400, header: 'Content-Type' });
    expect(check(request('MESSAGE', [], 'hello'), { role: 'proxy' })).toEqual({ ok: true });
  });

  it('RFC 3261 §20.1 Accept media ranges: */*, application/* and an empty Accept do not give 406', () => {
    for (const accept of ['*/*', 'application/*;q=0.5', 'text/html, application/sdp', '']) {
      expect(check(request('INVITE', [['Accept', accept]])), accept).toEqual({ ok: true });
    }
    expect(check(request('INVITE', [['Accept', 'text/html']]))).toMatchObject({ status: 406, header: 'Accept' });
  });

  it('RFC 3261 §10.3 step 6 Contact "*" only in REGISTER, alone, with Expires: 0', () => {
    expect(check(request('REGISTER', [['Contact', '*'], ['Expires', '0']]))).toEqual({ ok: true });
    expect(check(request('REGISTER', [['Contact', '*'], ['Expires', '3600']]))).toMatchObject({ status: 400 });
    expect(check(request('REGISTER', [['Contact', '*']]))).toMatchObject({ status: 400 });
    expect(check(request('INVITE', [['Contact', '*']]))).toMatchObject({ status: 400, header: 'Contact' });
    expect(check(request('REGISTER', [['Contact', '*'], ['Contact', '<sip:a@b>'], ['Expires', '0']]))).toMatchObject({
      status: 400,
    });
  });

  it('RFC 3261 §20.32 a malformed extension header the element knows is a 400 with the decoder message', () => {
    const v = check(request('OPTIONS', [['Supported', 'timer,,100rel']]));
    expect(v).toMatchObject({ ok: false, status: 400, header: 'Supported' });
    expect(!v.ok && v.reason).toMatch(/Supported/);
  });

  it('RFC 3261 §20.8, §25.1 Call-ID is word ["@" word]', () => {
    const withCallId = (id: string): string => request('OPTIONS').replace('Call-ID: a84b4c76e66710@192.0.2.1', `Call-ID: ${id}`);
    expect(check(withCallId('f81d4fae-7dec-11d0-a765-00a0c91e6bf6@foo.bar.com'))).toEqual({ ok: true });
    expect(check(withCallId('intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{'))).toEqual({ ok: true });
    for (const bad of ['two words', 'a@b@c', '@host', 'local@', 'caf\u00e9', '']) {
      expect(check(withCallId(bad)), bad).toMatchObject({ ok: false, status: 400, header: 'Call-ID' });
    }
  });

  it('RFC 3261 §7.3.1 a repeated single-value header (Expires) is a 400', () => {
    expect(check(request('REGISTER', [['Expires', '60'], ['Expires', '60']]))).toMatchObject({ status: 400, header: 'Expires' });
  });

  it('RFC 3261 §19.1.1 URI headers in the Request-URI: 400 when strict (default), accepted otherwise', () => {
    const text = request('OPTIONS', [], '', 'sip:bob@example.com?Subject=hi');
    expect(check(text)).toMatchObject({ status: 400 });
    expect(check(text, { strictRequestUri: false })).toEqual({ ok: true });
  });

  it('RFC 3261 §8.2.2.1 tel: is served by default; options.schemes narrows it (416)', () => {
    expect(check(request('INVITE', [], '', 'tel:+1-201-555-0123'))).toEqual({ ok: true });
    expect(check(request('INVITE', [], '', 'tel:+1-201-555-0123'), { schemes: ['sip', 'sips'] })).toMatchObject({ status: 416 });
  });
});

describe('RFC 3261 §16.3 proxy request validation', () => {
  it('RFC 3261 §16.3 step 3 Max-Forwards 0 gets 483 at a proxy only', () => {
    const text = request('INVITE', [['Max-Forwards', '0']]).replace('Max-Forwards: 70\r\n', '');
    expect(check(text, { role: 'proxy' })).toMatchObject({ ok: false, status: 483 });
    expect(check(text)).toEqual({ ok: true });
  });

  it('RFC 3261 §16.3 step 5 Proxy-Require with a supported tag passes', () => {
    expect(check(request('INVITE', [['Proxy-Require', 'sec-agree']]), { role: 'proxy', supported: ['sec-agree'] })).toEqual({
      ok: true,
    });
  });
});

describe('RFC 3261 §18.1.2 response validation', () => {
  const response = (status: string, extra = ''): string =>
    `SIP/2.0 ${status}\r\n${BASE.map(([n, v]) => `${n}: ${v}`).join('\r\n')}\r\nCSeq: 1 INVITE\r\n${extra}Content-Length: 0\r\n\r\n`;

  it('RFC 3261 §7.2 a well-formed response is accepted', () => {
    expect(check(response('180 Ringing'))).toEqual({ ok: true });
  });

  it('RFC 3261 §7.2 an unknown SIP-Version or a malformed header drops the response', () => {
    expect(check(response('200 OK').replace('SIP/2.0 200', 'SIP/3.0 200'))).toMatchObject({ ok: false, status: 505, drop: true });
    expect(check(response('200 OK', 'Retry-After: x\r\n'))).toMatchObject({ ok: false, drop: true, header: 'Retry-After' });
    expect(check(response('200 OK').replace('Call-ID: a84b4c76e66710@192.0.2.1\r\n', ''))).toMatchObject({
      ok: false,
      drop: true,
      header: 'Call-ID',
    });
  });
});
