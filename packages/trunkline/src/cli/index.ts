/**
 * The `trunkline` command line: argument parsing, the test caller's verdict,
 * and output formatting. Pure; the programs that place and answer calls use it.
 *
 * @module
 */
export { CliUsageError, USAGE_EXIT_CODE } from './errors.js';
export { parseCommandLine, TOP_HELP } from './command-line.js';
export type { CommandLine } from './command-line.js';
export { parseEchoArgs, ECHO_HELP, ECHO_COMMAND, DEFAULT_SIP_PORT, DEFAULT_ECHO_MAX_DURATION_MS, MAX_RING_MS } from './echo-options.js';
export type { EchoOptions } from './echo-options.js';
export {
  parseCallArgs,
  CALL_HELP,
  CALL_COMMAND,
  DEFAULT_CALL_DURATION_MS,
  DEFAULT_ANSWER_TIMEOUT_MS,
  MAX_REPEAT,
  MAX_CONCURRENCY,
} from './call-options.js';
export type { CallOptions } from './call-options.js';
export { parseLoadArgs, LOAD_HELP, LOAD_COMMAND, DEFAULT_LOAD_DURATION_MS, DEFAULT_LOAD_HOLD_MS, MAX_LOAD_CALLS } from './load-options.js';
export type { LoadOptions } from './load-options.js';
export { parseBridgeArgs, BRIDGE_HELP, BRIDGE_COMMAND } from './bridge-options.js';
export type { BridgeOptions, BridgeCodecChoice } from './bridge-options.js';
export type { CommandSpec, FlagSpec } from './option-spec.js';
export type { SrtpPolicy, SipTransport } from './values.js';
export { judgeCall, DEFAULT_VERDICT_THRESHOLDS } from './call-verdict.js';
export type { CallFacts, CallErrorFact, CallVerdict, VerdictCheck, VerdictThresholds } from './call-verdict.js';
export { describeRejection, describeError } from './failure-reasons.js';
export type { WarningFact, OfferFacts } from './failure-reasons.js';
export { renderVerdictText, renderVerdictJson, summarizeVerdicts, renderSummaryText, renderSummaryJson } from './render-verdict.js';
export type { VerdictSummary, Percentiles } from './render-verdict.js';
export { renderEchoCallText, renderEchoCallJson, echoCallRecord, describeUui, renderEchoBanner } from './echo-call-summary.js';
export type { EchoCallSummary, UuiDescription, EchoBannerFacts } from './echo-call-summary.js';
export { logfmtValue, safeJson, printable } from './terminal-text.js';
