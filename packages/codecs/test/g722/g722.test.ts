import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { seededRandom } from '@trunkline/test-support';
import { G722Decoder, G722Encoder, G722_PAYLOAD_TYPE, G722_RTP_CLOCK_RATE, G722_SAMPLE_RATE } from '../../src/index.js';

/** Analysis + synthesis QMF delay of the encoder/decoder pair, in 16 kHz samples (measured, 2 × 11 taps). */
const CODEC_DELAY = 22;

function tone(hz: number, amplitude: number, samples: number): Int16Array {
  return Int16Array.from({ length: samples }, (_, n) => Math.round(amplitude * Math.sin((2 * Math.PI * hz * n) / G722_SAMPLE_RATE)));
}

/**
 * A speech-like test signal: a 120 Hz glottal pulse train's harmonics shaped by
 * three formants, a 4 Hz syllabic envelope, and a little noise (seeded).
 */
function speechLike(samples: number, seed: number): Int16Array {
  const rand = seededRandom(seed);
  const formants = [
    [700, 1.0],
    [1200, 0.5],
    [2600, 0.25],
  ] as const;
  return Int16Array.from({ length: samples }, (_, n) => {
    const t = n / G722_SAMPLE_RATE;
    let v = 0;
    for (let h = 1; h * 120 < 7000; h++) {
      const f = h * 120;
      let gain = 0;
      for (const [fc0, g] of formants) gain += g / (1 + ((f - fc0) / 150) ** 2);
      v += gain * Math.sin(2 * Math.PI * f * t + h);
    }
    const envelope = 0.2 + 0.8 * Math.abs(Math.sin(2 * Math.PI * 2 * t));
    return Math.round(6000 * envelope * v + 300 * (rand() - 0.5));
  });
}

/** SNR in dB of the decoded signal against the input, aligned by the codec delay, after a warm-up. */
function snrDb(input: Int16Array, decoded: Int16Array, warmup = 800): number {
  let signal = 0;
  let noise = 0;
  for (let n = warmup; n + CODEC_DELAY < decoded.length; n++) {
    signal += input[n]! ** 2;
    noise += (input[n]! - decoded[n + CODEC_DELAY]!) ** 2;
  }
  return 10 * Math.log10(signal / noise);
}

function roundTrip(pcm: Int16Array): Int16Array {
  return new G722Decoder().decode(new G722Encoder().encode(pcm));
}

describe('ITU-T G.722 64 kbit/s SB-ADPCM', () => {
  it('RFC 3551 §4.5.2: static payload type 9, RTP clock 8000 for 16 kHz audio', () => {
    expect([G722_PAYLOAD_TYPE, G722_RTP_CLOCK_RATE, G722_SAMPLE_RATE]).toEqual([9, 8000, 16000]);
  });

  it('one octet per two samples: a 20 ms frame (320 samples) codes to 160 octets and back', () => {
    const enc = new G722Encoder();
    const payload = enc.encode(tone(1000, 8000, 320));
    expect(payload.length).toBe(160);
    expect(new G722Decoder().decode(payload).length).toBe(320);
  });

  // Thresholds: the lower band (0–4 kHz) is 6-bit ADPCM, the higher band
  // (4–8 kHz) 2-bit ADPCM. Measured: 300 Hz 62.2 dB, 1 kHz 47.6, 3 kHz 41.2,
  // 5 kHz 22.7, 7 kHz 22.9; thresholds leave 4–17 dB of margin.
  const tones: Record<string, [hz: number, minDb: number]> = {
    '300 Hz': [300, 45],
    '1 kHz': [1000, 40],
    '3 kHz': [3000, 35],
    '5 kHz (higher band)': [5000, 18],
    '7 kHz (higher band)': [7000, 18],
  };
  for (const [name, [hz, minDb]] of Object.entries(tones)) {
    it(`round-trip SNR of a ${name} tone at -10 dBFS is at least ${minDb} dB`, () => {
      const pcm = tone(hz, 10000, 8000);
      expect(snrDb(pcm, roundTrip(pcm))).toBeGreaterThan(minDb);
    });
  }

  it('round-trip SNR of a speech-like signal (formants, syllabic envelope) is at least 30 dB', () => {
    // Measured 36.6 dB: speech-like energy sits mostly in the 6-bit lower band.
    const pcm = speechLike(8000, 7);
    expect(snrDb(pcm, roundTrip(pcm))).toBeGreaterThan(30);
  });

  it('silence stays near silence, and full-scale input does not wrap', () => {
    const quiet = roundTrip(new Int16Array(3200));
    expect(Math.max(...quiet.map(Math.abs))).toBeLessThan(16);
    const loud = tone(1000, 32767, 3200);
    expect(snrDb(loud, roundTrip(loud))).toBeGreaterThan(40); // measured 48.7 dB
  });

  it('streaming: any chunking (odd lengths included) gives the same octets and samples as one call', () => {
    const pcm = speechLike(4000, 3);
    const whole = new G722Encoder().encode(pcm);
    const wholePcm = new G722Decoder().decode(whole);
    const seed = 1722;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 700 }), { minLength: 1, maxLength: 20 }), (cuts) => {
        const enc = new G722Encoder();
        const dec = new G722Decoder();
        const octets = new Uint8Array(whole.length);
        const samples = new Int16Array(wholePcm.length);
        let at = 0;
        let coded = 0;
        for (const len of [...cuts, pcm.length]) {
          const chunk = pcm.subarray(at, Math.min(pcm.length, at + len));
          at += chunk.length;
          const n = enc.outputLength(chunk.length);
          enc.encode(chunk, octets.subarray(coded, coded + n));
          dec.decode(octets.subarray(coded, coded + n), samples.subarray(2 * coded, 2 * (coded + n)));
          coded += n;
        }
        expect(coded).toBe(whole.length);
        expect(Buffer.from(octets).equals(Buffer.from(whole))).toBe(true);
        expect(Buffer.from(samples.buffer).equals(Buffer.from(wholePcm.buffer))).toBe(true);
      }),
      { seed, verbose: true, numRuns: 40 },
    );
  });

  it('allocation-free with caller buffers: returns the given buffer (or a view of it)', () => {
    const enc = new G722Encoder();
    const dec = new G722Decoder();
    const payload = new Uint8Array(160);
    const pcm = new Int16Array(320);
    expect(enc.encode(tone(440, 5000, 320), payload)).toBe(payload);
    expect(dec.decode(payload, pcm)).toBe(pcm);
    const big = new Uint8Array(200);
    expect(enc.encode(tone(440, 5000, 320), big).buffer).toBe(big.buffer);
    expect(() => enc.encode(tone(440, 5000, 320), new Uint8Array(10))).toThrow(RangeError);
    expect(() => dec.decode(payload, new Int16Array(10))).toThrow(RangeError);
  });

  it('an odd trailing sample is kept: outputLength counts it', () => {
    const enc = new G722Encoder();
    expect(enc.encode(new Int16Array(3)).length).toBe(1);
    expect(enc.outputLength(1)).toBe(1);
    expect(enc.encode(new Int16Array(1)).length).toBe(1);
  });

  it('state is per stream, and reset() returns to the initial state (G.722 §3.6)', () => {
    const pcm = speechLike(1600, 9);
    const enc = new G722Encoder();
    const first = enc.encode(pcm);
    expect(enc.encode(pcm)).not.toEqual(first);
    enc.reset();
    expect(enc.encode(pcm)).toEqual(first);
    const dec = new G722Decoder();
    const out1 = dec.decode(first);
    dec.decode(first);
    dec.reset();
    expect(dec.decode(first)).toEqual(out1);
  });

  it('API misuse throws a TypeError naming the argument', () => {
    expect(() => new G722Encoder().encode([1, 2] as unknown as Int16Array)).toThrow(/G722Encoder\.encode: pcm/);
    expect(() => new G722Decoder().decode('x' as unknown as Uint8Array)).toThrow(/G722Decoder\.decode: payload/);
  });

  it('every octet value decodes without throwing or leaving the 16-bit range (any byte stream is valid)', () => {
    const rand = seededRandom(99);
    const bytes = Uint8Array.from({ length: 8000 }, () => Math.floor(rand() * 256));
    const out = new G722Decoder().decode(bytes);
    expect(out.length).toBe(16000);
  });
});
