/**
 * RFC 4475 — SIP Torture Test Messages. Every one of the 49 messages of §3,
 * byte-exact from the RFC's archive, with the verdict the RFC gives it and
 * the exact values the RFC describes.
 *
 * "Rejected" means what a receiving element does: `parseMessage` throws a
 * SipParseError (framing), or `validateMessage` refuses the message with the
 * status the RFC names (RFC 3261 §8.2, §16.3).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SipParseError } from '../src/errors.js';
import { parseCredentials } from '../src/auth.js';
import type { SipRequest } from '../src/message.js';
import type { NameAddr, SipUri, Uri, Via } from '../src/types.js';
import { validateMessage } from '../src/validate.js';
import {
  accepted,
  acceptedRequest,
  acceptedResponse,
  corpus,
  fixture,
  isRejected,
  receive,
  rejectionStatus,
  type Outcome,
} from './support/torture.js';

const { index: INDEX, entry, bytesOf, title } = corpus('rfc4475');

function sip(u: Uri): SipUri {
  if (u.kind !== 'sip') throw new Error(`expected a sip/sips URI, got ${u.kind} ${u.raw}`);
  return u;
}

function viaSummary(v: Via): { transport: string; host: string; port: number | null; branch: string | null } {
  return { transport: v.transport, host: v.host, port: v.port, branch: v.branch };
}

function paramsOf(x: { params: readonly { name: string; value: string | null }[] }): Array<[string, string | null]> {
  return x.params.map((p) => [p.name, p.value]);
}

function one<T>(xs: readonly T[]): T {
  expect(xs).toHaveLength(1);
  return xs[0]!;
}

function defined<T>(x: T | undefined): T {
  expect(x).toBeDefined();
  return x!;
}

/** Request received by a UAS with the default options. */
function uas(name: string): Outcome {
  return receive(bytesOf(name));
}

/** Request received by a proxy. */
function proxy(name: string): Outcome {
  return receive(bytesOf(name), { role: 'proxy' });
}

describe('RFC 4475 §3 corpus integrity', () => {
  it('RFC 4475 §3 all 49 messages are present, byte-exact (sha256 and length)', () => {
    expect(INDEX).toHaveLength(49);
    for (const e of INDEX) {
      const b = fixture('rfc4475', e.file);
      expect(b.length, e.name).toBe(e.bytes);
      expect(createHash('sha256').update(b).digest('hex'), e.name).toBe(e.sha256);
    }
  });
});

// ---------------------------------------------------------------------------
// §3.1.1 Valid messages: must parse, and the values are the RFC's.

describe('RFC 4475 §3.1.1 valid messages', () => {
  it(title('wsinv'), () => {
    const o = uas('wsinv');
    const m = acceptedRequest(o);
    expect(m.method).toBe('INVITE');
    expect(m.version).toBe('SIP/2.0');
    expect(m.requestUri).toBe('sip:vivekg@chair-dnrc.example.com;unknownparam');
    const ruri = sip(m.uri);
    expect([ruri.user, ruri.host, ruri.port]).toEqual(['vivekg', 'chair-dnrc.example.com', null]);
    expect(paramsOf(ruri)).toEqual([['unknownparam', null]]);
    // TO :\r\n sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n
    const to = defined(m.to);
    expect(to.displayName).toBeNull();
    expect(sip(to.uri).user).toBe('vivekg');
    expect(sip(to.uri).host).toBe('chair-dnrc.example.com');
    expect(to.tag).toBe('1918181833n');
    // from   : "J Rosenberg \\\""  <sip:jdrosen@example.com> ; tag = 98asjd8 (folded)
    const from = defined(m.from);
    expect(from.displayName).toBe('J Rosenberg \\"');
    expect(sip(from.uri).user).toBe('jdrosen');
    expect(sip(from.uri).host).toBe('example.com');
    expect(from.tag).toBe('98asjd8');
    expect(m.maxForwards).toBe(68); // 0068
    expect(m.callId).toBe('wsinv.ndaksdj@192.0.2.1');
    expect(m.cseq).toEqual({ seq: 9, method: 'INVITE' }); // 0009 folded onto INVITE
    expect(m.via.map(viaSummary)).toEqual([
      { transport: 'UDP', host: '192.0.2.2', port: null, branch: '390skdjuw' },
      { transport: 'TCP', host: 'spindle.example.com', port: null, branch: 'z9hG4bK9ikj8' },
      { transport: 'UDP', host: '192.168.255.111', port: null, branch: 'z9hG4bK30239' },
    ]);
    expect(m.via.map((v) => v.protocol)).toEqual(['SIP/2.0', 'SIP/2.0', 'SIP/2.0']);
    expect(m.headers.get('Subject')).toBe(''); // "s :" with an empty value
    expect(m.headers.has('s')).toBe(true);
    expect(m.headers.get('NewFangledHeader')).toBe('newfangled value continued newfangled value');
    // The unknown header is opaque: kept verbatim, never split on its commas.
    expect(m.headers.getAll('UnknownHeaderWithUnusualValue')).toEqual([';;,,;;,;']);
    expect(m.contentType).toBe('application/sdp');
    const route = one(m.route);
    expect(sip(route.uri).host).toBe('services.example.com');
    expect(paramsOf(sip(route.uri))).toEqual([
      ['lr', null],
      ['unknownwith', 'value'],
      ['unknown-no-value', null],
    ]);
    // m:"Quoted string \"\"" <sip:jdrosen@example.com> ; newparam = newvalue ; secondparam ; q = 0.33
    const contact = one(m.contact);
    expect(contact.displayName).toBe('Quoted string ""');
    expect(sip(contact.uri).user).toBe('jdrosen');
    expect(paramsOf(contact)).toEqual([
      ['newparam', 'newvalue'],
      ['secondparam', null],
      ['q', '0.33'],
    ]);
    expect(m.contentLength).toBe(150);
    expect(m.body).toEqual(bytesOf('wsinv').subarray(851));
    expect(o.kind === 'message' && o.verdict).toEqual({ ok: true });
  });

  it(title('intmeth'), () => {
    const method = "!interesting-Method0123456789_*+`.%indeed'~";
    const o = uas('intmeth');
    const m = acceptedRequest(o);
    expect(m.method).toBe(method);
    const ruri = sip(m.uri);
    expect(ruri.user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    expect(ruri.password).toBe("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    expect(ruri.host).toBe('example.com');
    expect(m.via.map(viaSummary)).toEqual([
      { transport: 'TCP', host: 'host1.example.com', port: null, branch: "z9hG4bK-.!%66*_+`'~" },
    ]);
    // quoted-pairs of BEL, NUL and DEL (the file holds the raw bytes after each backslash)
    const to = defined(m.to);
    expect(to.displayName).toBe('BEL:\x07 NUL:\x00 DEL:\x7f');
    expect(sip(to.uri).user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    const from = defined(m.from);
    expect(from.displayName).toBe("token1~` token2'+_ token3*%!.-");
    expect(sip(from.uri).user).toBe('mundane');
    expect(from.tag).toBe("_token~1'+`*%!-.");
    // generic-param values are kept as written, quotes included (§25.1 gen-value = token / host / quoted-string)
    expect(paramsOf(from)).toEqual([
      ["fromParam''~+*_!.-%", '"работающий"'],
      ['tag', "_token~1'+`*%!-."],
    ]);
    expect(m.callId).toBe('intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{');
    expect(m.cseq).toEqual({ seq: 139122385, method });
    expect(m.maxForwards).toBe(255);
    expect(m.headers.get("extensionHeader-!.%*+_`'~")).toBe('\ufeff大停電');
    expect(m.contentLength).toBe(0);
    // RFC 4475: an endpoint answers 501 (unknown method); a proxy forwards it.
    expect(rejectionStatus(o)).toBe(501);
    expect(rejectionStatus(proxy('intmeth'))).toBeNull();
  });

  it(title('esc01'), () => {
    const o = uas('esc01');
    const m = acceptedRequest(o);
    const ruri = sip(m.uri);
    expect(ruri.user).toBe('sips:user@example.com');
    expect(ruri.host).toBe('example.net');
    expect(sip(defined(m.to).uri).user).toBe('user');
    expect(sip(defined(m.from).uri).user).toBe('I have spaces');
    expect(m.callId).toBe('esc01.239409asdfakjkn23onasd0-3234'); // compact "i"
    expect(m.contentType).toBe('application/sdp'); // compact "C"
    const c = sip(one(m.contact).uri);
    expect(c.user).toBe('caller');
    // decoded once: %6C%72 is "lr"; v%61lue%25%34%31 is "value%41", NOT "valueA"
    expect(paramsOf(c)).toEqual([
      ['lr', null],
      ['name', 'value%41'],
    ]);
    expect(m.body).toHaveLength(150);
    expect(rejectionStatus(o)).toBeNull();
  });

  it(title('escnull'), () => {
    const o = uas('escnull');
    const m = acceptedRequest(o);
    expect(m.method).toBe('REGISTER');
    expect(sip(defined(m.to).uri).user).toBe('null-\0-null');
    expect(sip(defined(m.from).uri).user).toBe('null-\0-null');
    // two distinct bindings; %00 must not truncate the user part
    expect(m.contact.map((c) => sip(c.uri).user)).toEqual(['\0', '\0\0']);
    expect(m.contact.map((c) => sip(c.uri).host)).toEqual(['host5.example.com', 'host5.example.com']);
    expect(m.contentLength).toBe(0);
    expect(rejectionStatus(o)).toBeNull();
  });

  it(title('esc02'), () => {
    const o = uas('esc02');
    const m = acceptedRequest(o);
    expect(m.method).toBe('RE%47IST%45R'); // NOT REGISTER
    expect(m.cseq).toEqual({ seq: 29344, method: 'RE%47IST%45R' });
    expect(defined(m.to).displayName).toBe('%Z%45');
    expect(defined(m.from).displayName).toBe('%Z%45');
    expect(m.via[0]!.branch).toBe('z9hG4bK209%fzsnel234');
    // two Contact values, not three: C%6Fntact is an unknown header
    expect(m.contact.map((c) => sip(c.uri).user)).toEqual(['alias1', 'alias3']);
    expect(m.headers.getAll('C%6Fntact')).toEqual(['<sip:alias2@host2.example.com>']);
    expect(rejectionStatus(o)).toBe(501); // endpoint: unknown method
    expect(rejectionStatus(proxy('esc02'))).toBeNull();
  });

  it(title('lwsdisp'), () => {
    const o = uas('lwsdisp');
    const m = acceptedRequest(o);
    const from = defined(m.from);
    expect(from.displayName).toBe('caller');
    expect(sip(from.uri).user).toBe('caller');
    expect(from.tag).toBe('323');
    expect(rejectionStatus(o)).toBeNull();
  });

  it(title('longreq'), () => {
    const o = uas('longreq');
    const m = acceptedRequest(o);
    const to = defined(m.to);
    expect(to.displayName).toBe(`I have a user name of ${'extreme'.repeat(10)} proportion`);
    const toUri = sip(to.uri);
    expect(toUri.port).toBe(6000);
    expect(paramsOf(toUri)).toEqual([
      ['unknownparam1', `very${'long'.repeat(20)}value`],
      [`longparam${'name'.repeat(25)}`, 'shortvalue'],
      [`very${'long'.repeat(25)}ParameterNameWithNoValue`, null],
    ]);
    const from = defined(m.from); // compact "F"
    expect(sip(from.uri).user).toBe('amazinglylongcallername'.repeat(5));
    expect(from.tag).toBe(`1${'298'.repeat(50)}2424`);
    expect(from.tag).toHaveLength(155);
    expect(paramsOf(from).slice(1)).toEqual([
      [`unknownheaderparam${'name'.repeat(20)}`, `unknowheaderparam${'value'.repeat(15)}`],
      [`unknownValueless${'paramname'.repeat(10)}`, null],
    ]);
    expect(m.callId).toBe(`longreq.one${'really'.repeat(20)}longcallid`);
    expect(m.callId).toHaveLength(141);
    expect(m.cseq).toEqual({ seq: 3882340, method: 'INVITE' });
    // 34 Via values over 34 lines spelt every way (Via, v, V, ViA, "V :", "Via  :")
    expect(m.via).toHaveLength(34);
    expect(m.via.slice(0, 33).map((v) => v.host)).toEqual(
      Array.from({ length: 33 }, (_, i) => `sip${33 - i}.example.com`),
    );
    const last = m.via[33]!;
    expect(last.host).toBe('host.example.com');
    expect(last.received).toBe('192.0.2.5');
    expect(last.branch).toBe(`very${'long'.repeat(50)}branchvalue`);
    expect(last.branch).toHaveLength(215);
    const unknown = `Unknown-${'Long'.repeat(20)}-Name`;
    expect(m.headers.get(unknown)).toBe(
      `unknown-${'long'.repeat(20)}-value; unknown-${'long'.repeat(20)}-parameter-name = unknown-${'long'.repeat(20)}-parameter-value`,
    );
    expect(sip(one(m.contact).uri).user).toBe('amazinglylongcallername'.repeat(5));
    expect(m.contentLength).toBe(150);
    expect(rejectionStatus(o)).toBeNull();
  });

  it(title('dblreq'), () => {
    const o = uas('dblreq');
    const m = acceptedRequest(o);
    expect(m.method).toBe('REGISTER');
    expect(m.callId).toBe('dblreq.0ha0isndaksdj99sdfafnl3lk233412');
    expect(m.contentLength).toBe(0);
    expect(m.body).toHaveLength(0);
    // the 450 octets after the REGISTER (an INVITE look-alike) are ignored (RFC 3261 §18.3)
    expect(entry('dblreq').bytes - (entry('dblreq').header_bytes ?? 0)).toBe(450);
    expect(m.cseq).toEqual({ seq: 8, method: 'REGISTER' });
    expect(one(m.via).branch).toBe('z9hG4bKkdjuw23492');
    expect(sip(one(m.contact).uri).host).toBe('host.example.com');
    expect(rejectionStatus(o)).toBeNull();
  });

  it(title('semiuri'), () => {
    const o = uas('semiuri');
    const m = acceptedRequest(o);
    const ruri = sip(m.uri);
    expect(ruri.user).toBe('user;par=u@example.net');
    expect(ruri.host).toBe('example.com');
    expect(ruri.params).toEqual([]);
    expect(m.headers.getAll('Accept')).toEqual([
      'application/sdp',
      'application/pkcs7-mime',
      'multipart/mixed',
      'multipart/signed',
      'message/sip',
      'message/sipfrag',
    ]);
    expect(rejectionStatus(o)).toBeNull();
  });

  it(title('transports'), () => {
    const o = uas('transports');
    const m = acceptedRequest(o);
    expect(m.callId).toBe('transports.kijh4akdnaqjkwendsasfdj');
    expect(m.via.map((v) => v.transport)).toEqual(['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']);
    expect(m.via.map((v) => v.host)).toEqual([1, 2, 3, 4, 5].map((i) => `t${i}.example.com`));
    expect(rejectionStatus(o)).toBeNull();
  });

  it(title('mpart01'), () => {
    const bytes = bytesOf('mpart01');
    const o = receive(bytes, { acceptTypes: ['multipart/mixed'] });
    const m = acceptedRequest(o);
    expect(m.method).toBe('MESSAGE');
    expect(m.contentLength).toBe(553);
    // binary body, NULs and bare LFs included, exactly the octets after the header section
    expect(m.body).toEqual(bytes.subarray(737));
    expect(m.body.filter((b) => b === 0)).toHaveLength(2);
    expect(m.contentType).toBe('multipart/mixed;boundary=7a9cbec02ceef655');
    expect(m.headers.get('Content-Transfer-Encoding')).toBe('binary');
    expect(one(m.via).rport).toBe(true);
    expect(one(m.via).port).toBe(5070);
    expect(rejectionStatus(o)).toBeNull();
    // An endpoint that understands only SDP answers 415 (RFC 3261 §8.2.3); a proxy forwards.
    expect(rejectionStatus(uas('mpart01'))).toBe(415);
    expect(rejectionStatus(proxy('mpart01'))).toBeNull();
  });

  it(title('unreason'), () => {
    const o = uas('unreason');
    const m = acceptedResponse(o);
    expect(m.status).toBe(200);
    expect(m.reason).toBe('= 2**3 * 5**2 но сто девяносто девять - простое');
    expect(m.cseq).toEqual({ seq: 35, method: 'INVITE' });
    expect(m.body).toHaveLength(154);
    expect(rejectionStatus(o)).toBeNull();
  });

  it(title('noreason'), () => {
    const o = uas('noreason');
    const m = acceptedResponse(o);
    expect(m.status).toBe(100);
    expect(m.reason).toBe('');
    expect(defined(m.to).tag).toBe('902jndnke3');
    expect(rejectionStatus(o)).toBeNull();
  });
});

// ---------------------------------------------------------------------------
// §3.1.2 Invalid messages.

describe('RFC 4475 §3.1.2 invalid messages', () => {
  it(title('badinv01', 'empty Via and Contact params → 400'), () => {
    const o = uas('badinv01');
    expect(rejectionStatus(o)).toBe(400);
    expect(o.kind === 'message' && !o.verdict.ok && o.verdict.header).toBe('Via');
    expect(() => acceptedRequest(o).via).toThrow(SipParseError);
    expect(() => acceptedRequest(o).contact).toThrow(SipParseError);
  });

  it(title('clerr', 'Content-Length larger than the datagram → rejected'), () => {
    const o = uas('clerr');
    expect(o.kind).toBe('parse-error');
    expect(o.kind === 'parse-error' && o.error.statusHint).toBe(400);
  });

  it(title('ncl', 'negative Content-Length → rejected'), () => {
    const o = uas('ncl');
    expect(o.kind === 'parse-error' && o.error.code).toBe('BAD_CONTENT_LENGTH');
    expect(rejectionStatus(o)).toBe(400);
  });

  it(title('scalar02', 'CSeq > 2^32-1 → 400'), () => {
    const o = uas('scalar02');
    expect(rejectionStatus(o)).toBe(400);
    expect(() => acceptedRequest(o).cseq).toThrow(SipParseError);
    expect(() => acceptedRequest(o).maxForwards).toThrow(SipParseError); // 300 > 255
  });

  it(title('scalarlg', 'response with CSeq > 2^32-1 → dropped'), () => {
    const o = uas('scalarlg');
    const m = acceptedResponse(o);
    expect(m.status).toBe(503);
    expect(o.kind === 'message' && o.verdict).toMatchObject({ ok: false, drop: true, header: 'CSeq' });
  });

  it(title('quotbal', 'unterminated quoted string → 400'), () => {
    const o = uas('quotbal');
    expect(rejectionStatus(o)).toBe(400);
    expect(() => acceptedRequest(o).to).toThrow(SipParseError);
  });

  it(title('badvers', 'SIP/7.0 → 505'), () => {
    const o = uas('badvers');
    expect(acceptedRequest(o).version).toBe('SIP/7.0');
    expect(rejectionStatus(o)).toBe(505);
  });

  it(title('mismatch01', 'CSeq method ≠ request method → 400'), () => {
    const o = uas('mismatch01');
    expect(rejectionStatus(o)).toBe(400);
    expect(o.kind === 'message' && !o.verdict.ok && o.verdict.header).toBe('CSeq');
    expect(rejectionStatus(proxy('mismatch01'))).toBe(400);
  });

  it(title('mismatch02', 'unknown method with CSeq INVITE → 501 (UAS), 400 (proxy)'), () => {
    const o = uas('mismatch02');
    expect(acceptedRequest(o).method).toBe('NEWMETHOD');
    expect(rejectionStatus(o)).toBe(501);
    // A proxy does not implement methods; it sees the malformed CSeq (400 is acceptable per §3.1.2.18).
    expect(rejectionStatus(proxy('mismatch02'))).toBe(400);
  });

  it(title('bigcode', 'status code 4294967301 → dropped'), () => {
    const o = uas('bigcode');
    expect(o.kind === 'parse-error' && o.error.code).toBe('BAD_STATUS_CODE');
  });

  // Accept-or-reject cases: the implementation's choice is pinned so a change is deliberate.

  it(title('ltgtruri', 'rejected with 400 (Request-URI in <>)'), () => {
    const o = uas('ltgtruri');
    expect(acceptedRequest(o).requestUri).toBe('<sip:user@example.com>');
    expect(() => acceptedRequest(o).uri).toThrow(SipParseError);
    expect(rejectionStatus(o)).toBe(400);
  });

  for (const name of ['lwsruri', 'lwsstart', 'trws']) {
    it(title(name, 'rejected: malformed Request-Line, 400'), () => {
      const o = uas(name);
      expect(o.kind === 'parse-error' && o.error.code).toBe('BAD_START_LINE');
      expect(rejectionStatus(o)).toBe(400);
    });
  }

  it(title('escruri', 'rejected with 400 by default; lenient mode accepts and never uses the headers'), () => {
    const o = uas('escruri');
    const ruri = sip(acceptedRequest(o).uri);
    expect(ruri.headers).toEqual([{ name: 'Route', value: '<sip:example.com>' }]);
    expect(rejectionStatus(o)).toBe(400);
    expect(rejectionStatus(receive(bytesOf('escruri'), { strictRequestUri: false }))).toBeNull();
  });

  it(title('baddate', 'accepted: Date is informational and kept as received'), () => {
    const o = uas('baddate');
    expect(acceptedRequest(o).headers.get('Date')).toBe('Fri, 01 Jan 2010 16:00:00 EST');
    expect(rejectionStatus(o)).toBeNull();
  });

  it(title('regbadct', 'rejected with 400: URI with "?" outside <>'), () => {
    const o = uas('regbadct');
    expect(() => acceptedRequest(o).contact).toThrow(SipParseError);
    expect(rejectionStatus(o)).toBe(400);
  });

  it(title('badaspec', 'rejected with 400: LWS inside <>'), () => {
    const o = uas('badaspec');
    expect(() => acceptedRequest(o).to).toThrow(SipParseError);
    expect(rejectionStatus(o)).toBe(400);
  });

  it(title('baddn', 'rejected: unquoted comma in display name (and no end of header section)'), () => {
    const o = uas('baddn');
    expect(isRejected(o)).toBe(true);
    expect(rejectionStatus(o)).toBe(400);
  });
});

// ---------------------------------------------------------------------------
// §3.2 Transaction layer.

describe('RFC 4475 §3.2 transaction layer semantics', () => {
  it(title('badbranch', 'parses; branch is exactly the magic cookie'), () => {
    const o = uas('badbranch');
    const m = acceptedRequest(o);
    expect(one(m.via).branch).toBe('z9hG4bK');
    expect(one(m.via).host).toBe('192.0.2.1');
    expect(rejectionStatus(o)).toBeNull();
  });
});

// ---------------------------------------------------------------------------
// §3.3 Application layer semantics.

describe('RFC 4475 §3.3 application layer semantics', () => {
  it(title('insuf', 'missing To, From, Call-ID → 400'), () => {
    const o = uas('insuf');
    const m = acceptedRequest(o);
    expect([m.to, m.from, m.callId]).toEqual([undefined, undefined, undefined]);
    expect(rejectionStatus(o)).toBe(400);
    expect(rejectionStatus(proxy('insuf'))).toBe(400);
  });

  it(title('unkscm', 'unknown Request-URI scheme → 416'), () => {
    const o = uas('unkscm');
    const u = acceptedRequest(o).uri;
    expect(u).toEqual({
      kind: 'absolute',
      scheme: 'nobodyknowsthisscheme',
      raw: 'nobodyKnowsThisScheme:totallyopaquecontent',
    });
    expect(rejectionStatus(o)).toBe(416);
    expect(rejectionStatus(proxy('unkscm'))).toBe(416);
  });

  it(title('novelsc', 'novel scheme soap.beep → 416'), () => {
    const o = uas('novelsc');
    expect(acceptedRequest(o).uri.scheme).toBe('soap.beep');
    expect(rejectionStatus(o)).toBe(416);
    // an element that does serve the scheme accepts it
    expect(rejectionStatus(receive(bytesOf('novelsc'), { schemes: ['sip', 'soap.beep'] }))).toBeNull();
  });

  it(title('unksm2', 'To/From/Contact with non-SIP schemes parse as absolute URIs'), () => {
    const o = uas('unksm2');
    const m = acceptedRequest(o);
    expect(defined(m.to).uri).toEqual({ kind: 'absolute', scheme: 'isbn', raw: 'isbn:2983792873' });
    expect(defined(m.from).uri).toEqual({ kind: 'absolute', scheme: 'http', raw: 'http://www.example.com' });
    expect(defined(m.from).tag).toBe('3234233');
    expect(one(m.contact).uri).toEqual({ kind: 'absolute', scheme: 'name', raw: 'name:John_Smith' });
    expect(rejectionStatus(o)).toBeNull();
  });

  it(title('bext01', 'UAS: 420 for Require; proxy: 420 for Proxy-Require'), () => {
    const o = uas('bext01');
    expect(o.kind === 'message' && o.verdict).toMatchObject({
      ok: false,
      status: 420,
      header: 'Require',
      unsupported: ['nothingSupportsThis', 'nothingSupportsThisEither'],
    });
    const p = proxy('bext01');
    expect(p.kind === 'message' && p.verdict).toMatchObject({
      ok: false,
      status: 420,
      header: 'Proxy-Require',
      unsupported: ['noProxiesSupportThis', 'norDoAnyProxiesSupportThis'],
    });
    // supporting the tags makes the request acceptable
    const all = receive(bytesOf('bext01'), { supported: ['nothingsupportsthis', 'NothingSupportsThisEither'] });
    expect(rejectionStatus(all)).toBeNull();
  });

  it(title('invut', 'UAS: 415; proxy forwards'), () => {
    const o = uas('invut');
    expect(acceptedRequest(o).contentType).toBe('application/unknownformat');
    expect(acceptedRequest(o).body).toHaveLength(40);
    expect(rejectionStatus(o)).toBe(415);
    expect(rejectionStatus(proxy('invut'))).toBeNull();
  });

  it(title('regaut01', 'unknown auth scheme parses'), () => {
    const o = uas('regaut01');
    const m = acceptedRequest(o);
    const cred = parseCredentials(defined(m.headers.get('Authorization')), 'Authorization');
    expect(cred.scheme).toBe('NoOneKnowsThisScheme');
    expect(cred.params.get('opaque-data')).toBe('here');
    expect(m.contentLength).toBe(0); // "Content-Length:0"
    expect(rejectionStatus(o)).toBeNull();
  });

  it(title('multi01', 'repeated single-value headers → 400'), () => {
    const o = uas('multi01');
    const m = acceptedRequest(o);
    expect(m.headers.getAll('Call-ID')).toHaveLength(2);
    expect(m.headers.getAll('CSeq')).toHaveLength(2);
    expect(rejectionStatus(o)).toBe(400);
    expect(rejectionStatus(proxy('multi01'))).toBe(400);
  });

  it(title('mcl01', 'two Content-Length headers → rejected'), () => {
    const o = uas('mcl01');
    expect(o.kind === 'parse-error' && o.error.code).toBe('DUPLICATE_CONTENT_LENGTH');
  });

  it(title('bcast', 'response with a broadcast Via parses'), () => {
    const o = uas('bcast');
    const m = acceptedResponse(o);
    expect(m.via.map((v) => v.host)).toEqual(['192.0.2.198', '255.255.255.255']);
    expect(m.via[1]!.branch).toBe('z9hG4bK1saber23');
    expect(rejectionStatus(o)).toBeNull();
  });

  it(title('zeromf', 'proxy: 483; UAS: processes normally'), () => {
    const o = uas('zeromf');
    expect(acceptedRequest(o).maxForwards).toBe(0);
    expect(rejectionStatus(o)).toBeNull();
    expect(rejectionStatus(proxy('zeromf'))).toBe(483);
  });

  it(title('cparam01', 'addr-spec Contact: unknownparam is a header parameter'), () => {
    const o = uas('cparam01');
    const c: NameAddr = one(acceptedRequest(o).contact);
    expect(sip(c.uri).user).toBe('+19725552222');
    expect(sip(c.uri).host).toBe('gw1.example.net');
    expect(sip(c.uri).params).toEqual([]);
    expect(paramsOf(c)).toEqual([['unknownparam', null]]);
    expect(rejectionStatus(o)).toBeNull();
  });

  it(title('cparam02', 'name-addr Contact: unknownparam is a URI parameter'), () => {
    const o = uas('cparam02');
    const c = one(acceptedRequest(o).contact);
    expect(paramsOf(sip(c.uri))).toEqual([['unknownparam', null]]);
    expect(c.params).toEqual([]);
    expect(rejectionStatus(o)).toBeNull();
  });

  it(title('regescrt', 'escaped Route kept as a URI header of the Contact'), () => {
    const o = uas('regescrt');
    const c = one(acceptedRequest(o).contact); // compact "M"
    expect(sip(c.uri).headers).toEqual([{ name: 'Route', value: '<sip:sip.example.com>' }]);
    expect(rejectionStatus(o)).toBeNull();
  });

  it(title('sdp01', 'UAS: Accept lacks application/sdp → 406'), () => {
    const o = uas('sdp01');
    expect(acceptedRequest(o).headers.getAll('Accept')).toEqual(['text/nobodyKnowsThis']);
    expect(o.kind === 'message' && o.verdict).toMatchObject({ ok: false, status: 406, header: 'Accept' });
    expect(rejectionStatus(proxy('sdp01'))).toBeNull();
  });
});

// ---------------------------------------------------------------------------
// §3.4 Backward compatibility.

describe('RFC 4475 §3.4 backward compatibility', () => {
  it(title('inv2543', 'RFC 2543 INVITE: no branch, no tag, no Content-Length'), () => {
    const bytes = bytesOf('inv2543');
    const o = uas('inv2543');
    const m = acceptedRequest(o);
    expect(one(m.via).branch).toBeNull();
    expect(one(m.via).host).toBe('iftgw.example.com');
    expect(defined(m.from).tag).toBeNull();
    expect(m.maxForwards).toBeUndefined();
    expect(m.headers.has('Content-Length')).toBe(false);
    // the body is the rest of the datagram
    expect(m.body).toHaveLength(105);
    expect(m.body).toEqual(bytes.subarray(340));
    // addr-spec To: ";user=phone" is a header parameter (RFC 3261 §20.10); in From's <> it is a URI parameter
    expect(sip(defined(m.to).uri).params).toEqual([]);
    expect(defined(m.to).params).toEqual([{ name: 'user', value: 'phone' }]);
    expect(sip(defined(m.from).uri).params).toEqual([{ name: 'user', value: 'phone' }]);
    expect(sip(one(m.recordRoute).uri).params).toEqual([{ name: 'maddr', value: 'ss1.example.com' }]);
    expect(rejectionStatus(o)).toBeNull();
  });
});

// ---------------------------------------------------------------------------
// Verdict table over the whole corpus.

describe('RFC 4475 §3 verdicts', () => {
  /** The status RFC 4475 names for each must-reject message (responses: dropped). */
  const MUST_REJECT: ReadonlyMap<string, number | 'drop'> = new Map<string, number | 'drop'>([
    ['badinv01', 400],
    ['clerr', 400],
    ['ncl', 400],
    ['scalar02', 400],
    ['scalarlg', 'drop'],
    ['quotbal', 400],
    ['badvers', 505],
    ['mismatch01', 400],
    ['mismatch02', 501],
    ['bigcode', 'drop'],
    ['mcl01', 400],
  ]);

  it('RFC 4475 §3 the must-reject set is the index\'s "reject" set', () => {
    const fromIndex = INDEX.filter((e) => e.parser_should === 'reject').map((e) => e.name);
    expect(fromIndex.sort()).toEqual([...MUST_REJECT.keys()].sort());
  });

  for (const e of INDEX) {
    it(`RFC 4475 §${e.section} ${e.name}: verdict ${e.parser_should}`, () => {
      const o = receive(fixture('rfc4475', e.file));
      if (e.parser_should === 'reject') {
        const want = MUST_REJECT.get(e.name);
        expect(isRejected(o)).toBe(true);
        if (want === 'drop') {
          expect(e.kind).toBe('response');
          // a response is never answered: a parse error or a validation failure with drop set
          if (o.kind === 'message') expect(o.verdict).toMatchObject({ ok: false, drop: true });
        } else {
          expect(rejectionStatus(o)).toBe(want);
        }
      } else if (e.parser_should === 'accept') {
        // the parser must produce a message, and every accessor it has must be consistent
        const m = accepted(o);
        expect(m.isRequest).toBe(e.kind === 'request');
        expect(m.via.length).toBeGreaterThan(0);
        expect(m.cseq?.seq).toBeGreaterThanOrEqual(0);
      } else {
        // accept-or-reject: either way is allowed; a rejection is a 400, an acceptance decodes.
        if (isRejected(o)) {
          expect(rejectionStatus(o)).toBe(400);
        } else {
          const m = accepted(o) as SipRequest;
          expect(m.via.length).toBeGreaterThan(0);
          expect(m.cseq?.method).toBe(m.method);
          expect(() => m.uri).not.toThrow();
        }
      }
    });
  }

  it('RFC 4475 §3 validateMessage never throws on any corpus message, in any role', () => {
    for (const e of INDEX) {
      const o = receive(fixture('rfc4475', e.file));
      if (o.kind === 'parse-error') continue;
      for (const role of ['uas', 'proxy'] as const) {
        expect(() => validateMessage(o.message, { role })).not.toThrow();
      }
    }
  });

  it('RFC 4475 §3 summary: all 11 must-reject messages are rejected, with the status the RFC names', () => {
    const results = [...MUST_REJECT].map(([name, want]) => {
      const o = uas(name);
      return { name, rejected: isRejected(o), status: rejectionStatus(o), want };
    });
    const missed = results.filter((r) => !r.rejected || (r.want !== 'drop' && r.status !== r.want));
    expect(missed).toEqual([]);
    expect(results.filter((r) => r.rejected)).toHaveLength(11);
  });
});
