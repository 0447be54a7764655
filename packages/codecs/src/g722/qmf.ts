/**
 * The QMF coefficient table split into its two polyphase branches
 * (G.722 §3.1 transmit, §4.4 receive). The delay line keeps 24 samples with
 * the newest at index 23; since h is symmetric (h(i) = h(23 − i)), the spec's
 * sums xA = Σ h(2i)·xin(j − 2i) and xB = Σ h(2i+1)·xin(j − 2i − 1) are the dot
 * products of the odd-indexed and the even-indexed delay-line slots with the
 * taps of the same index.
 *
 * @module
 */
import { QMF_COEFFICIENTS } from './tables.js';

/** h1, h3, …, h23: taps for delay-line slots 1, 3, …, 23 (the spec's xA branch). */
export const QMF_TAPS_A = Int32Array.from({ length: 12 }, (_, k) => QMF_COEFFICIENTS[2 * k + 1]!);

/** h0, h2, …, h22: taps for delay-line slots 0, 2, …, 22 (the spec's xB branch). */
export const QMF_TAPS_B = Int32Array.from({ length: 12 }, (_, k) => QMF_COEFFICIENTS[2 * k]!);
