/**
 * ITU-T G.722 64 kbit/s SB-ADPCM (RTP payload "G722", RFC 3551 §4.5.2).
 *
 * @module
 */
export { G722Encoder } from './encoder.js';
export { G722Decoder } from './decoder.js';
export { G722_SAMPLE_RATE, G722_RTP_CLOCK_RATE, G722_PAYLOAD_TYPE } from './constants.js';
