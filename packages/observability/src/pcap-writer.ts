/**
 * A pcap writer for SIP: each message as an IPv4/IPv6 + UDP or TCP packet
 * in a classic libpcap file (LINKTYPE_RAW), so traces open in Wireshark,
 * tshark and sngrep. TLS is written as TCP carrying the decrypted SIP.
 *
 * @module
 */
import type { Writable } from 'node:stream';
import { closeOutput, openOutput, type Output } from './output-stream.js';
import { ipAddressBytes, type SipPacket } from './sip-packet.js';

/** LINKTYPE_RAW: each record starts with an IPv4 or IPv6 header (tcpdump.org link-layer types). */
const LINKTYPE_RAW = 101;
/** Largest record kept; longer messages are truncated in the file (orig_len says how long). */
const SNAPLEN = 262_144;

/** RFC 1071 Internet checksum over `parts`, folded to 16 bits and complemented. */
function internetChecksum(parts: readonly Uint8Array[]): number {
  let sum = 0;
  let odd: number | null = null;
  for (const p of parts) {
    for (const byte of p) {
      if (odd === null) odd = byte;
      else {
        sum += (odd << 8) | byte;
        odd = null;
      }
    }
  }
  if (odd !== null) sum += odd << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/**
 * One SIP message as a raw IP packet: IPv4 (RFC 791) or IPv6 (RFC 8200) with
 * UDP (RFC 768) or TCP (RFC 9293, PSH|ACK, `seq`/`ack` as given) and valid checksums.
 */
export function ipPacket(p: SipPacket, seq = 0, ack = 0): Uint8Array {
  const src = ipAddressBytes(p.srcAddress);
  const dst = ipAddressBytes(p.dstAddress);
  if (src.length !== dst.length) throw new TypeError('source and destination must be the same IP family');
  const tcp = p.protocol !== 'udp';
  const l4 = new Uint8Array((tcp ? 20 : 8) + p.payload.length);
  const v = new DataView(l4.buffer);
  v.setUint16(0, p.srcPort);
  v.setUint16(2, p.dstPort);
  if (tcp) {
    v.setUint32(4, seq >>> 0);
    v.setUint32(8, ack >>> 0);
    l4[12] = 5 << 4; // data offset: 5 words, no options
    l4[13] = 0x18; // PSH | ACK
    v.setUint16(14, 65535);
  } else {
    v.setUint16(4, l4.length);
  }
  l4.set(p.payload, tcp ? 20 : 8);
  const proto = tcp ? 6 : 17;
  // Pseudo-header: RFC 768 / RFC 9293 §3.1 (IPv4), RFC 8200 §8.1 (IPv6).
  const pseudo = new Uint8Array(src.length === 4 ? 12 : 40);
  const pv = new DataView(pseudo.buffer);
  pseudo.set(src, 0);
  pseudo.set(dst, src.length);
  if (src.length === 4) {
    pseudo[9] = proto;
    pv.setUint16(10, l4.length);
  } else {
    pv.setUint32(32, l4.length);
    pseudo[39] = proto;
  }
  const sum = internetChecksum([pseudo, l4]);
  v.setUint16(tcp ? 16 : 6, !tcp && sum === 0 ? 0xffff : sum);
  if (src.length === 4) {
    const ip = new Uint8Array(20 + l4.length);
    const iv = new DataView(ip.buffer);
    ip[0] = 0x45;
    iv.setUint16(2, ip.length);
    iv.setUint16(6, 0x4000); // DF
    ip[8] = 64;
    ip[9] = proto;
    ip.set(src, 12);
    ip.set(dst, 16);
    iv.setUint16(10, internetChecksum([ip.subarray(0, 20)]));
    ip.set(l4, 20);
    return ip;
  }
  const ip = new Uint8Array(40 + l4.length);
  const iv = new DataView(ip.buffer);
  iv.setUint32(0, 0x60000000);
  iv.setUint16(4, l4.length);
  ip[6] = proto;
  ip[7] = 64;
  ip.set(src, 8);
  ip.set(dst, 24);
  ip.set(l4, 40);
  return ip;
}

/**
 * Writes SIP packets to a pcap file.
 *
 * @example
 * const pcap = new PcapWriter('trace.pcap');
 * const capture = new SipCapture([(p) => pcap.write(p)]);
 * const ua = await createUserAgent({ transports, trace: capture.trace });
 * capture.attach(ua);
 */
export class PcapWriter {
  readonly #output: Output;
  /** Next TCP sequence number per direction (`src>dst`), so a TCP stream reassembles. */
  readonly #seq = new Map<string, number>();
  #closed = false;

  /**
   * @param target - a file path (created or truncated) or a writable stream (not closed by {@link close})
   * @param onError - contained write errors. Default: ignored.
   */
  constructor(target: string | Writable, onError: (error: unknown) => void = () => {}) {
    this.#output = openOutput(target, onError, { append: false, allowStdout: false });
    const header = new DataView(new ArrayBuffer(24));
    header.setUint32(0, 0xa1b2c3d4, true);
    header.setUint16(4, 2, true);
    header.setUint16(6, 4, true);
    header.setUint32(16, SNAPLEN, true);
    header.setUint32(20, LINKTYPE_RAW, true);
    this.#output.out.write(new Uint8Array(header.buffer));
  }

  /** Appends one packet. Ignored after {@link close}. */
  write(p: SipPacket): void {
    if (this.#closed) return;
    let seq = 0;
    let ack = 0;
    if (p.protocol !== 'udp') {
      const fwd = `${p.srcAddress}:${p.srcPort}>${p.dstAddress}:${p.dstPort}`;
      const back = `${p.dstAddress}:${p.dstPort}>${p.srcAddress}:${p.srcPort}`;
      seq = this.#seq.get(fwd) ?? 1;
      ack = this.#seq.get(back) ?? 1;
      this.#seq.set(fwd, (seq + p.payload.length) >>> 0);
    }
    const packet = ipPacket(p, seq, ack);
    const kept = Math.min(packet.length, SNAPLEN);
    const record = new Uint8Array(16 + kept);
    const rv = new DataView(record.buffer);
    const micros = Math.round(p.timestamp * 1000);
    rv.setUint32(0, Math.floor(micros / 1e6), true);
    rv.setUint32(4, micros % 1e6, true);
    rv.setUint32(8, kept, true);
    rv.setUint32(12, packet.length, true);
    record.set(packet.subarray(0, kept), 16);
    this.#output.out.write(record);
  }

  /** Flushes and closes a file target. Idempotent. */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    return closeOutput(this.#output);
  }
}
