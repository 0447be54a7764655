/**
 * Echo analysis: the test chirp, an FFT, and normalised cross-correlation.
 *
 * @module
 */
export { Fft, MAX_FFT_SIZE } from './fft.js';
export { generateChirp } from './chirp.js';
export type { ChirpOptions } from './chirp.js';
export { crossCorrelate, DEFAULT_MAX_LAG_MS } from './cross-correlation.js';
export type { CrossCorrelateOptions, CrossCorrelation, PcmSamples } from './cross-correlation.js';
export { correlatePieces } from './piecewise-correlation.js';
export type { CorrelatePiecesOptions, PieceCorrelation } from './piecewise-correlation.js';
