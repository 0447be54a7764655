/**
 * The SIP rewrites a transparent relay needs so that everything a dialog sends
 * later comes back through it (an ALG, not an RFC 3261 §16 proxy: it adds no
 * Via and no Record-Route, the two ends never learn it is there). Pure: it
 * edits a parsed message in place.
 *
 * - `Contact` (RFC 3261 §8.1.1.8, §12.1): in-dialog requests go to the remote
 *   target, so each Contact URI is moved to the relay socket that the receiving
 *   side talks to.
 * - Request-URI (§12.2.1.1): a request sent to such a moved target is given
 *   back the real target's host and port before it is delivered.
 * - The SDP body (RFC 3264 §5, §6): moved by the caller with
 *   {@link rewriteSdpEndpoints}, set here.
 *
 * Responses need nothing: the user agents put `rport` in their Via (RFC 3581
 * §4), so responses retrace the relay's socket.
 */
import { formatNameAddr, type SipRequest, type SipResponse, type SipUri } from '@trunkline/sip-parser';
import type { RelayAddress } from './udp-impairment-relay.js';

/** What {@link rewriteSipForRelay} changes. */
export interface SipRelayRewrite {
  /** Where the receiving side must send in-dialog requests: the relay socket facing it. */
  readonly contact: RelayAddress;
  /** A request whose Request-URI names `from` (host and port) is re-targeted to `to`. */
  readonly requestUri?: { readonly from: RelayAddress; readonly to: RelayAddress };
  /** A new body (the SDP with its media moved); Content-Type is kept, Content-Length follows. */
  readonly body?: string;
}

/** Whether `uri` names `address:port` (a missing port is 5060, RFC 3261 §19.1.2). */
export function uriNames(uri: SipUri, at: RelayAddress): boolean {
  const host = uri.hostType === 'ipv6' ? uri.host.slice(1, -1) : uri.host;
  return host === at.address && (uri.port ?? 5060) === at.port;
}

function moved(uri: SipUri, to: RelayAddress): SipUri {
  const host = to.address.includes(':') ? `[${to.address}]` : to.address;
  // A spread drops `raw`'s authority: formatUri writes the fields.
  return { ...uri, host, hostType: to.address.includes(':') ? 'ipv6' : 'ipv4', port: to.port, raw: '' };
}

/** The first Contact's `sip:`/`sips:` URI of a message, if any (what a relay remembers as the side's target). */
export function contactUri(message: SipRequest | SipResponse): SipUri | undefined {
  const first = message.isWildcardContact ? undefined : message.contact[0];
  return first?.uri.kind === 'sip' ? first.uri : undefined;
}

/**
 * Applies `rewrite` to `message` in place (Contact values, Request-URI, body). A wildcard Contact
 * (REGISTER, §10.2.2) and non-SIP Contact URIs are left alone.
 *
 * @throws SipParseError when a Contact value does not parse
 */
export function rewriteSipForRelay(message: SipRequest | SipResponse, rewrite: SipRelayRewrite): void {
  if (!message.isWildcardContact) {
    message.contact.forEach((na, i) => {
      if (na.uri.kind !== 'sip') return;
      message.headers.replaceValue('Contact', i, formatNameAddr({ ...na, uri: moved(na.uri, rewrite.contact), raw: '' }));
    });
  }
  const r = rewrite.requestUri;
  if (r !== undefined && message.isRequest) {
    const uri = message.uri;
    if (uri.kind === 'sip' && uriNames(uri, r.from)) message.setRequestUri(moved(uri, r.to));
  }
  if (rewrite.body !== undefined) message.setBody(rewrite.body);
}
