/**
 * RFC 5118 — SIP Torture Test Messages for IPv6. The twelve messages of §4
 * (fixtures/rfc5118, CRLF, Content-Length matching the body), each with the
 * verdict and the exact hosts, ports and parameters the RFC describes.
 * IPv6 references keep their brackets in `host` (types.ts, RFC 3261 §25.1
 * `IPv6reference`).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SipParseError } from '../src/errors.js';
import type { SipUri, Uri, Via } from '../src/types.js';
import {
  acceptedRequest,
  corpus,
  corpusIndex,
  fixture,
  isRejected,
  receive,
  rejectionStatus,
  type Outcome,
} from './support/torture.js';

const { index: INDEX, entry, bytesOf, title } = corpus('rfc5118');

function uas(name: string): Outcome {
  return receive(bytesOf(name));
}

function sip(u: Uri | undefined): SipUri {
  if (u === undefined || u.kind !== 'sip') throw new Error(`expected a sip URI, got ${u?.raw ?? 'nothing'}`);
  return u;
}

function hostPort(u: SipUri): [string, SipUri['hostType'], number | null] {
  return [u.host, u.hostType, u.port];
}

function viaSummary(v: Via): [string, string, number | null, string | null, string | null] {
  return [v.transport, v.host, v.port, v.branch, v.received];
}

const text = new TextDecoder();

describe('RFC 5118 §4 corpus integrity', () => {
  it('RFC 5118 §4 twelve messages for sections 4.1-4.10, CRLF line ends, sha256 as indexed', () => {
    expect(INDEX).toHaveLength(12);
    expect(new Set(INDEX.map((e) => e.section)).size).toBe(10);
    for (const e of INDEX) {
      const b = fixture('rfc5118', e.file);
      expect(b.length, e.name).toBe(e.bytes);
      expect(createHash('sha256').update(b).digest('hex'), e.name).toBe(e.sha256);
      const s = Buffer.from(b).toString('latin1');
      expect(s.replace(/\r\n/g, '').includes('\n'), `${e.name} has a bare LF`).toBe(false);
      expect(s.includes('\r\n\r\n'), `${e.name} closes its header section`).toBe(true);
    }
  });

  it('RFC 5118 §4.6, §4.8, §4.9 Content-Length is the real body length (the RFC prints 268, 181, 236)', () => {
    const fixed = INDEX.filter((e) => e.content_length !== undefined);
    expect(fixed.map((e) => [e.name, e.content_length, e.content_length_printed_in_rfc])).toEqual([
      ['ipv6-in-sdp', 251, 268],
      ['mult-ip-in-sdp', 189, 181],
      ['ipv4-mapped-ipv6', 245, 236],
    ]);
    for (const e of fixed) {
      const m = acceptedRequest(uas(e.name));
      expect(m.body.length).toBe(e.content_length);
      expect(m.headers.get('Content-Length')).toBe(String(e.content_length));
      // the body runs to the end of the datagram: nothing cut, nothing left over
      expect(Buffer.from(m.body).toString('latin1')).toBe(Buffer.from(bytesOf(e.name)).toString('latin1').split('\r\n\r\n')[1]);
    }
  });
});

describe('RFC 5118 §4 parser torture tests', () => {
  it(title('ipv6-good', 'IPv6 references in Request-URI, Via and Contact'), () => {
    const o = uas('ipv6-good');
    const m = acceptedRequest(o);
    expect(m.method).toBe('REGISTER');
    expect(hostPort(sip(m.uri))).toEqual(['[2001:db8::10]', 'ipv6', null]);
    expect(m.via.map(viaSummary)).toEqual([['UDP', '[2001:db8::9:1]', null, 'z9hG4bKas3-111', null]]);
    const c = m.contact[0]!;
    expect(m.contact).toHaveLength(1);
    expect(c.displayName).toBe('Caller');
    expect(sip(c.uri).user).toBe('caller');
    expect(hostPort(sip(c.uri))).toEqual(['[2001:db8::1]', 'ipv6', null]);
    expect(m.cseq).toEqual({ seq: 98176, method: 'REGISTER' });
    expect(m.callId).toBe('SSG9559905523997077@hlau_4100');
    expect(rejectionStatus(o)).toBeNull();
  });

  it(title('ipv6-bad', 'unbracketed IPv6 Request-URI → 400'), () => {
    const o = uas('ipv6-bad');
    const m = acceptedRequest(o); // framing is sound; the Request-URI is not
    expect(m.requestUri).toBe('sip:2001:db8::10');
    expect(() => m.uri).toThrow(SipParseError);
    expect(rejectionStatus(o)).toBe(400);
    expect(entry('ipv6-bad').status).toBe(400);
  });

  it(title('port-ambiguous', '[2001:db8::10:5070] is one address, no port'), () => {
    const o = uas('port-ambiguous');
    const m = acceptedRequest(o);
    expect(hostPort(sip(m.uri))).toEqual(['[2001:db8::10:5070]', 'ipv6', null]);
    expect(rejectionStatus(o)).toBeNull();
  });

  it(title('port-unambiguous', '[2001:db8::10]:5070 is address and port'), () => {
    const o = uas('port-unambiguous');
    const m = acceptedRequest(o);
    expect(hostPort(sip(m.uri))).toEqual(['[2001:db8::10]', 'ipv6', 5070]);
    expect(rejectionStatus(o)).toBeNull();
  });

  it(title('via-received-param-with-delim', 'received=[2001:db8::9:255] accepted (Robustness Principle)'), () => {
    const o = uas('via-received-param-with-delim');
    const m = acceptedRequest(o);
    expect(m.method).toBe('BYE');
    expect(m.via.map(viaSummary)).toEqual([['UDP', '[2001:db8::9:1]', null, 'z9hG4bKas3-111', '[2001:db8::9:255]']]);
    expect(m.to?.tag).toBe('bd76ya');
    expect(rejectionStatus(o)).toBeNull();
  });

  it(title('via-received-param-no-delim', 'received=2001:db8::9:255 accepted'), () => {
    const o = uas('via-received-param-no-delim');
    const m = acceptedRequest(o);
    expect(m.method).toBe('OPTIONS');
    expect(m.via.map(viaSummary)).toEqual([['UDP', '[2001:db8::9:1]', null, 'z9hG4bKas3', '2001:db8::9:255']]);
    expect(m.callId).toBe('SSG95523997077@hlau_4100');
    expect(hostPort(sip(m.contact[0]?.uri))).toEqual(['[2001:db8::9:1]', 'ipv6', null]);
    expect(rejectionStatus(o)).toBeNull();
  });

  it(title('ipv6-in-sdp', 'IPv6 in Request-URI, To, Via, Contact and the SDP body'), () => {
    const o = uas('ipv6-in-sdp');
    const m = acceptedRequest(o);
    expect(m.method).toBe('INVITE');
    expect(sip(m.uri).user).toBe('user');
    expect(hostPort(sip(m.uri))).toEqual(['[2001:db8::10]', 'ipv6', null]);
    expect(hostPort(sip(m.to?.uri))).toEqual(['[2001:db8::10]', 'ipv6', null]);
    expect(m.via.map(viaSummary)).toEqual([['UDP', '[2001:db8::20]', null, 'z9hG4bKas3-111', null]]);
    expect(hostPort(sip(m.contact[0]?.uri))).toEqual(['[2001:db8::20]', 'ipv6', null]);
    expect(m.contentType).toBe('application/sdp');
    const sdp = text.decode(m.body);
    expect(sdp.startsWith('v=0\r\n')).toBe(true);
    expect(sdp).toContain('o=assistant 971731711378798081 0 IN IP6 2001:db8::20\r\n');
    expect(sdp).toContain('c=IN IP6 2001:db8::20\r\n');
    expect(sdp.endsWith('a=rtpmap:107 H263-1998/90000\r\n')).toBe(true);
    expect(rejectionStatus(o)).toBeNull();
  });

  it(title('mult-ip-in-header', 'IPv6 and IPv4 Via values, port after "]", IPv4 received'), () => {
    const o = uas('mult-ip-in-header');
    const m = acceptedRequest(o);
    expect(m.via.map(viaSummary)).toEqual([
      ['UDP', '[2001:db8::9:1]', 6050, 'z9hG4bKas3-111', null],
      ['UDP', '192.0.2.1', null, 'z9hG4bKjhja8781hjuaij65144', null],
      ['TCP', '[2001:db8::9:255]', null, 'z9hG4bK451jj', '192.0.2.200'],
    ]);
    expect(m.via.map((v) => v.sentBy)).toEqual(['[2001:db8::9:1]:6050', '192.0.2.1', '[2001:db8::9:255]']);
    expect(hostPort(sip(m.uri))).toEqual(['host.example.net', 'hostname', null]);
    expect(m.to?.tag).toBe('9817--94');
    expect(rejectionStatus(o)).toBeNull();
  });

  it(title('mult-ip-in-sdp', 'SDP with one IPv4 and one IPv6 media stream'), () => {
    const o = uas('mult-ip-in-sdp');
    const m = acceptedRequest(o);
    expect(m.via.map(viaSummary)).toEqual([['UDP', '[2001:db8::9:1]', null, 'z9hG4bKas3-111', null]]);
    const sdp = text.decode(m.body);
    expect(sdp.split('\r\n').filter((l) => l.startsWith('c='))).toEqual(['c=IN IP4 192.0.2.1', 'c=IN IP6 2001:db8::1']);
    expect(m.body).toHaveLength(189);
    expect(rejectionStatus(o)).toBeNull();
  });

  it(title('ipv4-mapped-ipv6', '::ffff:192.0.2.x in Via, Contact and SDP'), () => {
    const o = uas('ipv4-mapped-ipv6');
    const m = acceptedRequest(o);
    expect(m.via.map(viaSummary)).toEqual([
      ['UDP', '[::ffff:192.0.2.10]', 19823, 'z9hG4bKbh19', null],
      ['UDP', '[::ffff:192.0.2.2]', null, 'z9hG4bKas3-111', null],
    ]);
    const c = m.contact[0]!;
    expect(c.displayName).toBe('T. desk phone');
    expect(sip(c.uri).user).toBe('ted');
    expect(hostPort(sip(c.uri))).toEqual(['[::ffff:192.0.2.2]', 'ipv6', null]);
    expect(text.decode(m.body)).toContain('c=IN IP6 ::ffff:192.0.2.2\r\n');
    expect(rejectionStatus(o)).toBeNull();
  });

  it(title('ipv6-bug-abnf-3-colons', '[2001:db8:::192.0.2.1] must be tolerated'), () => {
    // RFC 5118 §4.10: RFC 3261's IPv6address ABNF (from RFC 2373) derives the
    // three-colon form; "following the Robustness Principle [RFC1122], an
    // implementation must tolerate both of the above constructs".
    const o = uas('ipv6-bug-abnf-3-colons');
    const m = acceptedRequest(o);
    expect(hostPort(sip(m.uri))).toEqual(['[2001:db8:::192.0.2.1]', 'ipv6', null]);
    expect(hostPort(sip(m.to?.uri))).toEqual(['[2001:db8:::192.0.2.1]', 'ipv6', null]);
    expect(rejectionStatus(o)).toBeNull();
  });

  it(title('ipv6-correct-abnf-2-colons', '[2001:db8::192.0.2.1] accepted'), () => {
    const o = uas('ipv6-correct-abnf-2-colons');
    const m = acceptedRequest(o);
    expect(sip(m.uri).user).toBe('user');
    expect(hostPort(sip(m.uri))).toEqual(['[2001:db8::192.0.2.1]', 'ipv6', null]);
    expect(hostPort(sip(m.to?.uri))).toEqual(['[2001:db8::192.0.2.1]', 'ipv6', null]);
    expect(m.via.map(viaSummary)).toEqual([['UDP', 'lab1.east.example.com', null, 'z9hG4bKas3-111', null]]);
    expect(rejectionStatus(o)).toBeNull();
  });
});

describe('RFC 5118 §4 verdicts', () => {
  for (const e of INDEX) {
    it(`RFC 5118 §${e.section} ${e.name}: verdict ${e.verdict}${e.status === undefined ? '' : ` ${e.status}`}`, () => {
      const o = uas(e.name);
      if (e.verdict === 'reject') {
        expect(isRejected(o)).toBe(true);
        expect(rejectionStatus(o)).toBe(e.status);
      } else {
        expect(o.kind).toBe('message');
        expect(rejectionStatus(o)).toBeNull();
      }
    });
  }
});

describe('RFC 4475 §3 + RFC 5118 §4 must-reject summary', () => {
  /** RFC 4475's 11 "reject" messages and RFC 5118's one. */
  const MUST_REJECT: ReadonlyArray<readonly ['rfc4475' | 'rfc5118', string]> = [
    ...corpusIndex('rfc4475')
      .filter((e) => e.parser_should === 'reject')
      .map((e) => ['rfc4475', e.file] as const),
    ...INDEX.filter((e) => e.verdict === 'reject').map((e) => ['rfc5118', e.file] as const),
  ];

  it('RFC 4475 §3.1.2/§3.3.9 and RFC 5118 §4.2: all 12 must-reject messages are rejected', () => {
    expect(MUST_REJECT).toHaveLength(12);
    const notRejected = MUST_REJECT.filter(([dir, file]) => !isRejected(receive(fixture(dir, file))));
    expect(notRejected).toEqual([]);
  });
});
