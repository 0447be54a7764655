/**
 * The names and addresses a certificate must cover.
 *
 * @module
 */
import { isIP } from 'node:net';

/** Always in the certificate: the echo endpoint is first tried on this machine. */
export const LOOPBACK_HOSTS: readonly string[] = Object.freeze(['localhost', '127.0.0.1', '::1']);

/** A host a certificate names: a DNS name (SAN dNSName) or an IP literal (SAN iPAddress), RFC 5280 §4.2.1.6. */
export interface CertificateHost {
  readonly kind: 'dns' | 'ip';
  /** Lower-case DNS name, or the IP address in canonical text form. */
  readonly value: string;
}

// RFC 1123 §2.1 host name: labels of letters, digits and hyphens, not starting or ending with a hyphen;
// the last label not all digits (RFC 3696 §2), so a mistyped IPv4 address is not taken for a name.
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*(?![0-9]+\.?$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.?$/;

/**
 * Normalise one host: brackets around IPv6 removed, IPv6 compressed, DNS
 * names lower-cased without a trailing dot.
 *
 * @param host - `localhost`, `echo.example.com`, `203.0.113.10`, `::1`, `[2001:db8::1]`
 * @throws TypeError when it is neither an IP literal nor a DNS name
 */
export function parseCertificateHost(host: string): CertificateHost {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const family = isIP(bare);
  if (family === 6) return { kind: 'ip', value: new URL(`http://[${bare}]`).hostname.slice(1, -1) };
  if (family === 4) return { kind: 'ip', value: bare };
  const name = bare.toLowerCase();
  if (!DNS_NAME.test(name)) throw new TypeError(`hosts: ${JSON.stringify(host)} is neither an IP address nor a DNS name`);
  return { kind: 'dns', value: name.endsWith('.') ? name.slice(0, -1) : name };
}

/**
 * The loopback hosts plus the configured ones, normalised, without duplicates.
 *
 * @param hosts - configured public addresses and host names
 */
export function certificateHosts(hosts: readonly string[]): CertificateHost[] {
  const seen = new Set<string>();
  const out: CertificateHost[] = [];
  for (const host of [...LOOPBACK_HOSTS, ...hosts]) {
    const parsed = parseCertificateHost(host);
    const key = `${parsed.kind}:${parsed.value}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(parsed);
    }
  }
  return out;
}
