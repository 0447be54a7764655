import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RtpParseError, marshalRtpTo, parseRtp, rtpPacketSize, serializeRtp, type RtpHeaderExtension, type RtpPacket } from '../src/index.js';

const hex = (s: string): Uint8Array => Uint8Array.from(s.replace(/\s+/g, '').match(/../g) ?? [], (b) => parseInt(b, 16));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('RFC 3550 §5.1 RTP fixed header', () => {
  it('parses a PCMU packet field by field, payload as a view', () => {
    //           V2 M0 PT0 seq=0x1234   ts=0xdeadbeef  ssrc=0x01020304  payload
    const bytes = hex('80 00 1234 deadbeef 01020304 fffefd');
    const p = parseRtp(bytes);
    expect(p).toMatchObject({ marker: false, payloadType: 0, sequenceNumber: 0x1234, timestamp: 0xdeadbeef, ssrc: 0x01020304, csrc: [], padding: 0 });
    expect(p.extension).toBeUndefined();
    expect(toHex(p.payload)).toBe('fffefd');
    expect(p.payload.buffer).toBe(bytes.buffer); // zero-copy view
    expect(p.payload.byteOffset).toBe(12);
  });

  it('parses marker, payload type 101 and a CSRC list', () => {
    const p = parseRtp(hex('82 e5 0001 00000010 aaaaaaaa 11111111 22222222 00'));
    expect(p.marker).toBe(true);
    expect(p.payloadType).toBe(101);
    expect(p.csrc).toEqual([0x11111111, 0x22222222]);
    expect(toHex(p.payload)).toBe('00');
  });

  it('strips padding counted by the last octet (P bit)', () => {
    const p = parseRtp(hex('a0 00 0001 00000000 00000001 abcd 000003'));
    expect(p.padding).toBe(3);
    expect(toHex(p.payload)).toBe('abcd');
    expect(toHex(serializeRtp(p))).toBe('a0000001000000000000000' + '1abcd000003');
  });

  it('serializes byte for byte what it parsed', () => {
    const bytes = hex('82 e5 0001 00000010 aaaaaaaa 11111111 22222222 0102');
    expect(toHex(serializeRtp(parseRtp(bytes)))).toBe(toHex(bytes));
  });
});

describe('RFC 8285 header extensions', () => {
  it('§4.2 one-byte form: elements, padding bytes skipped, views into the packet', () => {
    // profile 0xBEDE, length 2 words: id1 len1(2 bytes) 'ab', pad 0, id2 len0(1 byte) 'c', pad pad pad
    const bytes = hex('90 00 0001 00000000 00000001 bede 0002 11 6162 00 20 63 0000 ff');
    const p = parseRtp(bytes);
    expect(p.extension?.kind).toBe('one-byte');
    if (p.extension?.kind !== 'one-byte') throw new Error('kind');
    expect(p.extension.elements.map((e) => [e.id, toHex(e.data)])).toEqual([
      [1, '6162'],
      [2, '63'],
    ]);
    expect(toHex(p.payload)).toBe('ff');
  });

  it('§4.2 one-byte form: ID 15 stops parsing', () => {
    const p = parseRtp(hex('90 00 0001 00000000 00000001 bede 0001 10 61 f0 62 ff'));
    expect(p.extension).toMatchObject({ kind: 'one-byte' });
    if (p.extension?.kind !== 'one-byte') throw new Error('kind');
    expect(p.extension.elements.map((e) => e.id)).toEqual([1]);
  });

  it('§4.3 two-byte form with appbits and a zero-length element', () => {
    const p = parseRtp(hex('90 00 0001 00000000 00000001 1005 0002 01 00 02 03 616263 00 ff'));
    expect(p.extension).toMatchObject({ kind: 'two-byte', appBits: 5 });
    if (p.extension?.kind !== 'two-byte') throw new Error('kind');
    expect(p.extension.elements.map((e) => [e.id, toHex(e.data)])).toEqual([
      [1, ''],
      [2, '616263'],
    ]);
  });

  it('RFC 3550 §5.3.1 profile-specific extension kept opaque', () => {
    const p = parseRtp(hex('90 00 0001 00000000 00000001 abcd 0001 01020304 ff'));
    expect(p.extension?.kind).toBe('generic');
    expect(toHex(serializeRtp(p))).toBe('900000010000000000000001abcd000101020304ff');
  });

  it('writes one-byte elements with zero padding to 32 bits', () => {
    const p: RtpPacket = {
      marker: false, payloadType: 0, sequenceNumber: 1, timestamp: 0, ssrc: 1, csrc: [], padding: 0,
      extension: { kind: 'one-byte', elements: [{ id: 3, data: hex('0102') }] },
      payload: new Uint8Array(0),
    };
    expect(toHex(serializeRtp(p))).toBe('900000010000000000000001bede0001' + '31010200');
  });
});

describe('RFC 3550 §A.1 validity: malformed input raises RtpParseError only', () => {
  const cases: Record<string, [string, string]> = {
    'shorter than the fixed header': ['80 00 0001 00000000 000000', 'RTP_TRUNCATED'],
    'version 1': ['40 00 0001 00000000 00000001', 'RTP_BAD_VERSION'],
    'CSRC count beyond the packet': ['83 00 0001 00000000 00000001 11111111', 'RTP_TRUNCATED'],
    'padding count zero': ['a0 00 0001 00000000 00000001 00', 'RTP_BAD_PADDING'],
    'padding count beyond the payload': ['a0 00 0001 00000000 00000001 0005', 'RTP_BAD_PADDING'],
    'extension header missing': ['90 00 0001 00000000 00000001 bede', 'RTP_TRUNCATED'],
    'extension length beyond the packet': ['90 00 0001 00000000 00000001 bede 0002 10610000', 'RTP_TRUNCATED'],
    'one-byte element overruns': ['90 00 0001 00000000 00000001 bede 0001 1f 616263', 'RTP_BAD_EXTENSION'],
    'two-byte element overruns': ['90 00 0001 00000000 00000001 1000 0001 01 05 6162', 'RTP_BAD_EXTENSION'],
  };
  for (const [name, [bytes, code]] of Object.entries(cases)) {
    it(name, () => {
      const err = (() => {
        try {
          parseRtp(hex(bytes));
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(RtpParseError);
      expect((err as RtpParseError).code).toBe(code);
    });
  }

  it('random bytes never throw anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.boolean(), (bytes, forceV2) => {
        if (forceV2 && bytes.length > 0) bytes[0] = ((bytes[0] ?? 0) & 0x3f) | 0x80;
        try {
          parseRtp(bytes);
        } catch (e) {
          if (!(e instanceof RtpParseError)) throw e;
        }
      }),
      { numRuns: 3000 },
    );
  });
});

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const bytesArb = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const extensionArb: fc.Arbitrary<RtpHeaderExtension> = fc.oneof(
  fc.record({ kind: fc.constant('one-byte' as const), elements: fc.array(fc.record({ id: fc.integer({ min: 1, max: 14 }), data: bytesArb(1, 16) }), { maxLength: 5 }) }),
  fc.record({
    kind: fc.constant('two-byte' as const),
    appBits: fc.integer({ min: 0, max: 15 }),
    elements: fc.array(fc.record({ id: fc.integer({ min: 1, max: 255 }), data: bytesArb(0, 40) }), { maxLength: 5 }),
  }),
  fc.record({
    kind: fc.constant('generic' as const),
    profile: fc.integer({ min: 0, max: 0xffff }).filter((p) => p !== 0xbede && p >> 4 !== 0x100),
    data: fc.integer({ min: 0, max: 8 }).chain((w) => bytesArb(w * 4, w * 4)),
  }),
);
const rtpPacketArb: fc.Arbitrary<RtpPacket> = fc
  .record({
    marker: fc.boolean(),
    payloadType: fc.integer({ min: 0, max: 127 }),
    sequenceNumber: fc.integer({ min: 0, max: 0xffff }),
    timestamp: u32,
    ssrc: u32,
    csrc: fc.array(u32, { maxLength: 15 }),
    padding: fc.integer({ min: 0, max: 255 }),
    payload: bytesArb(0, 200),
    extension: fc.option(extensionArb, { nil: undefined }),
  })
  .map(({ extension, ...rest }) => (extension === undefined ? rest : { ...rest, extension }));

describe('RFC 3550 §5.1 parse ∘ serialize round-trip (fast-check)', () => {
  it('parse(serialize(p)) equals p', () => {
    fc.assert(
      fc.property(rtpPacketArb, (p) => {
        const q = parseRtp(serializeRtp(p));
        expect(q.marker).toBe(p.marker);
        expect(q.payloadType).toBe(p.payloadType);
        expect(q.sequenceNumber).toBe(p.sequenceNumber);
        expect(q.timestamp).toBe(p.timestamp);
        expect(q.ssrc).toBe(p.ssrc);
        expect(q.csrc).toEqual(p.csrc);
        expect(q.padding).toBe(p.padding);
        expect(toHex(q.payload)).toBe(toHex(p.payload));
        const norm = (e: RtpHeaderExtension | undefined) =>
          e === undefined ? undefined : e.kind === 'generic' ? { ...e, data: toHex(e.data) } : { ...e, elements: e.elements.map((x) => ({ id: x.id, data: toHex(x.data) })) };
        expect(norm(q.extension)).toEqual(norm(p.extension));
      }),
      { numRuns: 1000 },
    );
  });

  it('serialize(parse(b)) = b for canonically encoded packets', () => {
    fc.assert(
      fc.property(rtpPacketArb, (p) => {
        const b = serializeRtp(p);
        expect(toHex(serializeRtp(parseRtp(b)))).toBe(toHex(b));
      }),
      { numRuns: 500 },
    );
  });

  it('marshalTo writes at an offset without touching other bytes', () => {
    fc.assert(
      fc.property(rtpPacketArb, fc.integer({ min: 0, max: 16 }), (p, offset) => {
        const size = rtpPacketSize(p);
        const buf = new Uint8Array(offset + size + 4).fill(0xee);
        expect(marshalRtpTo(p, buf, offset)).toBe(size);
        expect(buf.subarray(0, offset).every((x) => x === 0xee)).toBe(true);
        expect(buf.subarray(offset + size).every((x) => x === 0xee)).toBe(true);
        expect(toHex(buf.subarray(offset, offset + size))).toBe(toHex(serializeRtp(p)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('API misuse throws RangeError', () => {
  const base: RtpPacket = { marker: false, payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0, csrc: [], padding: 0, payload: new Uint8Array(4) };
  it('buffer too small', () => expect(() => marshalRtpTo(base, new Uint8Array(10))).toThrow(RangeError));
  it('payload type above 127', () => expect(() => serializeRtp({ ...base, payloadType: 128 })).toThrow(RangeError));
  it('16 CSRCs', () => expect(() => serializeRtp({ ...base, csrc: new Array<number>(16).fill(1) })).toThrow(RangeError));
  it('one-byte extension id 15', () =>
    expect(() => serializeRtp({ ...base, extension: { kind: 'one-byte', elements: [{ id: 15, data: new Uint8Array(1) }] } })).toThrow(RangeError));
});

describe('RFC 5761 §4 RTP/RTCP demultiplexing', () => {
  it('tells RTCP packet types 192..223 from RTP payload types', async () => {
    const { isRtcpPacket } = await import('../src/index.js');
    expect(isRtcpPacket(hex('80c90001 00000001'))).toBe(true);
    expect(isRtcpPacket(hex('80 00 0001 00000000 00000001'))).toBe(false);
    expect(isRtcpPacket(hex('80 e5 0001 00000000 00000001'))).toBe(false); // marker + PT 101
    expect(isRtcpPacket(hex('80c9'))).toBe(false);
  });
});
