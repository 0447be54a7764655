/**
 * The media half of a call: RTP/SRTP/RTCP sockets, jitter buffer, DTMF, and PCM audio in and out
 * for the app. The signalling side imports only from here.
 *
 * @packageDocumentation
 */
export { CallMedia, type CallMediaOptions, type CallMediaEvents, type SendDtmfOptions } from './call-media.js';
export { CallAudio, type AppSampleRate, type CallAudioFrame } from './call-audio.js';
export type { MediaMetrics, MediaDrops, OneWayAudio } from './media-metrics.js';
export { StereoWavRecorder, type RecordingTap, type StereoWavRecorderOptions, type MediaDirectionTag } from './recording.js';
export { CallMediaError, type CallMediaErrorCode } from './errors.js';
export { PlayoutQueue, type PlayoutQueueOptions } from './playout-queue.js';
export { ReadBuffer, type ReadBufferOptions } from './read-buffer.js';
export { SrtpKeying, type SrtpKeyingOptions } from './srtp-keying.js';
