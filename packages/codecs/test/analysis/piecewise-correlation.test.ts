import { describe, expect, it } from 'vitest';
import { correlatePieces, crossCorrelate, generateChirp } from '../../src/index.js';

const RATE = 8000;

describe('correlatePieces: an echo that slipped in time', () => {
  const chirp = generateChirp({ sampleRate: RATE, durationMs: 3000 });

  it('a clean echo at 120 ms: every piece correlates, median lag 120 ms', () => {
    const echo = new Int16Array(chirp.length + 960);
    echo.set(chirp, 960);
    const r = correlatePieces(chirp, echo, { sampleRate: RATE });
    expect(r.pieces).toBe(12);
    expect(r.median).toBeGreaterThan(0.99);
    expect(r.medianLagMs).toBe(120);
  });

  it('an echo that slipped 1 s after its first second: the whole falls, the pieces hold', () => {
    const echo = new Int16Array(chirp.length + 8000 + 960);
    echo.set(chirp.subarray(0, 8000), 960);
    echo.set(chirp.subarray(8000), 960 + 16000);
    const whole = crossCorrelate(chirp, echo, { sampleRate: RATE, maxLagMs: 1500 });
    expect(whole.peak).toBeLessThan(0.9);
    const r = correlatePieces(chirp, echo, { sampleRate: RATE, maxLagMs: 1500 });
    expect(r.median).toBeGreaterThan(0.99);
  });

  it('unrelated audio stays low in every piece', () => {
    let seed = 7;
    const noise = Int16Array.from({ length: chirp.length + 4000 }, () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return (seed % 16000) - 8000;
    });
    expect(correlatePieces(chirp, noise, { sampleRate: RATE }).median).toBeLessThan(0.2);
  });

  it('silent input has no pieces; a bad piece length is a TypeError', () => {
    expect(correlatePieces(new Int16Array(4000), new Int16Array(4000), { sampleRate: RATE })).toEqual({ pieces: 0, median: 0, medianLagMs: 0 });
    expect(() => correlatePieces(chirp, chirp, { sampleRate: RATE, pieceMs: 0 })).toThrow(TypeError);
  });
});
