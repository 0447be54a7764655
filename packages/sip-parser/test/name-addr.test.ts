import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SipParseError } from '../src/errors.js';
import type { NameAddr, Param, SipUri } from '../src/types.js';
import { formatNameAddr, parseContactList, parseNameAddr, parseNameAddrList } from '../src/name-addr.js';
import { formatUri, parseUri } from '../src/uri.js';
import { quote } from '../src/header-values.js';
import { fixtureHeaderValue as headerValue, fixtureHeaderValues } from './support/fixtures.js';
import { expectOnlySipParseErrors, expectParseError } from './support/parse-error.js';

function expectError(f: () => unknown, code: string, offset?: number): SipParseError {
  return expectParseError(f, code, { offset });
}

/** The parts of a NameAddr a test cares about, with the URI reduced to its raw text. */
function shape(v: NameAddr): { displayName: string | null; uri: string; params: readonly Param[]; tag: string | null } {
  return { displayName: v.displayName, uri: v.uri.raw, params: v.params, tag: v.tag };
}

describe('RFC 3261 §20.10 name-addr and addr-spec forms', () => {
  const cases: Array<[string, ReturnType<typeof shape>]> = [
    [
      '"Bob" <sips:bob@biloxi.com> ;tag=a48s',
      { displayName: 'Bob', uri: 'sips:bob@biloxi.com', params: [{ name: 'tag', value: 'a48s' }], tag: 'a48s' },
    ],
    [
      'Anonymous <sip:c8oqz84zk7z@privacy.org>;tag=hyh8',
      { displayName: 'Anonymous', uri: 'sip:c8oqz84zk7z@privacy.org', params: [{ name: 'tag', value: 'hyh8' }], tag: 'hyh8' },
    ],
    [
      'sip:+12125551212@phone2net.com;tag=887s',
      { displayName: null, uri: 'sip:+12125551212@phone2net.com', params: [{ name: 'tag', value: '887s' }], tag: '887s' },
    ],
    ['<sip:bob@192.0.2.4>', { displayName: null, uri: 'sip:bob@192.0.2.4', params: [], tag: null }],
    ['The Operator <sip:operator@cs.columbia.edu>;tag=287447', {
      displayName: 'The Operator',
      uri: 'sip:operator@cs.columbia.edu',
      params: [{ name: 'tag', value: '287447' }],
      tag: '287447',
    }],
    ['"" <sip:a@b.com>', { displayName: '', uri: 'sip:a@b.com', params: [], tag: null }],
    ['"Mr. Watson" <sip:watson@worcester.bell-telephone.com>;q=0.7; expires=3600', {
      displayName: 'Mr. Watson',
      uri: 'sip:watson@worcester.bell-telephone.com',
      params: [
        { name: 'q', value: '0.7' },
        { name: 'expires', value: '3600' },
      ],
      tag: null,
    }],
    ['<tel:+1-201-555-0123>;TAG=x', { displayName: null, uri: 'tel:+1-201-555-0123', params: [{ name: 'TAG', value: 'x' }], tag: 'x' }],
    ['  <sip:a@b.com>  ', { displayName: null, uri: 'sip:a@b.com', params: [], tag: null }],
    ['"a \\"q\\" \\\\" <sip:a@b.com>', { displayName: 'a "q" \\', uri: 'sip:a@b.com', params: [], tag: null }],
    ['"<sip:fake@x>, \\"" <sip:a@b.com>', { displayName: '<sip:fake@x>, "', uri: 'sip:a@b.com', params: [], tag: null }],
  ];
  it.each(cases)('RFC 3261 §20.10 parses %j', (text, expected) => {
    const v = parseNameAddr(text, 'To');
    expect(shape(v)).toEqual(expected);
    expect(v.raw).toBe(text);
  });

  const bad: Array<[string, string, number]> = [
    ['', 'BAD_NAME_ADDR', 0],
    ['<sip:a@b.com', 'BAD_NAME_ADDR', 0],
    ['<>', 'BAD_NAME_ADDR', 1],
    ['"a" sip:a@b.com', 'BAD_NAME_ADDR', 4],
    ['<sip:a@b.com> junk', 'BAD_NAME_ADDR', 14],
    ['<sip:a@b.com>;tag', 'BAD_PARAMETER', 13],
    ['<sip:a@b.com>;tag="x"', 'BAD_PARAMETER', 13],
    ['<sip:a@b.com>;', 'BAD_PARAMETER', 14],
    ['<sip:a@@b.com>', 'BAD_URI', 7],
    ['<sip:a@b.com >', 'BAD_NAME_ADDR', 12],
    ['sip:a@b.com?subject=x', 'BAD_NAME_ADDR', 11],
    ['sip:a,b@b.com', 'BAD_NAME_ADDR', 5],
    ['a@b <sip:x@y.com>', 'BAD_NAME_ADDR', 1],
    ['"a\x01" <sip:x@y.com>', 'BAD_QUOTED_STRING', 2],
  ];
  it.each(bad)('RFC 3261 §25.1 rejects %j with %s', (text, code, offset) => {
    const err = expectError(() => parseNameAddr(text, 'From'), code, offset);
    expect(err.header).toBe('From');
    expect(err.message.startsWith('From: ')).toBe(true);
  });

  it('RFC 3261 §20.10: a too-long URI inside <> is URI_TOO_LONG (414)', () => {
    const err = expectError(() => parseNameAddr(`<sip:${'a'.repeat(100)}@x.com>`, 'To', 50), 'URI_TOO_LONG', 1);
    expect(err.statusHint).toBe(414);
  });
});

describe('RFC 4475 name-addr torture values', () => {
  it('RFC 4475 §3.1.1.1 wsinv: LWS around ";" and "=", escaped quotes, folded Route', () => {
    expect(shape(parseNameAddr(headerValue('wsinv', 'TO'), 'To'))).toEqual({
      displayName: null,
      uri: 'sip:vivekg@chair-dnrc.example.com',
      params: [{ name: 'tag', value: '1918181833n' }],
      tag: '1918181833n',
    });
    expect(shape(parseNameAddr(headerValue('wsinv', 'from'), 'From'))).toEqual({
      displayName: 'J Rosenberg \\"',
      uri: 'sip:jdrosen@example.com',
      params: [{ name: 'tag', value: '98asjd8' }],
      tag: '98asjd8',
    });
    const contacts = parseContactList(headerValue('wsinv', 'm'));
    expect(contacts).not.toBe('*');
    expect((contacts as NameAddr[]).map(shape)).toEqual([
      {
        displayName: 'Quoted string ""',
        uri: 'sip:jdrosen@example.com',
        params: [
          { name: 'newparam', value: 'newvalue' },
          { name: 'secondparam', value: null },
          { name: 'q', value: '0.33' },
        ],
        tag: null,
      },
    ]);
    const route = parseNameAddrList(headerValue('wsinv', 'Route'));
    expect(route).toHaveLength(1);
    expect((route[0]?.uri as SipUri).params).toEqual([
      { name: 'lr', value: null },
      { name: 'unknownwith', value: 'value' },
      { name: 'unknown-no-value', value: null },
    ]);
  });
  it('RFC 4475 §3.1.1.2 intmeth: token display name, control-character quoted-pairs, UTF-8 param', () => {
    const to = parseNameAddr(headerValue('intmeth', 'To'), 'To');
    expect(to.displayName).toBe('BEL:\x07 NUL:\x00 DEL:\x7f');
    expect((to.uri as SipUri).user).toBe("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    const from = parseNameAddr(headerValue('intmeth', 'From'), 'From');
    expect(from.displayName).toBe("token1~` token2'+_ token3*%!.-");
    expect(from.params).toEqual([
      { name: "fromParam''~+*_!.-%", value: '"работающий"' },
      { name: 'tag', value: "_token~1'+`*%!-." },
    ]);
    expect(from.tag).toBe("_token~1'+`*%!-.");
  });
  it('RFC 4475 §3.1.1.3 esc01 / §3.1.1.4 escnull: escaped URIs inside name-addr', () => {
    expect((parseNameAddr(headerValue('esc01', 'From')).uri as SipUri).user).toBe('I have spaces');
    const c = parseContactList(headerValue('esc01', 'Contact')) as NameAddr[];
    expect((c[0]?.uri as SipUri).params).toEqual([
      { name: 'lr', value: null },
      { name: 'name', value: 'value%41' },
    ]);
    const users = fixtureHeaderValues('escnull', 'Contact').map((v) => ((parseContactList(v) as NameAddr[])[0]?.uri as SipUri).user);
    expect(users).toEqual(['\0', '\0\0']);
    expect(parseNameAddr(headerValue('escnull', 'From')).tag).toBe('839923423');
  });
  it('RFC 4475 §3.1.1.5 esc02: "%Z%45" in a display name is just text', () => {
    expect(parseNameAddr(headerValue('esc02', 'To')).displayName).toBe('%Z%45');
  });
  it('RFC 4475 §3.1.1.6 lwsdisp: no LWS between display name and "<" is accepted', () => {
    expect(shape(parseNameAddr(headerValue('lwsdisp', 'From'), 'From'))).toEqual({
      displayName: 'caller',
      uri: 'sip:caller@example.com',
      params: [{ name: 'tag', value: '323' }],
      tag: '323',
    });
  });
  it('RFC 4475 §3.1.1.7 longreq: long display name, URI and tag', () => {
    const to = parseNameAddr(headerValue('longreq', 'To'), 'To');
    expect(to.displayName).toMatch(/^I have a user name of (extreme){10} proportion$/);
    expect((to.uri as SipUri).port).toBe(6000);
    const from = parseNameAddr(headerValue('longreq', 'F'), 'From');
    expect(from.tag?.length).toBeGreaterThan(100);
  });
  it('RFC 4475 §3.1.2.1 badinv01: Contact with ";;;;" is rejected', () => {
    const err = expectError(() => parseContactList(headerValue('badinv01', 'Contact')), 'BAD_PARAMETER', 28);
    expect(err.header).toBe('Contact');
  });
  it('RFC 4475 §3.1.2.6 quotbal: unterminated quote is rejected', () => {
    expectError(() => parseNameAddr(headerValue('quotbal', 'To'), 'To'), 'BAD_QUOTED_STRING', 0);
  });
  it('RFC 4475 §3.1.2.13 regbadct: "?" in an addr-spec outside <> is rejected (our choice)', () => {
    expectError(() => parseContactList(headerValue('regbadct', 'Contact')), 'BAD_NAME_ADDR', 20);
  });
  it('RFC 4475 §3.1.2.14 badaspec: LWS inside <> is rejected (our choice); the From is fine', () => {
    expectError(() => parseNameAddr(headerValue('badaspec', 'To'), 'To'), 'BAD_NAME_ADDR', 18);
    expect(parseNameAddr(headerValue('badaspec', 'From'), 'From').displayName).toBe('Bell, Alexander');
  });
  it('RFC 4475 §3.1.2.15 baddn: unquoted comma in the display name is rejected (our choice)', () => {
    expectError(() => parseNameAddr(headerValue('baddn', 'From'), 'From'), 'BAD_NAME_ADDR', 4);
    expectError(() => parseNameAddr(headerValue('baddn', 'To'), 'To'), 'BAD_NAME_ADDR', 6);
  });
  it('RFC 4475 §3.3.12 cparam01: addr-spec parameters are header parameters', () => {
    const [c] = parseContactList(headerValue('cparam01', 'Contact')) as NameAddr[];
    expect(c?.params).toEqual([{ name: 'unknownparam', value: null }]);
    expect((c?.uri as SipUri).params).toEqual([]);
  });
  it('RFC 4475 §3.3.13 cparam02: parameters inside <> are URI parameters', () => {
    const [c] = parseContactList(headerValue('cparam02', 'Contact')) as NameAddr[];
    expect(c?.params).toEqual([]);
    expect((c?.uri as SipUri).params).toEqual([{ name: 'unknownparam', value: null }]);
  });
  it('RFC 4475 §3.3.14 regescrt: escaped Route header kept inside the Contact URI', () => {
    const [c] = parseContactList(headerValue('regescrt', 'M')) as NameAddr[];
    expect((c?.uri as SipUri).headers).toEqual([{ name: 'Route', value: '<sip:sip.example.com>' }]);
    expect(formatUri(c!.uri)).toBe('sip:user@example.com?Route=%3Csip:sip.example.com%3E');
  });
  it('RFC 4475 §3.3.4 unksm2: non-SIP URIs in To, From and Contact', () => {
    expect(parseNameAddr(headerValue('unksm2', 'To')).uri).toEqual({ kind: 'absolute', scheme: 'isbn', raw: 'isbn:2983792873' });
    const from = parseNameAddr(headerValue('unksm2', 'From'));
    expect(from.uri).toEqual({ kind: 'absolute', scheme: 'http', raw: 'http://www.example.com' });
    expect(from.tag).toBe('3234233');
    expect((parseContactList(headerValue('unksm2', 'Contact')) as NameAddr[])[0]?.uri.raw).toBe('name:John_Smith');
  });
});

describe('RFC 3261 §20.10 Contact and Route lists', () => {
  it('RFC 3261 §20.10: Contact "*"', () => {
    expect(parseContactList('*')).toBe('*');
    expect(parseContactList(' * ')).toBe('*');
  });
  it('RFC 3261 §20.10: multiple contacts with quoted commas', () => {
    const list = parseContactList(
      '"Mr. Watson" <sip:watson@worcester.bell-telephone.com>;q=0.7; expires=3600, "Mr. Watson" <mailto:watson@bell-telephone.com> ;q=0.1',
    ) as NameAddr[];
    expect(list.map((c) => [c.displayName, c.uri.raw, c.params])).toEqual([
      ['Mr. Watson', 'sip:watson@worcester.bell-telephone.com', [{ name: 'q', value: '0.7' }, { name: 'expires', value: '3600' }]],
      ['Mr. Watson', 'mailto:watson@bell-telephone.com', [{ name: 'q', value: '0.1' }]],
    ]);
    expect(list[1]?.raw).toBe('"Mr. Watson" <mailto:watson@bell-telephone.com> ;q=0.1');
  });
  it('RFC 3261 §20.34: Route list keeps order and reports offsets within the whole value', () => {
    const r = parseNameAddrList('<sip:p1.example.com;lr>, <sip:p2.example.com;lr>');
    expect(r.map((v) => v.uri.raw)).toEqual(['sip:p1.example.com;lr', 'sip:p2.example.com;lr']);
    const err = expectError(() => parseNameAddrList('<sip:p1.example.com;lr>, <sip:p2..example.com>', 'Record-Route'), 'BAD_URI', 33);
    expect(err.header).toBe('Record-Route');
  });
  it('RFC 5626 §4.1: a quoted +sip.instance holding "<" ">" does not confuse the list', () => {
    const list = parseContactList(
      '<sip:a@b.com;ob>;+sip.instance="<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>";reg-id=1, <sip:c@d.com>',
    ) as NameAddr[];
    expect(list).toHaveLength(2);
    expect(list[0]?.params).toEqual([
      { name: '+sip.instance', value: '"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>"' },
      { name: 'reg-id', value: '1' },
    ]);
    expect((list[0]?.uri as SipUri).params).toEqual([{ name: 'ob', value: null }]);
  });
  it('RFC 3261 §7.3.1: long lists decode in linear time', () => {
    for (const one of ['<sip:p.example.com;lr>', 'sip:p.example.com', '"x" <sip:p@example.com>']) {
      const text = Array.from({ length: 4000 }, () => one).join(',');
      const t0 = performance.now();
      expect(parseNameAddrList(text)).toHaveLength(4000);
      expect(performance.now() - t0).toBeLessThan(2000);
    }
  });
  it('RFC 3261 §20.10: empty lists and elements are rejected', () => {
    expectError(() => parseContactList(''), 'BAD_HEADER_VALUE', 0);
    expectError(() => parseContactList('<sip:a@b.com>,'), 'BAD_HEADER_VALUE', 14);
    expectError(() => parseContactList('*, <sip:a@b.com>'), 'BAD_URI', 0);
  });
});

describe('RFC 3261 §20.10 formatting name-addr', () => {
  it('RFC 3261 §20.10: parsed values format to their raw text', () => {
    for (const raw of ['caller<sip:caller@example.com>;tag=323', 'sip:a@b.com ; tag = 1']) {
      expect(formatNameAddr(parseNameAddr(raw))).toBe(raw);
    }
  });
  it('RFC 3261 §20.10: built values quote the display name and put the URI in <>', () => {
    const base = parseNameAddr('sip:a,b@b.com'.replace(',', '%2C'));
    const v: NameAddr = { ...base, displayName: 'Doe, "J" \\', params: [{ name: 'q', value: '0.5' }], tag: 'abc' };
    expect(formatNameAddr(v)).toBe('"Doe, \\"J\\" \\\\" <sip:a%2Cb@b.com>;q=0.5;tag=abc');
    const retag: NameAddr = { ...parseNameAddr('<sip:a@b.com>;tag=1;x'), tag: '2' };
    expect(formatNameAddr(retag)).toBe('<sip:a@b.com>;tag=2;x');
    const untag: NameAddr = { ...parseNameAddr('<sip:a@b.com>;tag=1;x'), tag: null };
    expect(formatNameAddr(untag)).toBe('<sip:a@b.com>;x');
  });
});

// ---------------------------------------------------------------------------
// Properties

const tokenChar = fc.constantFrom(...'abcXYZ019-.!%*_+`\'~'.split(''));
const token = fc.string({ unit: tokenChar, minLength: 1, maxLength: 8 });
const displayChar = fc.oneof(
  fc.constantFrom('"', '\\', ' ', '<', '>', ',', ';', '\0', '\x7f', '\t', 'é', '\u{1F600}'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
);
const display = fc.string({ unit: displayChar, maxLength: 12 }).filter((s) => !/[\r\n]/.test(s));
const quotedValue = fc.string({ unit: displayChar, maxLength: 6 }).filter((s) => !/[\r\n]/.test(s)).map(quote);
const uriArb = fc
  .record({
    user: fc.option(fc.string({ unit: fc.constantFrom('a', 'b', ';', '?', '@', ' ', '>', ',', '%', 'é'), minLength: 1, maxLength: 6 }), { nil: null }),
    host: fc.constantFrom('example.com', '192.0.2.1', '[2001:db8::1]'),
    params: fc.array(fc.record({ name: token, value: fc.option(token, { nil: null }) }), { maxLength: 2 }),
  })
  .map((r) =>
    parseUri(
      formatUri({
        kind: 'sip',
        scheme: 'sip',
        user: r.user,
        password: null,
        host: r.host,
        hostType: r.host.startsWith('[') ? 'ipv6' : r.host.startsWith('1') ? 'ipv4' : 'hostname',
        port: null,
        params: r.params,
        headers: [],
        raw: '',
      }),
    ),
  );
const nameAddrArb: fc.Arbitrary<NameAddr> = fc
  .record({
    displayName: fc.option(display, { nil: null }),
    uri: uriArb,
    params: fc.array(
      fc.record({ name: token.filter((n) => n.toLowerCase() !== 'tag'), value: fc.option(fc.oneof(token, quotedValue), { nil: null }) }),
      { maxLength: 3 },
    ),
    tag: fc.option(token, { nil: null }),
  })
  .map((r) => ({
    displayName: r.displayName,
    uri: r.uri,
    params: r.tag === null ? r.params : [...r.params, { name: 'tag', value: r.tag }],
    tag: r.tag,
    raw: '',
  }));

describe('RFC 3261 §20.10 name-addr properties', () => {
  it('RFC 3261 §20.10: parseNameAddr ∘ formatNameAddr is the identity', () => {
    fc.assert(
      fc.property(nameAddrArb, (v) => {
        const text = formatNameAddr(v);
        const back = parseNameAddr(text);
        expect(back.displayName).toBe(v.displayName);
        expect(back.params).toEqual(v.params);
        expect(back.tag).toBe(v.tag);
        expect(back.uri).toEqual(v.uri);
        expect(back.raw).toBe(text);
        expect(formatNameAddr(back)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });
  it('RFC 3261 §7.3.1: a list of formatted name-addrs splits back into the same values', () => {
    fc.assert(
      fc.property(fc.array(nameAddrArb, { minLength: 1, maxLength: 4 }), (vs) => {
        const list = parseNameAddrList(vs.map(formatNameAddr).join(', '), 'Contact');
        expect(list.map((v) => v.displayName)).toEqual(vs.map((v) => v.displayName));
        expect(list.map((v) => v.tag)).toEqual(vs.map((v) => v.tag));
      }),
      { numRuns: 200 },
    );
  });
  it('RFC 3261 §25.1: arbitrary text either parses or throws SipParseError', () => {
    const unit = fc.oneof(fc.constantFrom(...'"\\<>;,=:@ sip.ab*\t?%'.split('')), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 50 }), (s) => {
        expectOnlySipParseErrors(() => parseNameAddr(s), () => parseContactList(s));
      }),
      { numRuns: 3000 },
    );
  });
});
