/**
 * Small SIP building blocks of the user agent: identifiers (RFC 3261 §8.1.1.4,
 * §8.1.1.7, §19.3), the methods and extensions we advertise, and where an
 * in-dialog request goes (§12.2.1.1 with §18.1.1 / RFC 3263).
 */
import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import type { SipUri, Uri } from '@trunkline/sip-parser';
import { applyRouteSet, locateSipServer, type Dialog, type DnsResolver, type Flow, type SipProtocol } from '@trunkline/transaction-layer';

/** Methods we accept (the Allow header, RFC 3261 §20.5); PRACK acknowledges our reliable 1xx (RFC 3262 §3). */
export const ALLOWED_METHODS = ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'UPDATE', 'INFO', 'PRACK'] as const;

/** Methods defined by standards-track RFCs that we know but do not allow here (→ 405, §8.2.1); anything else is 501. */
export const KNOWN_METHODS: ReadonlySet<string> = new Set([
  ...ALLOWED_METHODS,
  'REFER', // RFC 3515
  'MESSAGE', // RFC 3428
  'SUBSCRIBE', // RFC 6665
  'NOTIFY', // RFC 6665
  'PUBLISH', // RFC 3903
  'REGISTER', // RFC 3261 §10
]);

/** The SDP body type (RFC 3264). */
export const SDP_TYPE = 'application/sdp';

/** Body types we accept (the Accept header, §20.1): SDP, and SIP INFO DTMF (`application/dtmf-relay`, `application/dtmf`). */
export const ACCEPTED_BODY_TYPES = [SDP_TYPE, 'application/dtmf-relay', 'application/dtmf'] as const;

/** The Accept header value. */
export const ACCEPTED_TYPES = ACCEPTED_BODY_TYPES.join(', ');

/** Option tags we support (the Supported header, §20.37): RFC 4028 session timers, RFC 3262 reliable provisional responses. */
export const SUPPORTED_TAGS = ['timer', '100rel'] as const;

/** The base type of a Content-Type value, lower case (`application/sdp`), or undefined. */
export function bodyType(contentType: string | undefined): string | undefined {
  return contentType?.split(';')[0]?.trim().toLowerCase();
}

/** A random token of `bytes` bytes, hex (tags, branches, Call-IDs: §8.1.1.4, §8.1.1.7, §19.3 want global uniqueness). */
export function randomToken(bytes = 8): string {
  return randomBytes(bytes).toString('hex');
}

/** A new Via value with a fresh RFC 3261 branch (magic cookie, §8.1.1.7) and `rport` (RFC 3581 §3). */
export function viaValue(protocol: SipProtocol, sentBy: string): string {
  return `SIP/2.0/${protocol.toUpperCase()} ${sentBy};branch=z9hG4bK${randomToken(10)};rport`;
}

/** `host:port` with IPv6 brackets. */
export function hostPort(address: string, port: number): string {
  return isIP(address) === 6 ? `[${address}]:${port}` : `${address}:${port}`;
}

/** The transport a SIP URI asks for — RFC 3263 §4.1 (`transport` parameter; SIPS means TLS). */
export function uriTransport(uri: SipUri, fallback: SipProtocol): SipProtocol {
  const t = uri.params.find((p) => p.name.toLowerCase() === 'transport')?.value?.toLowerCase();
  if (uri.scheme === 'sips') return 'tls';
  if (t === 'udp' || t === 'tcp' || t === 'tls') return t;
  return fallback;
}

/**
 * Where to send a request within `dialog` — RFC 3261 §12.2.1.1 (the first
 * Route, else the remote target) located per RFC 3263 §4 (numeric hosts as
 * they are, names through DNS). Over TCP/TLS the dialog's connection
 * (`connectionId`) is reused while open (RFC 5923 spirit; the transport falls
 * back to a new connection).
 */
export async function dialogFlow(
  dialog: Dialog,
  fallback: SipProtocol,
  connectionId: string | undefined,
  resolver: DnsResolver | undefined,
): Promise<Flow> {
  const { requestUri, routes } = applyRouteSet(dialog.routeSet, dialog.remoteTarget);
  const next: Uri = routes[0] ?? requestUri;
  if (next.kind !== 'sip') throw new TypeError(`cannot send to a ${next.scheme}: URI`);
  const protocol = uriTransport(next, fallback);
  let address = next.host.startsWith('[') ? next.host.slice(1, -1) : next.host;
  let port = next.port ?? (protocol === 'tls' ? 5061 : 5060);
  if (isIP(address) === 0) {
    const [target] = await locateSipServer(next, resolver === undefined ? { preferTransports: [protocol] } : { resolver, preferTransports: [protocol] });
    if (target === undefined) throw new TypeError(`no address for ${next.host}`);
    address = target.address;
    port = target.port;
  }
  const flow: Flow = { protocol, address, port };
  return connectionId !== undefined && protocol !== 'udp' && protocol === fallback ? { ...flow, connectionId } : flow;
}
