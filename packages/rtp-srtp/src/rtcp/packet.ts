/**
 * RTCP packet types of RFC 3550 §6.4–§6.7, plus passthrough for types this package does not
 * interpret (RFC 4585 feedback, RFC 3611 XR, ...).
 */

/** A reception report block (RFC 3550 §6.4.1), 24 bytes on the wire. */
export interface RtcpReportBlock {
  /** SSRC of the source this block reports on. */
  readonly ssrc: number;
  /** Fraction lost since the previous report, as a fixed-point number with the point at the left (0..255). */
  readonly fractionLost: number;
  /** Cumulative number of packets lost, a signed 24-bit value (duplicates can make it negative). */
  readonly cumulativeLost: number;
  /** Extended highest sequence number received (cycles << 16 | max seq). */
  readonly highestSequence: number;
  /** Interarrival jitter in timestamp units (RFC 3550 §6.4.1, §A.8). */
  readonly jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR received from this source, 0 if none. */
  readonly lastSr: number;
  /** Delay since that SR was received, in units of 1/65536 s. */
  readonly delaySinceLastSr: number;
}

/** Sender report, PT=200 (RFC 3550 §6.4.1). */
export interface RtcpSenderReport {
  /** Discriminant. */
  readonly type: 'sr';
  /** SSRC of the sender. */
  readonly ssrc: number;
  /** Most significant word of the 64-bit NTP timestamp (seconds since 1900). */
  readonly ntpSeconds: number;
  /** Least significant word of the NTP timestamp (fraction of a second, 2^-32 units). */
  readonly ntpFraction: number;
  /** RTP timestamp corresponding to the NTP timestamp. */
  readonly rtpTimestamp: number;
  /** Sender's packet count. */
  readonly packetCount: number;
  /** Sender's payload octet count. */
  readonly octetCount: number;
  /** Up to 31 report blocks. */
  readonly reports: readonly RtcpReportBlock[];
  /** Profile-specific extension (multiple of 4 bytes), usually empty. */
  readonly profileExtension: Uint8Array;
}

/** Receiver report, PT=201 (RFC 3550 §6.4.2). */
export interface RtcpReceiverReport {
  /** Discriminant. */
  readonly type: 'rr';
  /** SSRC of the packet sender. */
  readonly ssrc: number;
  /** Up to 31 report blocks. */
  readonly reports: readonly RtcpReportBlock[];
  /** Profile-specific extension (multiple of 4 bytes), usually empty. */
  readonly profileExtension: Uint8Array;
}

/** SDES item types (RFC 3550 §6.5). */
export const SdesItemType = {
  CNAME: 1,
  NAME: 2,
  EMAIL: 3,
  PHONE: 4,
  LOC: 5,
  TOOL: 6,
  NOTE: 7,
  PRIV: 8,
} as const;

/** One SDES item: type and UTF-8 text of at most 255 bytes (RFC 3550 §6.5). */
export interface RtcpSdesItem {
  /** Item type, 1..255 (0 is the list terminator). */
  readonly type: number;
  /** Item text. */
  readonly text: string;
}

/** One SDES chunk: a source and its items. */
export interface RtcpSdesChunk {
  /** SSRC or CSRC the items describe. */
  readonly ssrc: number;
  /** Items, CNAME first by convention (RFC 3550 §6.5.1). */
  readonly items: readonly RtcpSdesItem[];
}

/** Source description, PT=202 (RFC 3550 §6.5). */
export interface RtcpSourceDescription {
  /** Discriminant. */
  readonly type: 'sdes';
  /** Up to 31 chunks. */
  readonly chunks: readonly RtcpSdesChunk[];
}

/** Goodbye, PT=203 (RFC 3550 §6.6). */
export interface RtcpGoodbye {
  /** Discriminant. */
  readonly type: 'bye';
  /** Up to 31 sources leaving. */
  readonly ssrcs: readonly number[];
  /** Optional reason for leaving (at most 255 UTF-8 bytes). */
  readonly reason?: string;
}

/** Application-defined, PT=204 (RFC 3550 §6.7), passed through. */
export interface RtcpApplicationDefined {
  /** Discriminant. */
  readonly type: 'app';
  /** 5-bit subtype. */
  readonly subtype: number;
  /** SSRC/CSRC. */
  readonly ssrc: number;
  /** Four ASCII characters. */
  readonly name: string;
  /** Application data, a multiple of 4 bytes. */
  readonly data: Uint8Array;
}

/** Any other packet type, kept as its header fields and raw body (a view). */
export interface RtcpUnknownPacket {
  /** Discriminant. */
  readonly type: 'unknown';
  /** 8-bit packet type. */
  readonly packetType: number;
  /** 5-bit count/format field. */
  readonly count: number;
  /** Body after the 4-byte common header, a multiple of 4 bytes. */
  readonly body: Uint8Array;
}

/** Any RTCP packet inside a compound packet. */
export type RtcpPacket =
  | RtcpSenderReport
  | RtcpReceiverReport
  | RtcpSourceDescription
  | RtcpGoodbye
  | RtcpApplicationDefined
  | RtcpUnknownPacket;

/** RTCP packet type numbers (RFC 3550 §12.1). */
export const RtcpPacketType = {
  SR: 200,
  RR: 201,
  SDES: 202,
  BYE: 203,
  APP: 204,
} as const;
