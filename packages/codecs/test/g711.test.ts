import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import g711 from 'g711';
import { decodePcma, decodePcmu, encodePcma, encodePcmu, PCMA_DECODE_TABLE, PCMU_DECODE_TABLE } from '../src/index.js';

/**
 * Independent reference built from the quantisation tables of ITU-T G.711:
 * each law is a list of 128 magnitude intervals [lo, hi) with a decoder output
 * value (the mid-point) and a character signal. Searching the list linearly is
 * deliberately unlike the bit-twiddling encoder under test.
 */
interface Interval {
  lo: number;
  hi: number;
  out: number;
  /** Segment and quantisation interval, bits 6..0 of the code before bit inversion. */
  natural: number;
}

/** G.711 Table 1a (A-law), magnitudes in the 13-bit scale (0..4096): 8 segments of 16 intervals. */
function aLawIntervals(): Interval[] {
  const starts = [0, 32, 64, 128, 256, 512, 1024, 2048];
  const steps = [2, 2, 4, 8, 16, 32, 64, 128];
  const list: Interval[] = [];
  for (let s = 0; s < 8; s++) {
    for (let i = 0; i < 16; i++) {
      const lo = starts[s]! + i * steps[s]!;
      list.push({ lo, hi: lo + steps[s]!, out: lo + steps[s]! / 2, natural: (s << 4) | i });
    }
  }
  return list;
}

/**
 * G.711 Table 2a (µ-law), magnitudes in the 14-bit scale (0..8159): segment 1 has
 * the interval [0, 1) with output 0, then 15 intervals of 2; later segments 16
 * intervals each of 4, 8, ..., 256.
 */
function muLawIntervals(): Interval[] {
  const list: Interval[] = [{ lo: 0, hi: 1, out: 0, natural: 0 }];
  for (let i = 1; i < 16; i++) list.push({ lo: 2 * i - 1, hi: 2 * i + 1, out: 2 * i, natural: i });
  let start = 31;
  for (let s = 1; s < 8; s++) {
    const step = 4 << (s - 1);
    for (let i = 0; i < 16; i++) {
      const lo = start + i * step;
      list.push({ lo, hi: lo + step, out: lo + step / 2, natural: (s << 4) | i });
    }
    start += 16 * step;
  }
  return list;
}

const A = aLawIntervals();
const MU = muLawIntervals();

/** G.191 mapping of a 16-bit sample to a sign and an n-bit magnitude (one's complement truncation). */
function magnitude(x: number, shift: number): { negative: boolean; mag: number } {
  return { negative: x < 0, mag: (x < 0 ? -x - 1 : x) >> shift };
}

function find(list: Interval[], mag: number): Interval {
  for (const iv of list) if (mag >= iv.lo && mag < iv.hi) return iv;
  return list[list.length - 1]!; // overload: the outermost interval (G.711 §2)
}

/** A-law character signal: sign bit 1 for positive, then even bits inverted (Table 1a note 2). */
function refEncodeA(x: number): number {
  const { negative, mag } = magnitude(x, 3);
  return ((negative ? 0 : 0x80) | find(A, mag).natural) ^ 0x55;
}
function refDecodeA(code: number): number {
  const bits = code ^ 0x55;
  const iv = A.find((v) => v.natural === (bits & 0x7f))!;
  return (bits & 0x80 ? 1 : -1) * iv.out * 8;
}
/** µ-law character signal: sign bit 1 for positive, magnitude bits inverted (Table 2a note). */
function refEncodeMu(x: number): number {
  const { negative, mag } = magnitude(x, 2);
  return (negative ? 0 : 0x80) | (~find(MU, mag).natural & 0x7f);
}
function refDecodeMu(code: number): number {
  const iv = MU.find((v) => v.natural === (~code & 0x7f))!;
  return (code & 0x80 ? 1 : -1) * iv.out * 4 + 0; // + 0 folds −0 into 0
}

const ALL_PCM = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);
const ALL_CODES = Uint8Array.from({ length: 256 }, (_, i) => i);

describe('ITU-T G.711 A-law (PCMA)', () => {
  it('G.711 Table 1a: decode table matches the decoder output values for all 256 codes', () => {
    const out = decodePcma(ALL_CODES);
    for (let c = 0; c < 256; c++) expect(out[c], `code 0x${c.toString(16)}`).toBe(refDecodeA(c));
    expect(Array.from(PCMA_DECODE_TABLE)).toEqual(Array.from(out));
  });

  it('G.711 Table 1a: encoder matches the decision values for all 65,536 16-bit inputs', () => {
    const out = encodePcma(ALL_PCM);
    let mismatches = 0;
    for (let i = 0; i < 65536; i++) if (out[i] !== refEncodeA(ALL_PCM[i]!)) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('G.711 Table 1a note: even bits are inverted on the line (XOR 0x55)', () => {
    expect(Array.from(encodePcma(Int16Array.of(0, -1, 32767, -32768, 15, -16)))).toEqual([
      0x80 ^ 0x55, 0x00 ^ 0x55, 0xff ^ 0x55, 0x7f ^ 0x55, 0x80 ^ 0x55, 0x00 ^ 0x55,
    ]);
    expect(Array.from(decodePcma(Uint8Array.of(0xd5, 0x55, 0xaa, 0x2a)))).toEqual([8, -8, 32256, -32256]);
  });

  it('G.711 §2: encode∘decode is the identity on all 256 codes', () => {
    expect(Array.from(encodePcma(decodePcma(ALL_CODES)))).toEqual(Array.from(ALL_CODES));
  });

  it('G.711 §2: quantisation is monotonic and within half a step', () => {
    const dec = decodePcma(encodePcma(ALL_PCM));
    let decreasing = 0;
    for (let i = 1; i < 65536; i++) if (dec[i]! < dec[i - 1]!) decreasing++;
    expect(decreasing).toBe(0);
    fc.assert(
      fc.property(fc.integer({ min: -32768, max: 32767 }), (x) => {
        const y = decodePcma(encodePcma(Int16Array.of(x)))[0]!;
        const { mag } = magnitude(x, 3);
        const step = find(A, mag).hi - find(A, mag).lo;
        // Error bound: half a step plus the 3 truncated bits (16-bit units).
        return Math.abs(y - x) <= (step / 2) * 8 + 8;
      }),
    );
  });

  it('g711 npm: agrees on the decode table and on non-negative inputs', () => {
    expect(Array.from(g711.alawToPCM(ALL_CODES, 16))).toEqual(Array.from(decodePcma(ALL_CODES)));
    const positive = ALL_PCM.subarray(32768);
    expect(Array.from(encodePcma(positive))).toEqual(Array.from(g711.alawFromPCM(positive)));
  });

  it('g711 npm bug not reproduced: -1..-7 encode to a code decoding to |x| <= 8 (g711 gives 0x5A = -248)', () => {
    const quiet = Int16Array.of(-1, -2, -3, -4, -5, -6, -7);
    const theirs = g711.alawFromPCM(quiet);
    expect(Array.from(theirs)).toEqual([0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a]);
    expect(decodePcma(Uint8Array.of(0x5a))[0]).toBe(-248);
    for (const y of decodePcma(encodePcma(quiet))) expect(Math.abs(y)).toBeLessThanOrEqual(8);
  });
});

describe('ITU-T G.711 µ-law (PCMU)', () => {
  it('G.711 Table 2a: decode table matches the decoder output values for all 256 codes', () => {
    const out = decodePcmu(ALL_CODES);
    for (let c = 0; c < 256; c++) expect(out[c], `code 0x${c.toString(16)}`).toBe(refDecodeMu(c));
    expect(Array.from(PCMU_DECODE_TABLE)).toEqual(Array.from(out));
  });

  it('G.711 Table 2a: encoder matches the decision values for all 65,536 16-bit inputs', () => {
    const out = encodePcmu(ALL_PCM);
    let mismatches = 0;
    for (let i = 0; i < 65536; i++) if (out[i] !== refEncodeMu(ALL_PCM[i]!)) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('G.711 Table 2a note: magnitude bits are inverted on the line', () => {
    expect(Array.from(encodePcmu(Int16Array.of(0, -1, -4, -5, 32767, -32768)))).toEqual([0xff, 0x7f, 0x7f, 0x7e, 0x80, 0x00]);
    expect(Array.from(decodePcmu(Uint8Array.of(0xff, 0x7f, 0xfe, 0x80, 0x00)))).toEqual([0, 0, 8, 32124, -32124]);
  });

  it('G.711 §2: encode∘decode is the identity on all codes but 0x7F (−0), which becomes 0xFF (+0)', () => {
    const round = encodePcmu(decodePcmu(ALL_CODES));
    for (let c = 0; c < 256; c++) expect(round[c]).toBe(c === 0x7f ? 0xff : c);
  });

  it('G.711 §2: quantisation is monotonic and within half a step', () => {
    const dec = decodePcmu(encodePcmu(ALL_PCM));
    let decreasing = 0;
    for (let i = 1; i < 65536; i++) if (dec[i]! < dec[i - 1]!) decreasing++;
    expect(decreasing).toBe(0);
    fc.assert(
      fc.property(fc.integer({ min: -32635, max: 32635 }), (x) => {
        const y = decodePcmu(encodePcmu(Int16Array.of(x)))[0]!;
        const { mag } = magnitude(x, 2);
        const iv = find(MU, mag);
        return Math.abs(y - x) <= ((iv.hi - iv.lo) / 2) * 4 + 4;
      }),
    );
  });

  it('g711 npm: agrees on the decode table and on non-negative inputs; negatives differ by at most one interval', () => {
    expect(Array.from(g711.ulawToPCM(ALL_CODES, 16))).toEqual(Array.from(decodePcmu(ALL_CODES)));
    const positive = ALL_PCM.subarray(32768);
    expect(Array.from(encodePcmu(positive))).toEqual(Array.from(g711.ulawFromPCM(positive)));
    // g711 truncates negatives after adding the bias, G.191 in one's complement before:
    // they pick adjacent intervals at some decision values.
    // Codes of one sign are ordered by interval, so "adjacent" means codes differing by 1.
    const negative = ALL_PCM.subarray(0, 32768);
    const ours = encodePcmu(negative);
    const theirs = g711.ulawFromPCM(negative);
    let far = 0;
    let differ = 0;
    for (let i = 0; i < negative.length; i++) {
      if (ours[i] !== theirs[i]) differ++;
      if (Math.abs(ours[i]! - theirs[i]!) > 1) far++;
    }
    expect(far).toBe(0);
    expect(differ).toBeGreaterThan(0); // the conventions really differ
  });
});

describe('ITU-T G.711 API', () => {
  it('writes into caller buffers without allocating and validates their length', () => {
    const pcm = Int16Array.from({ length: 160 }, (_, i) => i * 200 - 16000);
    const bytes = new Uint8Array(160);
    expect(encodePcmu(pcm, bytes)).toBe(bytes);
    const back = new Int16Array(160);
    expect(decodePcmu(bytes, back)).toBe(back);
    expect(encodePcma(pcm, bytes)).toBe(bytes);
    expect(decodePcma(bytes, back)).toBe(back);
    const longer = new Uint8Array(200);
    expect(encodePcmu(pcm, longer).length).toBe(160);
    expect(encodePcmu(pcm, longer).buffer).toBe(longer.buffer);
    expect(() => encodePcmu(pcm, new Uint8Array(159))).toThrow(RangeError);
    expect(() => encodePcma(pcm, new Uint8Array(159))).toThrow(RangeError);
    expect(() => decodePcmu(bytes, new Int16Array(10))).toThrow(RangeError);
    expect(() => decodePcma(bytes, new Int16Array(10))).toThrow(RangeError);
  });
});
