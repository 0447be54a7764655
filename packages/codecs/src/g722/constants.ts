/**
 * G.722 framing facts for RTP (RFC 3551 §4.5.2).
 *
 * @module
 */

/** G.722 audio sampling rate: 16 kHz. */
export const G722_SAMPLE_RATE = 16000;

/**
 * RTP clock rate of G.722: 8000, although the audio is sampled at 16 kHz
 * (RFC 3551 §4.5.2 keeps the value of the original RFC 1890 by mistake and
 * every implementation follows it): timestamps advance 160 per 20 ms.
 */
export const G722_RTP_CLOCK_RATE = 8000;

/** Static RTP payload type of G.722 (RFC 3551 §6, Table 4). */
export const G722_PAYLOAD_TYPE = 9;
