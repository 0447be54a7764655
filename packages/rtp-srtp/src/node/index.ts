/**
 * @trunkline/rtp-srtp/node — the Node adapters: UDP media sockets and their port allocator,
 * the real-time pacer driver and the RTCP session that runs on real timers. Everything else is in
 * `@trunkline/rtp-srtp/core`; the package root exports both.
 *
 * @packageDocumentation
 */

export { RealtimePacer, type RealtimePacerOptions, type PacerTimers } from './realtime-pacer.js';
export {
  PortAllocator,
  PortRangeExhaustedError,
  type PortAllocatorOptions,
  type RtpSocketPair,
  type SocketBufferSizes,
} from './port-allocator.js';
export {
  MediaSocket,
  type MediaSocketOptions,
  type MediaSocketEvents,
  type MediaSocketCounters,
  type MediaDropReason,
  type MediaDropDetail,
  type MediaLatchPolicy,
} from './media-socket.js';
export { RtcpSession, type RtcpSessionOptions, type RtcpSessionEvents } from './rtcp-session.js';
