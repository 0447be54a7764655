import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  RtpParseError,
  TelephoneEventReceiver,
  dtmfDigit,
  dtmfEventCode,
  parseTelephoneEvent,
  serializeTelephoneEvent,
  telephoneEventPackets,
  type TelephoneEventFrame,
} from '../src/index.js';

const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('RFC 4733 §2.3 payload format', () => {
  it('encodes event 5, E bit, volume 10, duration 800', () => {
    expect(toHex(serializeTelephoneEvent({ event: 5, end: true, volume: 10, duration: 800 }))).toBe('058a0320');
  });
  it('decodes and ignores the reserved R bit', () => {
    expect(parseTelephoneEvent(Uint8Array.of(11, 0x40 | 0x3f, 0xff, 0xff))).toEqual({ event: 11, end: false, volume: 63, duration: 0xffff });
  });
  it('a short payload is an RtpParseError', () => {
    expect(() => parseTelephoneEvent(Uint8Array.of(1, 2, 3))).toThrow(RtpParseError);
  });
  it('round-trips (fast-check)', () => {
    fc.assert(
      fc.property(fc.record({ event: fc.integer({ min: 0, max: 255 }), end: fc.boolean(), volume: fc.integer({ min: 0, max: 63 }), duration: fc.integer({ min: 0, max: 0xffff }) }), (e) => {
        expect(parseTelephoneEvent(serializeTelephoneEvent(e))).toEqual(e);
      }),
    );
  });
  it('§3.2 DTMF event codes', () => {
    expect('0123456789*#ABCD'.split('').map(dtmfEventCode)).toEqual([...Array(16).keys()]);
    expect(dtmfDigit(10)).toBe('*');
    expect(dtmfDigit(16)).toBeUndefined();
    expect(() => dtmfEventCode('x')).toThrow(RangeError);
  });
});

describe('RFC 4733 §2.5.1 sender', () => {
  it('start with marker, updates with growing duration, three identical end packets', () => {
    const frames = telephoneEventPackets({ event: 1, durationSamples: 800, startTimestamp: 1000, intervalSamples: 160 });
    expect(frames.map((f) => [f.offsetSamples, f.marker, f.timestamp, f.payload.duration, f.payload.end])).toEqual([
      [0, true, 1000, 0, false],
      [160, false, 1000, 160, false],
      [320, false, 1000, 320, false],
      [480, false, 1000, 480, false],
      [640, false, 1000, 640, false],
      [800, false, 1000, 800, true],
      [960, false, 1000, 800, true],
      [1120, false, 1000, 800, true],
    ]);
  });

  it('§2.5.1.3 long events are split into segments at the 16-bit duration limit', () => {
    const frames = telephoneEventPackets({ event: 0, durationSamples: 70000, startTimestamp: 0xffff0000, intervalSamples: 8000 });
    const segEnd = frames.find((f) => f.payload.duration === 0xffff && !f.payload.end);
    expect(segEnd).toMatchObject({ timestamp: 0xffff0000, offsetSamples: 0xffff });
    const last = frames[frames.length - 1];
    expect(last).toMatchObject({ marker: false, timestamp: (0xffff0000 + 0xffff) >>> 0, payload: { end: true, duration: 70000 - 0xffff } });
    expect(frames.filter((f) => f.marker)).toHaveLength(1);
    for (const f of frames) expect(f.payload.duration).toBeLessThanOrEqual(0xffff);
  });

  it('rejects nonsense options', () => {
    expect(() => telephoneEventPackets({ event: 1, durationSamples: 0, startTimestamp: 0 })).toThrow(RangeError);
  });
});

function play(receiver: TelephoneEventReceiver, frames: readonly TelephoneEventFrame[]) {
  return frames.flatMap((f) => receiver.receive({ timestamp: f.timestamp, marker: f.marker }, f.payload));
}

describe('RFC 4733 §2.5.2 receiver', () => {
  it('reports one digit with its final duration despite three end packets', () => {
    const r = new TelephoneEventReceiver();
    const got = play(r, telephoneEventPackets({ event: 11, durationSamples: 800, startTimestamp: 5000 }));
    expect(got).toEqual([{ event: 11, digit: '#', timestamp: 5000, durationSamples: 800, volume: 10, endSeen: true }]);
  });

  it('a lost start packet and lost end packets still give one report, closed by the next event', () => {
    const r = new TelephoneEventReceiver();
    const a = telephoneEventPackets({ event: 1, durationSamples: 480, startTimestamp: 0 }).filter((f) => !f.marker && !f.payload.end);
    const b = telephoneEventPackets({ event: 2, durationSamples: 480, startTimestamp: 2000 });
    const got = play(r, [...a, ...b]);
    expect(got.map((e) => [e.digit, e.durationSamples, e.endSeen])).toEqual([
      ['1', 320, false],
      ['2', 480, true],
    ]);
  });

  it('flush() closes an event whose end never came', () => {
    const r = new TelephoneEventReceiver();
    play(r, telephoneEventPackets({ event: 3, durationSamples: 800, startTimestamp: 0 }).slice(0, 3));
    expect(r.flush()).toMatchObject({ digit: '3', durationSamples: 320, endSeen: false });
    expect(r.flush()).toBeUndefined();
  });

  it('sums segments of a long event', () => {
    const r = new TelephoneEventReceiver();
    const got = play(r, telephoneEventPackets({ event: 4, durationSamples: 140000, startTimestamp: 123, intervalSamples: 4000 }));
    expect(got).toEqual([{ event: 4, digit: '4', timestamp: 123, durationSamples: 140000, volume: 10, endSeen: true }]);
  });

  it('property: any digit string, with packets duplicated and reordered within an event, reports each digit once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ digit: fc.constantFrom(...'0123456789*#ABCD'.split('')), dur: fc.integer({ min: 1, max: 4000 }) }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (digits, dupIdx) => {
          let ts = 0;
          const frames: TelephoneEventFrame[] = [];
          for (const d of digits) {
            const f = telephoneEventPackets({ event: dtmfEventCode(d.digit), durationSamples: d.dur, startTimestamp: ts });
            // duplicate some updates inside the event
            const withDups = f.flatMap((x, i) => (dupIdx.includes(i) ? [x, x] : [x]));
            frames.push(...withDups);
            ts = (ts + d.dur + 800) >>> 0;
          }
          const got = play(new TelephoneEventReceiver(), frames);
          expect(got.map((g) => g.digit).join('')).toBe(digits.map((d) => d.digit).join(''));
          expect(got.map((g) => g.durationSamples)).toEqual(digits.map((d) => d.dur));
        },
      ),
    );
  });
});
