import { describe, expect, it } from 'vitest';
import { RtpSequencer, SsrcCollisionDetector } from '../src/index.js';

const fixedRandom = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length] ?? 0;
};

describe('RFC 3550 §5.1 sequence number and timestamp generation', () => {
  it('starts at random values from the injected source', () => {
    const s = new RtpSequencer({ random: fixedRandom(0x1234abcd, 0xdeadbeef, 0x0badf00d) });
    expect(s.nextSequenceNumber).toBe(0xabcd);
    expect(s.nextTimestamp).toBe(0xdeadbeef);
    expect(s.ssrc).toBe(0x0badf00d);
  });

  it('default source gives different starts for different streams', () => {
    const a = new RtpSequencer();
    const b = new RtpSequencer();
    expect([a.nextSequenceNumber, a.nextTimestamp, a.ssrc]).not.toEqual([b.nextSequenceNumber, b.nextTimestamp, b.ssrc]);
  });

  it('advances by one packet and the samples it covers, wrapping both counters', () => {
    const s = new RtpSequencer({ initialSequenceNumber: 0xffff, initialTimestamp: 0xffffff80, ssrc: 7 });
    expect(s.next(160)).toEqual({ sequenceNumber: 0xffff, timestamp: 0xffffff80, ssrc: 7 });
    expect(s.next(160)).toEqual({ sequenceNumber: 0, timestamp: 0x20, ssrc: 7 });
    expect(s.next(160)).toEqual({ sequenceNumber: 1, timestamp: 0xc0, ssrc: 7 });
  });

  it('an RFC 4733 update takes a new sequence number but keeps the event timestamp', () => {
    const s = new RtpSequencer({ initialSequenceNumber: 10, initialTimestamp: 1000, ssrc: 7 });
    expect(s.nextWithTimestamp(800)).toEqual({ sequenceNumber: 10, timestamp: 800, ssrc: 7 });
    expect(s.next(160).timestamp).toBe(1000);
  });

  it('rejects out-of-range options', () => {
    expect(() => new RtpSequencer({ initialSequenceNumber: 0x10000 })).toThrow(RangeError);
    expect(() => new RtpSequencer({ ssrc: -1 })).toThrow(RangeError);
  });
});

describe('RFC 3550 §8.2 SSRC collision', () => {
  it('a remote packet with our SSRC triggers a new random SSRC and a BYE for the old one', () => {
    const d = new SsrcCollisionDetector({ localSsrc: 42, random: fixedRandom(99, 100) });
    expect(d.observe(7)).toBeUndefined();
    expect(d.observe(42)).toEqual({ oldSsrc: 42, newSsrc: 99 });
    expect(d.localSsrc).toBe(99);
  });

  it('the new SSRC avoids identifiers already seen', () => {
    const d = new SsrcCollisionDetector({ localSsrc: 42, random: fixedRandom(7, 42, 8) });
    d.observe(7);
    expect(d.observe(42)).toEqual({ oldSsrc: 42, newSsrc: 8 });
  });

  it('a broken random source is reported as misuse, not looped on forever', () => {
    const d = new SsrcCollisionDetector({ localSsrc: 42, random: () => 42, maxAttempts: 4 });
    expect(() => d.observe(42)).toThrow(RangeError);
  });

  it('memory of remote SSRCs is bounded', () => {
    const d = new SsrcCollisionDetector({ localSsrc: 1, maxKnown: 2, random: fixedRandom(10, 11) });
    d.observe(10);
    d.observe(20);
    d.observe(30); // forgets 10
    expect(d.observe(1)).toEqual({ oldSsrc: 1, newSsrc: 10 });
  });
});
