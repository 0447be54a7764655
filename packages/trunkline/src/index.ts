/**
 * `trunkline` — answer and place SIP trunk calls from Node with PCM audio in
 * and out: TLS, SRTP, G.711, User-to-User data and per-call metrics. The one
 * import a voice app needs; every name here comes from the Trunkline layer
 * that defines it.
 *
 * @example
 * ```ts
 * import { createUserAgent } from 'trunkline';
 * const ua = await createUserAgent({ transports: [{ protocol: 'udp', port: 5060 }] });
 * ua.on('call', async (call) => {
 *   await call.answer();
 *   for await (const frame of call.audio) void call.audio.write(frame); // echo
 * });
 * ```
 *
 * @packageDocumentation
 */

// ---- The user agent: calls in and out -------------------------------------

/**
 * Creates a user agent and binds its SIP listeners; `UserAgent` answers
 * (`call` events, `calls()`) and places (`invite()`) calls, and `close()`
 * ends them all and releases every socket and port.
 */
export { createUserAgent, UserAgent, CALL_CHANNEL, LOG_CHANNEL } from '@trunkline/user-agent';
/** Options and reports of the user agent. */
export type {
  UserAgentOptions,
  TransportConfig,
  MediaPolicy,
  UserAgentTimers,
  LogEntry,
  UserAgentEvents,
  UserAgentStats,
  UserAgentAddress,
  InviteOptions,
  RefusedInvite,
  RegisterOptions,
  KeepAliveOptions,
  SessionTimerPolicy,
} from '@trunkline/user-agent';

/** One call: `ring()`, `answer()`, `reject()`, `redirect()`, `hangup()`, `audio`, `metrics`, typed events. */
export { Call } from '@trunkline/user-agent';
/** What a call reports: its state, how it ended, its metrics, its UUI. */
export type {
  CallState,
  CallEnd,
  CallEndedEvent,
  CallEvents,
  CallMetrics,
  CallParty,
  EndReason,
  AnswerOptions,
  HangupOptions,
  CallMediaChoices,
  ReofferOptions,
  SendDtmfOptions,
  CallUui,
  UuiInput,
} from '@trunkline/user-agent';

/** `call.audio` (read the peer, write ours, `clear()` for barge-in, `mark()`), the stereo call recorder, media errors. */
export { CallAudio, StereoWavRecorder, CallMediaError } from '@trunkline/user-agent';
/** Audio frames, per-call media figures and the recording tap. */
export type { AppSampleRate, CallAudioFrame, MediaMetrics, MediaDrops, OneWayAudio, RecordingTap, CallMediaErrorCode } from '@trunkline/user-agent';

/**
 * `CallFailedError`: a call could not be placed or answered (stable `code`
 * such as `CALL_BUSY`, plus the SIP status, reason phrase and Reason header).
 * `CallStateError`: an operation the call's state does not allow.
 */
export { CallFailedError, CallStateError, failedCodeForStatus } from '@trunkline/user-agent';
/** The stable codes of {@link CallFailedError}. */
export type { CallFailedCode, CallFailedDetails } from '@trunkline/user-agent';
/** An in-dialog request of ours (re-INVITE, UPDATE, INFO) that failed: `CALL_REQUEST_FAILED`, `_GLARE`, `_TIMEOUT`. */
export { CallRequestError, type CallRequestErrorCode } from '@trunkline/user-agent';
/** Registration (RFC 3261 §10) and trunk keep-alive clients that `ua.register()` and `ua.keepAlive()` return. */
export { RegistrationClient, TrunkKeepAliveClient } from '@trunkline/user-agent';
export type { RegistrationClientEvents, TrunkKeepAliveClientEvents } from '@trunkline/user-agent';

// ---- Errors -----------------------------------------------------------------

/** Base class of every Trunkline error: a project-unique `code` and an optional SIP `statusHint`. */
export { TrunklineError } from '@trunkline/errors';

// ---- Audio helpers ------------------------------------------------------------

/** 16-bit PCM frames as the call's audio delivers them. */
export type { AudioFrame } from '@trunkline/codecs';
/** WAV files in and out (play a prompt, save a recording), and the resampler for other rates. */
export { readWav, writeWav, Resampler } from '@trunkline/codecs';
/** A decoded WAV file. */
export type { WavAudio } from '@trunkline/codecs';

// ---- User-to-User data (RFC 7433) --------------------------------------------------

/** Build and read UUI payloads beyond `call.uui` and `invite({ uui })`: text, key/value and raw ISDN forms. */
export { parseUui, formatUui, uuiFromText, textFromUui, uuiFromKeyValues, keyValuesFromUui } from '@trunkline/uui';
/** A decoded User-to-User value. */
export type { UuiData, UuiKeyValue } from '@trunkline/uui';

// ---- The echo endpoint and the trunk test caller ------------------------------------

/** The echo endpoint (`trunkline echo`) as a library: answers every call and sends its audio back. */
export { startEchoEndpoint, type EchoEndpoint, type EchoEndpointHooks } from './echo/echo-endpoint.js';
/** The trunk test caller (`trunkline call`) as a library: dial, play a chirp, judge the echo. */
export { runTestCall, runTestCalls, transportOf } from './caller/test-call.js';
/** The voice-agent bridge (`trunkline bridge`) as a library: every call to a Twilio-Media-Streams bot. */
export { startBridgeEndpoint, renderBridgeCallText, renderBridgeCallJson, type BridgeEndpoint, type BridgeEndpointHooks, type BridgeCallSummary } from './bridge/bridge-endpoint.js';
/** `bridgeCall()` for apps that route calls themselves, and the protocol's message types. */
export { bridgeCall, MediaStreamBridge, MediaStreamError, MEDIA_STREAM_CHANNEL } from '@trunkline/media-stream';
export type { BridgeCallOptions, BridgeCodec, BridgeEnd, BridgeStats, EscalationTarget, UnreachableAction, MediaStreamBridgeEvents, BotMessage } from '@trunkline/media-stream';
/** Command-line parsing, the caller's verdict and the output formats. */
export * from './cli/index.js';
/** The self-signed TLS certificate kept in a state directory. */
export * from './cert/index.js';
