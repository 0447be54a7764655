import { TrunklineError } from '@trunkline/errors';

/** Stable codes for every way a transport operation can fail. */
export type TransportErrorCode =
  /** A TCP or TLS connection could not be established (refused, unreachable, timed out). */
  | 'CONNECT_FAILED'
  /** The TLS peer's certificate did not verify against the configured CAs or name (RFC 5922 §7). */
  | 'TLS_VERIFY_FAILED'
  /** The connection closed before or while the message was written. */
  | 'CONNECTION_CLOSED'
  /** A connection budget (`maxConnections`, `maxPendingConnects`, `maxPendingConnectsPerAddress`) is used up; no new connection was opened. */
  | 'TOO_MANY_CONNECTIONS'
  /** An idle inbound connection was closed to admit a new one at `limits.maxConnections`. */
  | 'TRANSPORT_CONNECTION_EVICTED'
  /** The message is larger than `limits.maxMessageBytes`, or a datagram can hold. */
  | 'TRANSPORT_MESSAGE_TOO_LARGE'
  /** The peer sent bytes that cannot be framed as SIP (RFC 3261 §18.3); the connection was closed. */
  | 'TRANSPORT_FRAMING_ERROR'
  /** More than `limits.maxConnectionBufferBytes` were waiting on one connection. */
  | 'TRANSPORT_BUFFER_OVERFLOW'
  /** No traffic for `limits.idleTimeoutMs` (`limits.firstMessageTimeoutMs` before a first complete message); the connection was closed. */
  | 'TRANSPORT_IDLE_TIMEOUT'
  /** A message was not complete within `limits.messageTimeoutMs` of its first byte; the connection was closed. */
  | 'TRANSPORT_MESSAGE_TIMEOUT'
  /** No CRLF pong arrived in time for a keep-alive ping (RFC 5626 §4.4.1). */
  | 'TRANSPORT_KEEPALIVE_TIMEOUT'
  /** No listener of the needed protocol (or address family) exists to send from. */
  | 'NO_TRANSPORT'
  /** A socket reported an error after it was established (reset, write failure, bind failure). */
  | 'TRANSPORT_SOCKET_ERROR'
  /** The transport is closed. */
  | 'TRANSPORT_CLOSED';

/**
 * The only error {@link SipTransport} rejects or reports with for conditions
 * of the network or of peers; API misuse throws `TypeError` / `RangeError`.
 *
 * @example
 * try { await transport.send(request, flow) } catch (e) {
 *   if (e instanceof TransportError && e.code === 'TLS_VERIFY_FAILED') ...
 * }
 */
export class TransportError extends TrunklineError<TransportErrorCode> {}
