/**
 * @trunkline/sip-parser — SIP messages, URIs, headers and stream framing
 * (RFC 3261 §7, §18.3, §19, §20, §25; RFC 3581; RFC 4475; RFC 5118).
 */
export * from './errors.js';
export * from './types.js';

// Messages: parse, access, build, serialize, frame.
export { parseMessage, tryParseMessage, type ParseOptions, type ParseResult, type TransportMode } from './parse.js';
export {
  SipMessage,
  SipRequest,
  SipResponse,
  reasonPhrase,
  type SipMessageInit,
  type SipRequestInit,
  type SipResponseInit,
} from './message.js';
export { SipHeaders } from './headers.js';
export { canonicalHeaderName, compactHeaderName, isListHeader } from './header-names.js';
export { serializeMessage, messageToString } from './serialize.js';
export {
  createRequest,
  createResponse,
  type CreateRequestOptions,
  type CreateResponseOptions,
  type HeaderInit,
} from './build.js';
export { StreamFramer, type FramerEvent, type StreamFramerOptions } from './framer.js';

// Header-value and URI decoders.
export { parseUri, parseSipUri, formatUri, uriEquals, isIPv4Address, isIPv6 } from './uri.js';
export { parseNameAddr, formatNameAddr, parseContactList, parseNameAddrList } from './name-addr.js';
export {
  splitHeaderValues,
  parseParams,
  findParam,
  formatParams,
  quote,
  unquote,
  type ParamsResult,
} from './header-values.js';
export { parseVia, parseViaList, formatVia } from './via.js';
export { setTopViaReceived } from './via-received.js';
export { parseCSeq, formatCSeq, MAX_CSEQ } from './cseq.js';
export { parseCredentials, formatCredentials, type AuthValue } from './auth.js';
export {
  parseUInt32,
  parseMaxForwards,
  parseExpires,
  parseTokenList,
  parseSessionExpires,
  parseMinSE,
  parseRSeq,
  parseRAck,
  parseReason,
  parseReasonList,
  parseReplaces,
  parseReferTo,
  parseRetryAfter,
  parseWarning,
  type RetryAfter,
  type WarningValue,
} from './simple-headers.js';

// Semantic validation.
export {
  validateMessage,
  DEFAULT_METHODS,
  DEFAULT_SCHEMES,
  DEFAULT_ACCEPT_TYPES,
  type ValidateOptions,
  type ValidationResult,
  type ValidationOk,
  type ValidationFailure,
} from './validate.js';
