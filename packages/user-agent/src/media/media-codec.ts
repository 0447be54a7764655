/**
 * The codecs the media engine can run, behind one shape: name, RTP payload type, RTP clock rate,
 * audio rate, frame sizes, and encode/decode with their state (one instance per call and codec).
 *
 * The RTP clock rate (timestamps, jitter buffer, RFC 4733 durations) and the audio rate (the PCM the
 * codec consumes) differ for G.722: RFC 3551 §4.5.2 gives it clock 8000 for 16 kHz audio, so a
 * 20 ms frame is 320 samples, 160 octets, and 160 timestamp units.
 *
 * @module
 */
import { G722Decoder, G722Encoder, decodePcma, decodePcmu, encodePcma, encodePcmu } from '@trunkline/codecs';
import type { NegotiatedCodec } from '@trunkline/sdp';
import { CallMediaError } from './errors.js';

/** A codec name the media engine runs. */
export type MediaCodecName = 'PCMU' | 'PCMA' | 'G722';

/** The RTP clock rate of every codec the engine runs (RFC 3551 §4.5.2, §4.5.14). */
export const RTP_CLOCK_RATE = 8000;

/** One negotiated codec, ready to code one call's audio. */
export interface MediaCodec {
  readonly name: MediaCodecName;
  readonly payloadType: number;
  /** RTP clock rate (Hz). */
  readonly clockRate: number;
  /** Sampling rate of the PCM it encodes and decodes (Hz). */
  readonly audioRate: number;
  /** PCM samples for `rtpUnits` of RTP clock. */
  audioSamples(rtpUnits: number): number;
  /** PCM samples one payload of `bytes` octets decodes to. */
  decodedLength(bytes: number): number;
  /** Encodes one frame into `out` (at least the payload length). */
  encode(pcm: Int16Array, out: Uint8Array): Uint8Array;
  /** Decodes one payload into `out` (at least `decodedLength(bytes.length)`). */
  decode(bytes: Uint8Array, out: Int16Array): Int16Array;
}

function g711(name: 'PCMU' | 'PCMA', payloadType: number): MediaCodec {
  return {
    name,
    payloadType,
    clockRate: RTP_CLOCK_RATE,
    audioRate: 8000,
    audioSamples: (units) => units,
    decodedLength: (bytes) => bytes,
    encode: name === 'PCMU' ? encodePcmu : encodePcma,
    decode: name === 'PCMU' ? decodePcmu : decodePcma,
  };
}

function g722(payloadType: number): MediaCodec {
  // State per call and direction: the ADPCM loops must see one continuous stream.
  const encoder = new G722Encoder();
  const decoder = new G722Decoder();
  return {
    name: 'G722',
    payloadType,
    clockRate: RTP_CLOCK_RATE,
    audioRate: 16000,
    audioSamples: (units) => units * 2,
    decodedLength: (bytes) => bytes * 2,
    encode: (pcm, out) => encoder.encode(pcm, out),
    decode: (bytes, out) => decoder.decode(bytes, out),
  };
}

/**
 * A fresh codec instance for a negotiated codec.
 *
 * @throws CallMediaError `MEDIA_UNSUPPORTED_CODEC` (status hint 488) for anything but PCMU, PCMA or G722 at clock 8000, mono
 */
export function createMediaCodec(codec: NegotiatedCodec): MediaCodec {
  const { name, payloadType, clockRate, channels } = codec;
  const upper = name.toUpperCase();
  if (clockRate === RTP_CLOCK_RATE && channels === 1) {
    if (upper === 'PCMU' || upper === 'PCMA') return g711(upper, payloadType);
    if (upper === 'G722') return g722(payloadType);
  }
  throw new CallMediaError('MEDIA_UNSUPPORTED_CODEC', `cannot carry ${name}/${clockRate}/${channels}: only PCMU, PCMA and G722 at clock 8000`, {
    statusHint: 488,
  });
}
