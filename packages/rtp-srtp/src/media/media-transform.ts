/**
 * A per-packet transform between the wire and this adapter, e.g. an SRTP context. `unprotect*`
 * must throw when a packet fails authentication or replay checks; the packet is then dropped and
 * never moves the symmetric-RTP latch.
 */
export interface MediaTransform {
  /**
   * Plain RTP → wire bytes (e.g. SRTP). The input is a reused scratch view: return a new buffer,
   * since the socket keeps it until the datagram is sent.
   */
  protectRtp(packet: Uint8Array): Uint8Array;
  /** Wire bytes → plain RTP; throws on authentication failure. */
  unprotectRtp(packet: Uint8Array): Uint8Array;
  /** Plain RTCP → wire bytes (e.g. SRTCP); same ownership rule as {@link MediaTransform.protectRtp}. */
  protectRtcp(packet: Uint8Array): Uint8Array;
  /** Wire bytes → plain RTCP; throws on authentication failure. */
  unprotectRtcp(packet: Uint8Array): Uint8Array;
}
