/**
 * serializeMessage — RFC 3261 §7 (message format), §16.6 (forwarding keeps
 * unknown headers unchanged), §20.14 (Content-Length always right).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalHeaderName } from '../src/header-names.js';
import { parseMessage } from '../src/parse.js';
import { messageToString, serializeMessage } from '../src/serialize.js';
import { SipRequest, SipResponse } from '../src/message.js';

const dec = new TextDecoder();
const enc = new TextEncoder();

function wire(lines: readonly string[], body = ''): string {
  return lines.join('\r\n') + '\r\n\r\n' + body;
}

function text(b: Uint8Array): string {
  return dec.decode(b);
}

const corpusDir = fileURLToPath(new URL('../bench/corpus/', import.meta.url));
const corpus = readdirSync(corpusDir)
  .filter((f) => f.endsWith('.sip'))
  .sort()
  .map((f) => [f, new Uint8Array(readFileSync(corpusDir + f))] as const);

describe('RFC 3261 §7 serialization of parsed messages', () => {
  it('RFC 3261 §7: the 10 corpus messages serialize to identical bytes', () => {
    expect(corpus).toHaveLength(10);
    for (const [name, bytes] of corpus) {
      const out = serializeMessage(parseMessage(bytes));
      expect(Buffer.compare(out, bytes), name).toBe(0);
    }
  });

  it('RFC 3261 §16.6: after a mutation, untouched lines (folded, compact, odd spacing) are copied byte for byte', () => {
    for (const [name, bytes] of corpus) {
      const m = parseMessage(bytes);
      m.headers.set('X-Added', 'yes');
      const out = text(serializeMessage(m));
      expect(out, name).toBe(text(bytes).replace('\r\n\r\n', '\r\nX-Added: yes\r\n\r\n'));
      // Every original header line survives unchanged.
      const head = text(bytes).split('\r\n\r\n')[0]!;
      for (const line of head.split('\r\n')) expect(out.includes(line + '\r\n'), `${name}: ${line}`).toBe(true);
    }
    const odd = wire(['OPTIONS sip:a@b SIP/2.0', 'Subject   :  folded\r\n   value', 'i:compact@x', 'X-Unknown: ;;weird,,value', 'l: 0']);
    const m = parseMessage(odd);
    m.headers.set('Max-Forwards', '70');
    expect(text(serializeMessage(m))).toBe(
      wire(['OPTIONS sip:a@b SIP/2.0', 'Subject   :  folded\r\n   value', 'i:compact@x', 'X-Unknown: ;;weird,,value', 'l: 0', 'Max-Forwards: 70']),
    );
  });

  it('RFC 3261 §16.6 step 8: a prepended Via is written canonically above the received ones', () => {
    const m = parseMessage(corpus[0]![1]);
    m.headers.prepend('v', 'SIP/2.0/TLS proxy.example.com;branch=z9hG4bKp1');
    const out = text(serializeMessage(m));
    expect(out.split('\r\n').slice(0, 3)).toEqual([
      'INVITE sips:agent@voice.example.com SIP/2.0',
      'Via: SIP/2.0/TLS proxy.example.com;branch=z9hG4bKp1',
      'Via: SIP/2.0/TLS 198.51.100.10:5061;branch=z9hG4bK-524287-1-e5a8c3b1;alias',
    ]);
    const again = parseMessage(serializeMessage(m));
    expect(again.via.map((v) => v.host)).toEqual(['proxy.example.com', '198.51.100.10']);
  });

  it('RFC 3261 §16.5: a retargeted Request-URI is written in the start line', () => {
    const m = parseMessage(corpus[0]![1]) as SipRequest;
    m.setRequestUri('sip:agent@10.0.0.1:5060');
    expect(text(serializeMessage(m)).split('\r\n')[0]).toBe('INVITE sip:agent@10.0.0.1:5060 SIP/2.0');
  });

  it('RFC 3261 §7.4: the body is copied byte for byte, binary included', () => {
    const body = new Uint8Array([0, 1, 2, 0x0a, 0xff, 0x0d]);
    const head = enc.encode(wire(['MESSAGE sip:a@b SIP/2.0', 'Content-Type: application/octet-stream', `Content-Length: ${body.length}`]));
    const all = new Uint8Array(head.length + body.length);
    all.set(head);
    all.set(body, head.length);
    const m = parseMessage(all);
    expect(Buffer.compare(serializeMessage(m), all)).toBe(0);
    m.headers.set('Subject', 'x');
    expect(Array.from(serializeMessage(m).subarray(-body.length))).toEqual(Array.from(body));
  });
});

describe('RFC 3261 §20.14 Content-Length is always written and always right', () => {
  it('RFC 3261 §20.14: a datagram without Content-Length gets one (RFC 4475 inv2543 body)', () => {
    const m = parseMessage(wire(['OPTIONS sip:a@b SIP/2.0', 'Call-ID: x'], 'abc'));
    expect(text(serializeMessage(m))).toBe(wire(['OPTIONS sip:a@b SIP/2.0', 'Call-ID: x', 'Content-Length: 3'], 'abc'));
  });

  it('RFC 3261 §18.3: octets after the body (RFC 4475 dblreq) are not written', () => {
    const m = parseMessage(wire(['OPTIONS sip:a@b SIP/2.0', 'Content-Length: 2'], 'okGARBAGE'));
    expect(text(serializeMessage(m))).toBe(wire(['OPTIONS sip:a@b SIP/2.0', 'Content-Length: 2'], 'ok'));
  });

  it('RFC 3261 §20.14: a new body replaces the Content-Length in place', () => {
    const m = parseMessage(wire(['MESSAGE sip:a@b SIP/2.0', 'l: 2', 'Call-ID: x'], 'hi'));
    m.setBody('hello world', 'text/plain');
    expect(text(serializeMessage(m))).toBe(
      wire(['MESSAGE sip:a@b SIP/2.0', 'Content-Length: 11', 'Call-ID: x', 'Content-Type: text/plain'], 'hello world'),
    );
  });

  it('RFC 3261 §20.14: a Content-Length set by the caller is corrected', () => {
    const m = parseMessage(wire(['MESSAGE sip:a@b SIP/2.0', 'Content-Length: 2'], 'hi'));
    m.headers.set('Content-Length', '999');
    expect(text(serializeMessage(m))).toBe(wire(['MESSAGE sip:a@b SIP/2.0', 'Content-Length: 2'], 'hi'));
    m.headers.remove('l');
    expect(text(serializeMessage(m))).toBe(wire(['MESSAGE sip:a@b SIP/2.0', 'Content-Length: 2'], 'hi'));
  });

  it('RFC 3261 §20.14: a received compact or unspaced Content-Length that is right is kept as received', () => {
    const src = wire(['OPTIONS sip:a@b SIP/2.0', 'Content-Length:0', 'Subject: a']);
    const m = parseMessage(src);
    m.headers.set('Subject', 'b');
    expect(text(serializeMessage(m))).toBe(wire(['OPTIONS sip:a@b SIP/2.0', 'Content-Length:0', 'Subject: b']));
  });
});

describe('RFC 3261 §7 serialization of built messages', () => {
  it('RFC 3261 §7.1: a built request is written canonically', () => {
    const req = new SipRequest({
      method: 'MESSAGE',
      uri: 'sip:bob@example.com',
      headers: [
        ['v', 'SIP/2.0/UDP a.example.com;branch=z9hG4bK1'],
        ['call-id', 'c@a'],
        ['X-Mine', 'kept as given'],
      ],
      body: 'hé',
    });
    expect(text(serializeMessage(req))).toBe(
      wire(['MESSAGE sip:bob@example.com SIP/2.0', 'Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1', 'Call-ID: c@a', 'X-Mine: kept as given', 'Content-Length: 3'], 'hé'),
    );
  });

  it('RFC 3261 §7.2: a built response is written canonically and parses back', () => {
    const res = new SipResponse({ status: 486, headers: [['Call-ID', 'x']] });
    const out = serializeMessage(res);
    expect(text(out)).toBe(wire(['SIP/2.0 486 Busy Here', 'Call-ID: x', 'Content-Length: 0']));
    const back = parseMessage(out);
    expect(back.isRequest).toBe(false);
    expect(messageToString(back)).toBe(text(out));
  });
});

describe('RFC 3261 §7.3 mutations survive serialize ∘ parse (fast-check)', () => {
  const NAMES = ['Via', 'v', 'Subject', 's', 'X-Foo', 'x-foo', 'Call-ID', 'i', 'Contact', 'm', 'Route', 'Allow'];
  const value = fc.stringMatching(/^[A-Za-z0-9;=.:@<>" ,-]{0,20}$/).map((v) => v.trim());
  const op = fc.record({ kind: fc.constantFrom('set', 'append', 'prepend', 'remove'), name: fc.constantFrom(...NAMES), value });
  const key = (n: string): string => canonicalHeaderName(n).toLowerCase();

  it('RFC 3261 §7.3: any sequence of set/append/prepend/remove gives, after a round trip, the modelled header list', () => {
    fc.assert(
      fc.property(fc.constantFrom(...corpus.map(([, b]) => b)), fc.array(op, { maxLength: 12 }), (bytes, ops) => {
        const m = parseMessage(bytes);
        const model: Array<[string, string]> = [...m.headers.entries()];
        for (const { kind, name, value: v } of ops) {
          const k = key(name);
          const canon = canonicalHeaderName(name);
          if (kind === 'remove') {
            m.headers.remove(name);
            for (let i = model.length - 1; i >= 0; i--) if (key(model[i]![0]) === k) model.splice(i, 1);
          } else if (kind === 'append') {
            m.headers.append(name, v);
            model.push([canon, v]);
          } else if (kind === 'prepend') {
            m.headers.prepend(name, v);
            const at = model.findIndex(([n]) => key(n) === k);
            model.splice(at === -1 ? model.length : at, 0, [canon, v]);
          } else {
            m.headers.set(name, v);
            const at = model.findIndex(([n]) => key(n) === k);
            const rest = model.filter(([n]) => key(n) !== k);
            rest.splice(at === -1 ? rest.length : at, 0, [canon, v]);
            model.splice(0, model.length, ...rest);
          }
        }
        const back = parseMessage(serializeMessage(m));
        const got = [...back.headers.entries()].filter(([n]) => key(n) !== 'content-length');
        expect(got).toEqual(model.filter(([n]) => key(n) !== 'content-length'));
        expect(Array.from(back.body)).toEqual(Array.from(m.body));
        expect(back.contentLength).toBe(m.contentLength);
      }),
      { numRuns: 300 },
    );
  });
});
