import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DTMF_COLUMN_HZ, DTMF_ROW_HZ, DtmfDetector, decodePcma, decodePcmu, dtmfFrequencies, encodePcma, encodePcmu, generateDtmf } from '../src/index.js';
import type { DtmfDetectorOptions } from '../src/index.js';
import { seededRandom as rng } from '@trunkline/test-support';

const ALL = '123A456B789C*0#D';

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function clip(v: number): number {
  return Math.max(-32768, Math.min(32767, Math.round(v)));
}

/** Add white Gaussian noise of the given RMS. */
function withNoise(x: Int16Array, noiseRms: number, seed: number): Int16Array {
  const r = rng(seed);
  return x.map((v) => clip(v + noiseRms * gaussian(r)));
}

/** Two sines at arbitrary frequencies (for frequency-deviation tests). */
function pair(low: number, high: number, ms: number, amp = 8000, rate = 8000): Int16Array {
  return Int16Array.from({ length: Math.round((ms * rate) / 1000) }, (_, n) =>
    clip(amp * Math.sin((2 * Math.PI * low * n) / rate) + amp * Math.sin((2 * Math.PI * high * n) / rate)),
  );
}

function concat(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const silence = (ms: number, rate = 8000): Int16Array => new Int16Array(Math.round((ms * rate) / 1000));

function detect(x: Int16Array, options: DtmfDetectorOptions = {}): string {
  return new DtmfDetector(options).process(x).map((e) => e.digit).join('');
}

/** Additive "speech": harmonics of a wandering pitch shaped by moving formants, syllabic envelope. */
function speechLike(seconds: number, seed: number): Int16Array {
  const r = rng(seed);
  const rate = 8000;
  const out = new Int16Array(seconds * rate);
  const vowels = [[730, 1090, 2440], [270, 2290, 3010], [300, 870, 2240], [530, 1840, 2480], [660, 1720, 2410], [570, 840, 2410], [440, 1020, 2240]];
  const phases = new Float64Array(40);
  let f0 = 100 + 120 * r();
  let formants = vowels[0]!;
  for (let n = 0; n < out.length; n++) {
    if (n % 1200 === 0) formants = vowels[Math.floor(r() * vowels.length)]!;
    if (n % 80 === 0) f0 = Math.min(260, Math.max(85, f0 * (1 + 0.06 * (r() - 0.5))));
    const envelope = 0.5 + 0.5 * Math.sin((2 * Math.PI * 4 * n) / rate);
    let v = 0;
    for (let k = 1; k < 40 && k * f0 < 3600; k++) {
      phases[k] = phases[k]! + (2 * Math.PI * k * f0) / rate;
      const f = k * f0;
      let gain = 0;
      for (const [i, fm] of formants.entries()) gain += 1 / (1 + ((f - fm) / (60 + 40 * i)) ** 2) / (i + 1);
      v += gain * Math.sin(phases[k]!);
    }
    out[n] = clip(6000 * envelope * v + 200 * gaussian(r));
  }
  return out;
}

describe('ITU-T Q.23 DTMF generation', () => {
  it('Q.23 §2: each digit is the sum of its row and column frequency, timed as asked', () => {
    for (const d of ALL) {
      const { low, high } = dtmfFrequencies(d)!;
      const x = generateDtmf(d, { toneMs: 100, gapMs: 50, amplitude: 5000, twistDb: 2 });
      expect(x.length).toBe(1200);
      const amp = (f: number): number => {
        let s = 0;
        let c = 0;
        for (let n = 0; n < 800; n++) {
          s += x[n]! * Math.sin((2 * Math.PI * f * n) / 8000);
          c += x[n]! * Math.cos((2 * Math.PI * f * n) / 8000);
        }
        return (2 * Math.hypot(s, c)) / 800;
      };
      expect(amp(low)).toBeCloseTo(5000, -2);
      expect(amp(high) / amp(low)).toBeCloseTo(10 ** (2 / 20), 1);
      expect(x.subarray(800).every((v) => v === 0)).toBe(true);
    }
    expect(dtmfFrequencies('a')).toEqual({ low: 697, high: 1633 });
    expect(dtmfFrequencies('x')).toBeUndefined();
    expect(() => generateDtmf('12x')).toThrow(RangeError);
    expect(() => generateDtmf('1', { amplitude: 20000 })).toThrow(RangeError);
  });
});

describe('ITU-T Q.24 DTMF reception', () => {
  it('Q.24: detects all 16 digits of 40 ms with 40 ms pauses, at every block alignment', () => {
    const tones = generateDtmf(ALL, { toneMs: 40, gapMs: 40 });
    for (let offset = 0; offset < 102; offset += 3) {
      expect(detect(concat(silence(0).subarray(0), new Int16Array(offset), tones, silence(60))), `offset ${offset}`).toBe(ALL);
    }
  });

  it('Q.24: a tone of 23 ms or less is never reported', () => {
    for (const ms of [10, 15, 20, 23]) {
      const tones = generateDtmf('159#', { toneMs: ms, gapMs: 60 });
      for (let offset = 0; offset < 102; offset += 3) expect(detect(concat(new Int16Array(offset), tones))).toBe('');
    }
  });

  it('Q.24: detects digits in white noise (seeded, SNR 12 dB per tone)', () => {
    const tones = generateDtmf(ALL, { toneMs: 50, gapMs: 50, amplitude: 6000 });
    const noiseRms = 6000 / Math.SQRT2 / 10 ** (12 / 20);
    for (let seed = 1; seed <= 10; seed++) expect(detect(withNoise(tones, noiseRms, seed)), `seed ${seed}`).toBe(ALL);
  });

  it('Q.24 twist: accepts 6 dB normal and 3 dB reverse twist, rejects 10 dB normal and 6 dB reverse', () => {
    expect(detect(generateDtmf(ALL, { twistDb: 6, amplitude: 5000 }))).toBe(ALL);
    expect(detect(generateDtmf(ALL, { twistDb: -3, amplitude: 8000 }))).toBe(ALL);
    expect(detect(generateDtmf(ALL, { twistDb: 10, amplitude: 5000 }))).toBe('');
    expect(detect(generateDtmf(ALL, { twistDb: -6, amplitude: 8000 }))).toBe('');
    expect(detect(generateDtmf(ALL, { twistDb: 10, amplitude: 5000 }), { normalTwistDb: 12 })).toBe(ALL);
  });

  it('Q.24 frequency tolerance: operates within ±1.5 %, not beyond ±3.5 %', () => {
    for (let r = 0; r < 4; r++) {
      for (let c = 0; c < 4; c++) {
        const low = DTMF_ROW_HZ[r]!;
        const high = DTMF_COLUMN_HZ[c]!;
        for (const dev of [-0.015, 0.015]) {
          expect(detect(concat(pair(low * (1 + dev), high * (1 - dev), 60), silence(60))).length, `${low}/${high} ${dev}`).toBe(1);
          expect(detect(concat(pair(low * (1 + dev), high * (1 + dev), 60), silence(60))).length).toBe(1);
        }
        for (const dev of [-0.035, 0.035, -0.05, 0.05]) {
          expect(detect(concat(pair(low * (1 + dev), high, 200), silence(60))), `${low}*(1${dev})`).toBe('');
          expect(detect(concat(pair(low, high * (1 + dev), 200), silence(60))), `${high}*(1${dev})`).toBe('');
        }
      }
    }
  });

  it('Q.24: a 10 ms interruption is bridged, a 40 ms pause separates two equal digits', () => {
    const t = generateDtmf('5', { toneMs: 100, gapMs: 0 });
    for (let offset = 0; offset < 102; offset += 7) {
      const lead = new Int16Array(offset);
      expect(detect(concat(lead, t, silence(10), t, silence(60)))).toBe('5');
      expect(detect(concat(lead, t, silence(40), t, silence(60)))).toBe('55');
    }
  });

  it('signal level: tones below minToneLevelDbfs are ignored', () => {
    // amplitude 300 per tone is about -43.8 dBFS RMS; 1000 about -33.3 dBFS.
    expect(detect(generateDtmf(ALL, { amplitude: 300 }))).toBe('');
    expect(detect(generateDtmf(ALL, { amplitude: 1000 }))).toBe(ALL);
    expect(detect(generateDtmf(ALL, { amplitude: 300 }), { minToneLevelDbfs: -50 })).toBe(ALL);
  });

  it('no false detection: white noise, speech-like signals, single tones and same-group pairs', () => {
    for (let seed = 1; seed <= 5; seed++) {
      for (const level of [300, 3000, 12000]) expect(detect(withNoise(new Int16Array(16000), level, seed))).toBe('');
      expect(detect(speechLike(3, seed)), `speech seed ${seed}`).toBe('');
    }
    for (const f of [...DTMF_ROW_HZ, ...DTMF_COLUMN_HZ]) {
      const single = Int16Array.from({ length: 4000 }, (_, n) => Math.round(10000 * Math.sin((2 * Math.PI * f * n) / 8000)));
      expect(detect(single), `${f} Hz`).toBe('');
    }
    expect(detect(pair(697, 770, 300))).toBe('');
    expect(detect(pair(1209, 1477, 300))).toBe('');
  });

  it('reports each digit with its block-aligned position, at 16 kHz too', () => {
    const det = new DtmfDetector({ sampleRate: 16000 });
    const events = det.process(concat(silence(100, 16000), generateDtmf('7*', { sampleRate: 16000, toneMs: 60, gapMs: 60 })));
    expect(events.map((e) => e.digit)).toEqual(['7', '*']);
    expect(det.blockSamples).toBe(204);
    expect(Math.abs(events[0]!.timeMs - 100)).toBeLessThanOrEqual(12.75);
    expect(Math.abs(events[1]!.timeMs - 220)).toBeLessThanOrEqual(12.75);
    expect(events[0]!.sample).toBe((events[0]!.timeMs * 16000) / 1000);
  });

  it('streaming: any chunking yields the same events as one call', () => {
    const x = withNoise(generateDtmf('0123456789', { toneMs: 45, gapMs: 45 }), 300, 7);
    const whole = new DtmfDetector().process(x);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 20 }), (cuts) => {
        const det = new DtmfDetector();
        const got = [];
        for (let at = 0, i = 0; at < x.length; i++) {
          const size = cuts[i % cuts.length]!;
          got.push(...det.process(x.subarray(at, at + size)));
          at += size;
        }
        expect(got).toEqual(whole);
      }),
      { numRuns: 40 },
    );
  });

  it('G.711 + Q.24: digits survive PCMU and PCMA coding, down to about -36 dBFS per tone', () => {
    for (const amplitude of [8000, 700]) {
      const x = generateDtmf(ALL, { toneMs: 45, gapMs: 45, amplitude });
      expect(detect(decodePcmu(encodePcmu(x))), `PCMU ${amplitude}`).toBe(ALL);
      expect(detect(decodePcma(encodePcma(x))), `PCMA ${amplitude}`).toBe(ALL);
    }
  });

  it('allocates nothing per call when no digit is recognised (shared empty result)', () => {
    const det = new DtmfDetector();
    const quiet = new Int16Array(160);
    expect(det.process(quiet)).toBe(det.process(quiet));
    expect(det.process(quiet)).toHaveLength(0);
  });

  it('validates options', () => {
    expect(() => new DtmfDetector({ sampleRate: 4000 })).toThrow(RangeError);
    expect(() => new DtmfDetector({ frequencyTolerance: 1 })).toThrow(RangeError);
    expect(() => new DtmfDetector({ normalTwistDb: -1 })).toThrow(RangeError);
  });
});
