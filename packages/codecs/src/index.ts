/**
 * @trunkline/codecs: G.711 (PCMU/PCMA), G.722, Opus (WebAssembly libopus), resampling, PCM framing, WAV, levels,
 * silence detection and in-band DTMF.
 *
 * @packageDocumentation
 */
export { CodecError } from './errors.js';
export type { CodecErrorCode } from './errors.js';
export { encodePcmu, decodePcmu, PCMU_DECODE_TABLE } from './g711-ulaw.js';
export { encodePcma, decodePcma, PCMA_DECODE_TABLE } from './g711-alaw.js';
export { Resampler, RESAMPLER_ATTENUATION_DB, DEFAULT_MAX_RATE_FACTOR } from './resampler.js';
export type { ResamplerOptions, ResamplerQuality } from './resampler.js';
export { Framer } from './audio-frame.js';
export type { AudioFrame, FramerOptions } from './audio-frame.js';
export { readWav, writeWav, DEFAULT_MAX_WAV_DATA_BYTES } from './wav.js';
export type { WavAudio, ReadWavOptions } from './wav.js';
export { rms, rmsDbfs, dbfsToRms, FULL_SCALE } from './level.js';
export { SilenceDetector } from './silence-detector.js';
export type { SilenceDetectorOptions } from './silence-detector.js';
export { generateDtmf, dtmfFrequencies, DTMF_ROW_HZ, DTMF_COLUMN_HZ, DTMF_KEYPAD } from './dtmf.js';
export type { DtmfDigit, GenerateDtmfOptions } from './dtmf.js';
export { DtmfDetector, DTMF_BLOCK_SAMPLES_8K } from './dtmf-detector.js';
export type { DtmfDetectorOptions, DtmfEvent } from './dtmf-detector.js';
export { generateChirp, crossCorrelate, correlatePieces, Fft, MAX_FFT_SIZE, DEFAULT_MAX_LAG_MS } from './analysis/index.js';
export type { ChirpOptions, CrossCorrelateOptions, CrossCorrelation, PcmSamples, CorrelatePiecesOptions, PieceCorrelation } from './analysis/index.js';
export { G722Encoder, G722Decoder, G722_SAMPLE_RATE, G722_RTP_CLOCK_RATE, G722_PAYLOAD_TYPE } from './g722/index.js';
export {
  loadOpus, isOpusLoaded, OpusEncoder, OpusDecoder, opusPacketSamples, opusPacketHasFec, OpusError,
  OPUS_RTP_CLOCK_RATE, OPUS_MAX_FRAME_BYTES, OPUS_MAX_PACKET_MS, OPUS_MIN_BITRATE, OPUS_MAX_BITRATE,
} from './opus/index.js';
export type { OpusEncoderOptions, OpusDecoderOptions, OpusErrorCode, OpusSampleRate } from './opus/index.js';
