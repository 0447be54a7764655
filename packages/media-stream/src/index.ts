/**
 * @trunkline/media-stream — put a voice bot that speaks the Twilio Media Streams WebSocket
 * protocol on a SIP trunk call: marks, barge-in (`clear`), DTMF, UUI, hang-up and escalation,
 * plus a raw 16 kHz L16 variant.
 *
 * @packageDocumentation
 */
export { bridgeCall, MediaStreamBridge, MEDIA_STREAM_CHANNEL } from './bridge-call.js';
export type { BridgeCallOptions, BridgeCodec, BridgeEnd, BridgeStats, EscalationTarget, MediaStreamBridgeEvents, UnreachableAction } from './bridge-call.js';
export { BotPlayout, type BotPlayoutOptions, type PlayoutSink } from './bot-playout.js';
export { MediaStreamError, type MediaStreamErrorCode } from './errors.js';
export { parseBotMessage } from './twilio-protocol.js';
export type {
  BotMessage,
  BotMessageProblem,
  BotUui,
  BridgeMessage,
  ConnectedMessage,
  DtmfMessage,
  EscalationMessage,
  MarkMessage,
  MediaFormat,
  MediaMessage,
  StartMessage,
  StopMessage,
} from './twilio-protocol.js';
