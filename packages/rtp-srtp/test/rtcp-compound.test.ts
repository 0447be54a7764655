import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RtpParseError, SdesItemType, parseRtcp, serializeRtcp, marshalRtcpTo, rtcpCompoundSize, type RtcpPacket, type RtcpReportBlock } from '../src/index.js';

const hex = (s: string): Uint8Array => Uint8Array.from(s.replace(/\s+/g, '').match(/../g) ?? [], (b) => parseInt(b, 16));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof RtpParseError) return e.code;
    throw e;
  }
  return undefined;
}

describe('RFC 3550 §6.4 SR and RR', () => {
  it('§6.4.1 SR with one report block, field by field', () => {
    const bytes = hex(
      '81 c8 000c' + // V=2 RC=1 PT=200 length=12 words
        '11111111' + 'e1234567 89abcdef' + '00001000' + '00000064' + '00003e80' + // sender info
        '22222222' + '20 fffffe' + '0001ffff' + '00000010' + 'b7052000' + '00054000', // report block
    );
    const [sr] = parseRtcp(bytes);
    expect(sr).toMatchObject({
      type: 'sr', ssrc: 0x11111111, ntpSeconds: 0xe1234567, ntpFraction: 0x89abcdef, rtpTimestamp: 0x1000, packetCount: 100, octetCount: 16000,
    });
    if (sr?.type !== 'sr') throw new Error('type');
    expect(sr.reports[0]).toEqual({
      ssrc: 0x22222222, fractionLost: 0x20, cumulativeLost: -2, highestSequence: 0x1ffff, jitter: 16, lastSr: 0xb7052000, delaySinceLastSr: 0x54000,
    });
    expect(toHex(serializeRtcp([sr]))).toBe(toHex(bytes));
  });

  it('§6.4.2 empty RR, then SDES CNAME and BYE with reason in one compound packet', () => {
    const packets: RtcpPacket[] = [
      { type: 'rr', ssrc: 0x01020304, reports: [], profileExtension: new Uint8Array(0) },
      { type: 'sdes', chunks: [{ ssrc: 0x01020304, items: [{ type: SdesItemType.CNAME, text: 'user@host' }] }] },
      { type: 'bye', ssrcs: [0x01020304], reason: 'bye' },
    ];
    const bytes = serializeRtcp(packets);
    expect(toHex(bytes)).toBe(
      '80c90001' + '01020304' +
        '81ca0004' + '01020304' + '0109' + toHex(new TextEncoder().encode('user@host')) + '00' + // 4+2+9 = 15 bytes, one null ends the list at 16
        '81cb0002' + '01020304' + '03627965',
    );
    expect(parseRtcp(bytes)).toEqual(packets);
  });
});

describe('RFC 3550 §6.5–§6.7 and passthrough', () => {
  it('§6.5 SDES: several chunks and items, terminator and padding per chunk', () => {
    const p: RtcpPacket = {
      type: 'sdes',
      chunks: [
        { ssrc: 1, items: [{ type: 1, text: 'a' }, { type: 6, text: 'trunkline' }] },
        { ssrc: 2, items: [] },
      ],
    };
    const bytes = serializeRtcp([{ type: 'rr', ssrc: 1, reports: [], profileExtension: new Uint8Array(0) }, p]);
    expect(bytes.length % 4).toBe(0);
    expect(parseRtcp(bytes)[1]).toEqual(p);
  });

  it('§6.7 APP and unknown types (e.g. RFC 4585 PT=205) pass through unchanged', () => {
    const bytes = hex('80c90001 00000001' + '82cc0003 00000001 54455354 cafebabe' + '81cd0002 00000001 00000002');
    const [, app, fb] = parseRtcp(bytes);
    expect(app).toMatchObject({ type: 'app', subtype: 2, ssrc: 1, name: 'TEST' });
    expect(fb).toMatchObject({ type: 'unknown', packetType: 205, count: 1 });
    expect(toHex(serializeRtcp(parseRtcp(bytes)))).toBe(toHex(bytes));
  });

  it('strips padding of the last packet', () => {
    const bytes = hex('80c90001 00000001' + 'a1cb0002 00000009 00000004');
    expect(parseRtcp(bytes)[1]).toEqual({ type: 'bye', ssrcs: [9] });
  });
});

describe('RFC 3550 §A.2 compound validity checks', () => {
  const cases: Record<string, [string, string]> = {
    'shorter than a header': ['80c9', 'RTP_TRUNCATED'],
    'version 1': ['40c90001 00000001', 'RTP_BAD_VERSION'],
    'first packet is not SR/RR': ['81cb0001 00000001', 'RTP_BAD_FIRST_PACKET'],
    'length overruns the datagram': ['80c90002 00000001', 'RTP_BAD_LENGTH'],
    'lengths do not add up (trailing bytes)': ['80c90001 00000001 8000', 'RTP_TRUNCATED'],
    'padding on a packet that is not last': ['a0c90001 00000001 80cb0000', 'RTP_PADDING_NOT_LAST'],
    'padding count zero': ['a0c90001 00000100', 'RTP_BAD_PADDING'],
    'RR shorter than its report count': ['81c90001 00000001', 'RTP_BAD_REPORT_COUNT'],
    'SR shorter than sender info': ['80c80001 00000001', 'RTP_BAD_REPORT_COUNT'],
    'SDES item overruns': ['80c90001 00000001 81ca0002 00000001 01090000', 'RTP_BAD_SDES'],
    'SDES without terminator': ['80c90001 00000001 81ca0002 00000001 01026162', 'RTP_BAD_SDES'],
    'BYE reason overruns': ['80c90001 00000001 81cb0002 00000001 09616263', 'RTP_BAD_BYE'],
    'APP without name': ['80c90001 00000001 80cc0001 00000001', 'RTP_BAD_APP'],
  };
  for (const [name, [bytes, code]] of Object.entries(cases)) {
    it(name, () => expect(codeOf(() => parseRtcp(hex(bytes)))).toBe(code));
  }

  it('reduced-size RTCP (RFC 5506) is accepted when asked', () => {
    expect(parseRtcp(hex('81cb0001 00000001'), { requireReportFirst: false })).toEqual([{ type: 'bye', ssrcs: [1] }]);
  });

  it('maxPackets bounds the work per datagram', () => {
    const many = serializeRtcp(Array.from({ length: 5 }, () => ({ type: 'rr' as const, ssrc: 1, reports: [], profileExtension: new Uint8Array(0) })));
    expect(codeOf(() => parseRtcp(many, { maxPackets: 4 }))).toBe('RTP_TOO_MANY_PACKETS');
  });

  it('random bytes never throw anything but RtpParseError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        if (bytes.length > 0) bytes[0] = ((bytes[0] ?? 0) & 0x3f) | 0x80;
        if (bytes.length > 1) bytes[1] = 200 + ((bytes[1] ?? 0) % 6);
        codeOf(() => parseRtcp(bytes));
        codeOf(() => parseRtcp(bytes, { requireReportFirst: false }));
      }),
      { numRuns: 5000 },
    );
  });
});

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const words = (max: number) => fc.integer({ min: 0, max }).chain((w) => fc.uint8Array({ minLength: w * 4, maxLength: w * 4 }));
const text = (max: number) => fc.string({ maxLength: max, unit: 'grapheme-ascii' });
const reportArb: fc.Arbitrary<RtcpReportBlock> = fc.record({
  ssrc: u32,
  fractionLost: fc.integer({ min: 0, max: 255 }),
  cumulativeLost: fc.integer({ min: -0x800000, max: 0x7fffff }),
  highestSequence: u32,
  jitter: u32,
  lastSr: u32,
  delaySinceLastSr: u32,
});
const reportsArb = fc.array(reportArb, { maxLength: 31 });
const packetArb: fc.Arbitrary<RtcpPacket> = fc.oneof(
  fc.record({ type: fc.constant('sr' as const), ssrc: u32, ntpSeconds: u32, ntpFraction: u32, rtpTimestamp: u32, packetCount: u32, octetCount: u32, reports: reportsArb, profileExtension: words(3) }),
  fc.record({ type: fc.constant('rr' as const), ssrc: u32, reports: reportsArb, profileExtension: words(3) }),
  fc.record({
    type: fc.constant('sdes' as const),
    chunks: fc.array(fc.record({ ssrc: u32, items: fc.array(fc.record({ type: fc.integer({ min: 1, max: 255 }), text: text(40) }), { maxLength: 4 }) }), { maxLength: 5 }),
  }),
  fc.record({ type: fc.constant('bye' as const), ssrcs: fc.array(u32, { maxLength: 31 }), reason: fc.option(text(60).filter((s) => s.length > 0), { nil: undefined }) }).map(({ reason, ...r }) =>
    reason === undefined ? r : { ...r, reason },
  ),
  fc.record({ type: fc.constant('app' as const), subtype: fc.integer({ min: 0, max: 31 }), ssrc: u32, name: fc.stringMatching(/^[A-Za-z0-9 ]{4}$/), data: words(4) }),
  fc.record({ type: fc.constant('unknown' as const), packetType: fc.integer({ min: 205, max: 255 }), count: fc.integer({ min: 0, max: 31 }), body: words(4) }),
);
const firstArb = fc.oneof(
  fc.record({ type: fc.constant('sr' as const), ssrc: u32, ntpSeconds: u32, ntpFraction: u32, rtpTimestamp: u32, packetCount: u32, octetCount: u32, reports: reportsArb, profileExtension: words(2) }),
  fc.record({ type: fc.constant('rr' as const), ssrc: u32, reports: reportsArb, profileExtension: words(2) }),
);

describe('RFC 3550 §6.1 compound parse ∘ serialize round-trip (fast-check)', () => {
  const norm = (p: RtcpPacket): unknown =>
    JSON.parse(JSON.stringify(p, (_k, v: unknown) => (v instanceof Uint8Array ? toHex(v) : v)));
  it('parse(serialize(packets)) equals packets, and serialize(parse(b)) = b', () => {
    fc.assert(
      fc.property(firstArb, fc.array(packetArb, { maxLength: 6 }), (first, rest) => {
        const packets = [first, ...rest];
        const bytes = serializeRtcp(packets);
        expect(bytes.length).toBe(rtcpCompoundSize(packets));
        const parsed = parseRtcp(bytes);
        expect(parsed.map(norm)).toEqual(packets.map(norm));
        expect(toHex(serializeRtcp(parsed))).toBe(toHex(bytes));
      }),
      { numRuns: 500 },
    );
  });

  it('marshalRtcpTo rejects a buffer that is too small', () => {
    expect(() => marshalRtcpTo([{ type: 'rr', ssrc: 1, reports: [], profileExtension: new Uint8Array(0) }], new Uint8Array(7))).toThrow(RangeError);
  });
});
