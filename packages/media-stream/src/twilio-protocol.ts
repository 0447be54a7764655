/**
 * The Twilio Media Streams WebSocket protocol, bidirectional form (`<Connect><Stream>`), as Twilio's
 * public "Media Streams - WebSocket Messages" page describes it, field by field. Pure: builders for
 * what the bridge sends and a parser for what a bot sends. Twilio sends every number as a string
 * (`sequenceNumber`, `chunk`, `timestamp`), so these do too.
 *
 * @module
 */

/** `connected`: first message on the socket, no `sequenceNumber`. */
export interface ConnectedMessage {
  readonly event: 'connected';
  readonly protocol: 'Call';
  readonly version: '1.0.0';
}

/** `start.mediaFormat`. */
export interface MediaFormat {
  /** `audio/x-mulaw` (Twilio's only one), or `audio/L16` for the raw variant. */
  readonly encoding: 'audio/x-mulaw' | 'audio/L16';
  readonly sampleRate: 8000 | 16000;
  readonly channels: 1;
}

/** `start`: once, right after `connected`; `sequenceNumber` "1". */
export interface StartMessage {
  readonly event: 'start';
  readonly sequenceNumber: string;
  readonly start: {
    readonly streamSid: string;
    readonly accountSid: string;
    readonly callSid: string;
    /** Bidirectional streams carry the caller's audio only: `["inbound"]`. */
    readonly tracks: readonly string[];
    readonly customParameters: Readonly<Record<string, string>>;
    readonly mediaFormat: MediaFormat;
  };
  readonly streamSid: string;
}

/** `media`: one 20 ms chunk of the caller's audio, base64 µ-law without a header. */
export interface MediaMessage {
  readonly event: 'media';
  readonly sequenceNumber: string;
  readonly media: {
    readonly track: 'inbound';
    /** Counts the media messages sent, from "1". */
    readonly chunk: string;
    /** Milliseconds of the stream's media clock at this chunk, from "0". */
    readonly timestamp: string;
    readonly payload: string;
  };
  readonly streamSid: string;
}

/** `dtmf`: a digit the caller pressed. */
export interface DtmfMessage {
  readonly event: 'dtmf';
  readonly sequenceNumber: string;
  readonly dtmf: { readonly track: 'inbound_track'; readonly digit: string };
  readonly streamSid: string;
}

/** `mark`: the audio the bot sent before its mark of this name has been played (or cleared). */
export interface MarkMessage {
  readonly event: 'mark';
  readonly sequenceNumber: string;
  readonly mark: { readonly name: string };
  readonly streamSid: string;
}

/** `stop`: the stream ends (the caller hung up, or the call left the bot). */
export interface StopMessage {
  readonly event: 'stop';
  readonly sequenceNumber: string;
  readonly stop: { readonly accountSid: string; readonly callSid: string };
  readonly streamSid: string;
}

/** Everything the bridge sends on the socket (text frames). */
export type BridgeMessage = ConnectedMessage | StartMessage | MediaMessage | DtmfMessage | MarkMessage | StopMessage | EscalationMessage;

/**
 * Trunkline extension, sent when an `escalate` request failed (the bot keeps the caller). A
 * Twilio bot ignores unknown events.
 */
export interface EscalationMessage {
  readonly event: 'escalation';
  readonly sequenceNumber: string;
  readonly escalation: { readonly status: 'failed'; readonly sipStatus: number | null; readonly reason: string };
  readonly streamSid: string;
}

/** UUI a bot may attach to `hangup` and `escalate`: hex octets, or IA5 text (RFC 7434 discriminator added). */
export type BotUui = { readonly hex: string } | { readonly text: string };

/** What a bot may send (text frames), parsed. */
export type BotMessage =
  /** `media`: audio to play, base64 µ-law 8 kHz, any length. */
  | { readonly event: 'media'; readonly payload: string }
  /** `mark`: echo this name once the audio before it has been played. */
  | { readonly event: 'mark'; readonly name: string }
  /** `clear`: drop all buffered audio now (barge-in); pending marks come back. */
  | { readonly event: 'clear' }
  /** Trunkline extension `hangup`: end the call with BYE, optional Reason (RFC 3326) and UUI (RFC 7433). */
  | { readonly event: 'hangup'; readonly reason: string | undefined; readonly uui: BotUui | undefined }
  /** Trunkline extension `escalate`: call the configured contact centre with the caller's UUI (plus `uui`) and connect the caller to it. */
  | { readonly event: 'escalate'; readonly uui: BotUui | undefined };

/** Why a bot's text frame was not understood (it is ignored, as Twilio does). */
export type BotMessageProblem = 'not-json' | 'unknown-event' | 'missing-field';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function botUui(v: unknown): BotUui | undefined | null {
  if (v === undefined) return undefined;
  if (!isRecord(v)) return null;
  if (typeof v['hex'] === 'string' && /^(?:[0-9A-Fa-f]{2})+$/.test(v['hex'])) return { hex: v['hex'] };
  if (typeof v['text'] === 'string') return { text: v['text'] };
  return null;
}

/**
 * Parses one text frame from the bot. `streamSid` is not checked (one socket carries one stream).
 *
 * @param text - the frame
 * @returns the message, or why it is ignored
 */
export function parseBotMessage(text: string): BotMessage | BotMessageProblem {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return 'not-json';
  }
  if (!isRecord(v)) return 'not-json';
  switch (v['event']) {
    case 'media': {
      const media = v['media'];
      return isRecord(media) && typeof media['payload'] === 'string' ? { event: 'media', payload: media['payload'] } : 'missing-field';
    }
    case 'mark': {
      const mark = v['mark'];
      return isRecord(mark) && typeof mark['name'] === 'string' ? { event: 'mark', name: mark['name'] } : 'missing-field';
    }
    case 'clear':
      return { event: 'clear' };
    case 'hangup': {
      const body = isRecord(v['hangup']) ? v['hangup'] : {};
      const uui = botUui(body['uui']);
      const reason = body['reason'];
      if (uui === null || (reason !== undefined && typeof reason !== 'string')) return 'missing-field';
      return { event: 'hangup', reason, uui };
    }
    case 'escalate': {
      const body = isRecord(v['escalate']) ? v['escalate'] : {};
      const uui = botUui(body['uui']);
      if (uui === null) return 'missing-field';
      return { event: 'escalate', uui };
    }
    default:
      return 'unknown-event';
  }
}
