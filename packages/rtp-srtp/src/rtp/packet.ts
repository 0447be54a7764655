import { RtpParseError } from './errors.js';
import {
  headerExtensionBodySize,
  parseHeaderExtension,
  validateHeaderExtension,
  writeHeaderExtension,
  type RtpHeaderExtension,
} from './header-extension.js';
import { requireBytes } from '../arguments.js';

/**
 * An RTP data packet (RFC 3550 §5.1).
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                           timestamp                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           synchronization source (SSRC) identifier            |
 * +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * |            contributing source (CSRC) identifiers             |
 * |                             ....                              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface RtpPacket {
  /** M bit; for audio, the first packet of a talkspurt (RFC 3551 §4.1). */
  readonly marker: boolean;
  /** 7-bit payload type. */
  readonly payloadType: number;
  /** 16-bit sequence number. */
  readonly sequenceNumber: number;
  /** 32-bit media timestamp. */
  readonly timestamp: number;
  /** 32-bit synchronization source. */
  readonly ssrc: number;
  /** Up to 15 contributing sources. */
  readonly csrc: readonly number[];
  /** Header extension when the X bit is set (RFC 3550 §5.3.1, RFC 8285). */
  readonly extension?: RtpHeaderExtension | undefined;
  /** Payload; a view into the parsed datagram (not copied). */
  readonly payload: Uint8Array;
  /**
   * Number of padding octets at the end, including the count octet itself (RFC 3550 §5.1 P bit);
   * 0 means no padding.
   */
  readonly padding: number;
}

/** Fixed header length (RFC 3550 §5.1). */
export const RTP_HEADER_SIZE = 12;

/**
 * Parses one RTP packet. Every read is preceded by a length check; the returned payload, CSRC-free
 * extension data and element data are views into `buf` (zero-copy), so do not reuse `buf` while
 * holding the result.
 *
 * @throws RtpParseError on malformed input (codes TRUNCATED, BAD_VERSION, BAD_PADDING, BAD_EXTENSION)
 */
export function parseRtp(buf: Uint8Array): RtpPacket {
  requireBytes(buf, 'parseRtp: buf');
  if (buf.length < RTP_HEADER_SIZE) throw new RtpParseError('RTP_TRUNCATED', `RTP packet of ${buf.length} bytes is shorter than the fixed header`, 0);
  const b0 = buf[0] ?? 0;
  const b1 = buf[1] ?? 0;
  if (b0 >> 6 !== 2) throw new RtpParseError('RTP_BAD_VERSION', `RTP version ${b0 >> 6} is not 2`, 0);
  const hasPadding = (b0 & 0x20) !== 0;
  const hasExtension = (b0 & 0x10) !== 0;
  const cc = b0 & 0x0f;
  let offset = RTP_HEADER_SIZE;
  if (buf.length < offset + cc * 4) throw new RtpParseError('RTP_TRUNCATED', `CSRC list (${cc}) overruns the packet`, offset);
  const csrc: number[] = [];
  for (let i = 0; i < cc; i++, offset += 4) csrc.push(readU32(buf, offset));

  let end = buf.length;
  let padding = 0;
  if (hasPadding) {
    // §5.1: the last octet counts the padding octets including itself; A.1: it must fit after the header.
    padding = buf[end - 1] ?? 0;
    if (padding === 0 || padding > end - offset) {
      throw new RtpParseError('RTP_BAD_PADDING', `padding count ${padding} is invalid`, end - 1);
    }
    end -= padding;
  }

  let extension: RtpHeaderExtension | undefined;
  if (hasExtension) {
    // §5.3.1: 16-bit profile field, 16-bit length in 32-bit words, excluding this 4-byte header.
    if (end < offset + 4) throw new RtpParseError('RTP_TRUNCATED', 'header extension header overruns the packet', offset);
    const profile = ((buf[offset] ?? 0) << 8) | (buf[offset + 1] ?? 0);
    const words = ((buf[offset + 2] ?? 0) << 8) | (buf[offset + 3] ?? 0);
    const bodyStart = offset + 4;
    const bodyEnd = bodyStart + words * 4;
    if (bodyEnd > end) throw new RtpParseError('RTP_TRUNCATED', `header extension of ${words} words overruns the packet`, offset);
    extension = parseHeaderExtension(profile, buf.subarray(bodyStart, bodyEnd), bodyStart);
    offset = bodyEnd;
  }

  // One object shape whether or not an extension is present keeps consumers monomorphic.
  return {
    marker: (b1 & 0x80) !== 0,
    payloadType: b1 & 0x7f,
    sequenceNumber: ((buf[2] ?? 0) << 8) | (buf[3] ?? 0),
    timestamp: readU32(buf, 4),
    ssrc: readU32(buf, 8),
    csrc,
    extension,
    payload: buf.subarray(offset, end),
    padding,
  };
}

/** Bytes needed to serialize `p` (header, CSRCs, extension, payload, padding). */
export function rtpPacketSize(p: RtpPacket): number {
  let n = RTP_HEADER_SIZE + p.csrc.length * 4 + p.payload.length + p.padding;
  if (p.extension !== undefined) n += 4 + headerExtensionBodySize(p.extension);
  return n;
}

/**
 * Writes `p` into `buf` at `offset` without allocating; returns the number of bytes written.
 *
 * @throws RangeError if a field is out of range or `buf` is too small (API misuse)
 */
export function marshalRtpTo(p: RtpPacket, buf: Uint8Array, offset = 0): number {
  validateRtp(p);
  const size = rtpPacketSize(p);
  if (!Number.isInteger(offset) || offset < 0 || offset + size > buf.length) {
    throw new RangeError(`RTP packet needs ${size} bytes at offset ${offset}, buffer has ${buf.length}`);
  }
  const cc = p.csrc.length;
  buf[offset] = 0x80 | (p.padding > 0 ? 0x20 : 0) | (p.extension !== undefined ? 0x10 : 0) | cc;
  buf[offset + 1] = (p.marker ? 0x80 : 0) | p.payloadType;
  buf[offset + 2] = p.sequenceNumber >> 8;
  buf[offset + 3] = p.sequenceNumber & 0xff;
  writeU32(buf, offset + 4, p.timestamp);
  writeU32(buf, offset + 8, p.ssrc);
  let i = offset + RTP_HEADER_SIZE;
  for (const c of p.csrc) {
    writeU32(buf, i, c);
    i += 4;
  }
  if (p.extension !== undefined) i += writeHeaderExtension(p.extension, buf, i);
  buf.set(p.payload, i);
  i += p.payload.length;
  if (p.padding > 0) {
    buf.fill(0, i, i + p.padding - 1);
    buf[i + p.padding - 1] = p.padding;
    i += p.padding;
  }
  return i - offset;
}

/** Convenience: serializes `p` into a new buffer of exactly the right size. */
export function serializeRtp(p: RtpPacket): Uint8Array {
  const out = new Uint8Array(rtpPacketSize(p));
  marshalRtpTo(p, out, 0);
  return out;
}

function validateRtp(p: RtpPacket): void {
  if (!isUint(p.payloadType, 0x7f)) throw new RangeError(`payloadType ${p.payloadType} outside 0..127`);
  if (!isUint(p.sequenceNumber, 0xffff)) throw new RangeError(`sequenceNumber ${p.sequenceNumber} outside 0..65535`);
  if (!isUint(p.timestamp, 0xffffffff)) throw new RangeError(`timestamp ${p.timestamp} outside uint32`);
  if (!isUint(p.ssrc, 0xffffffff)) throw new RangeError(`ssrc ${p.ssrc} outside uint32`);
  if (p.csrc.length > 15) throw new RangeError(`${p.csrc.length} CSRCs; at most 15 fit the CC field`);
  for (const c of p.csrc) if (!isUint(c, 0xffffffff)) throw new RangeError(`csrc ${c} outside uint32`);
  if (!isUint(p.padding, 0xff)) throw new RangeError(`padding ${p.padding} outside 0..255`);
  if (p.extension !== undefined) validateHeaderExtension(p.extension);
}

function isUint(v: number, max: number): boolean {
  return Number.isInteger(v) && v >= 0 && v <= max;
}

/** Reads a big-endian uint32; caller has checked bounds. */
export function readU32(buf: Uint8Array, o: number): number {
  return (((buf[o] ?? 0) << 24) | ((buf[o + 1] ?? 0) << 16) | ((buf[o + 2] ?? 0) << 8) | (buf[o + 3] ?? 0)) >>> 0;
}

/** Writes a big-endian uint32; caller has checked bounds. */
export function writeU32(buf: Uint8Array, o: number, v: number): void {
  buf[o] = v >>> 24;
  buf[o + 1] = (v >>> 16) & 0xff;
  buf[o + 2] = (v >>> 8) & 0xff;
  buf[o + 3] = v & 0xff;
}
