/** SIP transport protocols (RFC 3261 §18, RFC 7118 for WebSocket). */
export type SipProtocol = 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';

/**
 * Where a message came from or goes to: the transport, the remote address and
 * port, and — for connection-oriented transports — the connection to reuse
 * (RFC 3261 §18.2.2, RFC 5923). A transaction keeps the flow of its first
 * message so retransmissions and responses follow the same path.
 */
export interface Flow {
  readonly protocol: SipProtocol;
  readonly address: string;
  readonly port: number;
  /** Identifies an open TCP/TLS/WS connection to reuse, when there is one. */
  readonly connectionId?: string;
  /** TLS server name (SNI and certificate check) when it differs from `address`. */
  readonly serverName?: string;
}

/** Reliable transports carry no retransmissions and zero the wait timers (RFC 3261 §17). */
export function isReliable(protocol: SipProtocol): boolean {
  return protocol !== 'udp';
}
