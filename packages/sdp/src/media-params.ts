/** What the media layer gets from a peer's media description: where to send, and how often. */
import type { MediaEndpoint } from './negotiated-media.js';
import type { MediaDescription } from './session-description.js';

/** The packetisation time when the peer states none (RFC 3551 §4.5: 20 ms for G.711). */
export const DEFAULT_PTIME = 20;
/** The shortest packetisation time we send with (ms). */
export const MIN_PTIME = 10;
/** The longest packetisation time we send with (ms). */
export const MAX_PTIME = 200;

/**
 * The ptime we send with: the peer's `a=ptime` (what it wants to receive, RFC 8866 §6.4) when it is a
 * whole number of ms in 10..200, else 20; then no more than its `a=maxptime` (RFC 8866 §6.5), but not
 * under 10 ms.
 */
export function sendingPtime(peer: MediaDescription, fallback = DEFAULT_PTIME): number {
  const p = peer.ptime;
  let ptime = p !== undefined && Number.isInteger(p) && p >= MIN_PTIME && p <= MAX_PTIME ? p : fallback;
  if (peer.maxptime !== undefined) ptime = Math.max(MIN_PTIME, Math.min(ptime, Math.floor(peer.maxptime)));
  return ptime;
}

/** The peer's `a=maxptime` as a whole number of ms, or null. */
export function peerMaxptime(peer: MediaDescription): number | null {
  return peer.maxptime === undefined ? null : Math.floor(peer.maxptime);
}

/**
 * Where to send RTP and RTCP: the stream's `c=` and port; RTCP on the same port with rtcp-mux
 * (RFC 5761 §5.1.3), else at `a=rtcp` (RFC 3605 §2.1), else on the next port (RFC 3550 §11).
 */
export function remoteEndpoints(
  peer: MediaDescription,
  address: string,
  rtcpMux: boolean,
): { readonly rtp: MediaEndpoint; readonly rtcp: MediaEndpoint } {
  const rtp = { address, port: peer.port };
  if (rtcpMux) return { rtp, rtcp: rtp };
  if (peer.rtcp !== undefined) {
    return { rtp, rtcp: { address: peer.rtcp.connection?.literal === true ? peer.rtcp.connection.address : address, port: peer.rtcp.port } };
  }
  return { rtp, rtcp: { address, port: peer.port === 65535 ? peer.port : peer.port + 1 } };
}
