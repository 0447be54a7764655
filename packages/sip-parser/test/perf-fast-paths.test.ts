/**
 * The fast paths (top Via decoded from the received text, RFC 3581 §4 stamp
 * without a format → parse round trip, responses referencing their request's
 * bytes, the single-buffer serializer) give exactly what the general paths give.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createRequest, createResponse } from '../src/build.js';
import { canonicalHeaderName } from '../src/header-names.js';
import { SipRequest, SipResponse } from '../src/message.js';
import { parseMessage } from '../src/parse.js';
import { serializeMessage } from '../src/serialize.js';
import { formatVia, parseVia, parseViaList } from '../src/via.js';
import { setTopViaReceived } from '../src/via-received.js';
import { SipParseError } from '../src/errors.js';

const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

function request(vias: readonly string[], extra = ''): SipRequest {
  const m = parseMessage(
    'OPTIONS sip:bob@example.com SIP/2.0\r\n' +
      vias.map((v) => `${v}\r\n`).join('') +
      'Max-Forwards: 70\r\n' +
      'From: <sip:alice@example.com>;tag=a1\r\n' +
      'To: <sip:bob@example.com>\r\n' +
      'Call-ID: c1@example.com\r\n' +
      'CSeq: 1 OPTIONS\r\n' +
      extra +
      'Content-Length: 0\r\n\r\n',
  );
  if (!m.isRequest) throw new Error('not a request');
  return m;
}

/** The reference stamp: decode, edit, formatVia, rewrite every Via line. */
function referenceStamp(m: SipRequest, received: string, port: number): string {
  const top = m.topVia!;
  return formatVia({ ...top, received, rport: top.rport === true ? port : top.rport });
}

const VIAS = [
  'SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-o123;rport',
  'SIP/2.0/UDP 127.0.0.1:5070;rport;branch=z9hG4bK-o123',
  'SIP/2.0/udp host.example.com;branch=z9hG4bK1',
  'SIP / 2.0 / TCP host.example.com : 05060 ;branch=z9hG4bK1 ; rport ; x="a b"',
  'SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bK1;received=192.0.2.1;rport=1',
  'SIP/2.0/UDP h;BRANCH=z9hG4bKa;branch=z9hG4bKb;RPort;rport;Received=192.0.2.9;ttl=3;maddr=224.0.0.1',
  'SIP/2.0/WSS h.invalid;branch=z9hG4bK1;alias',
];

describe('RFC 3261 §20.42: topVia and via decoded from the received text', () => {
  it.each(VIAS)('%s', (v) => {
    const m = request([`Via: ${v}`]);
    expect(m.topVia).toEqual(parseVia(v));
    expect(m.via).toEqual([parseVia(v)]);
    expect(m.via[0]).toBe(m.topVia);
  });

  it('RFC 3261 §7.3.1: several values on a line, folded and compact lines', () => {
    const m = request(['v: SIP/2.0/UDP a.example;branch=z9hG4bK1 ,SIP/2.0/TCP b.example;branch=z9hG4bK2', 'Via: SIP/2.0/UDP c.example;branch=z9hG4bK3']);
    expect(m.topVia?.host).toBe('a.example');
    expect(m.via.map((x) => x.host)).toEqual(['a.example', 'b.example', 'c.example']);
    const f = request(['Via: SIP/2.0/UDP a.example\r\n ;branch=z9hG4bK1']);
    expect(f.topVia).toEqual(parseVia('SIP/2.0/UDP a.example ;branch=z9hG4bK1'));
  });

  it('RFC 3261 §20.42: errors carry offsets into the value, as parseVia reports them', () => {
    const m = request(['Via: SIP/2.0/UDP host;rport=x']);
    let err: unknown;
    try {
      parseVia('SIP/2.0/UDP host;rport=x');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SipParseError);
    expect(() => m.topVia).toThrow(SipParseError);
    try {
      void m.topVia;
    } catch (e) {
      expect((e as SipParseError).offset).toBe((err as SipParseError).offset);
      expect((e as SipParseError).code).toBe((err as SipParseError).code);
    }
  });
});

describe('RFC 3581 §4: setTopViaReceived', () => {
  it.each(VIAS)('%s: same text as decode → edit → formatVia, same value as parsing it', (v) => {
    const m = request([`Via: ${v}`, 'Via: SIP/2.0/UDP second.example;branch=z9hG4bK2']);
    const expected = referenceStamp(m, '192.0.2.7', 41000);
    const from = m.from;
    const edited = setTopViaReceived(m, '192.0.2.7', 41000);
    expect(edited?.raw).toBe(expected);
    expect(edited).toEqual(parseVia(expected));
    expect(m.topVia).toBe(edited);
    expect(m.headers.getAll('Via')).toEqual([expected, 'SIP/2.0/UDP second.example;branch=z9hG4bK2']);
    expect(m.via).toEqual(parseViaList(`${expected}, SIP/2.0/UDP second.example;branch=z9hG4bK2`));
    expect(m.from).toBe(from); // other decoded headers kept
    expect(text(serializeMessage(m))).toContain(`Via: ${expected}\r\nVia: SIP/2.0/UDP second.example`);
  });

  it('RFC 3261 §7.3.1: keeps the other values of a multi-value top line', () => {
    const m = request(['Via: SIP/2.0/UDP a.example;rport , SIP/2.0/UDP b.example']);
    setTopViaReceived(m, '2001:db8::9', 5);
    expect(m.headers.get('Via')).toBe('SIP/2.0/UDP a.example;rport=5;received=2001:db8::9');
    expect(m.via.map((x) => x.host)).toEqual(['a.example', 'b.example']);
  });

  it('RFC 3581 §4: no Via gives undefined; bad input TypeError; a bad Via SipParseError, nothing changed', () => {
    const none = parseMessage('OPTIONS sip:b@x SIP/2.0\r\nCall-ID: 1\r\nContent-Length: 0\r\n\r\n');
    expect(setTopViaReceived(none, '192.0.2.1', 1)).toBeUndefined();
    const m = request(['Via: SIP/2.0/UDP a.example;rport']);
    expect(() => setTopViaReceived(m, 'a.example', 1)).toThrow(TypeError);
    expect(() => setTopViaReceived(m, '192.0.2.1', 70000)).toThrow(TypeError);
    const bad = request(['Via: SIP/2.0/UDP a.example;rport=x']);
    expect(() => setTopViaReceived(bad, '192.0.2.1', 1)).toThrow(SipParseError);
    expect(bad.headers.modified).toBe(false);
  });

  it('RFC 3581 §4: property — matches formatVia for generated Vias', () => {
    const token = fc.stringMatching(/^[a-zA-Z0-9.!%*_+`'~-]{1,8}$/);
    const param = fc.oneof(
      fc.tuple(fc.constantFrom('branch', 'Branch'), token.map((t) => `z9hG4bK${t}`)),
      fc.tuple(fc.constantFrom('rport', 'RPORT'), fc.option(fc.integer({ min: 0, max: 65535 }).map(String), { nil: null })),
      fc.tuple(fc.constantFrom('received'), fc.constantFrom('192.0.2.1', '2001:db8::1')),
      fc.tuple(fc.constantFrom('x', 'lr', 'alias'), fc.option(token, { nil: null })),
    );
    fc.assert(
      fc.property(fc.array(param, { maxLength: 5 }), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: null }), (ps, port) => {
        const v = `SIP/2.0/UDP host.example${port === null ? '' : `:${port}`}${ps.map(([n, x]) => (x === null ? `;${n}` : `;${n}=${x}`)).join('')}`;
        const m = request([`Via: ${v}`]);
        const expected = referenceStamp(m, '198.51.100.4', 6000);
        const edited = setTopViaReceived(m, '198.51.100.4', 6000);
        expect(edited?.raw).toBe(expected);
        expect({ ...edited }).toEqual({ ...parseVia(expected) });
      }),
    );
  });
});

/** The same message written through the general text path: every line as `Canonical: value`. */
function viaText(m: SipRequest | SipResponse): string {
  const headers: Array<[string, string]> = [...m.headers.entries()].map(([n, v]) => [canonicalHeaderName(n), v]);
  const copy = m.isRequest
    ? new SipRequest({ method: m.method, uri: m.requestUri, headers, body: m.body })
    : new SipResponse({ status: m.status, reason: m.reason, headers, body: m.body });
  return text(serializeMessage(copy));
}

describe('RFC 3261 §8.2.6: createResponse referencing the request bytes', () => {
  it('RFC 3261 §8.2.6.2: serializes as if every copied value were written as text', () => {
    const m = request(
      ['Via: SIP/2.0/UDP a.example;branch=z9hG4bK1', 'v: SIP/2.0/UDP b.example;branch=z9hG4bK2', 'Via:  SIP/2.0/UDP c.example;branch=z9hG4bK3 ', 'Via: SIP/2.0/UDP d.example\r\n ;branch=z9hG4bK4'],
      'Record-Route: <sip:p1.example;lr>\r\nTimestamp: 54\r\nSubject: caf\u00e9\r\n',
    );
    for (const status of [100, 180, 200]) {
      const r = createResponse(m, status, { toTag: 't1', copyRecordRoute: true, headers: [['Server', 'x']] });
      const out = text(serializeMessage(r));
      expect(out).toBe(viaText(r));
      expect(out).toContain('Via: SIP/2.0/UDP b.example;branch=z9hG4bK2\r\n');
      expect(out).toContain('Via: SIP/2.0/UDP d.example ;branch=z9hG4bK4\r\n');
      expect(r.headers.get('To')).toBe('<sip:bob@example.com>;tag=t1');
      expect([...r.headers.entries()].map(([n]) => n)).toEqual([...r.headers.entries()].map(([n]) => canonicalHeaderName(n)));
      const clone = r.headers.clone();
      clone.remove('Via');
      expect(r.via).toHaveLength(4);
    }
  });

  it('RFC 3581 §4: after the request was stamped', () => {
    const m = request(['Via: SIP/2.0/UDP a.example;branch=z9hG4bK1;rport']);
    setTopViaReceived(m, '192.0.2.1', 7);
    const r = createResponse(m, 200);
    expect(text(serializeMessage(r))).toBe(viaText(r));
    expect(r.topVia?.rport).toBe(7);
  });
});

describe('RFC 3261 §7: serializer output buffer', () => {
  it('RFC 3261 §7.3.1, §20.14: built requests with UTF-8 text, long values and bodies', () => {
    const long = 'x'.repeat(70_000);
    const r = createRequest({
      method: 'MESSAGE',
      uri: 'sip:b\u00fcb@example.com',
      headers: [['Subject', 'h\u00e9llo \u{1F600} w\u00f6rld, a longer subject line'], ['X-Long', long], ['To', '<sip:b@x>']],
      body: 'caf\u00e9',
      contentType: 'text/plain',
    });
    const out = text(serializeMessage(r));
    expect(out).toBe(
      'MESSAGE sip:b\u00fcb@example.com SIP/2.0\r\nSubject: h\u00e9llo \u{1F600} w\u00f6rld, a longer subject line\r\n' +
        `X-Long: ${long}\r\nTo: <sip:b@x>\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\ncaf\u00e9`,
    );
    // The buffer shrank back: a small message after a large one is still right.
    const small = createRequest({ method: 'OPTIONS', uri: 'sip:x', headers: [['Call-ID', '1']] });
    expect(text(serializeMessage(small))).toBe('OPTIONS sip:x SIP/2.0\r\nCall-ID: 1\r\nContent-Length: 0\r\n\r\n');
  });
});

describe('RFC 3261 §16.6: modified parsed messages', () => {
  it('untouched lines go out byte for byte, bare LFs become CRLF, Content-Length fixed', () => {
    const raw = 'OPTIONS sip:b@x SIP/2.0\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\nX-A:  odd  spacing\r\nl: 3\nCall-ID: 1\r\n\r\nabc';
    const m = parseMessage(raw);
    m.headers.set('X-B', 'new');
    expect(text(serializeMessage(m))).toBe(
      'OPTIONS sip:b@x SIP/2.0\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\nX-A:  odd  spacing\r\nl: 3\r\nCall-ID: 1\r\nX-B: new\r\n\r\nabc',
    );
    m.setBody('hello');
    expect(text(serializeMessage(m))).toBe(
      'OPTIONS sip:b@x SIP/2.0\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\nX-A:  odd  spacing\r\nContent-Length: 5\r\nCall-ID: 1\r\nX-B: new\r\n\r\nhello',
    );
  });
});
