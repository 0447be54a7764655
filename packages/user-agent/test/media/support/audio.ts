/**
 * Test signals and measures for the media tests: an exponential sine sweep and the normalized
 * cross-correlation of a reference against a recording, maximised over the lag.
 */

/** Exponential sweep (constant time per octave) from `f0` to `f1` Hz. */
export function chirp(options: { sampleRate: number; seconds: number; f0?: number; f1?: number; amplitude?: number }): Int16Array {
  const { sampleRate, seconds } = options;
  const f0 = options.f0 ?? 300;
  const f1 = options.f1 ?? 3400;
  const amplitude = options.amplitude ?? 10000;
  const n = Math.round(sampleRate * seconds);
  const k = Math.log(f1 / f0);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / sampleRate;
    // φ(t) = 2π f0 T / ln(f1/f0) · (e^{t ln(f1/f0) / T} − 1): instantaneous frequency f0 → f1.
    const phase = ((2 * Math.PI * f0 * seconds) / k) * (Math.exp((t * k) / seconds) - 1);
    out[i] = Math.round(amplitude * Math.sin(phase));
  }
  return out;
}

/** Result of {@link bestCorrelation}. */
export interface Correlation {
  /** Normalized cross-correlation at the best lag, −1..1. */
  readonly value: number;
  /** Samples the reference starts into the recording at that lag. */
  readonly lag: number;
}

/**
 * max over lag ∈ [0, maxLag] of Σ ref[i]·rec[i+lag] / √(Σ ref[i]² · Σ rec[i+lag]²): 1 means the
 * recording holds the reference, scaled, at that lag.
 */
export function bestCorrelation(reference: Int16Array, recording: Int16Array, maxLag: number): Correlation {
  let refEnergy = 0;
  for (const v of reference) refEnergy += v * v;
  let best: Correlation = { value: 0, lag: -1 };
  const lastLag = Math.min(maxLag, recording.length - reference.length);
  for (let lag = 0; lag <= lastLag; lag++) {
    let dot = 0;
    let recEnergy = 0;
    for (let i = 0; i < reference.length; i++) {
      const r = recording[lag + i]!;
      dot += reference[i]! * r;
      recEnergy += r * r;
    }
    const value = recEnergy === 0 || refEnergy === 0 ? 0 : dot / Math.sqrt(refEnergy * recEnergy);
    if (value > best.value) best = { value, lag };
  }
  return best;
}

/** Concatenates frames. */
export function concat(chunks: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** RMS of a stretch of samples (0 for none). */
export function rmsOf(samples: Int16Array): number {
  let sum = 0;
  for (const v of samples) sum += v * v;
  return samples.length === 0 ? 0 : Math.sqrt(sum / samples.length);
}
