/**
 * @trunkline/user-agent — answer and place SIP calls with PCM audio in and
 * out: TLS, SRTP, G.711, UUI and per-call metrics.
 *
 * @packageDocumentation
 */
export { createUserAgent, UserAgent, CALL_CHANNEL, LOG_CHANNEL, type RefusedInvite, type UserAgentEvents, type InviteOptions, type UserAgentStats, type UserAgentAddress, type RegisterOptions, type KeepAliveOptions, type FlowFailure } from './user-agent.js';
export type { UserAgentOptions, TransportConfig, MediaPolicy, LogEntry, UserAgentTimers, SessionTimerPolicy, CrlfKeepAliveOptions } from './user-agent-options.js';
export { Call, type CallParty, type CallMetrics, type CallEndedEvent, type CallEvents, type HangupOptions, type AnswerOptions, type CallMediaChoices, type ReofferOptions, type SendDtmfOptions } from './call.js';
export type { CallState, CallEnd, EndReason } from './call-state.js';
export { CallFailedError, CallStateError, CallRequestError, failedCodeForStatus, type CallFailedCode, type CallFailedDetails, type CallRequestErrorCode } from './call-errors.js';
export type { CallUui, UuiInput } from './call-uui.js';
export { CallAudio, StereoWavRecorder, CallMediaError } from './media/index.js';
export type {
  AppSampleRate,
  CallAudioFrame,
  MediaMetrics,
  MediaDrops,
  OneWayAudio,
  RecordingTap,
  StereoWavRecorderOptions,
  MediaDirectionTag,
  CallMediaErrorCode,
} from './media/index.js';
// In-call and trunk features (RFC 4028 session timers, REGISTER, trunk keep-alive, SIP INFO DTMF, RFC 3262 100rel/PRACK).
export * from './features/index.js';
