/**
 * `bridgeCall()`: one SIP call ⇄ one bot WebSocket speaking the Twilio Media Streams protocol
 * (or its raw 16 kHz L16 variant), with marks, barge-in, DTMF, UUI, hang-up and escalation.
 *
 * @module
 */
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { channel } from 'node:diagnostics_channel';
import { WebSocket, type RawData } from 'ws';
import { decodePcmu, encodePcmu, Resampler } from '@trunkline/codecs';
import type { AnswerOptions, Call, CallEndedEvent, UserAgent, UuiInput } from '@trunkline/user-agent';
import { BotPlayout } from './bot-playout.js';
import { MediaStreamError } from './errors.js';
import { parseBotMessage, type BotMessage, type BridgeMessage, type MediaFormat } from './twilio-protocol.js';

/** `pcmu`: Twilio's protocol as is. `l16-16k`: binary 16-bit little-endian PCM at 16 kHz, JSON control frames. */
export type BridgeCodec = 'pcmu' | 'l16-16k';

/** Where an escalation goes (the bot's `escalate` event). */
export interface EscalationTarget {
  /** The user agent that places the call (often the one that answered the caller). */
  readonly userAgent: UserAgent;
  /** SIP URI of the contact centre. */
  readonly target: string;
  /** Extra INVITE header fields. Default: none. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Give up ringing after this long, ms. Default 30000. */
  readonly timeoutMs?: number;
}

/** What to do when the bot cannot be reached for an inbound call. */
export type UnreachableAction =
  /** Reject with this SIP status (default 503). */
  | { readonly status: number }
  /**
   * Answer, play this PCM (at the call's sample rate), wait `tailMs` (default 300) so the caller's
   * jitter buffer plays the last packets out, then hang up with `reason` (default the bot-failed one).
   */
  | { readonly prompt: Int16Array; readonly reason?: string; readonly tailMs?: number };

/** Options of {@link bridgeCall}. Every limit has a default. */
export interface BridgeCallOptions {
  /** Wire format toward the bot. Default `pcmu`. */
  readonly codec?: BridgeCodec;
  /** HTTP headers for the WebSocket upgrade (e.g. `Authorization`). Default: none. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Extra `start.customParameters`. Default: none. */
  readonly customParameters?: Readonly<Record<string, string>>;
  /** INVITE header fields copied into `start.customParameters` (by name) when present. Default: none. */
  readonly sipHeaders?: readonly string[];
  /** `accountSid` in `start`/`stop`. Default `AC` and 32 zeros. */
  readonly accountSid?: string;
  /** WebSocket connect (and upgrade) timeout, ms. Default 5000. */
  readonly connectTimeoutMs?: number;
  /** Inbound call, bot unreachable: reject (default 503) or answer with a prompt. */
  readonly onUnreachable?: UnreachableAction;
  /** Options for `call.answer()` (inbound calls not yet answered). Default: none. */
  readonly answer?: AnswerOptions;
  /** Most of the bot's audio held before the call plays it, ms; beyond, it is dropped and counted. Default 60000. */
  readonly maxBotAudioMs?: number;
  /** Socket send buffer toward the bot, bytes: while more than this waits, caller frames are dropped (counted). Default 262144. */
  readonly maxSocketBufferBytes?: number;
  /** Largest message accepted from the bot, bytes (larger closes the socket, 1009). Default 4 MiB. */
  readonly maxMessageBytes?: number;
  /** Reason (RFC 3326) on the BYE when the bot closes its socket normally. Default `SIP;cause=200;text="Bot ended the call"`. */
  readonly botClosedReason?: string;
  /** Reason on the BYE when the bot's socket fails or closes abnormally. Default `SIP;cause=502;text="Bot connection lost"`. */
  readonly botFailedReason?: string;
  /** Where the bot's `escalate` event calls. Default: none (escalation refused, the bot told). */
  readonly escalation?: EscalationTarget;
}

/** Counters of one bridge. */
export interface BridgeStats {
  /** Connect → socket open, ms. */
  readonly connectMs: number | null;
  /** Caller frames sent to the bot. */
  readonly framesToBot: number;
  /** Caller frames dropped because the bot did not read fast enough. */
  readonly framesDroppedToBot: number;
  /** Bot audio received, ms. */
  readonly botAudioMs: number;
  /** Bot audio dropped (over `maxBotAudioMs`), ms. */
  readonly botAudioDroppedMs: number;
  /** Bot audio waiting in the bridge now, ms. */
  readonly botAudioQueuedMs: number;
  /** `mark` messages from the bot. */
  readonly marksReceived: number;
  /** `mark` messages sent back (played or returned by `clear`). */
  readonly marksEchoed: number;
  /** `clear` messages applied. */
  readonly clears: number;
  /** `dtmf` messages sent to the bot. */
  readonly dtmfToBot: number;
  /** Bot frames ignored (not JSON, unknown event, missing field). */
  readonly ignoredMessages: number;
}

/** How a bridge ended. */
export interface BridgeEnd {
  /** `caller`: the call ended (BYE, media); `bot-closed`/`bot-failed`: the socket closed normally / not; `bot-hangup`: the bot's `hangup` event; `escalated`: the caller was handed to the contact centre (and both legs have ended); `local`: `close()`. */
  readonly by: 'caller' | 'bot-closed' | 'bot-failed' | 'bot-hangup' | 'escalated' | 'local';
  /** The caller's call as it ended. */
  readonly call: CallEndedEvent;
  /** The escalation leg's end, when there was one. */
  readonly escalation: CallEndedEvent | null;
  /** The counters at the end. */
  readonly stats: BridgeStats;
}

/** Typed events of a {@link MediaStreamBridge}. */
export interface MediaStreamBridgeEvents {
  /** A parsed bot message, before it is acted on. */
  'bot-message': [BotMessage];
  /** A `clear` was applied: the call's queue is empty from the next frame on. */
  clear: [{ readonly droppedMs: number }];
  /** A mark went back to the bot. */
  mark: [{ readonly name: string }];
  /** The contact-centre leg answered and the caller is connected to it. */
  escalated: [Call];
  /** An `escalate` failed; the bot keeps the caller. */
  'escalation-failed': [unknown];
  /** A contained failure (a throwing listener, a failed send). */
  error: [unknown];
}

/** Node `diagnostics_channel` with one record per bridge event (`open`, `clear`, `escalated`, `ended`). */
export const MEDIA_STREAM_CHANNEL = 'trunkline:media-stream';
const diagnostics = channel(MEDIA_STREAM_CHANNEL);

const FRAME_MS = 20;
const DEFAULTS = {
  connectTimeoutMs: 5000,
  maxBotAudioMs: 60_000,
  maxSocketBufferBytes: 262_144,
  maxMessageBytes: 4 * 1024 * 1024,
  botClosedReason: 'SIP;cause=200;text="Bot ended the call"',
  botFailedReason: 'SIP;cause=502;text="Bot connection lost"',
  escalationTimeoutMs: 30_000,
  promptTailMs: 300,
} as const;

/** A converter between two sample rates (identity when equal). */
function rateConverter(from: number, to: number): { process(pcm: Int16Array): Int16Array; reset(): void } {
  if (from === to) return { process: (pcm) => pcm, reset: () => undefined };
  const r = new Resampler({ fromRate: from, toRate: to });
  return { process: (pcm) => r.process(pcm), reset: () => r.reset() };
}

/** Options after defaults. */
type ResolvedOptions = BridgeCallOptions & {
  readonly codec: BridgeCodec;
  readonly accountSid: string;
  readonly connectTimeoutMs: number;
  readonly maxBotAudioMs: number;
  readonly maxSocketBufferBytes: number;
  readonly maxMessageBytes: number;
  readonly botClosedReason: string;
  readonly botFailedReason: string;
};

const sidFrom = (prefix: string, seed: string): string => prefix + createHash('sha256').update(seed).digest('hex').slice(0, 32);

/**
 * A call bridged to a bot. Ends when either side ends; `done` says how.
 */
export class MediaStreamBridge extends EventEmitter<MediaStreamBridgeEvents> {
  /** The `streamSid` the bot sees. */
  readonly streamSid: string;
  /** The `callSid` the bot sees (derived from the SIP Call-ID). */
  readonly callSid: string;
  /** The caller's call. */
  readonly call: Call;
  readonly #ws: WebSocket;
  readonly #o: ResolvedOptions;
  readonly #botRate: 8000 | 16000;
  readonly #toCall: ReturnType<typeof rateConverter>;
  readonly #toBot: ReturnType<typeof rateConverter>;
  readonly #playout: BotPlayout;
  readonly #done: Promise<BridgeEnd>;
  #resolveDone!: (end: BridgeEnd) => void;
  #seq = 0;
  #chunk = 0;
  #frameIndex = 0;
  #oddByte: number | undefined;
  #endedBy: BridgeEnd['by'] | null = null;
  #socketOpen = true;
  #closeCode = 0;
  #leg: Call | null = null;
  #escalating = false;
  #connectMs: number | null;
  #stats = { framesToBot: 0, framesDroppedToBot: 0, botSamples: 0, marksReceived: 0, marksEchoed: 0, clears: 0, dtmfToBot: 0, ignoredMessages: 0 };

  /** @internal Built by {@link bridgeCall}. */
  constructor(call: Call, ws: WebSocket, options: ResolvedOptions, connectMs: number) {
    super();
    this.call = call;
    this.#ws = ws;
    this.#o = options;
    this.#connectMs = connectMs;
    this.streamSid = `MZ${randomBytes(16).toString('hex')}`;
    this.callSid = sidFrom('CA', call.callId);
    this.#botRate = options.codec === 'l16-16k' ? 16000 : 8000;
    this.#toCall = rateConverter(this.#botRate, call.audio.sampleRate);
    this.#toBot = rateConverter(call.audio.sampleRate, this.#botRate);
    this.#playout = new BotPlayout(call.audio, {
      maxQueuedSamples: (options.maxBotAudioMs * call.audio.sampleRate) / 1000,
      frameSamples: (FRAME_MS * call.audio.sampleRate) / 1000,
      onMarkDropped: (name) => this.#sendMark(name),
      onError: (e) => this.#report(e),
    });
    this.#done = new Promise((resolve) => (this.#resolveDone = resolve));
  }

  /** Resolves once the call has ended and the socket is closed. */
  get done(): Promise<BridgeEnd> {
    return this.#done;
  }

  /** A snapshot of the counters. */
  get stats(): BridgeStats {
    const s = this.#stats;
    const rate = this.call.audio.sampleRate;
    return {
      connectMs: this.#connectMs,
      framesToBot: s.framesToBot,
      framesDroppedToBot: s.framesDroppedToBot,
      botAudioMs: (s.botSamples * 1000) / this.#botRate,
      botAudioDroppedMs: (this.#playout.droppedSamples * 1000) / rate,
      botAudioQueuedMs: (this.#playout.queuedSamples * 1000) / rate + this.call.audio.queuedMs,
      marksReceived: s.marksReceived,
      marksEchoed: s.marksEchoed,
      clears: s.clears,
      dtmfToBot: s.dtmfToBot,
      ignoredMessages: s.ignoredMessages,
    };
  }

  /** Ends the call (BYE) and the stream (`stop`, close). Idempotent; resolves with `done`. */
  async close(): Promise<BridgeEnd> {
    this.#endedBy ??= 'local';
    await Promise.all([this.call.hangup().catch(() => undefined), this.#leg?.hangup().catch(() => undefined)]);
    return this.#done;
  }

  /** @internal Sends `connected` and `start`, then streams until either side ends. */
  run(): void {
    const call = this.call;
    const format: MediaFormat =
      this.#botRate === 16000 ? { encoding: 'audio/L16', sampleRate: 16000, channels: 1 } : { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 };
    this.#send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    this.#send({
      event: 'start',
      sequenceNumber: this.#nextSeq(),
      start: {
        streamSid: this.streamSid,
        accountSid: this.#o.accountSid,
        callSid: this.callSid,
        tracks: ['inbound'],
        customParameters: this.#customParameters(),
        mediaFormat: format,
      },
      streamSid: this.streamSid,
    });
    this.#ws.on('message', (data, isBinary) => this.#onBotFrame(data, isBinary));
    this.#ws.on('close', (code) => this.#onSocketClosed(code));
    this.#ws.on('error', (e) => this.#report(e));
    call.on('mark', ({ name }) => this.#sendMark(name));
    call.on('dtmf', ({ digit }) => {
      if (this.#leg !== null) {
        // Escalated: the caller's digits go on to the contact centre (its IVR, RFC 4733).
        void this.#leg.sendDtmf(digit).catch((e: unknown) => this.#report(e));
        return;
      }
      this.#stats.dtmfToBot++;
      this.#send({ event: 'dtmf', sequenceNumber: this.#nextSeq(), dtmf: { track: 'inbound_track', digit }, streamSid: this.streamSid });
    });
    diagnostics.publish({ type: 'open', callId: call.callId, streamSid: this.streamSid, connectMs: this.#connectMs });
    void this.#pumpCaller();
    void this.#finish();
  }

  #customParameters(): Record<string, string> {
    const call = this.call;
    const p: Record<string, string> = { From: call.from.uri, To: call.to.uri, 'Call-ID': call.callId };
    const uui = call.uui[0];
    if (uui !== undefined) {
      p['UUI'] = uui.hex;
      if (uui.text !== null) p['UUI-Text'] = uui.text;
    }
    for (const name of this.#o.sipHeaders ?? []) {
      const v = call.request?.headers.get(name);
      if (v !== undefined) p[name] = v;
    }
    return { ...p, ...this.#o.customParameters };
  }

  /** The caller's frames: to the bot, or to the contact centre after an escalation. */
  async #pumpCaller(): Promise<void> {
    const rawOut = this.#botRate === 16000;
    try {
      for await (const frame of this.call.audio) {
        const ts = this.#frameIndex++ * FRAME_MS;
        const leg = this.#leg;
        if (leg !== null) {
          void leg.audio.write(this.#legConvert(frame.samples, this.call.audio.sampleRate, leg.audio.sampleRate)).catch(() => undefined);
          continue;
        }
        if (!this.#socketOpen || this.#ws.readyState !== WebSocket.OPEN) continue;
        if (this.#ws.bufferedAmount > this.#o.maxSocketBufferBytes) {
          // A slow bot: drop rather than grow the socket's buffer without bound.
          this.#stats.framesDroppedToBot++;
          continue;
        }
        const pcm = this.#toBot.process(frame.samples);
        this.#stats.framesToBot++;
        if (rawOut) {
          this.#ws.send(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength), { binary: true });
          continue;
        }
        this.#chunk++;
        this.#send({
          event: 'media',
          sequenceNumber: this.#nextSeq(),
          media: { track: 'inbound', chunk: String(this.#chunk), timestamp: String(ts), payload: Buffer.from(encodePcmu(pcm)).toString('base64') },
          streamSid: this.streamSid,
        });
      }
    } catch (e) {
      this.#report(e);
    }
  }

  #legConverters = new Map<string, ReturnType<typeof rateConverter>>();
  #legConvert(pcm: Int16Array, from: number, to: number): Int16Array {
    const key = `${from}>${to}`;
    let c = this.#legConverters.get(key);
    if (c === undefined) this.#legConverters.set(key, (c = rateConverter(from, to)));
    return c.process(pcm);
  }

  #onBotFrame(data: RawData, isBinary: boolean): void {
    if (this.#leg !== null) return;
    if (isBinary) {
      if (this.#botRate !== 16000) {
        this.#stats.ignoredMessages++;
        return;
      }
      this.#pushBotAudio(this.#l16Samples(rawBytes(data)));
      return;
    }
    const msg = parseBotMessage(rawBytes(data).toString('utf8'));
    if (typeof msg === 'string') {
      this.#stats.ignoredMessages++;
      return;
    }
    this.#safeEmit('bot-message', msg);
    switch (msg.event) {
      case 'media': {
        if (this.#botRate !== 8000) {
          this.#stats.ignoredMessages++;
          return;
        }
        this.#pushBotAudio(decodePcmu(Buffer.from(msg.payload, 'base64')));
        return;
      }
      case 'mark':
        this.#stats.marksReceived++;
        this.#playout.pushMark(msg.name);
        return;
      case 'clear': {
        // Barge-in: the call's queue is emptied now, so its next frame is silence.
        const droppedMs = this.stats.botAudioQueuedMs;
        this.#stats.clears++;
        this.#toCall.reset();
        this.#playout.clear();
        diagnostics.publish({ type: 'clear', callId: this.call.callId, droppedMs });
        this.#safeEmit('clear', { droppedMs });
        return;
      }
      case 'hangup':
        this.#endedBy ??= 'bot-hangup';
        void this.call.hangup({ ...(msg.reason === undefined ? {} : { reason: msg.reason }), ...(msg.uui === undefined ? {} : { uui: msg.uui }) }).catch((e: unknown) => this.#report(e));
        return;
      case 'escalate':
        void this.#escalate(msg.uui);
        return;
    }
  }

  #pushBotAudio(pcm: Int16Array): void {
    this.#stats.botSamples += pcm.length;
    this.#playout.pushAudio(this.#toCall.process(pcm));
  }

  /** 16-bit little-endian bytes → samples; an odd trailing byte waits for the next frame. */
  #l16Samples(bytes: Buffer): Int16Array {
    let b = bytes;
    if (this.#oddByte !== undefined) {
      b = Buffer.concat([Buffer.from([this.#oddByte]), bytes]);
      this.#oddByte = undefined;
    }
    if (b.length % 2 === 1) {
      this.#oddByte = b[b.length - 1];
      b = b.subarray(0, b.length - 1);
    }
    const out = new Int16Array(b.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = b.readInt16LE(2 * i);
    return out;
  }

  /** Escalation without REFER: a new outbound call carrying the caller's UUI, then back-to-back audio. */
  async #escalate(extra: UuiInput | undefined): Promise<void> {
    const target = this.#o.escalation;
    if (this.#escalating || this.#leg !== null) return;
    if (target === undefined) {
      this.#escalationFailed(null, 'no escalation target is configured', new TypeError('options.escalation is not set'));
      return;
    }
    this.#escalating = true;
    const uui: UuiInput[] = this.call.uui.map((u) => ({ hex: u.hex, ...(u.purpose === 'isdn-uui' ? {} : { purpose: u.purpose }), ...(u.content === null ? {} : { content: u.content }) }));
    if (extra !== undefined) uui.push(extra);
    let leg: Call;
    try {
      leg = await target.userAgent.invite(target.target, {
        ...(uui.length === 0 ? {} : { uui }),
        ...(target.headers === undefined ? {} : { headers: target.headers }),
        timeoutMs: target.timeoutMs ?? DEFAULTS.escalationTimeoutMs,
      });
    } catch (e) {
      this.#escalating = false;
      const status = typeof (e as { status?: unknown }).status === 'number' ? (e as { status: number }).status : null;
      this.#escalationFailed(status, e instanceof Error ? e.message : String(e), e);
      // The bot left while we were dialling: nobody is left to talk to the caller.
      if (!this.#socketOpen) this.#hangupForSocket();
      return;
    }
    if (this.call.closed) {
      void leg.hangup().catch(() => undefined);
      return;
    }
    this.#leg = leg;
    this.#endedBy = 'escalated';
    // The bot's audio stops at once; the stream ends as if the call had left the bot.
    this.#playout.close();
    this.call.audio.clear();
    this.#stop();
    void this.#pumpLeg(leg);
    void leg.done.then(() => this.call.hangup().catch(() => undefined));
    diagnostics.publish({ type: 'escalated', callId: this.call.callId, legCallId: leg.callId });
    this.#safeEmit('escalated', leg);
  }

  #escalationFailed(sipStatus: number | null, reason: string, error: unknown): void {
    this.#send({ event: 'escalation', sequenceNumber: this.#nextSeq(), escalation: { status: 'failed', sipStatus, reason }, streamSid: this.streamSid });
    this.#safeEmit('escalation-failed', error);
  }

  async #pumpLeg(leg: Call): Promise<void> {
    try {
      for await (const frame of leg.audio) {
        void this.call.audio.write(this.#legConvert(frame.samples, leg.audio.sampleRate, this.call.audio.sampleRate)).catch(() => undefined);
      }
    } catch (e) {
      this.#report(e);
    }
  }

  #onSocketClosed(code: number): void {
    this.#socketOpen = false;
    this.#closeCode = code;
    if (this.call.closed || this.#leg !== null || this.#escalating) return;
    this.#hangupForSocket();
  }

  /** The bot's socket is gone and the caller has no one else: BYE, its Reason (RFC 3326) saying how the socket ended. */
  #hangupForSocket(): void {
    if (this.call.closed) return;
    const normal = this.#closeCode === 1000;
    this.#endedBy ??= normal ? 'bot-closed' : 'bot-failed';
    void this.call.hangup({ reason: normal ? this.#o.botClosedReason : this.#o.botFailedReason }).catch((e: unknown) => this.#report(e));
  }

  async #finish(): Promise<void> {
    const end = await this.call.done;
    this.#playout.close();
    this.#endedBy ??= 'caller';
    this.#stop();
    let legEnd: CallEndedEvent | null = null;
    if (this.#leg !== null) {
      void this.#leg.hangup().catch(() => undefined);
      legEnd = await this.#leg.done;
    }
    if (this.#ws.readyState !== WebSocket.CLOSED) await new Promise<void>((resolve) => this.#ws.once('close', () => resolve()));
    const result: BridgeEnd = { by: this.#endedBy, call: end, escalation: legEnd, stats: this.stats };
    diagnostics.publish({ type: 'ended', callId: this.call.callId, by: result.by, stats: result.stats });
    this.#resolveDone(result);
  }

  /** `stop`, then a normal close (idempotent). */
  #stop(): void {
    if (this.#ws.readyState === WebSocket.OPEN) {
      this.#send({ event: 'stop', sequenceNumber: this.#nextSeq(), stop: { accountSid: this.#o.accountSid, callSid: this.callSid }, streamSid: this.streamSid });
      this.#ws.close(1000, 'stream stopped');
    } else if (this.#ws.readyState === WebSocket.CONNECTING) {
      this.#ws.terminate();
    }
  }

  #sendMark(name: string): void {
    this.#stats.marksEchoed++;
    this.#send({ event: 'mark', sequenceNumber: this.#nextSeq(), mark: { name }, streamSid: this.streamSid });
    this.#safeEmit('mark', { name });
  }

  #nextSeq(): string {
    return String(++this.#seq);
  }

  #send(message: BridgeMessage): void {
    if (this.#ws.readyState !== WebSocket.OPEN) return;
    this.#ws.send(JSON.stringify(message));
  }

  #report(error: unknown): void {
    this.#safeEmit('error', error);
  }

  #safeEmit<K extends keyof MediaStreamBridgeEvents>(name: K, ...args: MediaStreamBridgeEvents[K]): void {
    // Each listener on its own: one that throws (or rejects) cannot break the call, the stream or
    // the other listeners. An 'error' nobody listens to is simply dropped.
    for (const l of this.rawListeners(name)) {
      try {
        const r: unknown = (l as (...a: unknown[]) => unknown).apply(this, args);
        if (r instanceof Promise) r.catch(() => undefined);
      } catch {
        // contained, see above
      }
    }
  }
}

function rawBytes(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function connect(url: string, options: BridgeCallOptions, timeoutMs: number, maxPayload: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { ...options.headers }, handshakeTimeout: timeoutMs, maxPayload });
    const fail = (cause: unknown): void => {
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
      reject(new MediaStreamError('MEDIA_STREAM_BOT_UNREACHABLE', `bot WebSocket ${url} unreachable: ${cause instanceof Error ? cause.message : String(cause)}`, { cause }));
    };
    ws.once('open', () => {
      ws.removeAllListeners();
      resolve(ws);
    });
    ws.once('error', fail);
    ws.once('unexpected-response', (_req, res) => fail(new Error(`HTTP ${res.statusCode ?? '?'} to the upgrade`)));
  });
}

/**
 * Bridges a call to a bot speaking the Twilio Media Streams bidirectional protocol: opens the
 * WebSocket, answers the call if it is still ringing, sends `connected` and `start`, then streams
 * both ways until either side ends (`stop` and a normal close when the caller hangs up; BYE with a
 * Reason when the bot's socket closes).
 *
 * @param call - an inbound call not yet answered, or an established call
 * @param websocketUrl - `ws:` or `wss:` URL of the bot
 * @param options - see {@link BridgeCallOptions}
 * @returns the running bridge; `bridge.done` resolves when it ends
 * @throws MediaStreamError `MEDIA_STREAM_BOT_UNREACHABLE` (an inbound call was rejected, `statusHint`, or answered with the prompt and hung up) or `MEDIA_STREAM_CALL_ENDED`
 *
 * @example
 * ```ts
 * ua.on('call', (call) => {
 *   void bridgeCall(call, 'wss://bot.example.com/stream').catch(() => undefined);
 * });
 * ```
 */
export async function bridgeCall(call: Call, websocketUrl: string, options: BridgeCallOptions = {}): Promise<MediaStreamBridge> {
  if (call === null || typeof call !== 'object' || typeof call.answer !== 'function') throw new TypeError('call must be a Call');
  if (typeof websocketUrl !== 'string' || !/^wss?:\/\//i.test(websocketUrl)) throw new TypeError('websocketUrl must be a ws: or wss: URL');
  const codec = options.codec ?? 'pcmu';
  if (codec !== 'pcmu' && codec !== 'l16-16k') throw new TypeError("options.codec must be 'pcmu' or 'l16-16k'");
  const positive = (name: string, v: number | undefined, d: number): number => {
    if (v === undefined) return d;
    if (!(v > 0) || !Number.isFinite(v)) throw new TypeError(`options.${name} must be a positive number`);
    return v;
  };
  const resolved: ResolvedOptions = {
    ...options,
    codec,
    accountSid: options.accountSid ?? `AC${'0'.repeat(32)}`,
    connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs, DEFAULTS.connectTimeoutMs),
    maxBotAudioMs: positive('maxBotAudioMs', options.maxBotAudioMs, DEFAULTS.maxBotAudioMs),
    maxSocketBufferBytes: positive('maxSocketBufferBytes', options.maxSocketBufferBytes, DEFAULTS.maxSocketBufferBytes),
    maxMessageBytes: positive('maxMessageBytes', options.maxMessageBytes, DEFAULTS.maxMessageBytes),
    botClosedReason: options.botClosedReason ?? DEFAULTS.botClosedReason,
    botFailedReason: options.botFailedReason ?? DEFAULTS.botFailedReason,
  };
  const started = performance.now();
  let ws: WebSocket;
  try {
    ws = await connect(websocketUrl, options, resolved.connectTimeoutMs, resolved.maxMessageBytes);
  } catch (e) {
    throw await unreachable(call, options.onUnreachable ?? { status: 503 }, e as MediaStreamError);
  }
  const connectMs = Math.round((performance.now() - started) * 10) / 10;
  if (call.state === 'incoming' || call.state === 'ringing') {
    try {
      await call.answer(options.answer);
    } catch (e) {
      ws.terminate();
      throw new MediaStreamError('MEDIA_STREAM_CALL_ENDED', 'the call ended before it could be answered', { cause: e });
    }
  }
  if (call.state !== 'established') {
    ws.terminate();
    throw new MediaStreamError('MEDIA_STREAM_CALL_ENDED', `the call is ${call.state}, not established`);
  }
  const bridge = new MediaStreamBridge(call, ws, resolved, connectMs);
  bridge.run();
  return bridge;
}

async function unreachable(call: Call, action: UnreachableAction, error: MediaStreamError): Promise<MediaStreamError> {
  const ringing = call.state === 'incoming' || call.state === 'ringing';
  if ('status' in action) {
    if (ringing) call.reject(action.status);
    else if (call.state === 'established') await call.hangup({ reason: DEFAULTS.botFailedReason }).catch(() => undefined);
    return new MediaStreamError(error.code, error.message, { cause: error.cause, ...(ringing ? { statusHint: action.status } : {}) });
  }
  try {
    if (ringing) await call.answer();
    const played = new Promise<void>((resolve) => {
      const onMark = ({ name }: { name: string }): void => {
        if (name !== 'trunkline:unreachable-prompt') return;
        call.off('mark', onMark);
        resolve();
      };
      call.on('mark', onMark);
      void call.done.then(() => resolve());
    });
    void call.audio.write(action.prompt);
    call.audio.mark('trunkline:unreachable-prompt');
    await played;
    await Promise.race([new Promise((r) => setTimeout(r, action.tailMs ?? DEFAULTS.promptTailMs)), call.done]);
    await call.hangup({ reason: action.reason ?? DEFAULTS.botFailedReason });
  } catch {
    // The caller left first: nothing more to do.
  }
  return error;
}
