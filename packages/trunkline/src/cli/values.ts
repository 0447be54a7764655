/**
 * Validators for flag values: each returns the typed value or throws a
 * {@link CliUsageError} that names the flag and shows an accepted form.
 *
 * @module
 */
import { isIP } from 'node:net';
import { parseUui, type UuiData } from '@trunkline/uui';
import { parseCertificateHost } from '../cert/hosts.js';
import { CliUsageError } from './errors.js';

/** SRTP policy (SDES, RFC 4568). */
export type SrtpPolicy = 'off' | 'optional' | 'mandatory';
/** SIP transport (RFC 3261 §18). */
export type SipTransport = 'udp' | 'tcp' | 'tls';

/** Where a value came from, for messages: the command and the flag. */
export interface FlagRef {
  readonly command: string;
  readonly flag: string;
}

function fail(ref: FlagRef, message: string): never {
  throw new CliUsageError(`--${ref.flag}: ${message}`, ref.command);
}

/**
 * An integer in `min..max`.
 *
 * @param ref - command and flag, for the message
 * @param text - the flag's value
 * @param min - smallest accepted
 * @param max - largest accepted
 */
export function integerValue(ref: FlagRef, text: string, min: number, max: number): number {
  if (!/^-?\d+$/.test(text.trim())) fail(ref, `expected a whole number, got ${JSON.stringify(text)}`);
  const n = Number(text);
  if (n < min || n > max) fail(ref, `must be from ${min} to ${max}, got ${n}`);
  return n;
}

/**
 * A number in `min..max` (decimals allowed).
 *
 * @param ref - command and flag, for the message
 * @param text - the flag's value
 * @param min - smallest accepted
 * @param max - largest accepted
 */
export function numberValue(ref: FlagRef, text: string, min: number, max: number): number {
  const n = /^-?(\d+(\.\d*)?|\.\d+)$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (Number.isNaN(n)) fail(ref, `expected a number, got ${JSON.stringify(text)}`);
  if (n < min || n > max) fail(ref, `must be from ${min} to ${max}, got ${n}`);
  return n;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A duration: a number of seconds (`5`, `2.5`) or with a unit (`500ms`, `30s`, `5m`, `1h`), in ms.
 *
 * @param ref - command and flag, for the message
 * @param text - the flag's value
 * @param minMs - shortest accepted, ms
 * @param maxMs - longest accepted, ms
 */
export function durationMsValue(ref: FlagRef, text: string, minMs: number, maxMs: number): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (match === null) fail(ref, `expected seconds or a duration like 500ms, 30s, 5m, 1h; got ${JSON.stringify(text)}`);
  const ms = Math.round(Number(match[1]) * UNIT_MS[match[2] ?? 's']!);
  if (ms < minMs || ms > maxMs) fail(ref, `must be from ${minMs / 1000} s to ${maxMs / 1000} s, got ${ms / 1000} s`);
  return ms;
}

/**
 * One of a fixed set of words (case-insensitive).
 *
 * @param ref - command and flag, for the message
 * @param text - the flag's value
 * @param choices - accepted words, lower case
 */
export function choiceValue<T extends string>(ref: FlagRef, text: string, choices: readonly T[]): T {
  const lower = text.trim().toLowerCase();
  const found = choices.find((c) => c === lower);
  if (found === undefined) fail(ref, `expected one of ${choices.join(', ')}; got ${JSON.stringify(text)}`);
  return found;
}

/**
 * A UDP/TCP port, 0 (an ephemeral port chosen by the system) to 65535.
 *
 * @param ref - command and flag, for the message
 * @param text - the flag's value
 */
export function portValue(ref: FlagRef, text: string): number {
  return integerValue(ref, text, 0, 65535);
}

/**
 * A port range `MIN-MAX` with MIN even (RTP on even ports, RFC 3550 §11) and MIN < MAX.
 *
 * @param ref - command and flag, for the message
 * @param text - the flag's value
 */
export function portRangeValue(ref: FlagRef, text: string): readonly [number, number] {
  const match = /^(\d+)-(\d+)$/.exec(text.trim());
  if (match === null) fail(ref, `expected MIN-MAX, e.g. 20000-20999; got ${JSON.stringify(text)}`);
  const min = integerValue(ref, match[1]!, 1024, 65534);
  const max = integerValue(ref, match[2]!, 1025, 65535);
  if (min >= max) fail(ref, `MIN must be below MAX, got ${text}`);
  if (min % 2 !== 0) fail(ref, `MIN must be even (RTP uses even ports, RFC 3550 §11), got ${min}`);
  return [min, max];
}

/**
 * An IP literal (IPv6 with or without brackets).
 *
 * @param ref - command and flag, for the message
 * @param text - the flag's value
 */
export function addressValue(ref: FlagRef, text: string): string {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (isIP(bare) === 0) fail(ref, `expected an IPv4 or IPv6 address, got ${JSON.stringify(text)}`);
  return bare;
}

/**
 * An IP literal or a DNS host name (RFC 1123 §2.1 labels), normalised as the certificate names it.
 *
 * @param ref - command and flag, for the message
 * @param text - the flag's value
 */
export function hostValue(ref: FlagRef, text: string): string {
  try {
    return parseCertificateHost(text).value;
  } catch {
    fail(ref, `expected an IP address or host name, got ${JSON.stringify(text)}`);
  }
}

/**
 * A CIDR prefix (`198.51.100.0/24`, `2001:db8::/32`) or a single address,
 * returned as written (trimmed); the user agent's allow list does the matching.
 *
 * @param ref - command and flag, for the message
 * @param text - one entry
 */
export function cidrValue(ref: FlagRef, text: string): string {
  const [address = '', prefix, extra] = text.split('/');
  const family = isIP(address);
  const bits = prefix === undefined ? 0 : /^\d{1,3}$/.test(prefix) ? Number(prefix) : Number.NaN;
  if (family === 0 || extra !== undefined || !(bits <= (family === 4 ? 32 : 128))) {
    fail(ref, `expected an address or CIDR prefix like 198.51.100.0/24 or 2001:db8::/32, got ${JSON.stringify(text)}`);
  }
  return text;
}

/**
 * A SIP or SIPS URI (RFC 3261 §19.1): `sip:` or `sips:`, an optional user, a
 * host, optional port and parameters. Only the shape is checked here; the
 * user agent parses it.
 *
 * @param ref - command and flag (or `uri`), for the message
 * @param text - the URI
 */
export function sipUriValue(ref: FlagRef, text: string): string {
  const match = /^(sips?):(?:[^@\s]+@)?(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?(?:;[^\s?]*)?(?:\?\S*)?$/i.exec(text.trim());
  if (match === null) {
    throw new CliUsageError(`${ref.flag}: expected a SIP URI like sip:echo@192.0.2.10:5060 or sips:echo@example.com; got ${JSON.stringify(text)}`, ref.command);
  }
  if (match[3] !== undefined && Number(match[3]) > 65535) throw new CliUsageError(`${ref.flag}: port ${match[3]} is out of range in ${text}`, ref.command);
  return text.trim();
}

/**
 * A User-to-User value (RFC 7433 §4.1): hex data, optionally with
 * parameters (`04434153452D3230343831;encoding=hex;purpose=isdn-uui`).
 *
 * @param ref - command and flag, for the message
 * @param text - the flag's value
 */
export function uuiValue(ref: FlagRef, text: string): UuiData {
  try {
    return parseUui(text);
  } catch (e) {
    fail(ref, `${(e as Error).message} (expected hex octets like 04434153452D3230343831, RFC 7433)`);
  }
}
