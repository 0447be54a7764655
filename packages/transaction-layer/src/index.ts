/**
 * @trunkline/transaction-layer — SIP transports, RFC 3261 transactions and
 * dialogs, digest authentication and RFC 3263 server location.
 */

// Timers (RFC 3261 §17, Table 4; RFC 6026 §8.1).
export { DEFAULT_TIMER_CONFIG, resolveTimerConfig, timerValues, type TimerConfig, type TimerValues } from './timers.js';
export { isReliable, type Flow, type SipProtocol } from './flow.js';

// Transactions (RFC 3261 §17, RFC 6026), sans-I/O.
export {
  TransactionManager,
  TransactionLimitError,
  type TransactionManagerOptions,
  type TransactionOutput,
  type TransactionStats,
} from './transaction/transaction-manager.js';
export { TransactionStateError, type TransactionEvent, type Step } from './transaction/common.js';
export { ClientInviteTransaction, type ClientInviteState, type ClientInviteEvent } from './transaction/client-invite-transaction.js';
export {
  ClientNonInviteTransaction,
  type ClientNonInviteState,
  type ClientNonInviteEvent,
} from './transaction/client-non-invite-transaction.js';
export { ServerInviteTransaction, type ServerInviteState, type ServerInviteEvent } from './transaction/server-invite-transaction.js';
export {
  ServerNonInviteTransaction,
  type ServerNonInviteState,
  type ServerNonInviteEvent,
} from './transaction/server-non-invite-transaction.js';
export { buildCancel, buildNon2xxAck } from './transaction/derived-requests.js';
export { MAGIC_COOKIE, clientKeyOfRequest, clientKeyOfResponse, serverKey } from './transaction/matching.js';

// Digest authentication (RFC 3261 §22, RFC 7616, RFC 8760).
export { DigestAuthError, type DigestAuthErrorCode } from './auth/digest-auth-error.js';
export {
  DIGEST_ALGORITHMS,
  algorithmStrength,
  digestHash,
  hashOf,
  isSessionAlgorithm,
  parseDigestAlgorithm,
  type DigestAlgorithm,
  type DigestHashName,
} from './auth/digest-algorithm.js';
export {
  computeDigest,
  computeHA1,
  computeUserhash,
  formatNonceCount,
  parseNonceCount,
  type DigestComputation,
  type DigestInput,
  type DigestQop,
  type DigestSecret,
} from './auth/digest-response.js';
export { formatDigestChallenge, parseDigestChallenge, type DigestChallenge, type DigestChallengeInit } from './auth/digest-challenge.js';
export { formatDigestCredentials, parseDigestCredentials, type DigestCredentials } from './auth/digest-credentials.js';
export {
  DigestClient,
  answerChallenge,
  setAuthorization,
  type AuthorizationHeader,
  type DigestClientOptions,
  type DigestCredentialsLookup,
  type DigestUserCredentials,
} from './auth/digest-client.js';
export {
  DigestServer,
  type DigestChallengeHeader,
  type DigestPasswordLookup,
  type DigestServerOptions,
  type DigestStaleReason,
  type DigestUserSecret,
  type DigestVerifyFailure,
  type DigestVerifyResult,
} from './auth/digest-server.js';

// Dialogs (RFC 3261 §12, §13.2.2.4; RFC 3262).
export { DialogError, type DialogErrorCode } from './dialog/dialog-error.js';
export {
  createUacDialog,
  createUasDialog,
  dialogIdOf,
  dialogKey,
  sameDialogId,
  type CreateUacDialogOptions,
  type CreateUasDialogOptions,
  type Dialog,
  type DialogId,
  type DialogState,
} from './dialog/dialog.js';
export {
  TARGET_REFRESH_METHODS,
  createAckFor2xx,
  createInDialogRequest,
  createPrack,
  type AckOptions,
  type InDialogRequest,
  type InDialogRequestOptions,
} from './dialog/in-dialog-request.js';
export { applyRouteSet, isLooseRouter, type RoutedRequest } from './dialog/route-set.js';
export {
  confirmUasDialog,
  receiveInDialogRequest,
  receiveInDialogResponse,
  receiveReliableProvisional,
  terminateDialog,
  type ReceivedRequest,
  type ReliableProvisional,
} from './dialog/dialog-transitions.js';
export { InviteForkTracker, type ForkAction, type ForkEvent, type InviteForkTrackerOptions } from './dialog/invite-fork-tracker.js';

// Server location (RFC 3263).
export { ResolverError, type ResolverErrorCode } from './resolver/resolver-error.js';
export type { DnsResolver, NaptrRecord, SrvRecord } from './resolver/dns-resolver.js';
export { createNodeDnsResolver, type NodeDnsResolverOptions } from './resolver/node-dns-resolver.js';
export { locateSipServer, type LocateOptions, type Target } from './resolver/server-location.js';
export { orderSrvRecords } from './resolver/srv-order.js';
export { TargetIterator, failoverReasonForStatus, type FailoverReason, type TargetIteratorOptions } from './resolver/target-iterator.js';

// Transports (RFC 3261 §18, RFC 3581, RFC 5626 §3.5.1, RFC 5923).
export {
  SipTransport,
  type BoundAddress,
  type SendOptions,
  type SipTransportEvents,
  type TransportMessageEvent,
  type TransportConnectionEvent,
  type TransportCloseEvent,
  type TransportMalformedEvent,
  type TransportStats,
} from './transport/sip-transport.js';
export { TransportError, type TransportErrorCode } from './transport/transport-error.js';
export {
  type SipTransportOptions,
  type ListenOptions,
  type TransportLimits,
  type KeepAliveOptions,
  type TransportProtocol,
  type TransportTraceEvent,
} from './transport/transport-options.js';
export { type TlsServerOptions, type TlsClientOptions, type Pem } from './transport/tls-options.js';
export { responseFlow } from './transport/response-flow.js';
export { applyReceived } from './transport/via-received.js';

// Node driver: the transaction layer on real sockets and timers.
export {
  SipEndpoint,
  ClientTransactionError,
  SipEndpointError,
  ENDPOINT_ERROR_CHANNEL,
  type ClientTransactionErrorCode,
  type SipEndpointErrorCode,
  type IncomingRequest,
  type RequestOptions,
  type SipEndpointEvents,
  type SipEndpointOptions,
} from './node/sip-endpoint.js';
