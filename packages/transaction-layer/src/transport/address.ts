/** Address helpers shared by the transport files. */
import { isIP } from 'node:net';

/**
 * A socket address in the form used in flows and Via `received`: IPv4-mapped
 * IPv6 (`::ffff:192.0.2.1`, what dual-stack sockets report) becomes the IPv4
 * address; IPv6 is lower-cased without brackets (RFC 5118 §4.5).
 */
export function normalizeAddress(address: string): string {
  // Unbracketed and without a colon: IPv4 or a host name, already normal (the common case, once per datagram).
  if (address.charCodeAt(0) !== 0x5b && address.indexOf(':') === -1) return address;
  let a = address;
  if (a.charCodeAt(0) === 0x5b && a.charCodeAt(a.length - 1) === 0x5d) a = a.slice(1, -1);
  if (a.length > 7 && a.slice(0, 7).toLowerCase() === '::ffff:' && isIP(a.slice(7)) === 4) return a.slice(7);
  return isIP(a) === 6 ? a.toLowerCase() : a;
}

/** True when `host` (a Via or URI host, maybe bracketed) is the same IP address as `address`. */
export function sameAddress(host: string, address: string): boolean {
  return normalizeAddress(host) === normalizeAddress(address);
}

/** True for a literal IPv4 or IPv6 address (bracketed or not). */
export function isIpLiteral(host: string): boolean {
  return isIP(normalizeAddress(host)) !== 0;
}

/** `host:port` with IPv6 bracketed, for keys and Via sent-by. */
export function hostPort(address: string, port: number): string {
  return `${isIP(address) === 6 ? `[${address}]` : address}:${port}`;
}

/** RFC 3261 §19.1.2: 5061 for TLS, 5060 otherwise. */
export function defaultPort(protocol: string): number {
  return protocol === 'tls' || protocol === 'wss' ? 5061 : 5060;
}

/** True for an IPv4 multicast address (224.0.0.0/4, RFC 5771) or an IPv6 one (ff00::/8, RFC 4291 §2.7); false for names. */
export function isMulticast(address: string): boolean {
  const family = isIP(address);
  if (family === 4) {
    const first = Number(address.slice(0, address.indexOf('.')));
    return first >= 224 && first <= 239;
  }
  return family === 6 && address.toLowerCase().startsWith('ff');
}
