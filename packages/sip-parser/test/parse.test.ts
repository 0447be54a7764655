/**
 * parseMessage: framing (RFC 3261 §7, §18.3), start lines (§7.1, §7.2),
 * header lines (§7.3), limits, and the lazy accessors (§20).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SipParseError, type SipParseErrorCode } from '../src/errors.js';
import { parseMessage, tryParseMessage, type ParseOptions } from '../src/parse.js';
import type { SipRequest, SipResponse } from '../src/message.js';
import type { SipUri } from '../src/types.js';

const enc = new TextEncoder();

/** Lines joined with CRLF, then the empty line, then the body. */
function wire(lines: readonly string[], body = ''): string {
  return lines.join('\r\n') + '\r\n\r\n' + body;
}

const OPTIONS_LINES = [
  'OPTIONS sip:bob@example.com SIP/2.0',
  'Via: SIP/2.0/UDP pc33.example.com;branch=z9hG4bK776asdhds',
  'Max-Forwards: 70',
  'To: <sip:bob@example.com>',
  'From: "Alice" <sip:alice@example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.example.com',
  'CSeq: 314159 OPTIONS',
  'Content-Length: 0',
];

function request(text: string | Uint8Array, options?: ParseOptions): SipRequest {
  const m = parseMessage(text, options);
  if (!m.isRequest) throw new Error('expected a request');
  return m;
}

function response(text: string | Uint8Array, options?: ParseOptions): SipResponse {
  const m = parseMessage(text, options);
  if (m.isRequest) throw new Error('expected a response');
  return m;
}

function rejects(text: string | Uint8Array, code: SipParseErrorCode, statusHint = 400, options?: ParseOptions): SipParseError {
  const r = tryParseMessage(text, options);
  if (r.ok) throw new Error(`expected ${code}, parsed a message`);
  expect(r.error).toBeInstanceOf(SipParseError);
  expect(r.error.code).toBe(code);
  expect(r.error.statusHint).toBe(statusHint);
  expect(r.error.offset).toBeGreaterThanOrEqual(0);
  return r.error;
}

describe('RFC 3261 §7.1 Request-Line', () => {
  it('RFC 3261 §7.1: method, Request-URI and SIP-Version of a request', () => {
    const m = request(wire(OPTIONS_LINES));
    expect(m.isRequest).toBe(true);
    expect(m.method).toBe('OPTIONS');
    expect(m.requestUri).toBe('sip:bob@example.com');
    expect((m.uri as SipUri).host).toBe('example.com');
    expect(m.version).toBe('SIP/2.0');
  });

  it('RFC 3261 §7.1: SIP-Version is case-insensitive and reported upper-cased', () => {
    expect(request(wire(['OPTIONS sip:a@b sip/2.0', 'Content-Length: 0'])).version).toBe('SIP/2.0');
  });

  it('RFC 3261 §7.1, RFC 4475 §3.1.2.16: a well-formed unsupported version parses (505 is validateMessage’s)', () => {
    expect(request(wire(['OPTIONS sip:a@b SIP/7.0', 'Content-Length: 0'])).version).toBe('SIP/7.0');
  });

  it('RFC 3261 §25.1: extension methods are tokens (RFC 4475 §3.1.1.2 intmeth characters)', () => {
    const method = "!interesting-Method0123456789_*+`.%indeed'~";
    expect(request(wire([`${method} sip:a@b SIP/2.0`, 'Content-Length: 0'])).method).toBe(method);
  });

  it.each([
    ['garbage version', 'OPTIONS sip:a@b HTTP/1.1', 'BAD_VERSION', 400],
    ['SIP/ version without digits', 'OPTIONS sip:a@b SIP/2', 'BAD_VERSION', 505],
    ['SIP/ version with letters', 'OPTIONS sip:a@b SIP/2.x', 'BAD_VERSION', 505],
    ['non-token method', 'OPT<IONS sip:a@b SIP/2.0', 'BAD_METHOD', 400],
    ['no Request-URI', 'OPTIONS', 'BAD_START_LINE', 400],
    ['no SIP-Version', 'OPTIONS sip:a@b', 'BAD_START_LINE', 400],
    ['leading whitespace', ' OPTIONS sip:a@b SIP/2.0', 'BAD_START_LINE', 400],
    ['RFC 4475 §3.1.2.9 lwsstart: two SPs', 'OPTIONS  sip:a@b  SIP/2.0', 'BAD_START_LINE', 400],
    ['RFC 4475 §3.1.2.10 trws: trailing SP', 'OPTIONS sip:a@b SIP/2.0 ', 'BAD_START_LINE', 400],
    ['RFC 4475 §3.1.2.8 lwsruri: SP inside the URI', 'OPTIONS sip:a@b; lr SIP/2.0', 'BAD_START_LINE', 400],
    ['HTAB inside the URI', 'OPTIONS sip:a@b;\tlr SIP/2.0', 'BAD_START_LINE', 400],
  ] as const)('RFC 3261 §7.1: %s is rejected', (_name, line, code, hint) => {
    rejects(wire([line, 'Content-Length: 0']), code, hint);
  });

  it('RFC 4475 §3.1.2.7 ltgtruri: <> around the Request-URI parses; reading `uri` throws BAD_URI', () => {
    const m = request(wire(['INVITE <sip:user@example.com> SIP/2.0', 'Content-Length: 0']));
    expect(m.requestUri).toBe('<sip:user@example.com>');
    expect(() => m.uri).toThrow(SipParseError);
  });
});

describe('RFC 3261 §7.2 Status-Line', () => {
  it('RFC 3261 §7.2: version, status code and reason phrase', () => {
    const m = response(wire(['SIP/2.0 180 Ringing', 'Content-Length: 0']));
    expect(m.isRequest).toBe(false);
    expect(m.status).toBe(180);
    expect(m.reason).toBe('Ringing');
    expect(m.version).toBe('SIP/2.0');
  });

  it('RFC 4475 §3.1.1.13 noreason: an empty Reason-Phrase after the SP', () => {
    expect(response(wire(['SIP/2.0 100 ', 'Content-Length: 0'])).reason).toBe('');
  });

  it('RFC 4475 §3.1.1.12 unreason: a UTF-8 Reason-Phrase is decoded', () => {
    const m = response(enc.encode(wire(['SIP/2.0 200 = 2**3 * 5**2 но сто девяносто девять - простое', 'Content-Length: 0'])));
    expect(m.reason).toBe('= 2**3 * 5**2 но сто девяносто девять - простое');
  });

  it.each([
    ['RFC 4475 §3.1.2.19 bigcode', 'SIP/2.0 4294967301 better not break the receiver'],
    ['two digits', 'SIP/2.0 20 OK'],
    ['below 100', 'SIP/2.0 099 Odd'],
    ['above 699', 'SIP/2.0 700 Odd'],
    ['a letter in the code', 'SIP/2.0 2x0 OK'],
  ])('RFC 3261 §7.2: %s → BAD_STATUS_CODE', (_name, line) => {
    rejects(wire([line, 'Content-Length: 0']), 'BAD_STATUS_CODE');
  });

  it('RFC 3261 §7.2: a status line without the SP before the reason is rejected', () => {
    rejects(wire(['SIP/2.0 200', 'Content-Length: 0']), 'BAD_START_LINE');
  });

  it('RFC 3261 §7.2: a malformed version in a status line hints 505', () => {
    rejects(wire(['SIP/2.0a 200 OK', 'Content-Length: 0']), 'BAD_VERSION', 505);
  });
});

describe('RFC 3261 §7.3 header lines', () => {
  it('RFC 3261 §7.3.1: LWS before and after the colon, empty values, no space after the colon', () => {
    const m = request(wire(['OPTIONS sip:a@b SIP/2.0', 'Subject            :   hi there  ', 's:', 'X-Empty:', 'Content-Length:0']));
    expect(m.headers.getAll('Subject')).toEqual(['hi there', '']);
    expect(m.headers.get('X-Empty')).toBe('');
    expect(m.contentLength).toBe(0);
  });

  it('RFC 3261 §7.3.1: folded values are unfolded to a single SP', () => {
    const m = request(
      wire(['OPTIONS sip:a@b SIP/2.0', 'Subject: first\r\n   second \r\n\tthird', 'Call-ID:\r\n  folded@host', 'Content-Length: 0']),
    );
    expect(m.headers.get('Subject')).toBe('first second third');
    expect(m.callId).toBe('folded@host');
  });

  it('RFC 3261 §7.3.3: compact forms are the same headers as the long forms', () => {
    const m = request(
      wire([
        'OPTIONS sip:a@b SIP/2.0',
        'v: SIP/2.0/UDP h.example.com;branch=z9hG4bK1',
        'i: compact@example.com',
        'f: <sip:a@example.com>;tag=1',
        't: <sip:b@example.com>',
        'm: <sip:a@192.0.2.1>',
        'CSeq: 1 OPTIONS',
        'l: 0',
      ]),
    );
    expect(m.callId).toBe('compact@example.com');
    expect(m.via[0]?.branch).toBe('z9hG4bK1');
    expect(m.from?.tag).toBe('1');
    expect(m.to?.tag).toBeNull();
    expect(m.contact).toHaveLength(1);
    expect(m.headers.get('Call-ID')).toBe('compact@example.com');
    expect(m.headers.get('CALL-id')).toBe('compact@example.com');
  });

  it('RFC 3261 §7.3.1: header names are case-insensitive', () => {
    const m = request(wire(['OPTIONS sip:a@b SIP/2.0', 'cAlL-iD: x@y', 'cseq: 7 OPTIONS', 'CONTENT-LENGTH: 0']));
    expect(m.callId).toBe('x@y');
    expect(m.cseq).toEqual({ seq: 7, method: 'OPTIONS' });
  });

  it.each([
    ['a line without colon', 'NoColonHere', 'BAD_HEADER_LINE'],
    ['a non-token name', 'Bad@Name: x', 'BAD_HEADER_NAME'],
    ['a space inside the name', 'Bad Name: x', 'BAD_HEADER_NAME'],
    ['a continuation line right after the start line', ' folded: x', 'BAD_HEADER_LINE'],
    ['a CR not followed by LF', 'Subject: a\rb', 'BAD_HEADER_LINE'],
  ] as const)('RFC 3261 §7.3: %s is rejected', (_name, line, code) => {
    rejects(wire(['OPTIONS sip:a@b SIP/2.0', line, 'Content-Length: 0']), code);
  });

  it('RFC 3261 §7: a header section without the empty line → MISSING_HEADER_END (RFC 4475 baddn archive form)', () => {
    rejects('OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\nl: 0\r\n', 'MISSING_HEADER_END');
    rejects('OPTIONS sip:a@b SIP/2.0', 'MISSING_HEADER_END');
  });

  it('RFC 3261 §7.3.1: raw NUL and UTF-8 bytes in header values are kept (RFC 4475 intmeth)', () => {
    const bytes = enc.encode(wire(['OPTIONS sip:a@b SIP/2.0', 'X-Text: a\u0000b', 'X-Utf8: 舊金山', 'Content-Length: 0']));
    const m = request(bytes);
    expect(m.headers.get('X-Text')).toBe('a\u0000b');
    expect(m.headers.get('X-Utf8')).toBe('舊金山');
  });

  it('RFC 3261 §7: bare LF line ends are accepted in the header section; the body is untouched', () => {
    const m = request('OPTIONS sip:a@b SIP/2.0\nCall-ID: lf@host\nContent-Length: 4\n\na\nb\n');
    expect(m.callId).toBe('lf@host');
    expect(new TextDecoder().decode(m.body)).toBe('a\nb\n');
  });

  it('RFC 3261 §7.5: CRLFs before the start line are ignored', () => {
    const m = request('\r\n\r\n' + wire(OPTIONS_LINES));
    expect(m.method).toBe('OPTIONS');
  });

  it('RFC 3261 §7.3: unknown headers are kept in order with their names as received', () => {
    const m = request(wire(['OPTIONS sip:a@b SIP/2.0', 'X-B: 2', 'x-a: 1', 'X-B: 3', 'Content-Length: 0']));
    expect([...m.headers.entries()]).toEqual([
      ['X-B', '2'],
      ['x-a', '1'],
      ['X-B', '3'],
      ['Content-Length', '0'],
    ]);
    expect(m.headers.getAll('x-b')).toEqual(['2', '3']);
  });
});

describe('RFC 3261 §18.3, §20.14 Content-Length and the body', () => {
  it('RFC 3261 §20.14: the body is Content-Length bytes, a view into the input', () => {
    const bytes = enc.encode(wire(['MESSAGE sip:a@b SIP/2.0', 'Content-Type: text/plain', 'Content-Length: 5'], 'hello'));
    const m = request(bytes);
    expect(new TextDecoder().decode(m.body)).toBe('hello');
    expect(m.body.buffer).toBe(bytes.buffer);
    expect(m.contentLength).toBe(5);
    expect(m.contentType).toBe('text/plain');
  });

  it('RFC 3261 §18.3, RFC 4475 §3.1.1.8 dblreq: octets after Content-Length are ignored', () => {
    const m = request(wire(['OPTIONS sip:a@b SIP/2.0', 'Content-Length: 2'], 'okTRAILING GARBAGE'));
    expect(new TextDecoder().decode(m.body)).toBe('ok');
  });

  it('RFC 3261 §18.3, RFC 4475 §3.4.1 inv2543: without Content-Length a datagram body is the rest', () => {
    const m = request(wire(['OPTIONS sip:a@b SIP/2.0', 'Call-ID: x'], 'rest of datagram'));
    expect(m.contentLength).toBe(16);
  });

  it('RFC 3261 §18.3: on a stream Content-Length is mandatory', () => {
    rejects(wire(['OPTIONS sip:a@b SIP/2.0', 'Call-ID: x']), 'BAD_CONTENT_LENGTH', 400, { mode: 'stream' });
  });

  it.each([
    ['RFC 4475 §3.1.2.3 ncl: negative', '-999', 'BAD_CONTENT_LENGTH'],
    ['non-numeric', 'five', 'BAD_CONTENT_LENGTH'],
    ['empty', '', 'BAD_CONTENT_LENGTH'],
    ['digits then text', '5 bytes', 'BAD_CONTENT_LENGTH'],
    ['RFC 4475 §3.1.2.2 clerr: larger than the body', '9999', 'TRUNCATED_BODY'],
    ['huge', '99999999999999999999999', 'TRUNCATED_BODY'],
  ] as const)('RFC 3261 §20.14: Content-Length %s (%j) is rejected', (_name, value, code) => {
    rejects(wire(['OPTIONS sip:a@b SIP/2.0', `Content-Length: ${value}`], 'body'), code);
  });

  it('RFC 4475 §3.3.9 mcl01: two Content-Length headers → DUPLICATE_CONTENT_LENGTH', () => {
    const e = rejects(wire(['OPTIONS sip:a@b SIP/2.0', 'Content-Length: 4', 'l: 4'], 'body'), 'DUPLICATE_CONTENT_LENGTH');
    expect(e.header).toBe('Content-Length');
  });

  it('RFC 3261 §20.14: leading zeros and a folded value are accepted', () => {
    expect(request(wire(['OPTIONS sip:a@b SIP/2.0', 'Content-Length: 0004'], 'body')).contentLength).toBe(4);
    expect(request(wire(['OPTIONS sip:a@b SIP/2.0', 'Content-Length:\r\n 4'], 'body')).contentLength).toBe(4);
  });

  it('RFC 3261 §7.4: a body with NULs and bare LFs is kept byte for byte (RFC 4475 mpart01)', () => {
    const body = new Uint8Array([0x00, 0x0a, 0xff, 0x0d, 0x0a, 0x0d, 0x0a, 0x00]);
    const head = enc.encode(wire(['MESSAGE sip:a@b SIP/2.0', `Content-Length: ${body.length}`]));
    const all = new Uint8Array(head.length + body.length);
    all.set(head);
    all.set(body, head.length);
    expect(Array.from(request(all).body)).toEqual(Array.from(body));
  });
});

describe('RFC 3261 §20 lazy accessors', () => {
  const m = request(
    wire([
      'INVITE sip:bob@example.com SIP/2.0',
      'Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/TCP b.example.com:5070;branch=z9hG4bK2',
      'v: SIP/2.0/UDP c.example.com;branch=z9hG4bK3;rport=5060;received=192.0.2.1',
      'Max-Forwards: 69',
      'Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>',
      'Record-Route: <sip:rr.example.com;lr>',
      'From: "A, B" <sip:a@example.com>;tag=f1',
      'To: <sip:bob@example.com>',
      'Call-ID: lazy@example.com',
      'CSeq: 2 INVITE',
      'Contact: <sip:a@192.0.2.1>;expires=60, "x" <sip:b@192.0.2.2>',
      'Content-Length: 0',
    ]),
  );

  it('RFC 3261 §20.42: `via` lists every value across all Via lines, top first', () => {
    expect(m.via.map((v) => v.branch)).toEqual(['z9hG4bK1', 'z9hG4bK2', 'z9hG4bK3']);
    expect(m.topVia?.host).toBe('a.example.com');
    expect(m.via[2]?.rport).toBe(5060);
  });

  it('RFC 3261 §20.10, §20.34, §20.30: contact, route, recordRoute', () => {
    expect(m.contact.map((c) => c.displayName)).toEqual([null, 'x']);
    expect(m.isWildcardContact).toBe(false);
    expect(m.route.map((r) => (r.uri as SipUri).host)).toEqual(['p1.example.com', 'p2.example.com']);
    expect(m.recordRoute).toHaveLength(1);
  });

  it('RFC 3261 §20.20, §20.22, §20.16: from (a comma inside quotes), maxForwards, cseq', () => {
    expect(m.from?.displayName).toBe('A, B');
    expect(m.maxForwards).toBe(69);
    expect(m.cseq).toEqual({ seq: 2, method: 'INVITE' });
  });

  it('RFC 3261 §20: accessors are cached (same object on each read)', () => {
    expect(m.via).toBe(m.via);
    expect(m.from).toBe(m.from);
    expect(m.cseq).toBe(m.cseq);
  });

  it('RFC 3261 §10.2.2: `Contact: *` is a wildcard', () => {
    const r = request(wire(['REGISTER sip:example.com SIP/2.0', 'Contact: *', 'Expires: 0', 'Content-Length: 0']));
    expect(r.isWildcardContact).toBe(true);
    expect(r.contact).toEqual([]);
  });

  it('RFC 3261 §8.1.1: absent headers read as undefined or empty', () => {
    const r = request(wire(['OPTIONS sip:a@b SIP/2.0', 'Content-Length: 0']));
    expect(r.callId).toBeUndefined();
    expect(r.cseq).toBeUndefined();
    expect(r.from).toBeUndefined();
    expect(r.maxForwards).toBeUndefined();
    expect(r.via).toEqual([]);
    expect(r.topVia).toBeUndefined();
    expect(r.contact).toEqual([]);
    expect(r.contentType).toBeUndefined();
  });

  it('RFC 3261 §16.3: semantic errors surface at the accessor, not at parse (RFC 4475 quotbal, scalar02)', () => {
    const r = request(
      wire(['INVITE sip:a@b SIP/2.0', 'To: "Mr. J. User <sip:j.user@example.com>', 'CSeq: 36893488147419103232 INVITE', 'Content-Length: 0']),
    );
    expect(() => r.to).toThrow(SipParseError);
    expect(() => r.cseq).toThrow(SipParseError);
    expect(r.method).toBe('INVITE');
  });
});

describe('RFC 3261 §18.3 limits', () => {
  const big = wire([...OPTIONS_LINES.slice(0, -1), `X-Pad: ${'p'.repeat(2000)}`, 'Content-Length: 0']);

  it('RFC 3261 §21.4.11: a message over maxMessageBytes → 413 MESSAGE_TOO_LARGE', () => {
    rejects(big, 'MESSAGE_TOO_LARGE', 413, { limits: { maxMessageBytes: 1000 } });
  });

  it('RFC 3261 §21.4.11: a string input over maxMessageBytes → 413 before it is encoded', () => {
    rejects(big, 'MESSAGE_TOO_LARGE', 413, { limits: { maxMessageBytes: 1000 } });
    rejects(enc.encode(big), 'MESSAGE_TOO_LARGE', 413, { limits: { maxMessageBytes: 1000 } });
  });

  it('RFC 3261 §21.4.12: a Request-URI over maxUriLength → 414 URI_TOO_LONG', () => {
    const line = `OPTIONS sip:${'u'.repeat(100)}@example.com SIP/2.0`;
    rejects(wire([line, 'Content-Length: 0']), 'URI_TOO_LONG', 414, { limits: { maxUriLength: 64 } });
  });

  it('RFC 3261 §20: more than maxHeaders lines → 400 TOO_MANY_HEADERS', () => {
    const lines = ['OPTIONS sip:a@b SIP/2.0', ...Array.from({ length: 20 }, (_, i) => `X-H${i}: ${i}`), 'Content-Length: 0'];
    rejects(wire(lines), 'TOO_MANY_HEADERS', 400, { limits: { maxHeaders: 10 } });
    expect(request(wire(lines), { limits: { maxHeaders: 21 } }).headers.count).toBe(21);
  });

  it('RFC 3261 §7.3: a header line over maxHeaderLineBytes (folds included) → 400 HEADER_LINE_TOO_LONG', () => {
    rejects(big, 'HEADER_LINE_TOO_LONG', 400, { limits: { maxHeaderLineBytes: 1000 } });
    const folded = wire(['OPTIONS sip:a@b SIP/2.0', `X-F: ${'a'.repeat(600)}\r\n ${'b'.repeat(600)}`, 'Content-Length: 0']);
    rejects(folded, 'HEADER_LINE_TOO_LONG', 400, { limits: { maxHeaderLineBytes: 1000 } });
  });

  it('RFC 3261 §7: empty input and line ends only → EMPTY_MESSAGE', () => {
    rejects('', 'EMPTY_MESSAGE');
    rejects('\r\n\r\n', 'EMPTY_MESSAGE');
  });

  it('RFC 3261 §7: a header section longer than the first decoding window parses, at every boundary', () => {
    // Shift the 4096-byte window boundary across a CRLF, a name, a fold and the empty line.
    for (let pad = 0; pad < 24; pad++) {
      const lines = ['OPTIONS sip:a@b SIP/2.0', `X-Pad: ${'p'.repeat(4040 + pad)}`, 'Subject: a\r\n b', 'Call-ID: w@x', 'Content-Length: 2'];
      const r = request(enc.encode(wire(lines, 'ok')));
      expect(r.callId).toBe('w@x');
      expect(r.headers.get('Subject')).toBe('a b');
      expect(new TextDecoder().decode(r.body)).toBe('ok');
    }
  });

  it('RFC 3261 §7: a header section longer than the first decoding window parses', () => {
    const lines = ['OPTIONS sip:a@b SIP/2.0', ...Array.from({ length: 60 }, (_, i) => `X-Long-${i}: ${'v'.repeat(100)}`), 'Call-ID: end@x', 'Content-Length: 0'];
    const r = request(wire(lines));
    expect(r.callId).toBe('end@x');
    expect(r.headers.count).toBe(62);
  });

  it('RFC 3261 §18.3 limits, API misuse: a non-positive limit throws TypeError', () => {
    expect(() => parseMessage(wire(OPTIONS_LINES), { limits: { maxHeaders: 0 } })).toThrow(TypeError);
  });
});

describe('RFC 4475 §3 torture messages never crash the parser', () => {
  const dir = fileURLToPath(new URL('./fixtures/rfc4475/', import.meta.url));
  const files = readdirSync(dir).filter((f) => f.endsWith('.dat'));

  it('RFC 4475 §3: each of the 49 messages parses or throws SipParseError, and every accessor does too', () => {
    expect(files).toHaveLength(49);
    let parsed = 0;
    for (const f of files) {
      const r = tryParseMessage(new Uint8Array(readFileSync(dir + f)));
      if (!r.ok) {
        expect(r.error, f).toBeInstanceOf(SipParseError);
        continue;
      }
      parsed++;
      const m = r.message;
      for (const read of [
        () => m.callId,
        () => m.cseq,
        () => m.via,
        () => m.from,
        () => m.to,
        () => m.contact,
        () => m.maxForwards,
        () => m.route,
        () => m.recordRoute,
        () => (m.isRequest ? m.uri : m.reason),
      ]) {
        try {
          read();
        } catch (e) {
          expect(e, f).toBeInstanceOf(SipParseError);
        }
      }
    }
    // The framing-level rejects: clerr, ncl, mcl01, bigcode, baddn, lwsruri, lwsstart, trws.
    expect(parsed).toBe(41);
  });
});

describe('RFC 3261 §7 input forms', () => {
  it('RFC 3261 §7: a string is encoded as UTF-8 before parsing', () => {
    const m = request(wire(['OPTIONS sip:a@b SIP/2.0', 'Subject: café', 'Content-Length: 2'], 'é'));
    expect(m.headers.get('Subject')).toBe('café');
    expect(m.contentLength).toBe(2);
  });

  it('RFC 3261 §7: a Uint8Array view at an offset into a larger buffer parses', () => {
    const text = enc.encode('garbage' + wire(OPTIONS_LINES));
    const view = text.subarray(7);
    expect(request(view).callId).toBe('a84b4c76e66710@pc33.example.com');
  });
});
