import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SipParseError } from '../src/errors.js';
import type { Param, Via } from '../src/types.js';
import { formatVia, parseVia, parseViaList } from '../src/via.js';
import { fixtureHeaderValues } from './support/fixtures.js';
import { expectOnlySipParseErrors, expectParseError } from './support/parse-error.js';

/** Unfolded values of every Via (and compact v) header of an RFC 4475 fixture, in order. */
function vias(file: string): string[] {
  return fixtureHeaderValues(file, ['Via', 'v']);
}

function expectError(f: () => unknown, code: string, offset?: number): SipParseError {
  return expectParseError(f, code, { offset, header: 'Via', statusHint: 400 });
}

function via(raw: string, v: Partial<Via> & { host: string; params: readonly Param[] }): Via {
  return {
    protocol: 'SIP/2.0',
    transport: 'UDP',
    port: null,
    sentBy: v.host,
    branch: null,
    received: null,
    rport: null,
    raw,
    ...v,
  };
}

describe('RFC 3261 §20.42 Via', () => {
  const cases: Array<[string, Via]> = [
    [
      'SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds',
      via('SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds', {
        host: 'pc33.atlanta.com',
        branch: 'z9hG4bK776asdhds',
        params: [{ name: 'branch', value: 'z9hG4bK776asdhds' }],
      }),
    ],
    [
      'SIP/2.0/UDP erlang.bell-telephone.com:5060;branch=z9hG4bK87asdks7',
      via('SIP/2.0/UDP erlang.bell-telephone.com:5060;branch=z9hG4bK87asdks7', {
        host: 'erlang.bell-telephone.com',
        port: 5060,
        sentBy: 'erlang.bell-telephone.com:5060',
        branch: 'z9hG4bK87asdks7',
        params: [{ name: 'branch', value: 'z9hG4bK87asdks7' }],
      }),
    ],
    [
      'SIP/2.0/UDP 192.0.2.1:5060 ;received=192.0.2.207 ;branch=z9hG4bK77asjd',
      via('SIP/2.0/UDP 192.0.2.1:5060 ;received=192.0.2.207 ;branch=z9hG4bK77asjd', {
        host: '192.0.2.1',
        port: 5060,
        sentBy: '192.0.2.1:5060',
        received: '192.0.2.207',
        branch: 'z9hG4bK77asjd',
        params: [
          { name: 'received', value: '192.0.2.207' },
          { name: 'branch', value: 'z9hG4bK77asjd' },
        ],
      }),
    ],
    [
      'SIP / 2.0 / udp first.example.com: 4000;ttl=16 ;maddr=224.2.0.1 ;branch=z9hG4bKa7c6a8dlze.1',
      via('SIP / 2.0 / udp first.example.com: 4000;ttl=16 ;maddr=224.2.0.1 ;branch=z9hG4bKa7c6a8dlze.1', {
        host: 'first.example.com',
        port: 4000,
        sentBy: 'first.example.com: 4000',
        branch: 'z9hG4bKa7c6a8dlze.1',
        params: [
          { name: 'ttl', value: '16' },
          { name: 'maddr', value: '224.2.0.1' },
          { name: 'branch', value: 'z9hG4bKa7c6a8dlze.1' },
        ],
      }),
    ],
    [
      'SIP/2.0/UDP 10.1.1.1:4540;received=192.0.2.1;rport=9988;branch=z9hG4bKkjshdyff',
      via('SIP/2.0/UDP 10.1.1.1:4540;received=192.0.2.1;rport=9988;branch=z9hG4bKkjshdyff', {
        host: '10.1.1.1',
        port: 4540,
        sentBy: '10.1.1.1:4540',
        received: '192.0.2.1',
        rport: 9988,
        branch: 'z9hG4bKkjshdyff',
        params: [
          { name: 'received', value: '192.0.2.1' },
          { name: 'rport', value: '9988' },
          { name: 'branch', value: 'z9hG4bKkjshdyff' },
        ],
      }),
    ],
    [
      'SIP/2.0/TCP client.example.com:5060;Branch=z9hG4bK74b43;RPORT;ext="a,b"',
      via('SIP/2.0/TCP client.example.com:5060;Branch=z9hG4bK74b43;RPORT;ext="a,b"', {
        transport: 'TCP',
        host: 'client.example.com',
        port: 5060,
        sentBy: 'client.example.com:5060',
        branch: 'z9hG4bK74b43',
        rport: true,
        params: [
          { name: 'Branch', value: 'z9hG4bK74b43' },
          { name: 'RPORT', value: null },
          { name: 'ext', value: '"a,b"' },
        ],
      }),
    ],
  ];
  it.each(cases)('RFC 3261 §20.42 / RFC 3581 §3 parses %j', (text, expected) => {
    expect(parseVia(text)).toEqual(expected);
    expect(parseViaList(text)).toEqual([expected]);
  });

  const bad: Array<[string, string, number]> = [
    ['', 'BAD_VIA', 0],
    ['SIP', 'BAD_VIA', 3],
    ['SIP/2.0', 'BAD_VIA', 7],
    ['SIP/2.0/', 'BAD_VIA', 8],
    ['SIP//UDP host', 'BAD_VIA', 4],
    ['SIP/2.0/UDP', 'BAD_VIA', 11],
    ['SIP/2.0/UDPhost', 'BAD_VIA', 15],
    ['SIP/2.0/UDP ;branch=x', 'BAD_VIA', 12],
    ['SIP/2.0/UDP host:', 'BAD_VIA', 17],
    ['SIP/2.0/UDP host:99999', 'BAD_VIA', 17],
    ['SIP/2.0/UDP host junk', 'BAD_VIA', 17],
    ['SIP/2.0/UDP host,', 'BAD_VIA', 16],
    ['SIP/2.0/UDP -host', 'BAD_VIA', 12],
    ['SIP/2.0/UDP 2001:db8::9:1', 'BAD_VIA', 12],
    ['SIP/2.0/UDP [2001:db8::9:1', 'BAD_VIA', 12],
    ['SIP/2.0/UDP [2001:db8:::1]', 'BAD_VIA', 13],
    ['SIP/2.0/UDP host;branch', 'BAD_VIA', 17],
    ['SIP/2.0/UDP host;branch="x"', 'BAD_VIA', 17],
    ['SIP/2.0/UDP host;received=foo.com', 'BAD_VIA', 17],
    ['SIP/2.0/UDP host;received', 'BAD_VIA', 17],
    ['SIP/2.0/UDP host;rport=x', 'BAD_VIA', 17],
    ['SIP/2.0/UDP host;rport=65536', 'BAD_VIA', 17],
    ['SIP/2.0/UDP host;ttl=256', 'BAD_VIA', 17],
    ['SIP/2.0/UDP host;ttl=0001', 'BAD_VIA', 17],
    ['SIP/2.0/UDP host;maddr=a..b', 'BAD_VIA', 17],
    ['SIP/2.0/UDP host;;', 'BAD_PARAMETER', 17],
    ['SIP/2.0/UDP host;x="', 'BAD_QUOTED_STRING', 19],
  ];
  it.each(bad)('RFC 3261 §25.1 rejects via-parm %j with %s', (text, code, offset) => {
    expectError(() => parseVia(text), code, offset);
  });
  it('RFC 3261 §25.1: an empty Via value is rejected by parseViaList', () => {
    expectError(() => parseViaList('  '), 'BAD_VIA', 0);
  });
});

describe('RFC 4475 Via torture values', () => {
  it('RFC 4475 §3.1.1.1 wsinv: LWS around "/" and parameters, two values in one header', () => {
    const [single, compact] = vias('wsinv');
    expect(parseViaList(single ?? '')).toMatchObject([
      { protocol: 'SIP/2.0', transport: 'UDP', host: '192.0.2.2', branch: '390skdjuw', port: null },
    ]);
    const list = parseViaList(compact ?? '');
    expect(list.map((v) => [v.protocol, v.transport, v.host, v.branch])).toEqual([
      ['SIP/2.0', 'TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
      ['SIP/2.0', 'UDP', '192.168.255.111', 'z9hG4bK30239'],
    ]);
  });
  it('RFC 4475 §3.1.1.2 intmeth: branch with unusual token characters', () => {
    expect(parseVia(vias('intmeth')[0] ?? '').branch).toBe("z9hG4bK-.!%66*_+`'~");
  });
  it('RFC 4475 §3.1.1.5 esc02: "%" in a branch is not an escape', () => {
    expect(parseVia(vias('esc02')[0] ?? '').branch).toBe('z9hG4bK209%fzsnel234');
  });
  it('RFC 4475 §3.1.1.7 longreq: 34 Via values, the last with received and a long branch', () => {
    const all = vias('longreq').flatMap((v) => parseViaList(v));
    expect(all).toHaveLength(34);
    expect(all.every((v) => v.transport === 'TCP')).toBe(true);
    const last = all[all.length - 1];
    expect(last?.received).toBe('192.0.2.5');
    expect(last?.branch?.length).toBeGreaterThan(200);
  });
  it('RFC 4475 §3.1.1.10 transports: UDP, SCTP, TLS, UNKNOWN, TCP', () => {
    expect(vias('transports').map((v) => parseVia(v).transport)).toEqual(['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']);
  });
  it('RFC 4475 §3.1.2.1 badinv01: ";;,;,," is rejected', () => {
    const value = vias('badinv01')[0] ?? '';
    expect(value).toBe('SIP/2.0/UDP 192.0.2.15;;,;,,');
    expect(() => parseViaList(value)).toThrow(SipParseError);
    expectError(() => parseViaList(value), 'BAD_HEADER_VALUE', 27);
    expectError(() => parseVia(value), 'BAD_PARAMETER', 23);
  });
  it('RFC 4475 §3.2.1 badbranch: a bare magic cookie branch parses', () => {
    expect(parseVia(vias('badbranch')[0] ?? '').branch).toBe('z9hG4bK');
  });
  it('RFC 4475 §3.3.10 bcast: broadcast sent-by parses', () => {
    expect(vias('bcast').map((v) => parseVia(v).host)).toContain('255.255.255.255');
  });
  it('RFC 4475 §3.1.2.5 scalarlg: the Via itself is fine', () => {
    expect(parseVia(vias('scalarlg')[0] ?? '')).toMatchObject({ transport: 'TCP', received: '192.0.2.129' });
  });
});

describe('RFC 5118 IPv6 in Via', () => {
  it('RFC 5118 §4.1: bracketed IPv6 sent-by', () => {
    expect(parseVia('SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3-111')).toMatchObject({
      host: '[2001:db8::9:1]',
      port: null,
      sentBy: '[2001:db8::9:1]',
    });
  });
  it('RFC 5118 §4.5: received holds a bare IPv6 address; rport without a value', () => {
    expect(parseVia('SIP/2.0/UDP [2001:db8::9:1]:6050;branch=z9hG4bKas3-111;received=2001:db8::9:255;rport')).toMatchObject({
      host: '[2001:db8::9:1]',
      port: 6050,
      sentBy: '[2001:db8::9:1]:6050',
      received: '2001:db8::9:255',
      rport: true,
    });
    expect(parseVia('SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKas3;received=2001:db8::9:255').received).toBe('2001:db8::9:255');
    expect(parseVia('SIP/2.0/UDP 192.0.2.1;received=[2001:db8::9:255]').received).toBe('[2001:db8::9:255]');
    expect(parseVia('SIP/2.0/UDP 192.0.2.1;received=::ffff:192.0.2.1').received).toBe('::ffff:192.0.2.1');
  });
});

describe('RFC 5118 §4 Via values of the torture messages', () => {
  const read = (name: string): string[] => fixtureHeaderValues(name, 'Via', 'rfc5118');
  const cases: Array<[string, Array<[string, number | null, string | null]>]> = [
    ['ipv6-good', [['[2001:db8::9:1]', null, null]]],
    ['via-received-param-with-delim', [['[2001:db8::9:1]', null, '[2001:db8::9:255]']]],
    ['via-received-param-no-delim', [['[2001:db8::9:1]', null, '2001:db8::9:255']]],
    [
      'mult-ip-in-header',
      [
        ['[2001:db8::9:1]', 6050, null],
        ['192.0.2.1', null, null],
        ['[2001:db8::9:255]', null, '192.0.2.200'],
      ],
    ],
    [
      'ipv4-mapped-ipv6',
      [
        ['[::ffff:192.0.2.10]', 19823, null],
        ['[::ffff:192.0.2.2]', null, null],
      ],
    ],
    ['ipv6-bug-abnf-3-colons', [['lab1.east.example.com', null, null]]],
  ];
  it.each(cases)('RFC 5118 §4 %s: sent-by and received', (name, expected) => {
    expect(read(name).map((v) => parseVia(v)).map((v) => [v.host, v.port, v.received])).toEqual(expected);
  });
});

describe('RFC 3261 §20.42 formatting Via', () => {
  it('RFC 3261 §20.42: parsed values format to raw; built values canonically', () => {
    const raw = 'SIP / 2.0 / udp first.example.com: 4000;ttl=16';
    expect(formatVia(parseVia(raw))).toBe(raw);
    const v = parseVia('SIP/2.0/UDP 10.0.0.1:5060;rport;branch=z9hG4bKx');
    expect(formatVia({ ...v, rport: 5062, received: '192.0.2.9' })).toBe(
      'SIP/2.0/UDP 10.0.0.1:5060;rport=5062;branch=z9hG4bKx;received=192.0.2.9',
    );
    expect(formatVia({ ...v, host: '2001:db8::1', port: null, branch: null })).toBe('SIP/2.0/UDP [2001:db8::1];rport');
  });
});

// ---------------------------------------------------------------------------
// Properties

const tokenChar = fc.constantFrom(...'abcXYZ019-.!%*_+`\'~'.split(''));
const token = fc.string({ unit: tokenChar, minLength: 1, maxLength: 10 });
const alnum = fc.constantFrom(...'abcdefxyz0189'.split(''));
const hostArb = fc.oneof(
  fc.tuple(fc.array(fc.string({ unit: alnum, minLength: 1, maxLength: 5 }), { maxLength: 3 }), fc.constantFrom('com', 'example', 'a1')).map(([ls, t]) => [...ls, t].join('.')),
  fc.ipV4(),
  fc.ipV6().map((h) => `[${h}]`),
);
const viaArb: fc.Arbitrary<Via> = fc
  .record({
    transport: fc.constantFrom('UDP', 'TCP', 'TLS', 'SCTP', 'WS', 'WSS', 'X-NEW'),
    host: hostArb,
    port: fc.option(fc.integer({ min: 0, max: 65535 }), { nil: null }),
    branch: fc.option(token.map((t) => 'z9hG4bK' + t), { nil: null }),
    received: fc.option(fc.oneof(fc.ipV4(), fc.ipV6()), { nil: null }),
    rport: fc.option(fc.oneof(fc.constant(true as const), fc.integer({ min: 0, max: 65535 })), { nil: null }),
    extra: fc.array(fc.record({ name: token.map((t) => 'x' + t), value: fc.option(token, { nil: null }) }), { maxLength: 2 }),
    sp: fc.constantFrom('', ' ', '\t '),
  })
  .map((r) => {
    const params: Param[] = [...r.extra];
    if (r.branch !== null) params.push({ name: 'branch', value: r.branch });
    if (r.received !== null) params.push({ name: 'received', value: r.received });
    if (r.rport !== null) params.push({ name: 'rport', value: r.rport === true ? null : String(r.rport) });
    const sentBy = r.port === null ? r.host : `${r.host}:${r.port}`;
    return {
      protocol: 'SIP/2.0',
      transport: r.transport,
      host: r.host,
      port: r.port,
      sentBy,
      branch: r.branch,
      received: r.received,
      rport: r.rport,
      params,
      raw: `SIP${r.sp}/${r.sp}2.0/${r.sp}${r.transport} ${sentBy}${params.map((p) => `${r.sp};${r.sp}${p.name}${p.value === null ? '' : `${r.sp}=${r.sp}${p.value}`}`).join('')}`,
    };
  });

describe('RFC 3261 §20.42 Via properties', () => {
  it('RFC 3261 §25.1: parseVia recovers every field of a generated via-parm, with any LWS', () => {
    fc.assert(
      fc.property(viaArb, (v) => {
        expect(parseVia(v.raw)).toEqual(v);
      }),
      { numRuns: 500 },
    );
  });
  it('RFC 3261 §20.42: parseVia ∘ formatVia keeps every field of a rebuilt Via', () => {
    fc.assert(
      fc.property(viaArb, (v) => {
        const rebuilt = formatVia({ ...parseVia(v.raw) });
        const back = parseVia(rebuilt);
        expect({ ...back, raw: '', sentBy: '' }).toEqual({ ...v, raw: '', sentBy: '' });
      }),
      { numRuns: 300 },
    );
  });
  it('RFC 3261 §7.3.1: a comma-joined list parses to the same values', () => {
    fc.assert(
      fc.property(fc.array(viaArb, { minLength: 1, maxLength: 4 }), (vs) => {
        expect(parseViaList(vs.map((v) => v.raw).join(' ,\t')).map((v) => v.branch)).toEqual(vs.map((v) => v.branch));
      }),
      { numRuns: 200 },
    );
  });
  it('RFC 3261 §25.1: arbitrary text either parses or throws SipParseError', () => {
    const unit = fc.oneof(fc.constantFrom(...'SIP/2.0UDP ;=:[]",\\branch1.'.split('')), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit, maxLength: 40 }), fc.string({ unit, maxLength: 30 }).map((s) => 'SIP/2.0/UDP ' + s)), (s) => {
        expectOnlySipParseErrors(() => parseVia(s), () => parseViaList(s));
      }),
      { numRuns: 3000 },
    );
  });
});
