import { RtpParseError } from '../rtp/errors.js';
import { readU32, writeU32 } from '../rtp/packet.js';
import {
  RtcpPacketType,
  type RtcpPacket,
  type RtcpReportBlock,
  type RtcpSdesChunk,
  type RtcpSdesItem,
} from './packet.js';
import { requireBytes } from '../arguments.js';

/** Options for {@link parseRtcp}. */
export interface ParseRtcpOptions {
  /** Most packets accepted in one compound packet; default 32. */
  readonly maxPackets?: number;
  /**
   * Require the first packet to be an SR or RR (RFC 3550 §A.2). Default true; set false to accept
   * reduced-size RTCP (RFC 5506).
   */
  readonly requireReportFirst?: boolean;
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });
const REPORT_BLOCK_SIZE = 24;

/**
 * Parses a compound RTCP packet with the validity checks of RFC 3550 §A.2: version 2 in every
 * packet, SR/RR first, padding only in the last packet, and the length fields adding up to the
 * datagram length exactly.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|   RC    |      PT       |            length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * @throws RtpParseError on malformed input
 */
export function parseRtcp(buf: Uint8Array, options: ParseRtcpOptions = {}): RtcpPacket[] {
  requireBytes(buf, 'parseRtcp: buf');
  const maxPackets = options.maxPackets ?? 32;
  if (!Number.isInteger(maxPackets) || maxPackets < 1) throw new RangeError('maxPackets must be a positive integer');
  const out: RtcpPacket[] = [];
  let offset = 0;
  if (buf.length < 4) throw new RtpParseError('RTP_TRUNCATED', 'RTCP packet shorter than its common header', 0);
  while (offset < buf.length) {
    if (out.length >= maxPackets) throw new RtpParseError('RTP_TOO_MANY_PACKETS', `more than ${maxPackets} packets in a compound packet`, offset);
    if (buf.length - offset < 4) throw new RtpParseError('RTP_TRUNCATED', 'trailing bytes shorter than an RTCP header', offset);
    const b0 = buf[offset] ?? 0;
    const pt = buf[offset + 1] ?? 0;
    if (b0 >> 6 !== 2) throw new RtpParseError('RTP_BAD_VERSION', `RTCP version ${b0 >> 6} is not 2`, offset);
    const size = ((((buf[offset + 2] ?? 0) << 8) | (buf[offset + 3] ?? 0)) + 1) * 4;
    if (offset + size > buf.length) throw new RtpParseError('RTP_BAD_LENGTH', `RTCP length ${size} overruns the datagram`, offset);
    const last = offset + size === buf.length;
    if (out.length === 0 && (options.requireReportFirst ?? true) && pt !== RtcpPacketType.SR && pt !== RtcpPacketType.RR) {
      throw new RtpParseError('RTP_BAD_FIRST_PACKET', `compound RTCP must start with SR or RR, not ${pt}`, offset);
    }
    let end = offset + size;
    if ((b0 & 0x20) !== 0) {
      // §6.4.1/§A.2: only the last packet may be padded; the last octet is the padding count.
      if (!last) throw new RtpParseError('RTP_PADDING_NOT_LAST', 'padding bit set on a packet that is not last', offset);
      const pad = buf[end - 1] ?? 0;
      if (pad === 0 || pad > size - 4) throw new RtpParseError('RTP_BAD_PADDING', `padding count ${pad} is invalid`, end - 1);
      end -= pad;
    }
    out.push(parseOne(buf, offset, end, b0 & 0x1f, pt));
    offset += size;
  }
  return out;
}

function parseOne(buf: Uint8Array, start: number, end: number, count: number, pt: number): RtcpPacket {
  let o = start + 4;
  switch (pt) {
    case RtcpPacketType.SR: {
      if (end - o < 24 + count * REPORT_BLOCK_SIZE) throw new RtpParseError('RTP_BAD_REPORT_COUNT', `SR too short for ${count} report blocks`, start);
      const ssrc = readU32(buf, o);
      const ntpSeconds = readU32(buf, o + 4);
      const ntpFraction = readU32(buf, o + 8);
      const rtpTimestamp = readU32(buf, o + 12);
      const packetCount = readU32(buf, o + 16);
      const octetCount = readU32(buf, o + 20);
      o += 24;
      const reports = readReports(buf, o, count);
      o += count * REPORT_BLOCK_SIZE;
      return { type: 'sr', ssrc, ntpSeconds, ntpFraction, rtpTimestamp, packetCount, octetCount, reports, profileExtension: buf.subarray(o, end) };
    }
    case RtcpPacketType.RR: {
      if (end - o < 4 + count * REPORT_BLOCK_SIZE) throw new RtpParseError('RTP_BAD_REPORT_COUNT', `RR too short for ${count} report blocks`, start);
      const ssrc = readU32(buf, o);
      o += 4;
      const reports = readReports(buf, o, count);
      o += count * REPORT_BLOCK_SIZE;
      return { type: 'rr', ssrc, reports, profileExtension: buf.subarray(o, end) };
    }
    case RtcpPacketType.SDES: {
      const chunks: RtcpSdesChunk[] = [];
      for (let c = 0; c < count; c++) {
        if (end - o < 4) throw new RtpParseError('RTP_BAD_SDES', 'SDES chunk truncated', o);
        const ssrc = readU32(buf, o);
        o += 4;
        const items: RtcpSdesItem[] = [];
        for (;;) {
          if (o >= end) throw new RtpParseError('RTP_BAD_SDES', 'SDES item list not terminated', o);
          const type = buf[o] ?? 0;
          if (type === 0) {
            // §6.5: a null octet ends the list, then null octets up to the next 32-bit boundary.
            o = start + (((o - start) >> 2) + 1) * 4;
            if (o > end) throw new RtpParseError('RTP_BAD_SDES', 'SDES chunk padding overruns the packet', o);
            break;
          }
          if (end - o < 2) throw new RtpParseError('RTP_BAD_SDES', 'SDES item length missing', o);
          const len = buf[o + 1] ?? 0;
          if (o + 2 + len > end) throw new RtpParseError('RTP_BAD_SDES', 'SDES item overruns the packet', o);
          items.push({ type, text: utf8Decoder.decode(buf.subarray(o + 2, o + 2 + len)) });
          o += 2 + len;
        }
        chunks.push({ ssrc, items });
      }
      return { type: 'sdes', chunks };
    }
    case RtcpPacketType.BYE: {
      if (end - o < count * 4) throw new RtpParseError('RTP_BAD_BYE', `BYE too short for ${count} sources`, start);
      const ssrcs: number[] = [];
      for (let i = 0; i < count; i++, o += 4) ssrcs.push(readU32(buf, o));
      if (o < end) {
        // §6.6: optional length-prefixed reason, padded to 32 bits.
        const len = buf[o] ?? 0;
        if (o + 1 + len > end) throw new RtpParseError('RTP_BAD_BYE', 'BYE reason overruns the packet', o);
        if (len > 0) return { type: 'bye', ssrcs, reason: utf8Decoder.decode(buf.subarray(o + 1, o + 1 + len)) };
      }
      return { type: 'bye', ssrcs };
    }
    case RtcpPacketType.APP: {
      if (end - o < 8) throw new RtpParseError('RTP_BAD_APP', 'APP packet shorter than SSRC and name', start);
      const ssrc = readU32(buf, o);
      const name = String.fromCharCode(buf[o + 4] ?? 0, buf[o + 5] ?? 0, buf[o + 6] ?? 0, buf[o + 7] ?? 0);
      return { type: 'app', subtype: count, ssrc, name, data: buf.subarray(o + 8, end) };
    }
    default:
      return { type: 'unknown', packetType: pt, count, body: buf.subarray(o, end) };
  }
}

function readReports(buf: Uint8Array, o: number, count: number): RtcpReportBlock[] {
  const reports: RtcpReportBlock[] = [];
  for (let i = 0; i < count; i++, o += REPORT_BLOCK_SIZE) {
    const lostWord = readU32(buf, o + 4);
    const raw = lostWord & 0xffffff;
    reports.push({
      ssrc: readU32(buf, o),
      fractionLost: lostWord >>> 24,
      // 24-bit two's complement (§6.4.1: may be negative when duplicates arrive).
      cumulativeLost: raw & 0x800000 ? raw - 0x1000000 : raw,
      highestSequence: readU32(buf, o + 8),
      jitter: readU32(buf, o + 12),
      lastSr: readU32(buf, o + 16),
      delaySinceLastSr: readU32(buf, o + 20),
    });
  }
  return reports;
}

/** Size in bytes of one RTCP packet once serialized (always a multiple of 4). */
export function rtcpPacketSize(p: RtcpPacket): number {
  switch (p.type) {
    case 'sr':
      return 28 + p.reports.length * REPORT_BLOCK_SIZE + p.profileExtension.length;
    case 'rr':
      return 8 + p.reports.length * REPORT_BLOCK_SIZE + p.profileExtension.length;
    case 'sdes': {
      let n = 4;
      for (const c of p.chunks) {
        let k = 4;
        for (const it of c.items) k += 2 + utf8.encode(it.text).length;
        n += (k + 4) & ~3; // at least one null octet, then pad to 32 bits
      }
      return n;
    }
    case 'bye': {
      let n = 4 + p.ssrcs.length * 4;
      if (p.reason !== undefined && p.reason.length > 0) n += (1 + utf8.encode(p.reason).length + 3) & ~3;
      return n;
    }
    case 'app':
      return 12 + p.data.length;
    case 'unknown':
      return 4 + p.body.length;
  }
}

/** Size in bytes of a compound packet made of `packets`. */
export function rtcpCompoundSize(packets: readonly RtcpPacket[]): number {
  let n = 0;
  for (const p of packets) n += rtcpPacketSize(p);
  return n;
}

/**
 * Writes the compound packet into `buf` at `offset`; returns bytes written.
 *
 * @throws RangeError for out-of-range fields, too-long texts, or a buffer that is too small
 */
export function marshalRtcpTo(packets: readonly RtcpPacket[], buf: Uint8Array, offset = 0): number {
  const size = rtcpCompoundSize(packets);
  if (!Number.isInteger(offset) || offset < 0 || offset + size > buf.length) {
    throw new RangeError(`RTCP compound packet needs ${size} bytes at offset ${offset}, buffer has ${buf.length}`);
  }
  let o = offset;
  for (const p of packets) o += writeOne(p, buf, o);
  return o - offset;
}

/** Convenience: serializes a compound packet into a new buffer. */
export function serializeRtcp(packets: readonly RtcpPacket[]): Uint8Array {
  const out = new Uint8Array(rtcpCompoundSize(packets));
  marshalRtcpTo(packets, out, 0);
  return out;
}

function writeHeader(buf: Uint8Array, o: number, count: number, pt: number, size: number): void {
  if (count > 31) throw new RangeError(`count ${count} does not fit the 5-bit field`);
  buf[o] = 0x80 | count;
  buf[o + 1] = pt;
  const words = size / 4 - 1;
  if (words > 0xffff) throw new RangeError('RTCP packet too long for its length field');
  buf[o + 2] = words >> 8;
  buf[o + 3] = words & 0xff;
}

function writeOne(p: RtcpPacket, buf: Uint8Array, start: number): number {
  const size = rtcpPacketSize(p);
  let o = start + 4;
  switch (p.type) {
    case 'sr':
    case 'rr':
      if (p.profileExtension.length % 4 !== 0) throw new RangeError('profile extension must be a multiple of 4 bytes');
      writeHeader(buf, start, p.reports.length, p.type === 'sr' ? RtcpPacketType.SR : RtcpPacketType.RR, size);
      writeU32(buf, o, u32(p.ssrc, 'ssrc'));
      o += 4;
      if (p.type === 'sr') {
        writeU32(buf, o, u32(p.ntpSeconds, 'ntpSeconds'));
        writeU32(buf, o + 4, u32(p.ntpFraction, 'ntpFraction'));
        writeU32(buf, o + 8, u32(p.rtpTimestamp, 'rtpTimestamp'));
        writeU32(buf, o + 12, u32(p.packetCount, 'packetCount'));
        writeU32(buf, o + 16, u32(p.octetCount, 'octetCount'));
        o += 20;
      }
      for (const r of p.reports) {
        writeU32(buf, o, u32(r.ssrc, 'ssrc'));
        if (!Number.isInteger(r.fractionLost) || r.fractionLost < 0 || r.fractionLost > 255) throw new RangeError('fractionLost outside 0..255');
        if (!Number.isInteger(r.cumulativeLost) || r.cumulativeLost < -0x800000 || r.cumulativeLost > 0x7fffff) throw new RangeError('cumulativeLost outside signed 24 bits');
        writeU32(buf, o + 4, ((r.fractionLost << 24) | (r.cumulativeLost & 0xffffff)) >>> 0);
        writeU32(buf, o + 8, u32(r.highestSequence, 'highestSequence'));
        writeU32(buf, o + 12, u32(r.jitter, 'jitter'));
        writeU32(buf, o + 16, u32(r.lastSr, 'lastSr'));
        writeU32(buf, o + 20, u32(r.delaySinceLastSr, 'delaySinceLastSr'));
        o += REPORT_BLOCK_SIZE;
      }
      buf.set(p.profileExtension, o);
      return size;
    case 'sdes':
      writeHeader(buf, start, p.chunks.length, RtcpPacketType.SDES, size);
      for (const c of p.chunks) {
        const chunkStart = o;
        writeU32(buf, o, u32(c.ssrc, 'ssrc'));
        o += 4;
        for (const it of c.items) {
          if (!Number.isInteger(it.type) || it.type < 1 || it.type > 255) throw new RangeError('SDES item type outside 1..255');
          const text = utf8.encode(it.text);
          if (text.length > 255) throw new RangeError('SDES item text longer than 255 bytes');
          buf[o] = it.type;
          buf[o + 1] = text.length;
          buf.set(text, o + 2);
          o += 2 + text.length;
        }
        const chunkEnd = chunkStart + (((o - chunkStart) + 4) & ~3);
        buf.fill(0, o, chunkEnd);
        o = chunkEnd;
      }
      return size;
    case 'bye':
      writeHeader(buf, start, p.ssrcs.length, RtcpPacketType.BYE, size);
      for (const s of p.ssrcs) {
        writeU32(buf, o, u32(s, 'ssrc'));
        o += 4;
      }
      if (p.reason !== undefined && p.reason.length > 0) {
        const text = utf8.encode(p.reason);
        if (text.length > 255) throw new RangeError('BYE reason longer than 255 bytes');
        buf[o] = text.length;
        buf.set(text, o + 1);
        buf.fill(0, o + 1 + text.length, start + size);
      }
      return size;
    case 'app': {
      if (!Number.isInteger(p.subtype) || p.subtype < 0 || p.subtype > 31) throw new RangeError('APP subtype outside 0..31');
      if (p.name.length !== 4 || !/^[\x20-\x7e]{4}$/.test(p.name)) throw new RangeError('APP name must be 4 printable ASCII characters');
      if (p.data.length % 4 !== 0) throw new RangeError('APP data must be a multiple of 4 bytes');
      writeHeader(buf, start, p.subtype, RtcpPacketType.APP, size);
      writeU32(buf, o, u32(p.ssrc, 'ssrc'));
      for (let i = 0; i < 4; i++) buf[o + 4 + i] = p.name.charCodeAt(i);
      buf.set(p.data, o + 8);
      return size;
    }
    case 'unknown':
      if (p.body.length % 4 !== 0) throw new RangeError('unknown packet body must be a multiple of 4 bytes');
      if (!Number.isInteger(p.packetType) || p.packetType < 0 || p.packetType > 255) throw new RangeError('packetType outside 0..255');
      if (!Number.isInteger(p.count) || p.count < 0 || p.count > 31) throw new RangeError('count outside 0..31');
      writeHeader(buf, start, p.count, p.packetType, size);
      buf.set(p.body, o);
      return size;
  }
}

function u32(v: number, name: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`${name} ${v} outside uint32`);
  return v;
}
