/**
 * createRequest / createResponse — RFC 3261 §8.1.1 and §8.2.6; reason
 * phrases §21.
 */
import { describe, expect, it } from 'vitest';
import { createRequest, createResponse } from '../src/build.js';
import { SipParseError } from '../src/errors.js';
import { reasonPhrase, type SipRequest } from '../src/message.js';
import { parseMessage } from '../src/parse.js';
import { serializeMessage } from '../src/serialize.js';
import type { SipUri } from '../src/types.js';

const dec = new TextDecoder();

function wire(lines: readonly string[], body = ''): string {
  return lines.join('\r\n') + '\r\n\r\n' + body;
}

const INVITE = wire(
  [
    'INVITE sip:bob@biloxi.example.com SIP/2.0',
    'Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bK2d4790.1, SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds',
    'Via: SIP/2.0/TCP edge.example.com;branch=z9hG4bKedge',
    'Max-Forwards: 69',
    'Record-Route: <sip:proxy.example.com;lr>',
    'To: Bob <sip:bob@biloxi.example.com>',
    'From: Alice <sip:alice@atlanta.example.com>;tag=1928301774',
    'Call-ID: a84b4c76e66710@pc33.atlanta.example.com',
    'CSeq: 314159 INVITE',
    'Timestamp: 54',
    'Contact: <sip:alice@pc33.atlanta.example.com>',
    'Content-Type: application/sdp',
    'Content-Length: 4',
  ],
  'v=0\n',
);

function invite(): SipRequest {
  const m = parseMessage(INVITE);
  if (!m.isRequest) throw new Error('expected a request');
  return m;
}

describe('RFC 3261 §8.2.6 createResponse', () => {
  it('RFC 3261 §8.2.6.2: Via (all values, in order), From, To, Call-ID and CSeq are copied', () => {
    const req = invite();
    const res = createResponse(req, 486);
    expect(res.status).toBe(486);
    expect(res.reason).toBe('Busy Here');
    expect(res.headers.getAll('Via')).toEqual(req.headers.getAll('Via'));
    expect(res.via.map((v) => v.branch)).toEqual(['z9hG4bK2d4790.1', 'z9hG4bK776asdhds', 'z9hG4bKedge']);
    expect(res.headers.get('From')).toBe('Alice <sip:alice@atlanta.example.com>;tag=1928301774');
    expect(res.headers.get('To')).toBe('Bob <sip:bob@biloxi.example.com>');
    expect(res.callId).toBe(req.callId);
    expect(res.cseq).toEqual({ seq: 314159, method: 'INVITE' });
    // Not copied: request-only and body headers.
    expect(res.headers.has('Max-Forwards')).toBe(false);
    expect(res.headers.has('Contact')).toBe(false);
    expect(res.headers.has('Content-Type')).toBe(false);
    expect(res.headers.has('Timestamp')).toBe(false);
    expect(res.headers.has('Record-Route')).toBe(false);
    expect(res.body).toHaveLength(0);
  });

  it('RFC 3261 §8.2.6.2: the To tag is added when asked and the request had none', () => {
    const res = createResponse(invite(), 180, { toTag: 'a6c85cf' });
    expect(res.to?.tag).toBe('a6c85cf');
    expect(res.headers.get('To')).toBe('Bob <sip:bob@biloxi.example.com>;tag=a6c85cf');
  });

  it('RFC 3261 §8.2.6.2: an existing To tag is kept and not replaced', () => {
    const req = invite();
    req.headers.set('To', '<sip:bob@biloxi.example.com>;tag=existing');
    const res = createResponse(req, 200, { toTag: 'new' });
    expect(res.to?.tag).toBe('existing');
  });

  it('RFC 3261 §8.2.6.1: a 100 Trying copies Timestamp', () => {
    const res = createResponse(invite(), 100);
    expect(res.reason).toBe('Trying');
    expect(res.headers.get('Timestamp')).toBe('54');
  });

  it('RFC 3261 §12.1.1: Record-Route is copied, in order, when asked', () => {
    const res = createResponse(invite(), 200, { copyRecordRoute: true, toTag: 't' });
    expect(res.recordRoute.map((r) => (r.uri as SipUri).host)).toEqual(['proxy.example.com']);
  });

  it('RFC 3261 §7.2: a reason string overrides the default phrase; extra headers and a body are added', () => {
    const res = createResponse(invite(), 200, {
      reason: 'Fine',
      toTag: 'x',
      headers: [['Contact', '<sip:bob@192.0.2.4>']],
      body: 'v=0\r\n',
      contentType: 'application/sdp',
    });
    expect(res.reason).toBe('Fine');
    expect(createResponse(invite(), 603, 'Go away').reason).toBe('Go away');
    const out = dec.decode(serializeMessage(res));
    expect(out.startsWith('SIP/2.0 200 Fine\r\n')).toBe(true);
    expect(out.endsWith('Content-Type: application/sdp\r\nContent-Length: 5\r\n\r\nv=0\r\n')).toBe(true);
  });

  it('RFC 3261 §8.2.6: the serialized response parses back to the same values', () => {
    const res = createResponse(invite(), 180, { toTag: 'abc' });
    const back = parseMessage(serializeMessage(res));
    expect(back.isRequest).toBe(false);
    expect(back.callId).toBe('a84b4c76e66710@pc33.atlanta.example.com');
    expect(back.via).toHaveLength(3);
    expect(back.to?.tag).toBe('abc');
    expect(back.contentLength).toBe(0);
  });

  it('RFC 3261 §8.2.6: a response can be built for a request whose Via does not decode (to answer 400)', () => {
    const bad = parseMessage(wire(['INVITE sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP a;;,;,,', 'Call-ID: c', 'CSeq: 1 INVITE', 'Content-Length: 0']));
    if (!bad.isRequest) throw new Error('expected a request');
    const res = createResponse(bad, 400);
    expect(res.headers.count).toBe(3);
    expect(dec.decode(serializeMessage(res))).toContain('Via: SIP/2.0/UDP a;;,;,,\r\n');
  });

  it('RFC 3261 §8.2.6.2: a toTag that must go into an undecodable To throws SipParseError', () => {
    const bad = parseMessage(wire(['INVITE sip:a@b SIP/2.0', 'To: "unterminated <sip:a@b>', 'Content-Length: 0']));
    if (!bad.isRequest) throw new Error('expected a request');
    expect(() => createResponse(bad, 200, { toTag: 'x' })).toThrow(SipParseError);
    expect(createResponse(bad, 400).headers.get('To')).toBe('"unterminated <sip:a@b>');
  });

  it('RFC 3261 §7.2, §25.1 API misuse: a status outside 100-699 or a non-token tag throws TypeError', () => {
    expect(() => createResponse(invite(), 99)).toThrow(TypeError);
    expect(() => createResponse(invite(), 700)).toThrow(TypeError);
    expect(() => createResponse(invite(), 200, { toTag: 'a b' })).toThrow(TypeError);
  });
});

describe('RFC 3261 §8.1.1 createRequest', () => {
  it('RFC 3261 §8.1.1: headers in order, body, Content-Type; serializes canonically', () => {
    const req = createRequest({
      method: 'MESSAGE',
      uri: 'sip:bob@example.com',
      headers: [
        ['Via', 'SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK74bf9'],
        ['Max-Forwards', '70'],
        ['From', '<sip:alice@example.com>;tag=9fxced76sl'],
        ['To', '<sip:bob@example.com>'],
        ['Call-ID', '3848276298220188511@192.0.2.1'],
        ['CSeq', '1 MESSAGE'],
      ],
      body: 'hi',
      contentType: 'text/plain',
    });
    expect(req.method).toBe('MESSAGE');
    expect((req.uri as SipUri).user).toBe('bob');
    expect(req.cseq).toEqual({ seq: 1, method: 'MESSAGE' });
    expect(dec.decode(serializeMessage(req))).toBe(
      wire(
        [
          'MESSAGE sip:bob@example.com SIP/2.0',
          'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK74bf9',
          'Max-Forwards: 70',
          'From: <sip:alice@example.com>;tag=9fxced76sl',
          'To: <sip:bob@example.com>',
          'Call-ID: 3848276298220188511@192.0.2.1',
          'CSeq: 1 MESSAGE',
          'Content-Type: text/plain',
          'Content-Length: 2',
        ],
        'hi',
      ),
    );
  });

  it('RFC 3261 §8.1.1: headers can be given as a record; arrays give one line per value', () => {
    const req = createRequest({
      method: 'OPTIONS',
      uri: 'sip:a@example.com',
      headers: { Route: ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>'], 'Call-ID': 'r@x' },
    });
    expect(req.route).toHaveLength(2);
    expect(req.headers.count).toBe(3);
    expect(req.callId).toBe('r@x');
  });

  it('RFC 3261 §7.1, §25.1 API misuse: a non-token method or a URI with whitespace throws TypeError', () => {
    expect(() => createRequest({ method: 'IN VITE', uri: 'sip:a@b' })).toThrow(TypeError);
    expect(() => createRequest({ method: 'INVITE', uri: 'sip:a@b c' })).toThrow(TypeError);
    expect(() => createRequest({ method: 'INVITE', uri: '' })).toThrow(TypeError);
  });
});

describe('RFC 3261 §21 reason phrases', () => {
  it.each([
    [100, 'Trying'],
    [180, 'Ringing'],
    [183, 'Session Progress'],
    [200, 'OK'],
    [302, 'Moved Temporarily'],
    [401, 'Unauthorized'],
    [407, 'Proxy Authentication Required'],
    [481, 'Call/Transaction Does Not Exist'],
    [487, 'Request Terminated'],
    [503, 'Service Unavailable'],
    [505, 'Version Not Supported'],
    [603, 'Decline'],
  ])('RFC 3261 §21: %i %s', (status, phrase) => {
    expect(reasonPhrase(status)).toBe(phrase);
  });

  it('RFC 3261 §7.2: an unknown code has an empty default phrase', () => {
    expect(reasonPhrase(299)).toBe('');
  });
});
