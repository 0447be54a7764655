/**
 * The load tool behind `trunkline load` (see README.md).
 *
 * @module
 */
export { runLoad, DEFAULT_ECHO_GRACE_MS, DEFAULT_PROGRESS_INTERVAL_MS, type LoadProgress, type LoadResult, type LoadRunHooks, type EndpointUsage } from './load-run.js';
export { renderLoadProgress, renderLoadResult } from './render-load.js';
export { LoadError, type LoadErrorCode } from './load-error.js';
export type { LatencySummary } from './latency-histogram.js';
