/**
 * In-call and trunk features of issue 12, standalone until UserAgent/Call
 * wire them in: session timers (RFC 4028), REGISTER (RFC 3261 §10), OPTIONS
 * trunk keep-alive with RFC 5626 flow failure, SIP INFO DTMF bodies, reliable
 * provisional responses (RFC 3262), and the
 * one deadline scheduler they share. Re-export from the package index with
 * `export * from './features/index.js';`.
 */

// One scheduler for every timed feature (pure core + Node adapter).
export { DeadlineScheduler } from './deadline-scheduler.js';
export { FeatureScheduler, FEATURE_SCHEDULER_ERROR_CHANNEL, type FeatureSchedulerOptions } from './node/feature-scheduler.js';
export { FEATURE_LISTENER_ERROR_CHANNEL } from './node/feature-target.js';

// Session timers (RFC 4028).
export {
  SessionTimer,
  SessionTimerError,
  TIMER_OPTION_TAG,
  SESSION_EXPIRED_REASON,
  MIN_SE_FLOOR,
  byeMarginMs,
  refreshDelayMs,
  type SessionTimerErrorCode,
  type SessionTimerOptions,
  type SessionTimerState,
  type SessionTimerEvent,
  type SessionTimerAnswer,
  type SessionTimerResponseResult,
} from './session-timer.js';
export { SessionTimerDriver, type SessionTimerHooks } from './node/session-timer-driver.js';

// REGISTER (RFC 3261 §10).
export {
  Registration,
  RegistrationError,
  type RegistrationErrorCode,
  type RegistrationOptions,
  type RegistrationRetryOptions,
  type RegistrationState,
  type RegistrationOutput,
} from './registration.js';
export { RegistrationClient, type RegistrationClientOptions, type RegistrationClientEvents } from './node/registration-client.js';

// Trunk keep-alive (RFC 3261 §11 OPTIONS, RFC 5626 §4.4.1 flows).
export {
  TrunkKeepAlive,
  isTrunkAlive,
  type TrunkKeepAliveOptions,
  type TrunkKeepAliveOutput,
  type TrunkProbeFailure,
  type TrunkState,
} from './trunk-keepalive.js';
export { TrunkKeepAliveClient, type TrunkKeepAliveClientOptions, type TrunkKeepAliveClientEvents } from './node/trunk-keepalive-client.js';

// SIP INFO DTMF bodies.
export {
  InfoDtmfError,
  INFO_DTMF_TYPES,
  parseInfoDtmf,
  parseDtmfRelay,
  parseDtmf,
  formatInfoDtmf,
  isInfoDtmfType,
  type InfoDtmf,
  type InfoDtmfBody,
  type InfoDtmfType,
  type InfoDtmfErrorCode,
  type InfoDtmfParseOptions,
} from './info-dtmf.js';

// Reliable provisional responses (RFC 3262, 100rel / PRACK).
export {
  RELIABLE_OPTION_TAG,
  MAX_INITIAL_RSEQ,
  ReliableProvisionalSender,
  ReliableProvisionalReceiver,
  initialRSeq,
  isReliableProvisional,
  parseRAck,
  reliabilityOf,
  type RAck,
  type ReliableProvisionalOutput,
  type ReliableProvisionalSenderOptions,
} from './reliable-provisional.js';
