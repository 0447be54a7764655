/**
 * @trunkline/rtp-srtp — RTP/RTCP, SRTP/SRTCP with SDES keys, RFC 4733 DTMF, jitter buffer,
 * call-quality stats, and the Node media socket.
 *
 * @packageDocumentation
 */

// The sans-I/O core (also `@trunkline/rtp-srtp/core`) and the Node adapters (also `@trunkline/rtp-srtp/node`).
export * from './core.js';
export * from './node/index.js';
