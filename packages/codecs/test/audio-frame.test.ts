import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Framer, SilenceDetector, dbfsToRms, rms, rmsDbfs } from '../src/index.js';

describe('Framer (RFC 3551 §4.5: 20 ms G.711 packetisation)', () => {
  it('cuts arbitrary chunks into whole frames, in order, keeping the remainder', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(700), { maxLength: 20 }), fc.constantFrom(8000, 16000, 48000), (sizes, rate) => {
        const framer = new Framer({ sampleRate: rate });
        let next = 0;
        const frames = [];
        for (const size of sizes) {
          const chunk = Int16Array.from({ length: size }, () => next++ % 30000);
          frames.push(...framer.push(chunk));
        }
        const per = (rate * 20) / 1000;
        expect(framer.frameSamples).toBe(per);
        expect(frames.length).toBe(Math.floor(next / per));
        expect(framer.pendingSamples).toBe(next % per);
        let expected = 0;
        let wrong = 0;
        for (const f of frames) {
          expect(f.samples.length).toBe(per);
          expect(f.sampleRate).toBe(rate);
          for (const s of f.samples) if (s !== expected++ % 30000) wrong++;
        }
        expect(wrong).toBe(0);
        const rest = framer.flush();
        if (next % per === 0) expect(rest).toBeUndefined();
        else expect(rest!.samples.length).toBe(next % per);
      }),
    );
  });

  it('frames own their samples and can carry RTP timestamps that wrap at 2^32 (RFC 3550 §5.1)', () => {
    const framer = new Framer({ sampleRate: 8000, startTimestamp: 2 ** 32 - 160 });
    const input = new Int16Array(480).fill(5);
    const frames = framer.push(input);
    input.fill(0);
    expect(frames.map((f) => f.rtpTimestamp)).toEqual([2 ** 32 - 160, 0, 160]);
    expect(frames[0]!.samples[0]).toBe(5);
    framer.push(Int16Array.of(1, 2, 3));
    const padded = framer.flush({ pad: true })!;
    expect(padded.samples.length).toBe(160);
    expect(Array.from(padded.samples.subarray(0, 4))).toEqual([1, 2, 3, 0]);
    expect(padded.rtpTimestamp).toBe(320);
  });

  it('rejects frame durations that are not whole samples', () => {
    expect(() => new Framer({ sampleRate: 8000, frameMs: 0.01 })).toThrow(RangeError);
    expect(() => new Framer({ sampleRate: 0 })).toThrow(RangeError);
    expect(() => new Framer({ sampleRate: 8000, startTimestamp: -1 })).toThrow(RangeError);
  });
});

describe('Levels: RMS dBFS re 32768 (full-scale square wave = 0 dBFS)', () => {
  it('full-scale square wave is 0 dBFS, a full-scale sine about -3.01 dBFS, silence -Infinity', () => {
    expect(rmsDbfs(Int16Array.from({ length: 100 }, (_, i) => (i % 2 ? 32767 : -32768)))).toBeCloseTo(0, 3);
    const sine = Int16Array.from({ length: 8000 }, (_, i) => Math.round(32767 * Math.sin((2 * Math.PI * 1000 * i) / 8000)));
    expect(rmsDbfs(sine)).toBeCloseTo(-3.01, 2);
    expect(rmsDbfs(new Int16Array(160))).toBe(-Infinity);
    expect(rms(new Int16Array(0))).toBe(0);
    expect(dbfsToRms(-20)).toBeCloseTo(3276.8, 6);
  });
});

describe('Silence detection (RMS threshold with hangover, for one-way audio)', () => {
  const frame = (amp: number): Int16Array => Int16Array.from({ length: 160 }, (_, i) => Math.round(amp * Math.sin(i)));

  it('starts silent, turns to sound at once, back to silence only after the hangover', () => {
    const vad = new SilenceDetector({ sampleRate: 8000, thresholdDbfs: -40, hangoverMs: 100 });
    expect(vad.silent).toBe(true);
    expect(vad.process(frame(10))).toBe(true); // about -70 dBFS
    expect(vad.process(frame(3000))).toBe(false);
    for (let i = 0; i < 4; i++) expect(vad.process(frame(10))).toBe(false); // 80 ms < 100 ms
    expect(vad.silentMs).toBe(80);
    expect(vad.process(frame(10))).toBe(true);
    expect(vad.soundMs).toBe(20);
    vad.reset();
    expect([vad.silent, vad.soundMs, vad.silentMs]).toEqual([true, 0, 0]);
  });

  it('threshold is inclusive and compares RMS in dBFS', () => {
    const vad = new SilenceDetector({ sampleRate: 8000, thresholdDbfs: -20, hangoverMs: 0 });
    const square = (v: number): Int16Array => Int16Array.from({ length: 160 }, (_, i) => (i % 2 ? v : -v));
    expect(vad.process(square(3277))).toBe(false); // -19.9998 dBFS
    expect(vad.process(square(3276))).toBe(true); // -20.0025 dBFS
    expect(() => new SilenceDetector({ sampleRate: 8000, hangoverMs: -1 })).toThrow(RangeError);
  });
});
