/**
 * RIFF WAVE files holding 16-bit linear PCM, mono (Microsoft "Multimedia
 * Programming Interface and Data Specifications 1.0", 1991, RIFF and WAVE
 * `fmt `/`data` chunks; WAVE_FORMAT_EXTENSIBLE per Microsoft's WAVEFORMATEXTENSIBLE).
 * All fields little-endian.
 *
 * @module
 */
import { CodecError } from './errors.js';
import { requireInt16Array, requireUint8Array } from './arguments.js';

/** Decoded WAV contents. */
export interface WavAudio {
  /** Samples, signed 16-bit mono. */
  samples: Int16Array;
  /** Sample rate in Hz. */
  sampleRate: number;
}

/** Options of {@link readWav}. */
export interface ReadWavOptions {
  /** Largest `data` chunk accepted, bytes (default {@link DEFAULT_MAX_WAV_DATA_BYTES}). */
  maxDataBytes?: number;
  /**
   * Accept a `data` chunk whose declared size runs past the end of the file,
   * reading what is there (default false: `WAV_TRUNCATED`). Streaming recorders
   * often leave the size unset.
   */
  allowTruncated?: boolean;
  /**
   * Accept a two-channel file and return the mean of its channels (e.g. a peer's stereo dump of a
   * mono call), rounded toward −∞. Default false: `WAV_UNSUPPORTED_FORMAT`.
   */
  downmix?: boolean;
}

/** Default `maxDataBytes`: 64 MiB (about 70 minutes at 8 kHz). */
export const DEFAULT_MAX_WAV_DATA_BYTES = 64 * 1024 * 1024;

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

function fourcc(b: Uint8Array, at: number): string {
  return String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
}

/**
 * Parse a RIFF/WAVE file of 16-bit PCM mono. Unknown chunks (`LIST`, `fact`, ...)
 * are skipped; odd-sized chunks are followed by a pad byte (RIFF rule).
 *
 * @param bytes - the whole file
 * @param options - limits
 * @returns samples (a copy) and sample rate
 * @throws CodecError for anything malformed or unsupported; RangeError for a bad `maxDataBytes`
 */
export function readWav(bytes: Uint8Array, options: ReadWavOptions = {}): WavAudio {
  requireUint8Array(bytes, 'readWav: bytes');
  const maxDataBytes = options.maxDataBytes ?? DEFAULT_MAX_WAV_DATA_BYTES;
  const allowTruncated = options.allowTruncated ?? false;
  const downmix = options.downmix ?? false;
  if (!(Number.isInteger(maxDataBytes) && maxDataBytes >= 0)) throw new RangeError(`maxDataBytes must be a non-negative integer, got ${maxDataBytes}`);
  if (bytes.length < 12 || fourcc(bytes, 0) !== 'RIFF') throw new CodecError('WAV_NOT_RIFF', 'not a RIFF file', 0);
  if (fourcc(bytes, 8) !== 'WAVE') throw new CodecError('WAV_NOT_WAVE', `RIFF form type is "${fourcc(bytes, 8)}", not "WAVE"`, 8);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The RIFF size may disagree with the real length in the wild; walk the bytes we have.
  let at = 12;
  let sampleRate = -1;
  let frameChannels = 1;
  while (at + 8 <= bytes.length) {
    const id = fourcc(bytes, at);
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === 'fmt ') {
      if (body + size > bytes.length) throw new CodecError('WAV_TRUNCATED', 'fmt chunk runs past the end of the file', at);
      if (size < 16) throw new CodecError('WAV_BAD_FMT', `fmt chunk is ${size} bytes, need at least 16`, at);
      let format = view.getUint16(body, true);
      const channels = view.getUint16(body + 2, true);
      const rate = view.getUint32(body + 4, true);
      const byteRate = view.getUint32(body + 8, true);
      const blockAlign = view.getUint16(body + 12, true);
      const bits = view.getUint16(body + 14, true);
      if (format === WAVE_FORMAT_EXTENSIBLE) {
        // cbSize(2) validBits(2) channelMask(4) SubFormat GUID(16): first two bytes are the format tag.
        if (size < 40) throw new CodecError('WAV_BAD_FMT', 'WAVE_FORMAT_EXTENSIBLE fmt chunk shorter than 40 bytes', at);
        format = view.getUint16(body + 24, true);
      }
      if (format !== WAVE_FORMAT_PCM) throw new CodecError('WAV_UNSUPPORTED_FORMAT', `format tag 0x${format.toString(16)} is not linear PCM`, body);
      if (channels !== 1 && !(channels === 2 && downmix)) throw new CodecError('WAV_UNSUPPORTED_FORMAT', `${channels} channels, only mono is supported`, body + 2);
      if (bits !== 16) throw new CodecError('WAV_UNSUPPORTED_FORMAT', `${bits} bits per sample, only 16 is supported`, body + 14);
      if (rate === 0) throw new CodecError('WAV_BAD_FMT', 'sample rate 0', body + 4);
      if (blockAlign !== 2 * channels || byteRate !== rate * 2 * channels) {
        throw new CodecError('WAV_BAD_FMT', `block align ${blockAlign} / byte rate ${byteRate} inconsistent with 16-bit ${channels}-channel audio at ${rate} Hz`, body + 8);
      }
      sampleRate = rate;
      frameChannels = channels;
    } else if (id === 'data') {
      if (sampleRate < 0) throw new CodecError('WAV_NO_FMT', 'data chunk before any fmt chunk', at);
      let length = size;
      if (body + size > bytes.length) {
        if (!allowTruncated) throw new CodecError('WAV_TRUNCATED', `data chunk declares ${size} bytes, ${bytes.length - body} present`, at);
        length = bytes.length - body;
      }
      if (length > maxDataBytes) throw new CodecError('WAV_TOO_LARGE', `data chunk of ${length} bytes exceeds maxDataBytes ${maxDataBytes}`, at);
      const count = Math.floor(length / (2 * frameChannels)); // a stray partial frame is not a sample
      const samples = new Int16Array(count);
      if (frameChannels === 1) for (let i = 0; i < count; i++) samples[i] = view.getInt16(body + 2 * i, true);
      else for (let i = 0; i < count; i++) samples[i] = (view.getInt16(body + 4 * i, true) + view.getInt16(body + 4 * i + 2, true)) >> 1;
      return { samples, sampleRate };
    }
    at = body + size + (size & 1);
  }
  if (at < bytes.length) throw new CodecError('WAV_TRUNCATED', 'chunk header runs past the end of the file', at);
  if (sampleRate < 0) throw new CodecError('WAV_NO_FMT', 'no fmt chunk', at);
  throw new CodecError('WAV_NO_DATA', 'no data chunk', at);
}

/**
 * Write 16-bit PCM as a canonical 44-byte-header RIFF/WAVE file: mono, or two
 * channels interleaved (left, right, left, ...; e.g. a call recording with
 * one party per channel).
 *
 * @param samples - 16-bit PCM, interleaved when `channels` is 2
 * @param sampleRate - Hz, positive integer
 * @param channels - 1 (default) or 2
 * @returns the file bytes
 * @throws RangeError on a bad sample rate or channel count, an odd stereo sample count, or more
 * data than a RIFF size can describe
 */
export function writeWav(samples: Int16Array, sampleRate: number, channels: 1 | 2 = 1): Uint8Array {
  requireInt16Array(samples, 'writeWav: samples');
  if (!Number.isInteger(sampleRate) || sampleRate <= 0 || sampleRate * 2 * channels > 0xffffffff) {
    throw new RangeError(`sampleRate must be a positive integer below 2^31, got ${sampleRate}`);
  }
  if (channels !== 1 && channels !== 2) throw new RangeError(`channels must be 1 or 2, got ${String(channels)}`);
  if (samples.length % channels !== 0) throw new RangeError('stereo samples must come in left/right pairs');
  const dataBytes = samples.length * 2;
  if (dataBytes + 36 > 0xffffffff) throw new RangeError('too many samples for one RIFF file');
  const out = new Uint8Array(44 + dataBytes);
  const view = new DataView(out.buffer);
  const ascii = (at: number, s: string): void => {
    for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, WAVE_FORMAT_PCM, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2 * channels, true); // byte rate
  view.setUint16(32, 2 * channels, true); // block align
  view.setUint16(34, 16, true); // bits per sample
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < samples.length; i++) view.setInt16(44 + 2 * i, samples[i]!, true);
  return out;
}
