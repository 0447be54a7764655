import type { MediaTransform } from '../media/media-transform.js';
import type { SrtpContext } from './srtp-context.js';

/** The two SRTP contexts of one media stream. */
export interface SrtpTransformContexts {
  /** Protects what we send (our keys, the ones in our `a=crypto` line). */
  readonly outbound: SrtpContext;
  /** Unprotects what we receive (the peer's keys, from its `a=crypto` line). */
  readonly inbound: SrtpContext;
}

/**
 * Plugs SRTP/SRTCP into a {@link MediaSocket}: one context per direction, as
 * RFC 3711 §3.2.3 keeps a cryptographic context per (SSRC, direction) and
 * RFC 4568 §6.1 gives each side its own master key. Outgoing packets are
 * protected into a fresh buffer (the socket keeps it until sent); incoming
 * ones are unprotected in place in the datagram's buffer. An authentication or
 * replay failure throws, so the socket drops the packet without latching.
 */
export function srtpTransform({ outbound, inbound }: SrtpTransformContexts): MediaTransform {
  return {
    protectRtp: (packet) => outbound.protect(packet),
    unprotectRtp: (packet) => inbound.unprotect(packet, packet),
    protectRtcp: (packet) => outbound.protectRtcp(packet),
    unprotectRtcp: (packet) => inbound.unprotectRtcp(packet, packet),
  };
}
