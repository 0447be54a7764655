import { crossCorrelate, type PcmSamples } from './cross-correlation.js';

/** Options of {@link correlatePieces}. */
export interface CorrelatePiecesOptions {
  /** Sample rate of both signals (Hz). */
  readonly sampleRate: number;
  /** Length of each piece of `sent` (ms). Default 250. */
  readonly pieceMs?: number;
  /** Longest delay searched for each piece (ms). Default 2000. */
  readonly maxLagMs?: number;
}

/** What {@link correlatePieces} found. */
export interface PieceCorrelation {
  /** Pieces of `sent` that carried signal (silent pieces are skipped). */
  readonly pieces: number;
  /** Median of the pieces' normalised correlation peaks (0 when no piece carried signal). */
  readonly median: number;
  /** Median of the pieces' lags (ms). */
  readonly medianLagMs: number;
}

/**
 * Correlates `sent` with `received` piece by piece, each piece with its own
 * lag: an echo path that slipped in time (a jitter buffer that dropped or
 * inserted a frame, a stall) still correlates piece by piece where the
 * whole-signal correlation of {@link crossCorrelate} falls. Unrelated audio
 * stays low in every piece.
 *
 * @param sent - what was sent
 * @param received - what came back, from the moment sending started
 * @param options - sample rate, piece length, lag range
 */
export function correlatePieces(sent: PcmSamples, received: PcmSamples, options: CorrelatePiecesOptions): PieceCorrelation {
  const { sampleRate, pieceMs = 250, maxLagMs = 2000 } = options;
  if (!Number.isFinite(pieceMs) || pieceMs <= 0) throw new TypeError(`pieceMs must be a positive number, got ${pieceMs}`);
  const size = Math.max(1, Math.round((pieceMs * sampleRate) / 1000));
  const maxLag = Math.floor((maxLagMs * sampleRate) / 1000);
  const peaks: number[] = [];
  const lags: number[] = [];
  for (let start = 0; start + size <= sent.length; start += size) {
    const piece = sent.subarray(start, start + size);
    let energy = 0;
    for (let i = 0; i < piece.length; i++) energy += piece[i]! * piece[i]!;
    if (energy === 0) continue;
    const r = crossCorrelate(piece, received.subarray(start, Math.min(received.length, start + size + maxLag)), { sampleRate, maxLagMs });
    peaks.push(r.peak);
    lags.push(r.lagMs);
  }
  return { pieces: peaks.length, median: median(peaks), medianLagMs: median(lags) };
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
