/**
 * Opus (RFC 6716; RTP payload RFC 7587) through libopus compiled to WebAssembly: no native code.
 *
 * @module
 */
export { loadOpus, isOpusLoaded } from './runtime.js';
export { OpusEncoder, type OpusEncoderOptions } from './encoder.js';
export { OpusDecoder, type OpusDecoderOptions } from './decoder.js';
export { opusPacketSamples, opusPacketHasFec } from './packet.js';
export { OpusError, type OpusErrorCode } from './errors.js';
export { OPUS_RTP_CLOCK_RATE, OPUS_MAX_FRAME_BYTES, OPUS_MAX_PACKET_MS, OPUS_MIN_BITRATE, OPUS_MAX_BITRATE, type OpusSampleRate } from './constants.js';
