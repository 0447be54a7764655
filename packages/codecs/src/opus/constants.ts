/** Opus constants from RFC 6716 and its RTP payload format, RFC 7587. */

/** RFC 7587 §4.1: the RTP clock of Opus is always 48000 Hz, whatever the audio bandwidth. */
export const OPUS_RTP_CLOCK_RATE = 48000;

/** The PCM rates the Opus wrapper runs at: wideband voice (16 kHz) or Opus's full rate (48 kHz). */
export type OpusSampleRate = 16000 | 48000;

/** RFC 6716 §3.2.1: no frame is longer than 1275 octets, so 20 ms never needs more. */
export const OPUS_MAX_FRAME_BYTES = 1275;

/** RFC 6716 §3.2.5: a packet holds at most 120 ms of audio. */
export const OPUS_MAX_PACKET_MS = 120;

/** RFC 7587 §7.1 `maxaveragebitrate`: 6000..510000 bit/s. */
export const OPUS_MIN_BITRATE = 6000;
/** Upper end of RFC 7587 §7.1 `maxaveragebitrate`. */
export const OPUS_MAX_BITRATE = 510000;

/** @internal Validates a PCM rate option. */
export function checkOpusRate(rate: unknown, what: string): OpusSampleRate {
  if (rate !== 16000 && rate !== 48000) throw new TypeError(`${what} must be 16000 or 48000, got ${String(rate)}`);
  return rate;
}
