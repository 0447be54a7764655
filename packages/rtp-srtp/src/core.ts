/**
 * @trunkline/rtp-srtp/core — the sans-I/O part: RTP/RTCP, SRTP/SRTCP with SDES keys, RFC 4733
 * DTMF, jitter buffer, call-quality stats, the pacer schedule, the symmetric-RTP latch and the
 * SRTP media transform. Nothing here opens a socket or arms a timer; the Node adapters are in
 * `@trunkline/rtp-srtp/node`, and the package root exports both.
 *
 * @packageDocumentation
 */

// SRTP/SRTCP contexts and SDES keys (RFC 3711, RFC 4568, RFC 6188, RFC 7714).
export { SrtpError, type SrtpErrorCode } from './srtp/srtp-error.js';
export {
  SRTP_PROFILES,
  isSrtpProfile,
  srtpProfileParameters,
  srtpProfileFromDtlsId,
  type SrtpProfile,
  type SrtpProfileParameters,
} from './srtp/profiles.js';
export { ReplayWindow, type ReplayCheck } from './srtp/replay-window.js';
export { SrtpContext, type SrtpContextOptions } from './srtp/srtp-context.js';
export {
  parseCryptoAttribute,
  formatCryptoAttribute,
  formatSdesKeyParams,
  generateSdesKeyParams,
  sdesMkiBytes,
  cryptoSuiteOfProfile,
  profileOfCryptoSuite,
  type CryptoAttribute,
  type CryptoAttributeInit,
  type SdesKeyParams,
  type SdesMki,
} from './srtp/sdes.js';

// RTP, RTCP, DTMF, jitter buffer, stats (RFC 3550, RFC 4733, RFC 8285), pacing, symmetric RTP, media transform.
export { RtpParseError, type RtpParseErrorCode } from './rtp/errors.js';
export { cryptoRandomUint32, type RandomUint32 } from './rtp/random.js';
export {
  parseRtp,
  marshalRtpTo,
  serializeRtp,
  rtpPacketSize,
  RTP_HEADER_SIZE,
  type RtpPacket,
} from './rtp/packet.js';
export {
  ONE_BYTE_PROFILE,
  TWO_BYTE_PROFILE,
  type RtpHeaderExtension,
  type RtpExtensionElement,
} from './rtp/header-extension.js';
export { RtpSequencer, type RtpSequencerOptions, type RtpSendHeader } from './rtp/sequencer.js';
export { isRtcpPacket } from './rtp/demux.js';
export { SsrcCollisionDetector, type SsrcCollisionDetectorOptions, type SsrcCollision } from './rtp/ssrc.js';
export {
  RtcpPacketType,
  SdesItemType,
  type RtcpPacket,
  type RtcpReportBlock,
  type RtcpSenderReport,
  type RtcpReceiverReport,
  type RtcpSourceDescription,
  type RtcpSdesChunk,
  type RtcpSdesItem,
  type RtcpGoodbye,
  type RtcpApplicationDefined,
  type RtcpUnknownPacket,
} from './rtcp/packet.js';
export {
  parseRtcp,
  marshalRtcpTo,
  serializeRtcp,
  rtcpPacketSize,
  rtcpCompoundSize,
  type ParseRtcpOptions,
} from './rtcp/compound.js';
export {
  rtcpInterval,
  updateAvgRtcpSize,
  RTCP_COMPENSATION,
  RTCP_SENDER_BW_FRACTION,
  type RtcpIntervalInput,
} from './rtcp/interval.js';
export {
  ntpFromUnixMs,
  ntpToUnixMs,
  ntpMiddle32,
  msToNtpShort,
  rttFromReport,
  NTP_UNIX_OFFSET_SECONDS,
  type NtpTimestamp,
} from './rtcp/ntp.js';
export {
  RtpReceiveStatistics,
  type RtpReceiveStatisticsOptions,
  type RtpReceiveCounters,
} from './stats/receive-statistics.js';
export {
  eModelRFactor,
  estimateMos,
  mosFromR,
  delayImpairment,
  effectiveEquipmentImpairment,
  G711_NO_PLC,
  G711_PLC,
  type CodecImpairment,
  type EModelInput,
} from './stats/e-model.js';
export {
  OneWayAudioDetector,
  type OneWayAudioDetectorOptions,
  type OneWayAudioState,
  type Audibility,
} from './stats/one-way-audio.js';
export { StreamStats, type StreamStatsOptions, type StreamStatsSnapshot, type BuildRtcpInput } from './stats/stream-stats.js';
export {
  parseTelephoneEvent,
  marshalTelephoneEventTo,
  serializeTelephoneEvent,
  dtmfEventCode,
  dtmfDigit,
  TELEPHONE_EVENT_SIZE,
  type TelephoneEvent,
} from './dtmf/telephone-event.js';
export { telephoneEventPackets, type TelephoneEventPlanOptions, type TelephoneEventFrame } from './dtmf/dtmf-sender.js';
export { TelephoneEventSender, type TelephoneEventSenderOptions } from './dtmf/telephone-event-sender.js';
export {
  TelephoneEventReceiver,
  type TelephoneEventReceiverOptions,
  type ReceivedTelephoneEvent,
} from './dtmf/dtmf-receiver.js';
export {
  JitterBuffer,
  type JitterBufferOptions,
  type JitterBufferPacket,
  type JitterBufferOutput,
  type JitterBufferPushResult,
  type JitterBufferStats,
} from './jitter/jitter-buffer.js';
export { PacerSchedule, type PacerScheduleOptions, type PacerPoll } from './media/pacer-schedule.js';
export { SymmetricLatch, type SymmetricLatchOptions, type TransportAddress } from './media/symmetric-latch.js';
export type { MediaTransform } from './media/media-transform.js';
export { srtpTransform, type SrtpTransformContexts } from './srtp/srtp-transform.js';
export {
  RtcpScheduler,
  type RtcpSchedulerOptions,
  type RtcpSchedulerState,
  type RtcpTimerAction,
} from './rtcp/scheduler.js';
