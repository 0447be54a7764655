/**
 * The codecs the media engine can run, behind one shape: name, RTP payload type, RTP clock rate,
 * audio rate, frame sizes, and encode/decode with their state (one instance per call and codec).
 *
 * The RTP clock rate (timestamps, jitter buffer, RFC 4733 durations) and the audio rate (the PCM the
 * codec consumes) differ for G.722 and Opus: RFC 3551 §4.5.2 gives G.722 clock 8000 for 16 kHz
 * audio (a 20 ms frame is 320 samples, 160 octets, 160 timestamp units); RFC 7587 §4.1 gives Opus
 * clock 48000 whatever it codes (here 16 kHz audio: a 20 ms frame is 320 samples and 960 units).
 *
 * @module
 */
import {
  G722Decoder, G722Encoder, OpusDecoder, OpusEncoder, OPUS_MAX_FRAME_BYTES, OPUS_MIN_BITRATE, decodePcma, decodePcmu, encodePcma, encodePcmu,
  isOpusLoaded, opusPacketHasFec, opusPacketSamples,
} from '@trunkline/codecs';
import type { NegotiatedCodec } from '@trunkline/sdp';
import { CallMediaError } from './errors.js';

/** A codec name the media engine runs. */
export type MediaCodecName = 'PCMU' | 'PCMA' | 'G722' | 'OPUS';

/** The RTP clock rate of G.711 and G.722 (RFC 3551 §4.5.2, §4.5.14). */
export const G711_CLOCK_RATE = 8000;
/** Opus's RTP clock rate (RFC 7587 §4.1). */
const OPUS_CLOCK_RATE = 48000;
/** The PCM rate Opus runs at here: wideband voice, as our SDP says (`sprop-maxcapturerate=16000`). */
const OPUS_AUDIO_RATE = 16000;
/** Opus frame durations (ms) the engine sends whole packets of (`opus_encode` frame sizes ≥ 10 ms). */
const OPUS_PTIMES = [10, 20, 40, 60];
/** Our Opus bit rate when the peer states no lower `maxaveragebitrate` (RFC 7587 §6.1). */
const OPUS_BITRATE = 32000;

/** The codec's own loss recovery, for codecs that have one (Opus): FEC from the next packet, PLC. */
export interface LossRecovery {
  /** Whether `next` carries FEC for the frame before it. */
  hasFec(next: Uint8Array): boolean;
  /** Rebuilds the `samples` lost before `next` from its FEC into `out`. */
  decodeFec(next: Uint8Array, out: Int16Array, samples: number): Int16Array;
  /** Conceals `samples` into `out` (the decoder's PLC). */
  conceal(out: Int16Array, samples: number): Int16Array;
}

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
  /** RTP clock units one payload covers (RFC 3550 §5.1 timestamps advance by it). @throws for an unreadable payload */
  rtpUnits(payload: Uint8Array): number;
  /** PCM samples one payload decodes to. @throws for an unreadable payload */
  decodedLength(payload: Uint8Array): number;
  /** The ptime this codec sends with when `ptime` (ms) is negotiated: the same, or the nearest it can frame. */
  framePtime(ptime: number): number;
  /** The largest payload of `rtpUnits` (the send buffer's size). */
  maxPayloadBytes(rtpUnits: number): number;
  /** Encodes one frame into `out` (at least `maxPayloadBytes`). */
  encode(pcm: Int16Array, out: Uint8Array): Uint8Array;
  /** Decodes one payload into `out` (at least `decodedLength(payload)`). */
  decode(bytes: Uint8Array, out: Int16Array): Int16Array;
  /** FEC and PLC of the codec itself; absent: the engine conceals by repetition. */
  readonly recovery?: LossRecovery;
  /** Frees what the codec holds outside the JS heap (Opus's WebAssembly state); absent when nothing. */
  close?(): void;
}

/** An octet per RTP clock unit (G.711, and G.722's two 16 kHz samples per 8 kHz unit). */
function octetPerUnit(name: 'PCMU' | 'PCMA' | 'G722', payloadType: number, samplesPerUnit: number): Omit<MediaCodec, 'encode' | 'decode'> {
  return {
    name,
    payloadType,
    clockRate: G711_CLOCK_RATE,
    audioRate: G711_CLOCK_RATE * samplesPerUnit,
    audioSamples: (units) => units * samplesPerUnit,
    rtpUnits: (payload) => payload.length,
    framePtime: (ptime) => ptime,
    decodedLength: (payload) => payload.length * samplesPerUnit,
    maxPayloadBytes: (units) => units,
  };
}

function g711(name: 'PCMU' | 'PCMA', payloadType: number): MediaCodec {
  return {
    ...octetPerUnit(name, payloadType, 1),
    encode: name === 'PCMU' ? encodePcmu : encodePcma,
    decode: name === 'PCMU' ? decodePcmu : decodePcma,
  };
}

function g722(payloadType: number): MediaCodec {
  // State per call and direction: the ADPCM loops must see one continuous stream.
  const encoder = new G722Encoder();
  const decoder = new G722Decoder();
  return {
    ...octetPerUnit('G722', payloadType, 2),
    encode: (pcm, out) => encoder.encode(pcm, out),
    decode: (bytes, out) => decoder.decode(bytes, out),
  };
}

function opus(codec: NegotiatedCodec): MediaCodec {
  const peer = codec.opus;
  // RFC 7587 §6.1: stay within the peer's maxaveragebitrate; send FEC when its decoder can use it.
  const encoder = new OpusEncoder({
    sampleRate: OPUS_AUDIO_RATE,
    bitrate: Math.max(OPUS_MIN_BITRATE, Math.min(OPUS_BITRATE, peer?.maxAverageBitrate ?? OPUS_BITRATE)),
    inbandFec: peer?.useInbandFec ?? false,
  });
  const decoder = new OpusDecoder({ sampleRate: OPUS_AUDIO_RATE });
  const perUnit = OPUS_AUDIO_RATE / OPUS_CLOCK_RATE;
  return {
    name: 'OPUS',
    payloadType: codec.payloadType,
    clockRate: OPUS_CLOCK_RATE,
    audioRate: OPUS_AUDIO_RATE,
    audioSamples: (units) => units * perUnit,
    rtpUnits: (payload) => opusPacketSamples(payload),
    // RFC 6716 §2.1.4: one Opus frame is 2.5–60 ms; another ptime is sent as the nearest frame size below it.
    framePtime: (ptime) => OPUS_PTIMES.findLast((p) => p <= ptime) ?? 10,
    decodedLength: (payload) => opusPacketSamples(payload, OPUS_AUDIO_RATE),
    maxPayloadBytes: () => OPUS_MAX_FRAME_BYTES,
    encode: (pcm, out) => encoder.encode(pcm, out),
    decode: (bytes, out) => decoder.decode(bytes, out),
    recovery: {
      hasFec: opusPacketHasFec,
      decodeFec: (next, out, samples) => decoder.decodeFec(next, out, samples),
      conceal: (out, samples) => decoder.conceal(out, samples),
    },
    close: () => {
      encoder.close();
      decoder.close();
    },
  };
}

/**
 * A fresh codec instance for a negotiated codec.
 *
 * @throws CallMediaError `MEDIA_UNSUPPORTED_CODEC` (status hint 488) for anything but PCMU, PCMA or
 *   G722 at clock 8000 mono, or Opus at 48000/2 once `loadOpus()` has resolved
 */
export function createMediaCodec(codec: NegotiatedCodec): MediaCodec {
  const { name, payloadType, clockRate, channels } = codec;
  const upper = name.toUpperCase();
  if (clockRate === G711_CLOCK_RATE && channels === 1) {
    if (upper === 'PCMU' || upper === 'PCMA') return g711(upper, payloadType);
    if (upper === 'G722') return g722(payloadType);
  }
  if (upper === 'OPUS' && clockRate === OPUS_CLOCK_RATE && channels === 2) {
    if (isOpusLoaded()) return opus(codec);
    throw new CallMediaError('MEDIA_UNSUPPORTED_CODEC', 'Opus was negotiated but libopus is not loaded: open the media with Opus among its codecs', { statusHint: 488 });
  }
  throw new CallMediaError('MEDIA_UNSUPPORTED_CODEC', `cannot carry ${name}/${clockRate}/${channels}: only PCMU, PCMA and G722 at clock 8000, and opus/48000/2`, {
    statusHint: 488,
  });
}
