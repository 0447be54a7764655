import fc from 'fast-check';
import { seededRandom } from '@trunkline/test-support';
import { describe, expect, it } from 'vitest';
import { crossCorrelate, decodePcma, decodePcmu, encodePcma, encodePcmu, generateChirp, generateDtmf, Fft } from '../../src/index.js';

const RATE = 8000;
const chirp5s = generateChirp({ sampleRate: RATE, durationMs: 5000 });

/** `x` delayed by `delay` samples and scaled by `gain`, in a buffer `tail` samples longer than needed. */
function delayed(x: Int16Array, delay: number, gain = 1, tail = 0): Int16Array {
  const out = new Int16Array(x.length + delay + tail);
  for (let t = 0; t < x.length; t++) out[t + delay] = Math.max(-32768, Math.min(32767, Math.round(x[t]! * gain)));
  return out;
}

/** Gaussian white noise of the given RMS (Box–Muller on the seeded PRNG). */
function noise(length: number, rmsLevel: number, seed: number): Float64Array {
  const random = seededRandom(seed);
  const out = new Float64Array(length);
  for (let t = 0; t < length; t++) out[t] = rmsLevel * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return out;
}

function plus(a: Int16Array, b: Float64Array): Int16Array {
  return Int16Array.from(a, (v, t) => Math.max(-32768, Math.min(32767, Math.round(v + (b[t] ?? 0)))));
}

describe('Fft', () => {
  it('matches the DFT definition on random input, sizes 1 to 256', () => {
    const random = seededRandom(7);
    for (let size = 1; size <= 256; size *= 2) {
      const re = Float64Array.from({ length: size }, () => random() * 2 - 1);
      const im = Float64Array.from({ length: size }, () => random() * 2 - 1);
      const expectRe = new Float64Array(size);
      const expectIm = new Float64Array(size);
      for (let k = 0; k < size; k++) {
        for (let t = 0; t < size; t++) {
          const w = (-2 * Math.PI * k * t) / size;
          expectRe[k]! += re[t]! * Math.cos(w) - im[t]! * Math.sin(w);
          expectIm[k]! += re[t]! * Math.sin(w) + im[t]! * Math.cos(w);
        }
      }
      const fft = new Fft(size);
      const origRe = re.slice();
      const origIm = im.slice();
      fft.forward(re, im);
      for (let k = 0; k < size; k++) {
        expect(re[k]).toBeCloseTo(expectRe[k]!, 9);
        expect(im[k]).toBeCloseTo(expectIm[k]!, 9);
      }
      fft.inverse(re, im);
      for (let t = 0; t < size; t++) {
        expect(re[t]).toBeCloseTo(origRe[t]!, 12);
        expect(im[t]).toBeCloseTo(origIm[t]!, 12);
      }
    }
  });

  it.each([0, 3, 12, 1.5, -8, 2 ** 25])('rejects size %s with a TypeError naming it', (size) => {
    expect(() => new Fft(size)).toThrow(/size must be a power of two/);
  });

  it('rejects arrays of the wrong length', () => {
    expect(() => new Fft(8).forward(new Float64Array(4), new Float64Array(8))).toThrow(/re must have length 8/);
    expect(() => new Fft(8).inverse(new Float64Array(8), new Float64Array(16))).toThrow(/im must have length 8/);
  });
});

describe('generateChirp', () => {
  it('is an exponential sweep from f0 to f1 with faded edges', () => {
    const x = generateChirp({ sampleRate: RATE, durationMs: 2000, amplitude: 10000, fadeMs: 10 });
    expect(x.length).toBe(16000);
    expect(x[0]).toBe(0);
    expect(Math.abs(x[x.length - 1]!)).toBeLessThan(10);
    expect(Math.max(...x.map(Math.abs))).toBeLessThanOrEqual(10000);
    expect(Math.max(...x.map(Math.abs))).toBeGreaterThan(9990);
    // Instantaneous frequency from zero crossings over 50 ms windows: f0·(f1/f0)^(t/T).
    const crossingsHz = (from: number): number => {
      let count = 0;
      for (let t = from + 1; t < from + 400; t++) if ((x[t - 1]! < 0) !== (x[t]! < 0)) count++;
      return count / 2 / 0.05;
    };
    for (const at of [0.1, 0.5, 1.0, 1.5, 1.9]) {
      const expected = 300 * (3400 / 300) ** ((at + 0.025) / 2);
      expect(crossingsHz(at * RATE)).toBeGreaterThan(expected * 0.9);
      expect(crossingsHz(at * RATE)).toBeLessThan(expected * 1.1);
    }
  });

  it('sweeps downwards when f1 < f0', () => {
    const down = generateChirp({ sampleRate: RATE, durationMs: 1000, f0: 3000, f1: 500 });
    let early = 0;
    let late = 0;
    for (let t = 1; t < 800; t++) if ((down[t - 1]! < 0) !== (down[t]! < 0)) early++;
    for (let t = 7201; t < 8000; t++) if ((down[t - 1]! < 0) !== (down[t]! < 0)) late++;
    expect(early).toBeGreaterThan(3 * late);
  });

  it.each([
    ['sampleRate', { sampleRate: 0, durationMs: 100 }],
    ['durationMs', { durationMs: -1 }],
    ['f0', { durationMs: 100, f0: 0 }],
    ['f1', { durationMs: 100, f1: 4000 }],
    ['f0 and f1 must differ', { durationMs: 100, f0: 1000, f1: 1000 }],
    ['amplitude', { durationMs: 100, amplitude: 40000 }],
    ['fadeMs', { durationMs: 100, fadeMs: 60 }],
  ])('rejects a bad %s with a TypeError naming it', (name, options) => {
    expect(() => generateChirp(options)).toThrow(TypeError);
    expect(() => generateChirp(options)).toThrow(name);
  });
});

describe('crossCorrelate', () => {
  it.each([0, 1, 7, 160, 961, 4000, 15999])('finds a delay of exactly %i samples, peak > 0.99', (lag) => {
    const c = crossCorrelate(chirp5s, delayed(chirp5s, lag, 1, 500), { sampleRate: RATE });
    expect(c.lagSamples).toBe(lag);
    expect(c.lagMs).toBe((lag * 1000) / RATE);
    expect(c.peak).toBeGreaterThan(0.99);
  });

  it('finds the 120 ms round trip of a 5 s chirp through G.711 PCMU and PCMA (> 0.99)', () => {
    const back = delayed(chirp5s, 960);
    const pcmu = crossCorrelate(chirp5s, decodePcmu(encodePcmu(back)), { sampleRate: RATE });
    const pcma = crossCorrelate(chirp5s, decodePcma(encodePcma(back)), { sampleRate: RATE });
    expect(pcmu).toMatchObject({ lagSamples: 960, lagMs: 120 });
    expect(pcma).toMatchObject({ lagSamples: 960, lagMs: 120 });
    expect(pcmu.peak).toBeGreaterThan(0.999);
    expect(pcma.peak).toBeGreaterThan(0.999);
  });

  it('finds the echo in noise: 10 dB SNR → peak ≈ 0.95, 0 dB → ≈ 0.71', () => {
    const back = delayed(chirp5s, 960);
    const signalRms = 8000 / Math.SQRT2;
    for (const [snrDb, expected] of [
      [10, 1 / Math.sqrt(1.1)],
      [0, 1 / Math.SQRT2],
    ] as const) {
      const noisy = plus(back, noise(back.length, signalRms / 10 ** (snrDb / 20), 3));
      const c = crossCorrelate(chirp5s, noisy, { sampleRate: RATE });
      expect(c.lagSamples).toBe(960);
      expect(c.peak).toBeGreaterThan(expected - 0.02);
      expect(c.peak).toBeLessThan(expected + 0.02);
    }
  });

  it('is invariant to the echo level (−40 dB to +6 dB) and reports an inverted echo as −1', () => {
    const quiet = crossCorrelate(chirp5s, delayed(chirp5s, 400, 0.01), { sampleRate: RATE });
    const loud = crossCorrelate(chirp5s, delayed(chirp5s, 400, 2), { sampleRate: RATE });
    const inverted = crossCorrelate(chirp5s, delayed(chirp5s, 400, -1), { sampleRate: RATE });
    expect(quiet.peak).toBeGreaterThan(0.999);
    expect(loud.peak).toBeGreaterThan(0.999);
    expect(inverted.peak).toBeLessThan(-0.999);
    expect([quiet.lagSamples, loud.lagSamples, inverted.lagSamples]).toEqual([400, 400, 400]);
  });

  it('stays above 0.99 when the first packets of the echo are missing (SRTP start-up)', () => {
    const back = delayed(chirp5s, 960);
    back.fill(0, 0, 960 + 2 * 160);
    const c = crossCorrelate(chirp5s, back, { sampleRate: RATE });
    expect(c.lagSamples).toBe(960);
    expect(c.peak).toBeGreaterThan(0.99);
  });

  it('stays below 0.1 against unrelated audio: noise, a downward sweep, DTMF, silence', () => {
    const unrelated: Record<string, Int16Array | Float64Array> = {
      'white noise': noise(chirp5s.length + 4000, 3000, 11),
      'downward sweep': generateChirp({ sampleRate: RATE, durationMs: 5000, f0: 3400, f1: 300 }),
      'DTMF': generateDtmf('0123456789*#ABCD0123456789', { sampleRate: RATE, toneMs: 100, gapMs: 90 }),
      'silence': new Int16Array(chirp5s.length),
    };
    for (const [name, audio] of Object.entries(unrelated)) {
      const c = crossCorrelate(chirp5s, audio, { sampleRate: RATE });
      expect(Math.abs(c.peak), name).toBeLessThan(0.1);
    }
  });

  it('searches only minLagMs..maxLagMs and reports nothing on empty input', () => {
    const back = delayed(chirp5s, 2400); // 300 ms
    expect(crossCorrelate(chirp5s, back, { sampleRate: RATE, maxLagMs: 250 }).peak).toBeLessThan(0.1);
    expect(crossCorrelate(chirp5s, back, { sampleRate: RATE, minLagMs: 250, maxLagMs: 350 }).lagSamples).toBe(2400);
    const early = chirp5s.subarray(800); // received leads sent by 100 ms
    expect(crossCorrelate(chirp5s, early, { sampleRate: RATE }).peak).toBeLessThan(0.1);
    expect(crossCorrelate(chirp5s, early, { sampleRate: RATE, minLagMs: -200 })).toMatchObject({ lagSamples: -800, lagMs: -100 });
    expect(crossCorrelate(new Int16Array(0), back, { sampleRate: RATE })).toEqual({ peak: 0, lagSamples: 0, lagMs: 0, overlapSamples: 0 });
    expect(crossCorrelate(chirp5s, new Int16Array(0), { sampleRate: RATE })).toEqual({ peak: 0, lagSamples: 0, lagMs: 0, overlapSamples: 0 });
  });

  it.each([
    ['sampleRate', { sampleRate: 0 }],
    ['maxLagMs', { sampleRate: RATE, maxLagMs: Number.NaN }],
    ['minLagMs', { sampleRate: RATE, minLagMs: 500, maxLagMs: 100 }],
  ])('rejects a bad %s with a TypeError naming it', (name, options) => {
    expect(() => crossCorrelate(chirp5s, chirp5s, options)).toThrow(TypeError);
    expect(() => crossCorrelate(chirp5s, chirp5s, options)).toThrow(name);
  });

  it('correlates 5 s at 8 kHz over a 2 s lag range in well under a second', () => {
    const back = delayed(chirp5s, 960, 0.5, 16000);
    crossCorrelate(chirp5s, back, { sampleRate: RATE }); // warm-up: JIT and FFT tables
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      crossCorrelate(chirp5s, back, { sampleRate: RATE });
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    // Measured about 15–25 ms on the shared 2-core box; the limit leaves room for a loaded CI machine.
    expect(times[2]).toBeLessThan(500);
  });

  it('property: any delay and gain is found within ±1 sample with peak > 0.99', () => {
    const chirp1s = generateChirp({ sampleRate: RATE, durationMs: 1000 });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 8000 }),
        fc.double({ min: 0.02, max: 3, noNaN: true }),
        fc.boolean(),
        (lag, gain, throughPcmu) => {
          let back = delayed(chirp1s, lag, gain, 100);
          if (throughPcmu) back = decodePcmu(encodePcmu(back));
          const c = crossCorrelate(chirp1s, back, { sampleRate: RATE, maxLagMs: 1000 });
          expect(Math.abs(c.lagSamples - lag)).toBeLessThanOrEqual(1);
          expect(c.peak).toBeGreaterThan(0.99);
        },
      ),
      { numRuns: 60, verbose: true },
    );
  });
});
