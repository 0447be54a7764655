/**
 * Telling RTP from RTCP (and from anything else) on a media port, so that the
 * impairment can apply to RTP only: RFC 7983 §7 (first byte 128..191 is
 * RTP/RTCP) and RFC 5761 §4 (on a multiplexed port, a second byte of 192..223
 * is an RTCP packet type, 200-204 in practice; anything else is RTP with its
 * marker bit and payload type).
 */

/** What a datagram on a media port is. */
export type MediaDatagramKind = 'rtp' | 'rtcp' | 'other';

/** Classifies one datagram (RFC 7983 §7, RFC 5761 §4). */
export function classifyMediaDatagram(datagram: Uint8Array): MediaDatagramKind {
  if (datagram.length < 8) return 'other';
  const b0 = datagram[0]!;
  if (b0 < 128 || b0 > 191) return 'other'; // STUN, DTLS, ZRTP...: RFC 7983 §7
  const b1 = datagram[1]!;
  return b1 >= 192 && b1 <= 223 ? 'rtcp' : 'rtp';
}
