import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SipParseError } from '../src/errors.js';
import type { Param, SipUri, Uri } from '../src/types.js';
import { formatUri, isIPv6, parseSipUri, parseUri, uriEquals } from '../src/uri.js';
import { fixtureHead, fixtureHeaderValue as header } from './support/fixtures.js';
import { expectOnlySipParseErrors, expectParseError } from './support/parse-error.js';

function requestUri(name: string): string {
  const parts = fixtureHead(name).startLine.split(' ');
  return parts[1] ?? '';
}

function sip(partial: Partial<SipUri> & { raw: string; host: string }): SipUri {
  return {
    kind: 'sip',
    scheme: 'sip',
    user: null,
    password: null,
    hostType: 'hostname',
    port: null,
    params: [],
    headers: [],
    ...partial,
  };
}

function expectError(f: () => unknown, code: string, offset?: number): SipParseError {
  return expectParseError(f, code, { offset });
}

describe('RFC 3261 §19.1.3 example SIP and SIPS URIs', () => {
  const cases: Array<[string, SipUri]> = [
    ['sip:alice@atlanta.com', sip({ raw: 'sip:alice@atlanta.com', user: 'alice', host: 'atlanta.com' })],
    [
      'sip:alice:secretword@atlanta.com;transport=tcp',
      sip({
        raw: 'sip:alice:secretword@atlanta.com;transport=tcp',
        user: 'alice',
        password: 'secretword',
        host: 'atlanta.com',
        params: [{ name: 'transport', value: 'tcp' }],
      }),
    ],
    [
      'sips:alice@atlanta.com?subject=project%20x&priority=urgent',
      sip({
        raw: 'sips:alice@atlanta.com?subject=project%20x&priority=urgent',
        scheme: 'sips',
        user: 'alice',
        host: 'atlanta.com',
        headers: [
          { name: 'subject', value: 'project x' },
          { name: 'priority', value: 'urgent' },
        ],
      }),
    ],
    [
      'sip:+1-212-555-1212:1234@gateway.com;user=phone',
      sip({
        raw: 'sip:+1-212-555-1212:1234@gateway.com;user=phone',
        user: '+1-212-555-1212',
        password: '1234',
        host: 'gateway.com',
        params: [{ name: 'user', value: 'phone' }],
      }),
    ],
    ['sips:1212@gateway.com', sip({ raw: 'sips:1212@gateway.com', scheme: 'sips', user: '1212', host: 'gateway.com' })],
    ['sip:alice@192.0.2.4', sip({ raw: 'sip:alice@192.0.2.4', user: 'alice', host: '192.0.2.4', hostType: 'ipv4' })],
    [
      'sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com',
      sip({
        raw: 'sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com',
        host: 'atlanta.com',
        params: [{ name: 'method', value: 'REGISTER' }],
        headers: [{ name: 'to', value: 'alice@atlanta.com' }],
      }),
    ],
    [
      'sip:alice;day=tuesday@atlanta.com',
      sip({ raw: 'sip:alice;day=tuesday@atlanta.com', user: 'alice;day=tuesday', host: 'atlanta.com' }),
    ],
    [
      'SIP:alice@Example.COM:5060;LR;Transport=TCP;ttl=15;maddr=239.255.255.1',
      sip({
        raw: 'SIP:alice@Example.COM:5060;LR;Transport=TCP;ttl=15;maddr=239.255.255.1',
        user: 'alice',
        host: 'Example.COM',
        port: 5060,
        params: [
          { name: 'LR', value: null },
          { name: 'Transport', value: 'TCP' },
          { name: 'ttl', value: '15' },
          { name: 'maddr', value: '239.255.255.1' },
        ],
      }),
    ],
    ['sip:host.example.com.:0', sip({ raw: 'sip:host.example.com.:0', host: 'host.example.com.', port: 0 })],
    ['sip:u:@h.com', sip({ raw: 'sip:u:@h.com', user: 'u', password: '', host: 'h.com' })],
    ['sip:h.com?x', sip({ raw: 'sip:h.com?x', host: 'h.com', headers: [{ name: 'x', value: null }] })],
    ['sip:h.com?x=', sip({ raw: 'sip:h.com?x=', host: 'h.com', headers: [{ name: 'x', value: '' }] })],
  ];
  it.each(cases)('RFC 3261 §19.1 parses %s', (text, expected) => {
    expect(parseUri(text)).toEqual(expected);
    expect(parseSipUri(text)).toEqual(expected);
  });
});

describe('RFC 4475 §3.1.1 URI torture values', () => {
  it('RFC 4475 §3.1.1.3 esc01: Request-URI user is unescaped exactly once', () => {
    const uri = parseUri(requestUri('esc01'));
    expect(uri).toEqual(
      sip({ raw: 'sip:sips%3Auser%40example.com@example.net', user: 'sips:user@example.com', host: 'example.net' }),
    );
  });
  it('RFC 4475 §3.1.1.3 esc01: To and From URIs', () => {
    expect(parseUri(header('esc01', 'To'))).toMatchObject({ user: 'user', host: 'example.com' });
    const from = header('esc01', 'From');
    expect(parseUri(from.slice(1, from.indexOf('>')))).toMatchObject({ user: 'I have spaces', host: 'example.net' });
  });
  it('RFC 4475 §3.1.1.3 esc01: Contact URI params are decoded once (value%41 is not valueA)', () => {
    const contact = header('esc01', 'Contact');
    const uri = parseUri(contact.slice(1, contact.indexOf('>')));
    expect(uri).toMatchObject({
      user: 'caller',
      host: 'host5.example.net',
      params: [
        { name: 'lr', value: null },
        { name: 'name', value: 'value%41' },
      ],
    });
  });
  it('RFC 4475 §3.1.1.4 escnull: %00 decodes to NUL and is not truncated', () => {
    expect(parseUri(header('escnull', 'To'))).toMatchObject({ user: 'null-\0-null', host: 'example.com' });
    const contacts = fixtureHead('escnull').headers.filter(([n]) => n === 'Contact');
    const users = contacts.map(([, v]) => (parseUri(v.slice(1, -1)) as SipUri).user);
    expect(users).toEqual(['\0', '\0\0']);
  });
  it('RFC 4475 §3.1.1.9 semiuri: user part holds ";" and an escaped "@"', () => {
    expect(parseUri(requestUri('semiuri'))).toEqual(
      sip({ raw: 'sip:user;par=u%40example.net@example.com', user: 'user;par=u@example.net', host: 'example.com' }),
    );
  });
  it('RFC 4475 §3.1.1.2 intmeth: unusual user and password characters', () => {
    const raw = requestUri('intmeth');
    expect(parseUri(raw)).toEqual(
      sip({
        raw,
        user: "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*",
        password: "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)",
        host: 'example.com',
      }),
    );
  });
  it('RFC 4475 §3.1.1.1 wsinv: Request-URI with an unknown parameter', () => {
    expect(parseUri(requestUri('wsinv'))).toMatchObject({
      user: 'vivekg',
      host: 'chair-dnrc.example.com',
      params: [{ name: 'unknownparam', value: null }],
    });
  });
  it('RFC 4475 §3.2.11 escruri: escaped headers are decoded (acceptance is left to the element)', () => {
    expect(parseUri(requestUri('escruri'))).toMatchObject({
      user: 'user',
      headers: [{ name: 'Route', value: '<sip:example.com>' }],
    });
  });
  it('RFC 4475 §3.3.2 unkscm: unknown scheme is an opaque absoluteURI', () => {
    expect(parseUri(requestUri('unkscm'))).toEqual({
      kind: 'absolute',
      scheme: 'nobodyknowsthisscheme',
      raw: 'nobodyKnowsThisScheme:totallyopaquecontent',
    });
  });
  it('RFC 4475 §3.3.3 novelsc: soap.beep scheme', () => {
    expect(parseUri(requestUri('novelsc'))).toEqual({
      kind: 'absolute',
      scheme: 'soap.beep',
      raw: 'soap.beep://192.0.2.103:3002',
    });
  });
  it('RFC 4475 §3.3.4 unksm2: isbn, http and name URIs in headers', () => {
    expect(parseUri(header('unksm2', 'To'))).toEqual({ kind: 'absolute', scheme: 'isbn', raw: 'isbn:2983792873' });
    expect(parseUri('http://www.example.com')).toEqual({ kind: 'absolute', scheme: 'http', raw: 'http://www.example.com' });
    expect(parseUri('name:John_Smith')).toEqual({ kind: 'absolute', scheme: 'name', raw: 'name:John_Smith' });
  });
  it('RFC 4475 §3.1.2.7 ltgtruri / §3.1.2.8 lwsruri: <> and LWS are not part of a URI', () => {
    expectError(() => parseUri('<sip:user@example.com>'), 'BAD_URI', 0);
    expectError(() => parseUri('sip:user@example.com; lr'), 'BAD_URI', 21);
  });
});

describe('RFC 5118 IPv6 references', () => {
  it('RFC 5118 §4.1: bracketed IPv6 Request-URI and Contact', () => {
    expect(parseUri('sip:[2001:db8::10]')).toEqual(sip({ raw: 'sip:[2001:db8::10]', host: '[2001:db8::10]', hostType: 'ipv6' }));
    expect(parseUri('sip:caller@[2001:db8::1]')).toMatchObject({ user: 'caller', host: '[2001:db8::1]', hostType: 'ipv6' });
  });
  it('RFC 5118 §4.2: an unbracketed IPv6 Request-URI is rejected', () => {
    const err = expectError(() => parseUri('sip:2001:db8::10'), 'BAD_URI');
    expect(err.statusHint).toBe(400);
    expectError(() => parseUri('sip:caller@2001:db8::1'), 'BAD_URI');
  });
  it('RFC 5118 §4.3: port after the IPv6 reference', () => {
    expect(parseUri('sip:[2001:db8::10]:5070')).toMatchObject({ host: '[2001:db8::10]', port: 5070 });
  });
  it('RFC 5118 §4.4: [2001:db8::10:5070] is an address, not a port', () => {
    expect(parseUri('sip:[2001:db8::10:5070]')).toMatchObject({ host: '[2001:db8::10:5070]', port: null });
  });
  it('RFC 5118 §4.9/§4.10: IPv4-mapped and embedded IPv4 forms', () => {
    expect(parseUri('sip:user@[::ffff:192.0.2.10]')).toMatchObject({ host: '[::ffff:192.0.2.10]', hostType: 'ipv6' });
    expect(parseUri('sip:[2001:db8::192.0.2.1]')).toMatchObject({ hostType: 'ipv6' });
    expect(parseUri('sip:[::]')).toMatchObject({ hostType: 'ipv6' });
  });
  it('RFC 5118 §4.10: the three-colon form RFC 3261 ABNF derives is tolerated and compares equal', () => {
    expect(parseUri('sip:user@[2001:db8:::192.0.2.1]')).toMatchObject({ host: '[2001:db8:::192.0.2.1]', hostType: 'ipv6' });
    expect(parseUri('sip:[:::192.0.2.1]')).toMatchObject({ hostType: 'ipv6' });
    expect(uriEquals(parseUri('sip:[2001:db8:::192.0.2.1]'), parseUri('sip:[2001:db8::192.0.2.1]'))).toBe(true);
    expectError(() => parseUri('sip:[2001:db8:::1]'), 'BAD_URI', 5);
    expectError(() => parseUri('sip:[2001:db8::::192.0.2.1]'), 'BAD_URI', 5);
  });
  const badV6 = [
    'sip:[2001:db8:::10]',
    'sip:[1:2:3:4:5:6:7:8:9]',
    'sip:[1:2:3:4:5:6:7]',
    'sip:[::1.2.3.256]',
    'sip:[g::1]',
    'sip:[12345::1]',
    'sip:[1::2::3]',
    'sip:[2001:db8::10',
    'sip:[]',
    'sip:[:1]',
    'sip:[1:]',
    'sip:[1.2.3.4::1]',
    'sip:[fe80::1%25eth0]',
  ];
  it.each(badV6)('RFC 5118 §4.2: bad IPv6 reference %s is rejected', (text) => {
    expectError(() => parseUri(text), 'BAD_URI');
  });
  it('RFC 4291 §2.2: IPv6 text forms', () => {
    for (const ok of ['::', '::1', '1::', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7::', '::2:3:4:5:6:7:8', '1:2:3:4:5:6:1.2.3.4', 'FFFF::abcd']) {
      expect(isIPv6(ok), ok).toBe(true);
    }
    for (const bad of ['', ':', ':::', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7:1.2.3.4', '::1.2.3', '1:2']) {
      expect(isIPv6(bad), bad).toBe(false);
    }
  });
});

describe('RFC 5118 §4 Request-URIs of the torture messages', () => {
  const read = (name: string): string => fixtureHead(name, 'rfc5118').startLine.split(' ')[1] ?? '';
  const cases: Array<[string, string, 'hostname' | 'ipv6', number | null]> = [
    ['ipv6-good', '[2001:db8::10]', 'ipv6', null],
    ['port-ambiguous', '[2001:db8::10:5070]', 'ipv6', null],
    ['port-unambiguous', '[2001:db8::10]', 'ipv6', 5070],
    ['via-received-param-with-delim', '[2001:db8::10]', 'ipv6', null],
    ['via-received-param-no-delim', '[2001:db8::10]', 'ipv6', null],
    ['ipv6-in-sdp', '[2001:db8::10]', 'ipv6', null],
    ['mult-ip-in-header', 'host.example.net', 'hostname', null],
    ['mult-ip-in-sdp', '[2001:db8::10]', 'ipv6', null],
    ['ipv4-mapped-ipv6', 'example.com', 'hostname', null],
    ['ipv6-bug-abnf-3-colons', '[2001:db8:::192.0.2.1]', 'ipv6', null],
    ['ipv6-correct-abnf-2-colons', '[2001:db8::192.0.2.1]', 'ipv6', null],
  ];
  it.each(cases)('RFC 5118 §4 %s: Request-URI host %s', (name, host, hostType, port) => {
    const raw = read(name);
    expect(parseUri(raw)).toMatchObject({ kind: 'sip', host, hostType, port, raw });
  });
  it('RFC 5118 §4.2 ipv6-bad: the unbracketed Request-URI is rejected', () => {
    const raw = read('ipv6-bad');
    expect(raw).toBe('sip:2001:db8::10');
    const err = expectError(() => parseUri(raw), 'BAD_URI', 4);
    expect(err.statusHint).toBe(400);
  });
});

describe('RFC 3261 §25.1 malformed SIP URIs', () => {
  const cases: Array<[string, string, number]> = [
    ['', 'BAD_URI', 0],
    ['sip', 'BAD_URI', 3],
    ['sip:', 'BAD_URI', 4],
    ['1sip:x', 'BAD_URI', 0],
    ['sip:@host', 'BAD_URI', 4],
    ['sip:user@', 'BAD_URI', 9],
    ['sip:host:', 'BAD_URI', 9],
    ['sip:host:65536', 'BAD_URI', 9],
    ['sip:host:5x', 'BAD_URI', 10],
    ['sip:%ZZ@x.com', 'BAD_URI', 4],
    ['sip:us%2@x.com', 'BAD_URI', 6],
    ['sip:user%@x.com', 'BAD_URI', 8],
    ['sip:host;', 'BAD_URI', 9],
    ['sip:host;=x', 'BAD_URI', 9],
    ['sip:host;a=', 'BAD_URI', 11],
    ['sip:host?', 'BAD_URI', 9],
    ['sip:host?=v', 'BAD_URI', 9],
    ['sip:user name@host', 'BAD_URI', 8],
    ['sip:-host.com', 'BAD_URI', 4],
    ['sip:host-.com', 'BAD_URI', 8],
    ['sip:a..b', 'BAD_URI', 6],
    ['sip:1.2.3.999', 'BAD_URI', 10],
    ['sip:host>', 'BAD_URI', 8],
    ['sip:us"er@host', 'BAD_URI', 6],
    ['sip:user:pa:ss@host', 'BAD_URI', 11],
    ['sip:host;p=a b', 'BAD_URI', 12],
    ['sip:h\u00e9.com', 'BAD_URI', 5],
    ['sip:host\0', 'BAD_URI', 8],
    ['http:', 'BAD_URI', 5],
    ['foo:<x>', 'BAD_URI', 4],
    ['foo:a b', 'BAD_URI', 5],
    ['foo:%4', 'BAD_URI', 4],
    ['tel:', 'BAD_URI', 4],
    ['tel:+', 'BAD_URI', 5],
    ['tel:+-', 'BAD_URI', 6],
    ['tel:+12;', 'BAD_URI', 8],
    ['tel:+12;a=', 'BAD_URI', 10],
    ['tel:+12x', 'BAD_URI', 7],
    ['tel:7042', 'BAD_URI', 4],
  ];
  it.each(cases)('RFC 3261 §25.1 rejects %j with %s', (text, code, offset) => {
    expectError(() => parseUri(text), code, offset);
  });
  it('RFC 3261 §25.1: the header name is reported by parseSipUri callers only through name-addr', () => {
    const err = expectError(() => parseSipUri('tel:+1234'), 'BAD_URI', 0);
    expect(err.header).toBeUndefined();
  });
  it('RFC 3261 §21.4.12: an over-long URI is URI_TOO_LONG with status 414', () => {
    const long = `sip:${'a'.repeat(9000)}@example.com`;
    const err = expectError(() => parseUri(long), 'URI_TOO_LONG', 0);
    expect(err.statusHint).toBe(414);
    expectError(() => parseUri('sip:alice@example.com', 10), 'URI_TOO_LONG', 0);
    expect(parseUri(long, 10_000)).toMatchObject({ host: 'example.com' });
  });
});

describe('RFC 3966 tel URIs', () => {
  it('RFC 3966 §6: global number with visual separators', () => {
    expect(parseUri('tel:+1-201-555-0123')).toEqual({
      kind: 'tel',
      scheme: 'tel',
      number: '+1-201-555-0123',
      global: true,
      params: [],
      raw: 'tel:+1-201-555-0123',
    });
  });
  it('RFC 3966 §6: local numbers with phone-context', () => {
    expect(parseUri('tel:7042;phone-context=example.com')).toEqual({
      kind: 'tel',
      scheme: 'tel',
      number: '7042',
      global: false,
      params: [{ name: 'phone-context', value: 'example.com' }],
      raw: 'tel:7042;phone-context=example.com',
    });
    expect(parseUri('tel:863-1234;phone-context=+1-914-555')).toMatchObject({
      number: '863-1234',
      global: false,
      params: [{ name: 'phone-context', value: '+1-914-555' }],
    });
  });
  it('RFC 3966 §3: extension, isub and other parameters; scheme is case-insensitive', () => {
    expect(parseUri('TEL:+1-212-555-0101;ext=1234;isub=%41b;foo')).toMatchObject({
      kind: 'tel',
      number: '+1-212-555-0101',
      params: [
        { name: 'ext', value: '1234' },
        { name: 'isub', value: 'Ab' },
        { name: 'foo', value: null },
      ],
    });
    expect(parseUri('tel:*21#;phone-context=+1')).toMatchObject({ number: '*21#', global: false });
  });
  it('RFC 3966 §4: comparison ignores visual separators and parameter order', () => {
    expect(uriEquals(parseUri('tel:+1-201-555-0123'), parseUri('tel:+12015550123'))).toBe(true);
    expect(uriEquals(parseUri('tel:+1(201)5550123'), parseUri('tel:+1.201.555.0123'))).toBe(true);
    expect(
      uriEquals(parseUri('tel:7042;phone-context=Example.com;ext=1'), parseUri('tel:7042;ext=1;phone-context=example.com')),
    ).toBe(true);
    expect(uriEquals(parseUri('tel:863-1234;phone-context=+1-914-555'), parseUri('tel:8631234;phone-context=+1914555'))).toBe(true);
    expect(uriEquals(parseUri('tel:7042;phone-context=example.com'), parseUri('tel:7042;phone-context=examplecom'))).toBe(false);
    expect(uriEquals(parseUri('tel:+12015550123'), parseUri('tel:+12015550124'))).toBe(false);
    expect(uriEquals(parseUri('tel:+12015550123'), parseUri('tel:+12015550123;ext=1'))).toBe(false);
    expect(uriEquals(parseUri('tel:+12015550123'), parseUri('sip:+12015550123@x.com;user=phone'))).toBe(false);
  });
});

describe('RFC 3261 §19.1.4 URI comparison', () => {
  const equivalent: Array<[string, string]> = [
    ['sip:%61lice@atlanta.com;transport=TCP', 'sip:alice@AtLanTa.CoM;Transport=tcp'],
    ['sip:carol@chicago.com', 'sip:carol@chicago.com;newparam=5'],
    ['sip:carol@chicago.com', 'sip:carol@chicago.com;security=on'],
    ['sip:carol@chicago.com;newparam=5', 'sip:carol@chicago.com;security=on'],
    [
      'sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com',
      'sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com',
    ],
    [
      'sip:alice@atlanta.com?subject=project%20x&priority=urgent',
      'sip:alice@atlanta.com?priority=urgent&subject=project%20x',
    ],
    // the intransitivity note: each of these equals the bare URI
    ['sip:carol@chicago.com', 'sip:carol@chicago.com;security=off'],
    ['sip:[2001:db8::1]', 'sip:[2001:DB8:0:0:0:0:0:1]'],
  ];
  const different: Array<[string, string, string]> = [
    ['SIP:ALICE@AtLanTa.CoM;Transport=udp', 'sip:alice@AtLanTa.CoM;Transport=UDP', 'different usernames'],
    ['sip:bob@biloxi.com', 'sip:bob@biloxi.com:5060', 'can resolve to different ports'],
    ['sip:bob@biloxi.com', 'sip:bob@biloxi.com;transport=udp', 'can resolve to different transports'],
    ['sip:bob@biloxi.com', 'sip:bob@biloxi.com:6000;transport=tcp', 'can resolve to different port and transports'],
    ['sip:carol@chicago.com', 'sip:carol@chicago.com?Subject=next%20meeting', 'different header component'],
    ['sip:bob@phone21.boxesbybob.com', 'sip:bob@192.0.2.4', 'even though that is what phone21.boxesbybob.com resolves to'],
    ['sip:carol@chicago.com;security=on', 'sip:carol@chicago.com;security=off', 'equality is not transitive'],
    ['sip:alice@atlanta.com', 'sips:alice@atlanta.com', 'SIP and SIPS URIs are never equivalent'],
    ['sip:alice:a@atlanta.com', 'sip:alice:A@atlanta.com', 'passwords are case-sensitive'],
    ['sip:alice@atlanta.com;maddr=1.2.3.4', 'sip:alice@atlanta.com', 'maddr present in one only'],
    ['sip:alice@atlanta.com;user=phone', 'sip:alice@atlanta.com', 'user param present in one only'],
    ['sip:alice@atlanta.com;ttl=1', 'sip:alice@atlanta.com;ttl=2', 'ttl differs'],
    ['sip:alice@atlanta.com;method=INVITE', 'sip:alice@atlanta.com', 'method present in one only'],
  ];
  it.each(equivalent)('RFC 3261 §19.1.4 %s is equivalent to %s', (a, b) => {
    expect(uriEquals(parseUri(a), parseUri(b))).toBe(true);
    expect(uriEquals(parseUri(b), parseUri(a))).toBe(true);
  });
  it.each(different)('RFC 3261 §19.1.4 %s is not equivalent to %s (%s)', (a, b) => {
    expect(uriEquals(parseUri(a), parseUri(b))).toBe(false);
    expect(uriEquals(parseUri(b), parseUri(a))).toBe(false);
  });
  it('RFC 3261 §19.1.4: repeated URI header names compare as a multiset (fast-check seed -110474757, path 170:0:0:0:0:0:0:0:0:3:6:5:4)', () => {
    // The counterexample: two headers named "/", one without a value and one with an empty value.
    const uri = sip({ raw: '', host: '0.0.0.0', hostType: 'ipv4', headers: [{ name: '/', value: null }, { name: '/', value: '' }] });
    const text = formatUri(uri);
    expect(text).toBe('sip:0.0.0.0?/&/=');
    const parsed = parseUri(text);
    expect(formatUri(parsed)).toBe(text);
    expect(uriEquals(parsed, parsed)).toBe(true);
    expect(uriEquals(parseUri(formatUri({ ...parsed })), parsed)).toBe(true);
    // order of repeated headers is free; the counts and values are not
    expect(uriEquals(parseUri('sip:h.com?a&A='), parseUri('sip:h.com?a=&a'))).toBe(true);
    expect(uriEquals(parseUri('sip:h.com?a&a'), parseUri('sip:h.com?a&a='))).toBe(false);
    expect(uriEquals(parseUri('sip:h.com?a=1&a=1'), parseUri('sip:h.com?a=1&a=2'))).toBe(false);
    expect(uriEquals(parseUri('sip:h.com?a=1&b=1'), parseUri('sip:h.com?a=1&a=1'))).toBe(false);
  });
  it('RFC 3261 §19.1.4: other schemes compare the scheme case-insensitively and the rest exactly', () => {
    expect(uriEquals(parseUri('HTTP://x.com/a'), parseUri('http://x.com/a'))).toBe(true);
    expect(uriEquals(parseUri('http://x.com/a'), parseUri('http://x.com/A'))).toBe(false);
  });
});

describe('RFC 3261 §25.1 formatting URIs', () => {
  it('RFC 3261 §25.1: a parsed URI formats back to its raw text', () => {
    for (const raw of ['sip:%61lice@atlanta.com;transport=TCP', 'tel:+1-201-555-0123', 'isbn:2983792873']) {
      expect(formatUri(parseUri(raw))).toBe(raw);
    }
  });
  it('RFC 3261 §19.1.2: characters outside each class are escaped', () => {
    const uri = sip({
      raw: '',
      user: 'a b@c:d',
      password: 'p:w@',
      host: '2001:db8::1',
      hostType: 'ipv6',
      port: 5060,
      params: [
        { name: 'lr', value: null },
        { name: 'x;y', value: 'a=b' },
      ],
      headers: [
        { name: 'Subject', value: 'hi there&more' },
        { name: 'h', value: null },
      ],
    });
    const text = formatUri(uri);
    expect(text).toBe('sip:a%20b%40c%3Ad:p%3Aw%40@[2001:db8::1]:5060;lr;x%3By=a%3Db?Subject=hi%20there%26more&h');
    expect(parseUri(text)).toEqual({ ...uri, host: '[2001:db8::1]', raw: text });
    expect(formatUri({ ...uri, user: 'é\0', password: null, params: [], headers: [] })).toBe(
      'sip:%C3%A9%00@[2001:db8::1]:5060',
    );
  });
  it('RFC 3966 §3: tel URIs are formatted from their parts', () => {
    const tel: Uri = { kind: 'tel', scheme: 'tel', number: '+1-555', global: true, params: [{ name: 'ext', value: '1' }], raw: '' };
    expect(formatUri(tel)).toBe('tel:+1-555;ext=1');
  });
});

// ---------------------------------------------------------------------------
// Properties

const special = fc.constantFrom(
  '%', ';', '?', '@', ':', '&', '=', ' ', '\0', '"', '\\', '<', '>', ',', '/', '+', '$', '[', ']', '#', 'é', '\u{1F600}', '\u00ff',
);
const anyChar = fc.oneof(special, fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }));
const text0 = fc.string({ unit: anyChar, maxLength: 12 });
const text1 = fc.string({ unit: anyChar, minLength: 1, maxLength: 12 });

const alnum = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
const alpha = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ');
const label = fc
  .tuple(alnum, fc.string({ unit: fc.oneof(alnum, fc.constant('-')), maxLength: 6 }), alnum)
  .map(([a, m, b]) => a + m + b);
const toplabel = fc.tuple(alpha, fc.option(fc.tuple(fc.string({ unit: fc.oneof(alnum, fc.constant('-')), maxLength: 6 }), alnum), { nil: null })).map(
  ([a, rest]) => (rest === null ? a : a + rest[0] + rest[1]),
);
/** hostname = *( domainlabel "." ) toplabel [ "." ] — §25.1 */
const hostnameArb = fc
  .tuple(fc.array(fc.oneof(label, alnum), { maxLength: 3 }), toplabel)
  .map(([ls, t]) => [...ls, t].join('.'));
const hostArb: fc.Arbitrary<{ host: string; hostType: 'hostname' | 'ipv4' | 'ipv6' }> = fc.oneof(
  hostnameArb.map((host) => ({ host, hostType: 'hostname' as const })),
  fc.ipV4().map((host) => ({ host, hostType: 'ipv4' as const })),
  fc.ipV6().map((h) => ({ host: `[${h}]`, hostType: 'ipv6' as const })),
);
const paramArb: fc.Arbitrary<Param> = fc.record({ name: text1, value: fc.option(text1, { nil: null }) });
const headerArb: fc.Arbitrary<Param> = fc.record({ name: text1, value: fc.option(text0, { nil: null }) });

const sipUriArb: fc.Arbitrary<SipUri> = fc
  .record({
    scheme: fc.constantFrom('sip' as const, 'sips' as const),
    user: fc.option(text1, { nil: null }),
    password: fc.option(text0, { nil: null }),
    host: hostArb,
    port: fc.option(fc.integer({ min: 0, max: 65535 }), { nil: null }),
    params: fc.array(paramArb, { maxLength: 4 }),
    headers: fc.array(headerArb, { maxLength: 3 }),
  })
  .map((r) => ({
    kind: 'sip' as const,
    scheme: r.scheme,
    user: r.user,
    password: r.user === null ? null : r.password,
    host: r.host.host,
    hostType: r.host.hostType,
    port: r.port,
    params: r.params,
    headers: r.headers,
    raw: '',
  }));

describe('RFC 3261 §25.1 URI properties', () => {
  it('RFC 3261 §19.1.2: parseUri ∘ formatUri is the identity on SIP URIs', () => {
    fc.assert(
      fc.property(sipUriArb, (uri) => {
        const text = formatUri(uri);
        expect(parseUri(text)).toEqual({ ...uri, raw: text });
      }),
      { numRuns: 500 },
    );
  });
  it('RFC 3261 §19.1.2: formatUri ∘ parseUri gives the text back, and a rebuilt URI re-parses equal', () => {
    fc.assert(
      fc.property(sipUriArb, (uri) => {
        const text = formatUri(uri);
        const parsed = parseUri(text);
        expect(formatUri(parsed)).toBe(text);
        const rebuilt = formatUri({ ...parsed });
        expect(uriEquals(parseUri(rebuilt), parsed)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
  it('RFC 3261 §19.1.4: uriEquals is reflexive on generated URIs', () => {
    fc.assert(
      fc.property(sipUriArb, (uri) => {
        const p = parseUri(formatUri(uri));
        expect(uriEquals(p, p)).toBe(true);
      }),
    );
  });
  it('RFC 3261 §25.1: arbitrary text either parses or throws SipParseError', () => {
    const uriish = fc.string({
      unit: fc.oneof(fc.constantFrom(...'sip:tel+@;=?&%[]:.0123456789abcdefAF-_ "<>\\\t'.split('')), anyChar),
      maxLength: 60,
    });
    fc.assert(
      fc.property(fc.oneof(uriish, fc.string({ unit: 'binary' }), uriish.map((s) => 'sip:' + s), uriish.map((s) => 'tel:' + s)), (s) => {
        try {
          const u = parseUri(s);
          expect(u.raw).toBe(s);
        } catch (e) {
          expect(e).toBeInstanceOf(SipParseError);
        }
      }),
      { numRuns: 3000 },
    );
  });
  it('RFC 3261 §25.1: long hostile inputs are parsed in linear time', () => {
    const inputs = [
      'sip:' + '%41'.repeat(2500) + '@x.com',
      'sip:[' + '1:'.repeat(3000) + ']',
      'sip:' + 'a.'.repeat(4000) + 'com',
      'sip:x.com' + ';a=b'.repeat(2000),
      'foo:' + 'x'.repeat(8000),
    ];
    const t0 = performance.now();
    expectOnlySipParseErrors(...inputs.map((s) => () => parseUri(s)));
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
