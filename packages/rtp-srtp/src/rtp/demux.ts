import { requireBytes } from '../arguments.js';

/**
 * Tells RTCP from RTP on a shared port (rtcp-mux, RFC 5761 §4): the second octet of RTCP is a
 * packet type in 192..223 (200–204 in practice), which as an RTP marker+payload-type octet would
 * mean payload types 64..95, excluded from dynamic use for that reason.
 */
export function isRtcpPacket(buf: Uint8Array): boolean {
  requireBytes(buf, 'isRtcpPacket: buf');
  if (buf.length < 4 || (buf[0] ?? 0) >> 6 !== 2) return false;
  const pt = buf[1] ?? 0;
  return pt >= 192 && pt <= 223;
}
