/**
 * Reading an Opus packet's table-of-contents without decoding it (RFC 6716 §3.1): its duration
 * (RTP timestamps advance by it, RFC 7587 §4.2) and whether its first frame carries in-band FEC
 * (SILK LBRR data, RFC 6716 §4.2.4), so a receiver knows whether `decodeFec` can rebuild a loss.
 *
 * ```
 *  0 1 2 3 4 5 6 7
 * +-+-+-+-+-+-+-+-+
 * | config  |s| c |   config: mode, bandwidth, frame size (Table 2); s: stereo; c: frame count code
 * +-+-+-+-+-+-+-+-+
 * ```
 *
 * @module
 */
import { OpusError } from './errors.js';

/** RFC 6716 §3.1 Table 2: frame duration of each config, in 48 kHz samples. */
const FRAME_SAMPLES_48K = Uint16Array.from({ length: 32 }, (_, config) => {
  if (config < 12) return [480, 960, 1920, 2880][config & 3]!; // SILK-only: 10, 20, 40, 60 ms
  if (config < 16) return [480, 960][config & 1]!; // Hybrid: 10, 20 ms
  return [120, 240, 480, 960][config & 3]!; // CELT-only: 2.5, 5, 10, 20 ms
});

/**
 * Audio in one Opus packet, in samples at `sampleRate` (48000, the RTP clock, by default).
 *
 * @param packet - one Opus packet (an RTP payload, RFC 7587 §4.2)
 * @param sampleRate - the rate to count in (any rate Opus decodes at divides 48000)
 * @throws OpusError `OPUS_INVALID_PACKET` when the TOC is missing, a code 3 packet has no frame count, or it exceeds 120 ms
 */
export function opusPacketSamples(packet: Uint8Array, sampleRate = 48000): number {
  const toc = packet[0];
  if (toc === undefined) throw new OpusError('OPUS_INVALID_PACKET', 'an Opus packet has at least its TOC octet (RFC 6716 §3.1)');
  let frames: number;
  switch (toc & 3) {
    case 0:
      frames = 1;
      break;
    case 3: {
      const count = packet[1]; // RFC 6716 §3.2.5: the frame count octet
      if (count === undefined || (count & 0x3f) === 0) throw new OpusError('OPUS_INVALID_PACKET', 'a code 3 Opus packet needs a frame count of 1..48 (RFC 6716 §3.2.5)');
      frames = count & 0x3f;
      break;
    }
    default:
      frames = 2; // codes 1 and 2 (§3.2.2, §3.2.3)
  }
  const samples48k = frames * FRAME_SAMPLES_48K[toc >> 3]!;
  // §3.2.5 (R5): a packet carries at most 120 ms.
  if (samples48k > 5760) throw new OpusError('OPUS_INVALID_PACKET', `an Opus packet carries at most 120 ms, this one ${samples48k / 48} ms (RFC 6716 §3.2.5)`);
  return (samples48k * sampleRate) / 48000;
}

/**
 * Whether the packet's first frame carries SILK in-band FEC (LBRR) for the frame before it.
 * The SILK header flags (RFC 6716 §4.2.3: one VAD flag per 20 ms SILK frame, then the LBRR flag,
 * per channel) are range-coded with probability ½, which the range coder (§4.1) maps onto the
 * leading bits of the frame's first octet, so they are read from there. CELT-only packets never
 * carry FEC; for a code 3 packet (rare in RTP) this answers false.
 *
 * @param packet - one Opus packet
 */
export function opusPacketHasFec(packet: Uint8Array): boolean {
  const toc = packet[0];
  if (toc === undefined || toc >> 3 >= 16) return false; // CELT-only: no SILK layer
  const first = firstFrameOctet(packet, toc);
  if (first === undefined) return false;
  const silkFrames = Math.max(1, FRAME_SAMPLES_48K[toc >> 3]! / 960);
  // Mid (or mono) channel: VAD flags, then LBRR; a stereo packet repeats both for the side channel.
  let lbrr = (first >> (7 - silkFrames)) & 1;
  if ((toc & 4) !== 0) lbrr |= (first >> (6 - 2 * silkFrames)) & 1;
  return lbrr === 1;
}

/** The first octet of the first frame (codes 0–2, RFC 6716 §3.2.1–§3.2.3); undefined otherwise. */
function firstFrameOctet(packet: Uint8Array, toc: number): number | undefined {
  switch (toc & 3) {
    case 0:
    case 1:
      return packet[1];
    case 2: {
      const n = packet[1];
      if (n === undefined || n === 0) return undefined; // an empty first frame (DTX) has no SILK header
      return packet[n < 252 ? 2 : 3]; // §3.2.1: a one- or two-octet length precedes the first frame
    }
    default:
      return undefined;
  }
}
