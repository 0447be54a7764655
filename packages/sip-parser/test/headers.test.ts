/**
 * SipHeaders: lookup by long or compact name, list splitting, mutation and
 * the invalidation of cached accessors — RFC 3261 §7.3.
 */
import { describe, expect, it } from 'vitest';
import { SipParseError } from '../src/errors.js';
import { SipHeaders } from '../src/headers.js';
import { canonicalHeaderName, compactHeaderName, isListHeader } from '../src/header-names.js';
import { parseMessage } from '../src/parse.js';
import { messageToString } from '../src/serialize.js';
import type { SipRequest } from '../src/message.js';

function wire(lines: readonly string[], body = ''): string {
  return lines.join('\r\n') + '\r\n\r\n' + body;
}

function request(lines: readonly string[]): SipRequest {
  const m = parseMessage(wire(lines));
  if (!m.isRequest) throw new Error('expected a request');
  return m;
}

const LINES = [
  'INVITE sip:bob@example.com SIP/2.0',
  'Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/UDP b.example.com;branch=z9hG4bK2',
  'Via: SIP/2.0/UDP c.example.com;branch=z9hG4bK3',
  'From: "Doe, John" <sip:j@example.com>;tag=1',
  'To: <sip:bob@example.com>',
  'Call-ID: h@example.com',
  'CSeq: 1 INVITE',
  'Contact: "Lastname, First" <sip:a@192.0.2.1>, <sip:b@192.0.2.2>;note="a,b"',
  'Allow: INVITE, ACK,BYE',
  'Date: Sat, 13 Nov 2010 23:29:00 GMT',
  'WWW-Authenticate: Digest realm="a, b", nonce="n"',
  'X-Custom: one, two',
  'Content-Length: 0',
];

describe('RFC 3261 §7.3.1 reading header values', () => {
  const h = request(LINES).headers;

  it('RFC 3261 §7.3.1: get returns the first element of a list header; getAll every element of every line', () => {
    expect(h.get('Via')).toBe('SIP/2.0/UDP a.example.com;branch=z9hG4bK1');
    expect(h.getAll('Via')).toEqual([
      'SIP/2.0/UDP a.example.com;branch=z9hG4bK1',
      'SIP/2.0/UDP b.example.com;branch=z9hG4bK2',
      'SIP/2.0/UDP c.example.com;branch=z9hG4bK3',
    ]);
    expect(h.getAll('Allow')).toEqual(['INVITE', 'ACK', 'BYE']);
  });

  it('RFC 3261 §7.3.1: commas inside quoted strings and <> do not split', () => {
    expect(h.getAll('Contact')).toEqual(['"Lastname, First" <sip:a@192.0.2.1>', '<sip:b@192.0.2.2>;note="a,b"']);
  });

  it('RFC 3261 §7.3.1: single-value headers are never split (From, Date, WWW-Authenticate, unknown)', () => {
    expect(h.get('From')).toBe('"Doe, John" <sip:j@example.com>;tag=1');
    expect(h.getAll('Date')).toEqual(['Sat, 13 Nov 2010 23:29:00 GMT']);
    expect(h.getAll('WWW-Authenticate')).toEqual(['Digest realm="a, b", nonce="n"']);
    expect(h.getAll('X-Custom')).toEqual(['one, two']);
  });

  it('RFC 3261 §7.3.3: lookups accept long or compact names in any case', () => {
    expect(h.get('v')).toBe(h.get('VIA'));
    expect(h.get('i')).toBe('h@example.com');
    expect(h.get('f')).toBe(h.get('from'));
    expect(h.has('m')).toBe(true);
    expect(h.has('x-CUSTOM')).toBe(true);
    expect(h.has('Subject')).toBe(false);
    expect(h.get('Subject')).toBeUndefined();
    expect(h.getAll('Subject')).toEqual([]);
  });

  it('RFC 3261 §7.3: count and entries are per line, in wire order, names as received', () => {
    expect(h.count).toBe(12);
    const names = [...h.entries()].map(([n]) => n);
    expect(names.slice(0, 3)).toEqual(['Via', 'Via', 'From']);
    expect([...h].length).toBe(12);
  });

  it('RFC 3261 §7.3.1: a list header that cannot be split throws SipParseError (RFC 4475 badinv01)', () => {
    const bad = request(['INVITE sip:a@b SIP/2.0', 'Via: SIP/2.0/UDP a;;,;,,', 'Content-Length: 0']).headers;
    expect(() => bad.getAll('Via')).toThrow(SipParseError);
  });
});

describe('RFC 3261 §7.3 mutation', () => {
  it('RFC 3261 §16.6 step 8: prepend puts a Via on top; the via cache is dropped', () => {
    const m = request(LINES);
    expect(m.via).toHaveLength(3);
    m.headers.prepend('Via', 'SIP/2.0/TCP proxy.example.com;branch=z9hG4bKp');
    expect(m.via).toHaveLength(4);
    expect(m.via[0]?.host).toBe('proxy.example.com');
    expect(m.topVia?.branch).toBe('z9hG4bKp');
    expect(m.headers.getAll('Via')[1]).toBe('SIP/2.0/UDP a.example.com;branch=z9hG4bK1');
  });

  it('RFC 3261 §7.3: set replaces every line of a header at the first one’s position', () => {
    const m = request(LINES);
    expect(m.callId).toBe('h@example.com');
    m.headers.set('i', 'new@example.com');
    expect(m.callId).toBe('new@example.com');
    m.headers.set('Via', 'SIP/2.0/UDP only.example.com;branch=z9hG4bKo');
    expect(m.via.map((v) => v.host)).toEqual(['only.example.com']);
    expect([...m.headers.entries()][0]).toEqual(['Via', 'SIP/2.0/UDP only.example.com;branch=z9hG4bKo']);
  });

  it('RFC 3261 §7.3: set of an absent header appends it; append adds after the existing lines', () => {
    const m = request(LINES);
    m.headers.set('Subject', 'hello');
    m.headers.append('Allow', 'OPTIONS');
    expect(m.headers.get('Subject')).toBe('hello');
    expect(m.headers.getAll('Allow')).toEqual(['INVITE', 'ACK', 'BYE', 'OPTIONS']);
    const names = [...m.headers.entries()].map(([n]) => n);
    expect(names.at(-1)).toBe('Allow');
  });

  it('RFC 3261 §7.3: remove drops every line by long or compact name and reports how many', () => {
    const m = request(LINES);
    expect(m.headers.remove('v')).toBe(2);
    expect(m.via).toEqual([]);
    expect(m.headers.remove('Via')).toBe(0);
    expect(m.headers.count).toBe(10);
  });

  it('RFC 3261 §20: every typed accessor reflects a mutation', () => {
    const m = request(LINES);
    void [m.cseq, m.from, m.to, m.contact, m.maxForwards, m.route, m.recordRoute, m.contentType];
    m.headers.set('CSeq', '2 INVITE');
    m.headers.set('From', '<sip:x@example.com>;tag=9');
    m.headers.set('To', '<sip:y@example.com>;tag=8');
    m.headers.set('Contact', '*');
    m.headers.set('Max-Forwards', '10');
    m.headers.set('Route', '<sip:r@example.com;lr>');
    m.headers.set('Record-Route', '<sip:rr@example.com;lr>');
    m.headers.set('Content-Type', 'application/sdp');
    expect(m.cseq?.seq).toBe(2);
    expect(m.from?.tag).toBe('9');
    expect(m.to?.tag).toBe('8');
    expect(m.isWildcardContact).toBe(true);
    expect(m.maxForwards).toBe(10);
    expect(m.route).toHaveLength(1);
    expect(m.recordRoute).toHaveLength(1);
    expect(m.contentType).toBe('application/sdp');
  });

  it('RFC 3261 §7.3.1: values given to set are trimmed like parsed ones', () => {
    const h = new SipHeaders();
    h.set('Subject', '  padded \t');
    expect(h.get('Subject')).toBe('padded');
  });

  it('RFC 3261 §7.3.1, §25.1 API misuse: CR/LF in a value or a non-token name throws TypeError (header injection)', () => {
    const h = new SipHeaders();
    expect(() => h.set('Subject', 'a\r\nVia: evil')).toThrow(TypeError);
    expect(() => h.append('Bad Name', 'x')).toThrow(TypeError);
    expect(() => h.prepend('', 'x')).toThrow(TypeError);
    expect(h.count).toBe(0);
  });

  it('RFC 3261 §7.3: clone is independent of the original', () => {
    const m = request(LINES);
    const c = m.headers.clone();
    c.remove('Via');
    expect(m.headers.getAll('Via')).toHaveLength(3);
    expect(c.has('Via')).toBe(false);
    m.headers.set('Call-ID', 'changed');
    expect(c.get('Call-ID')).toBe('h@example.com');
  });

  it('RFC 3261 §7.3: a header list built from pairs keeps their order', () => {
    const h = new SipHeaders([
      ['Via', 'SIP/2.0/UDP a;branch=z9hG4bK1'],
      ['X-A', '1'],
      ['v', 'SIP/2.0/UDP b;branch=z9hG4bK2'],
    ]);
    expect(h.getAll('Via')).toEqual(['SIP/2.0/UDP a;branch=z9hG4bK1', 'SIP/2.0/UDP b;branch=z9hG4bK2']);
    expect(h.count).toBe(3);
  });
});

describe('RFC 3261 §7.3 value edits by name and index (replaceValue / insertValue / removeValue)', () => {
  const text = (m: SipRequest) => messageToString(m);

  it('replaceValue counts values across lines and rewrites only the line holding the value', () => {
    const m = request(LINES);
    expect(m.topVia?.host).toBe('a.example.com');
    expect(m.headers.replaceValue('Via', 0, 'SIP/2.0/TCP z.example.com;branch=z9hG4bKz')).toBe(true);
    expect(m.headers.getAll('Via')).toEqual([
      'SIP/2.0/TCP z.example.com;branch=z9hG4bKz',
      'SIP/2.0/UDP b.example.com;branch=z9hG4bK2',
      'SIP/2.0/UDP c.example.com;branch=z9hG4bK3',
    ]);
    expect(m.topVia?.host).toBe('z.example.com'); // cached accessors follow the edit
    expect(m.via.map((v) => v.host)).toEqual(['z.example.com', 'b.example.com', 'c.example.com']);
    // The second Via line and every other line go out as received.
    expect(text(m)).toContain('\r\nVia: SIP/2.0/UDP c.example.com;branch=z9hG4bK3\r\n');
    expect(text(m)).toContain('\r\nContact: "Lastname, First" <sip:a@192.0.2.1>, <sip:b@192.0.2.2>;note="a,b"\r\n');
    expect(m.headers.replaceValue('Via', 2, 'SIP/2.0/UDP y.example.com;branch=z9hG4bKy')).toBe(true);
    expect(m.via[2]?.host).toBe('y.example.com');
    expect(m.headers.replaceValue('Via', 3, 'SIP/2.0/UDP x;branch=z9hG4bKx')).toBe(false);
    expect(m.headers.replaceValue('Subject', 0, 'x')).toBe(false);
  });

  it('replaceValue on a non-list header replaces that line; compact names match', () => {
    const m = request([...LINES, 'Subject: one', 's: two']);
    expect(m.headers.replaceValue('Subject', 1, 'deux')).toBe(true);
    expect(m.headers.getAll('s')).toEqual(['one', 'deux']);
  });

  it('insertValue: its own line before a line-leading value, inside a combined line, or after the last line', () => {
    const m = request(LINES);
    m.headers.insertValue('Via', 0, 'SIP/2.0/UDP p.example.com;branch=z9hG4bKp'); // a proxy's Via (§16.6 step 8)
    expect(m.topVia?.host).toBe('p.example.com');
    m.headers.insertValue('Via', 2, 'SIP/2.0/UDP q.example.com;branch=z9hG4bKq'); // between a and b, same line
    m.headers.insertValue('Via', 5, 'SIP/2.0/UDP r.example.com;branch=z9hG4bKr'); // after the last
    expect(m.via.map((v) => v.host)).toEqual(['p.example.com', 'a.example.com', 'q.example.com', 'b.example.com', 'c.example.com', 'r.example.com']);
    expect(m.headers.count).toBe(LINES.length - 1 + 2);
    expect(() => m.headers.insertValue('Via', 7, 'SIP/2.0/UDP s;branch=z9hG4bKs')).toThrow(RangeError);
    m.headers.insertValue('Record-Route', 0, '<sip:p.example.com;lr>');
    expect(m.headers.getAll('Record-Route')).toEqual(['<sip:p.example.com;lr>']);
  });

  it('removeValue: a value of a combined line, then a whole line; caches follow', () => {
    const m = request(LINES);
    expect(m.headers.removeValue('Via', 0)).toBe(true); // a UAC drops the top Via of a response (§8.1.3.3)
    expect(m.via.map((v) => v.host)).toEqual(['b.example.com', 'c.example.com']);
    expect(m.headers.removeValue('Via', 1)).toBe(true);
    expect(m.headers.getAll('Via')).toEqual(['SIP/2.0/UDP b.example.com;branch=z9hG4bK2']);
    expect(m.headers.removeValue('Via', 1)).toBe(false);
    expect(m.headers.removeValue('Contact', 1)).toBe(true);
    expect(m.contact).toHaveLength(1);
  });

  it('misuse: a bad index is a TypeError, a value with CR/LF too; nothing changes', () => {
    const m = request(LINES);
    expect(() => m.headers.replaceValue('Via', -1, 'x')).toThrow(TypeError);
    expect(() => m.headers.removeValue('Via', 0.5)).toThrow(TypeError);
    expect(() => m.headers.insertValue('Via', 0, 'x\r\nEvil: 1')).toThrow(TypeError);
    expect(m.headers.modified).toBe(false);
  });
});

describe('RFC 3261 §7.3.3 header names', () => {
  it.each([
    ['i', 'Call-ID'],
    ['m', 'Contact'],
    ['e', 'Content-Encoding'],
    ['l', 'Content-Length'],
    ['c', 'Content-Type'],
    ['f', 'From'],
    ['s', 'Subject'],
    ['k', 'Supported'],
    ['t', 'To'],
    ['v', 'Via'],
    ['o', 'Event'],
    ['r', 'Refer-To'],
    ['b', 'Referred-By'],
    ['u', 'Allow-Events'],
    ['x', 'Session-Expires'],
    ['a', 'Accept-Contact'],
    ['j', 'Reject-Contact'],
    ['d', 'Request-Disposition'],
    ['y', 'Identity'],
    ['n', 'Identity-Info'],
  ])('RFC 3261 §7.3.3: compact form %s is %s', (compact, long) => {
    expect(canonicalHeaderName(compact)).toBe(long);
    expect(canonicalHeaderName(compact.toUpperCase())).toBe(long);
    expect(compactHeaderName(long)).toBe(compact);
  });

  it('RFC 3261 §20: known names take their canonical spelling; unknown names are kept', () => {
    expect(canonicalHeaderName('call-id')).toBe('Call-ID');
    expect(canonicalHeaderName('CSEQ')).toBe('CSeq');
    expect(canonicalHeaderName('www-authenticate')).toBe('WWW-Authenticate');
    expect(canonicalHeaderName('user-to-user')).toBe('User-to-User');
    expect(canonicalHeaderName('X-Unknown')).toBe('X-Unknown');
    expect(canonicalHeaderName('Via2')).toBe('Via2');
    expect(compactHeaderName('CSeq')).toBeUndefined();
  });

  it('RFC 3261 §7.3.1: which headers are lists', () => {
    for (const n of ['Via', 'Contact', 'Route', 'Record-Route', 'Allow', 'Supported', 'Require', 'Proxy-Require', 'Accept', 'Warning', 'Reason']) {
      expect(isListHeader(n), n).toBe(true);
    }
    for (const n of ['From', 'To', 'Call-ID', 'CSeq', 'Date', 'WWW-Authenticate', 'Authorization', 'Subject', 'User-to-User', 'X-Foo']) {
      expect(isListHeader(n), n).toBe(false);
    }
  });

  it('RFC 3261 §7.3.3: a name that merely starts like a known one is unknown (C%6Fntact, Vias)', () => {
    const m = request(['OPTIONS sip:a@b SIP/2.0', 'C%6Fntact: <sip:x@y>', 'Vias: x', 'Content-Length: 0']);
    expect(m.contact).toEqual([]);
    expect(m.via).toEqual([]);
    expect(m.headers.get('C%6Fntact')).toBe('<sip:x@y>');
  });
});
