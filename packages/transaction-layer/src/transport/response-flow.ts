/**
 * Where a response goes — RFC 3261 §18.2.2 with RFC 3581 §4.
 */
import { findParam, type SipRequest, type SipResponse } from '@trunkline/sip-parser';
import { isReliable, type Flow } from '../flow.js';
import { defaultPort, isIpLiteral, isMulticast, normalizeAddress } from './address.js';

/**
 * The flow a response must take, given the request it answers (`message`)
 * and the flow the request arrived on (`sourceFlow`, as emitted by the transport, with `received` /
 * `rport` already applied to the top Via). Pure; the transport's `send`
 * falls back from a closed connection to `address:port` by itself.
 *
 * §18.2.2, in order:
 * - reliable transport: the connection the request came on
 *   (`sourceFlow.connectionId`); should it be gone, a new connection to
 *   `received` (else the sent-by host) and the sent-by port (else 5060/5061);
 * - `maddr` in the top Via naming a multicast IP address: that address, the
 *   sent-by port (else 5060). Any other maddr is ignored (issue 9 defect 4):
 *   §18.2.2 allows maddr for multicast, and obeying it for any address makes
 *   the server a reflector (a response and its retransmissions sent to a
 *   third party), and a host name there would need a DNS lookup;
 * - unreliable, RFC 3581 §4: `received` and the `rport` value when the Via
 *   carries one, so the response retraces the NAT binding;
 * - otherwise `received` (else the sent-by host) and the sent-by port (else 5060).
 *
 * Without a top Via (unanswerable in principle) the source flow is returned.
 *
 * The response itself may be passed instead of the request: it carries a
 * copy of the request's Via lines (§8.2.6.2), `received`/`rport` included —
 * handy for a driver that only holds the response and the transaction's flow.
 *
 * @throws SipParseError when the top Via does not parse.
 */
export function responseFlow(message: SipRequest | SipResponse, sourceFlow: Flow): Flow {
  const via = message.topVia;
  if (via === undefined) return sourceFlow;
  const protocol = sourceFlow.protocol;
  const sentByPort = via.port ?? defaultPort(protocol);
  const received = via.received === null ? null : normalizeAddress(via.received);
  if (isReliable(protocol)) {
    const address = received ?? normalizeAddress(via.host);
    const flow: { -readonly [K in keyof Flow]: Flow[K] } = { protocol, address, port: sentByPort };
    if (sourceFlow.connectionId !== undefined) flow.connectionId = sourceFlow.connectionId;
    // A host name in sent-by is what a new TLS connection must verify (RFC 5922 §7.2).
    if (!isIpLiteral(via.host)) flow.serverName = via.host;
    return flow;
  }
  const maddr = findParam(via.params, 'maddr');
  if (maddr !== undefined && maddr.value !== null && isMulticast(normalizeAddress(maddr.value))) {
    return { protocol, address: normalizeAddress(maddr.value), port: sentByPort };
  }
  if (typeof via.rport === 'number' && via.rport > 0) {
    return { protocol, address: received ?? sourceFlow.address, port: via.rport };
  }
  return { protocol, address: received ?? normalizeAddress(via.host), port: sentByPort };
}
