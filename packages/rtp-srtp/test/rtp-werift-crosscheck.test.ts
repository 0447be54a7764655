import fc from 'fast-check';
import { RtpHeader, RtpPacket as WeriftPacket } from 'werift-rtp';
import { describe, expect, it } from 'vitest';
import { parseRtp, serializeRtp, type RtpPacket } from '../src/index.js';

// Cross-check against an independent implementation (werift-rtp) on packets both support:
// CSRCs, marker, RFC 8285 one-byte extensions, no padding.
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const arb = fc.record({
  marker: fc.boolean(),
  payloadType: fc.integer({ min: 0, max: 127 }),
  sequenceNumber: fc.integer({ min: 0, max: 0xffff }),
  timestamp: u32,
  ssrc: u32,
  csrc: fc.array(u32, { maxLength: 15 }),
  payload: fc.uint8Array({ minLength: 1, maxLength: 200 }),
  elements: fc.array(fc.record({ id: fc.integer({ min: 1, max: 14 }), data: fc.uint8Array({ minLength: 1, maxLength: 16 }) }), { maxLength: 4 }),
});

describe('RFC 3550 §5.1 / RFC 8285 §4.2 interop with werift-rtp', () => {
  it('werift parses what we serialize', () => {
    fc.assert(
      fc.property(arb, ({ elements, ...f }) => {
        const ours: RtpPacket = { ...f, padding: 0, extension: elements.length > 0 ? { kind: 'one-byte', elements } : undefined };
        const w = WeriftPacket.deSerialize(Buffer.from(serializeRtp(ours)));
        expect(w.header.marker).toBe(f.marker);
        expect(w.header.payloadType).toBe(f.payloadType);
        expect(w.header.sequenceNumber).toBe(f.sequenceNumber);
        expect(w.header.timestamp).toBe(f.timestamp);
        expect(w.header.ssrc).toBe(f.ssrc);
        expect(w.header.csrc).toEqual(f.csrc);
        expect(w.header.extensions.map((e) => [e.id, Buffer.from(e.payload).toString('hex')])).toEqual(elements.map((e) => [e.id, Buffer.from(e.data).toString('hex')]));
        expect(Buffer.from(w.payload).toString('hex')).toBe(Buffer.from(f.payload).toString('hex'));
      }),
      { numRuns: 300 },
    );
  });

  it('we parse what werift serializes', () => {
    fc.assert(
      fc.property(arb, ({ elements, ...f }) => {
        const header = new RtpHeader({
          marker: f.marker, payloadType: f.payloadType, sequenceNumber: f.sequenceNumber, timestamp: f.timestamp, ssrc: f.ssrc,
          csrc: f.csrc, csrcLength: f.csrc.length, extension: elements.length > 0, extensionProfile: 0xbede,
          extensions: elements.map((e) => ({ id: e.id, payload: Buffer.from(e.data) })),
        });
        const p = parseRtp(new WeriftPacket(header, Buffer.from(f.payload)).serialize());
        expect(p).toMatchObject({ marker: f.marker, payloadType: f.payloadType, sequenceNumber: f.sequenceNumber, timestamp: f.timestamp, ssrc: f.ssrc, csrc: f.csrc });
        const els = p.extension?.kind === 'one-byte' ? p.extension.elements : [];
        expect(els.map((e) => [e.id, Buffer.from(e.data).toString('hex')])).toEqual(elements.map((e) => [e.id, Buffer.from(e.data).toString('hex')]));
        expect(Buffer.from(p.payload).toString('hex')).toBe(Buffer.from(f.payload).toString('hex'));
      }),
      { numRuns: 300 },
    );
  });
});
