/**
 * HEP v3 (the Homer Encapsulation Protocol, "EEP" v3) export of SIP
 * messages to a Homer/heplify collector over UDP.
 *
 * HEP v3 layout (all integers big-endian):
 *
 * ```
 *  0      4        6
 *  +------+--------+-----------------------------------------------+
 *  |"HEP3"| length |  chunk, chunk, ...                            |
 *  +------+--------+-----------------------------------------------+
 *  chunk: vendor id (u16, 0 = generic) | type (u16) | length (u16, incl. these 6) | value
 *  types: 1 IP family (u8: 2 IPv4, 10 IPv6)   2 IP protocol (u8: 17 UDP, 6 TCP)
 *         3/4 IPv4 src/dst (4 octets)          5/6 IPv6 src/dst (16 octets)
 *         7/8 src/dst port (u16)               9 time, seconds (u32)   10 microseconds (u32)
 *         11 protocol type (u8: 1 = SIP)       12 capture agent id (u32)
 *         14 authentication key (string)       15 payload (the SIP message)
 * ```
 *
 * @module
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { ipAddressBytes, type SipPacket } from './sip-packet.js';

/** HEP v3 chunk types (generic vendor 0) written by {@link encodeHep3}. */
export const HEP3_CHUNK = {
  ipFamily: 1,
  ipProtocol: 2,
  ipv4Src: 3,
  ipv4Dst: 4,
  ipv6Src: 5,
  ipv6Dst: 6,
  srcPort: 7,
  dstPort: 8,
  timeSeconds: 9,
  timeMicros: 10,
  protocolType: 11,
  captureId: 12,
  authKey: 14,
  payload: 15,
} as const;

/** Options of {@link encodeHep3}. */
export interface Hep3Options {
  /** Capture agent id (chunk 12), telling nodes apart in Homer. Default 0. */
  readonly captureId?: number;
  /** Authentication key (chunk 14), when the collector wants one. Default: none. */
  readonly authKey?: string;
}

/** One SIP packet as a HEP v3 datagram. */
export function encodeHep3(p: SipPacket, options: Hep3Options = {}): Uint8Array {
  const captureId = options.captureId ?? 0;
  if (!Number.isInteger(captureId) || captureId < 0 || captureId > 0xffffffff) throw new TypeError('options.captureId must be a 32-bit unsigned integer');
  const v6 = isIPv6(p.srcAddress);
  const chunks: Uint8Array[] = [];
  const chunk = (type: number, value: Uint8Array): void => {
    const c = new Uint8Array(6 + value.length);
    const v = new DataView(c.buffer);
    v.setUint16(2, type);
    v.setUint16(4, c.length);
    c.set(value, 6);
    chunks.push(c);
  };
  const u8 = (n: number): Uint8Array => Uint8Array.of(n);
  const u16 = (n: number): Uint8Array => Uint8Array.of(n >> 8, n & 0xff);
  const u32 = (n: number): Uint8Array => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, n >>> 0);
    return b;
  };
  const micros = Math.round(p.timestamp * 1000);
  chunk(HEP3_CHUNK.ipFamily, u8(v6 ? 10 : 2));
  chunk(HEP3_CHUNK.ipProtocol, u8(p.protocol === 'udp' ? 17 : 6));
  chunk(v6 ? HEP3_CHUNK.ipv6Src : HEP3_CHUNK.ipv4Src, ipAddressBytes(p.srcAddress));
  chunk(v6 ? HEP3_CHUNK.ipv6Dst : HEP3_CHUNK.ipv4Dst, ipAddressBytes(p.dstAddress));
  chunk(HEP3_CHUNK.srcPort, u16(p.srcPort));
  chunk(HEP3_CHUNK.dstPort, u16(p.dstPort));
  chunk(HEP3_CHUNK.timeSeconds, u32(Math.floor(micros / 1e6)));
  chunk(HEP3_CHUNK.timeMicros, u32(micros % 1e6));
  chunk(HEP3_CHUNK.protocolType, u8(1));
  chunk(HEP3_CHUNK.captureId, u32(captureId));
  if (options.authKey !== undefined) chunk(HEP3_CHUNK.authKey, new TextEncoder().encode(options.authKey));
  chunk(HEP3_CHUNK.payload, p.payload);
  const length = 6 + chunks.reduce((n, c) => n + c.length, 0);
  if (length > 0xffff) throw new RangeError(`HEP v3 packet of ${length} bytes exceeds its 16-bit length`);
  const out = new Uint8Array(length);
  out.set([0x48, 0x45, 0x50, 0x33], 0); // "HEP3"
  new DataView(out.buffer).setUint16(4, length);
  let at = 6;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Options of {@link HepExporter}. */
export interface HepExporterOptions extends Hep3Options {
  /** Collector address (Homer/heplify-server). */
  readonly host: string;
  /** Collector UDP port (Homer's default is 9060). */
  readonly port: number;
  /** Contained send errors (a collector being down must not affect calls). Default: ignored. */
  readonly onError?: (error: unknown) => void;
}

/** Sends each SIP packet as one HEP v3 datagram over UDP. */
export class HepExporter {
  readonly #socket: Socket;
  readonly #options: HepExporterOptions;
  #closed = false;

  /** @param options - collector address, capture id and key */
  constructor(options: HepExporterOptions) {
    if (typeof options.host !== 'string' || options.host.length === 0) throw new TypeError('options.host must be a host name or address');
    if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) throw new TypeError('options.port must be 1-65535');
    this.#options = options;
    this.#socket = createSocket(isIPv6(options.host) ? 'udp6' : 'udp4');
    this.#socket.unref();
    this.#socket.on('error', (e) => this.#report(e));
  }

  /** Sends one packet. Ignored after {@link close}. */
  send(p: SipPacket): void {
    if (this.#closed) return;
    try {
      this.#socket.send(encodeHep3(p, this.#options), this.#options.port, this.#options.host, (e) => {
        if (e) this.#report(e);
      });
    } catch (e) {
      this.#report(e);
    }
  }

  #report(e: unknown): void {
    try {
      this.#options.onError?.(e);
    } catch {
      // A throwing error hook must not break capture.
    }
  }

  /** Closes the socket. Idempotent. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }
}
