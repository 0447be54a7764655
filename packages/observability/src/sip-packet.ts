/**
 * One captured SIP message with its addresses, as the pcap writer and the
 * HEP exporter take it; built from the user agent's `trace` hook.
 *
 * @module
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { UserAgentAddress } from '@trunkline/user-agent';

/** A SIP message as it crossed the wire (TLS: the decrypted bytes). */
export interface SipPacket {
  /** Capture time, ms since the epoch (fractions allowed). */
  readonly timestamp: number;
  readonly protocol: 'udp' | 'tcp' | 'tls';
  readonly srcAddress: string;
  readonly srcPort: number;
  readonly dstAddress: string;
  readonly dstPort: number;
  /** The SIP message bytes. */
  readonly payload: Uint8Array;
}

/** The user agent's `trace` hook event (structurally: `TransportTraceEvent` of the transaction layer). */
export interface SipTraceEvent {
  readonly direction: 'in' | 'out';
  /** The peer's end of the flow. */
  readonly flow: { readonly protocol: string; readonly address: string; readonly port: number };
  readonly bytes: Uint8Array;
}

/**
 * The packet of one trace event: the peer is `flow`, our end is the
 * listener of the same protocol in `local` (the user agent's `addresses`).
 * Null for a protocol not captured (WebSocket) or before the listeners are known.
 */
export function packetOfTrace(event: SipTraceEvent, local: readonly UserAgentAddress[], now: number = Date.now()): SipPacket | null {
  const protocol = event.flow.protocol;
  if (protocol !== 'udp' && protocol !== 'tcp' && protocol !== 'tls') return null;
  const ours = local.find((a) => a.protocol === protocol);
  if (ours === undefined) return null;
  const peer = { address: event.flow.address, port: event.flow.port };
  // A wildcard listener (0.0.0.0, ::) is written as it is: which local address the kernel chose is not traced.
  const here = { address: ours.address, port: ours.port };
  const [src, dst] = event.direction === 'in' ? [peer, here] : [here, peer];
  // The trace's bytes must not be kept: copy them.
  return { timestamp: now, protocol, srcAddress: src.address, srcPort: src.port, dstAddress: dst.address, dstPort: dst.port, payload: Uint8Array.from(event.bytes) };
}

/** The 4 or 16 octets of an IPv4 or IPv6 address in text form. */
export function ipAddressBytes(address: string): Uint8Array {
  if (isIPv4(address)) return Uint8Array.from(address.split('.').map(Number));
  if (!isIPv6(address)) throw new TypeError(`not an IP address: ${JSON.stringify(address)}`);
  let text = address.split('%')[0]!;
  // RFC 4291 §2.2 form 3: a trailing dotted IPv4 becomes two hex groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted !== null) {
    const v4 = ipAddressBytes(dotted[1]!);
    text = `${text.slice(0, -dotted[1]!.length)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head === '' ? [] : head!.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
}
