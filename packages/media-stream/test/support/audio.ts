/** Frame helpers for the bridge tests. */
import { rms } from '@trunkline/codecs';

/** A tone, `ms` long, at `rate`. */
export function tone(hz: number, ms: number, rate = 8000, amplitude = 8000): Int16Array {
  return Int16Array.from({ length: (ms * rate) / 1000 }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / rate)));
}

/** A frame is "loud" above this RMS (the tones and chirps here are ~5600 RMS; silence and comfort noise are far below). */
export const LOUD_RMS = 1000;

export const isLoud = (frame: Int16Array): boolean => rms(frame) > LOUD_RMS;

/** Concatenates frames. */
export function join(frames: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) {
    out.set(f, at);
    at += f.length;
  }
  return out;
}
