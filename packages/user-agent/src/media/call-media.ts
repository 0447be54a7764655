import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import { DtmfDetector, Framer, OpusError, Resampler, loadOpus } from '@trunkline/codecs';
import {
  JitterBuffer,
  MediaSocket,
  OneWayAudioDetector,
  RealtimePacer,
  RtcpSession,
  RtpSequencer,
  StreamStats,
  TelephoneEventReceiver,
  TelephoneEventSender,
  marshalTelephoneEventTo,
  parseTelephoneEvent,
  type JitterBufferOptions,
  type MediaDropReason,
  type PacerTimers,
  type PortAllocator,
  type RtpPacket,
  type TelephoneEvent,
  type TransportAddress,
} from '@trunkline/rtp-srtp';
import type { MediaDirection, NegotiatedMedia } from '@trunkline/sdp';
import { CallAudio, type AppSampleRate, type CallAudioFrame } from './call-audio.js';
import { CallMediaError } from './errors.js';
import { createMediaCodec, G711_CLOCK_RATE, type MediaCodec } from './media-codec.js';
import type { MediaMetrics, OneWayAudio } from './media-metrics.js';
import { PlayoutQueue } from './playout-queue.js';
import { ReadBuffer } from './read-buffer.js';
import type { RecordingTap } from './recording.js';
import { SrtpKeying } from './srtp-keying.js';

/** Options of {@link CallMedia.open}. Every limit has a default; all are validated once, here. */
export interface CallMediaOptions {
  /** Shared per user agent: hands out the RTP/RTCP port pair. */
  readonly ports: PortAllocator;
  /**
   * The codecs this call may negotiate (as in `@trunkline/sdp`'s `AUDIO_CODECS`). With `OPUS` among
   * them, {@link CallMedia.open} first awaits `loadOpus()` (libopus WebAssembly, once per process),
   * so the codec can start synchronously when negotiated. Default: none needing a load.
   */
  readonly codecs?: readonly string[];
  /** Rate of the PCM the app reads and writes. Default 8000. */
  readonly sampleRate?: AppSampleRate;
  /** Playout queue bound: ms of audio the app may queue ahead. Default 2000 (holds a TTS burst). */
  readonly maxQueuedMs?: number;
  /** Read-side bound in 20 ms frames when the app reads slower than real time (oldest dropped, counted). Default 50. */
  readonly maxReadFrames?: number;
  /** Send silence while nothing is queued, keeping the stream (and NAT bindings) alive. Default true. */
  readonly sendSilence?: boolean;
  /** No RTP received for this long while we expect some → 'media-timeout'. Default 30000; 0 disables. */
  readonly mediaTimeoutMs?: number;
  /** A direction missing or silent this long is flagged in `metrics.oneWayAudio`. Default 5000. */
  readonly oneWayAudioMs?: number;
  /** Also detect DTMF tones in the received audio (ITU-T Q.24), reported with `source: 'inband'`. Default false. */
  readonly inbandDtmf?: boolean;
  /** Recording tap: both directions as decoded PCM at the app's rate (see `StereoWavRecorder`). */
  readonly record?: RecordingTap;
  /**
   * RTCP minimum report interval Tmin, ms (RFC 3550 §6.2: 5 s by default; a smaller one is allowed,
   * e.g. to measure RTT sooner). Default 5000.
   */
  readonly rtcpMinIntervalMs?: number;
  /** RTCP canonical name (RFC 3550 §6.5.1). Default: random per call (RFC 7022 §4.2). */
  readonly cname?: string;
  /** Jitter-buffer delay bounds (ms). Defaults: min 20, initial 60, max 200. */
  readonly jitter?: Pick<JitterBufferOptions, 'minDelayMs' | 'initialDelayMs' | 'maxDelayMs' | 'maxPackets'>;
  /** After the peer re-keys, packets under its previous key are accepted this long (ms). Default 2000. */
  readonly previousKeyGraceMs?: number;
  /** A digit's RFC 4733 events end before the next starts; this is the pause between digits (ms). Default 50. */
  readonly dtmfGapMs?: number;
  /**
   * When a continuous writer (an echo, a bridge from another call) misses a tick mid-stream, its
   * next frames may go out up to this late, back to back, instead of being split by inserted
   * silence (which would add a frame of latency for the rest of the call). Default 60 ms; 0 turns
   * it off. The receiver's jitter buffer absorbs the lateness.
   */
  readonly lateWriteToleranceMs?: number;
  /** Clock and timers; default `performance.now()` and the global timers (tests inject virtual ones). */
  readonly timers?: PacerTimers;
}

/** Options of {@link CallMedia.sendDtmf}. */
export interface SendDtmfOptions {
  /** Tone duration per digit, ms (40..5000). Default 100. */
  readonly durationMs?: number;
  /** Aborting drops the digits not started yet (the one being sent finishes) and rejects with the reason. */
  readonly signal?: AbortSignal;
}

/** Events of {@link CallMedia}. */
export interface CallMediaEvents {
  /** A digit from the peer: RFC 4733 events (duplicates and redundant ends collapsed) or in-band tones. */
  dtmf: [{ readonly digit: string; readonly durationMs: number; readonly source: 'rfc4733' | 'inband' }];
  /** All audio written before `audio.mark(name)` was sent (`cleared: false`), or was dropped by clear()/close() (`true`). */
  mark: [{ readonly name: string; readonly cleared: boolean }];
  /** No RTP for `mediaTimeoutMs` while we expect it; fires once per silent stretch. */
  'media-timeout': [{ readonly silentForMs: number }];
  /** RTP now goes where authenticated media comes from (symmetric RTP). */
  latched: [TransportAddress];
  /** A contained failure (socket error, a throwing listener or tap); never thrown at the app. */
  error: [Error];
}

const DEFAULT_DTMF_MS = 100;
/** Concealment repeats the last frame this many times, fading, then plays silence. */
const PLC_REPEATS = 2;
/** Packets remembered by sequence number for FEC lookups: more than any jitter buffer holds at 20 ms. */
const RECENT = 64;

const realTimers: PacerTimers = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

interface DtmfRequest {
  readonly digits: string[];
  readonly toneSamples: number;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
  readonly cleanup: () => void;
}

/** The in-band DTMF detector's rate (ITU-T Q.24 blocks are tuned for 8 kHz). */
const DTMF_DETECTOR_RATE = 8000;

/** A mutable RTP packet reused for every send (the socket serializes it synchronously). */
interface OutPacket {
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  readonly csrc: number[];
  readonly padding: number;
  payload: Uint8Array;
}

/**
 * The media of one call: an RTP/RTCP port pair from the user agent's range, SRTP as negotiated,
 * symmetric RTP, RTCP reports, a jitter buffer, RFC 4733 DTMF, and {@link CallAudio} for the app.
 * Opened before the SDP is built (its port goes into our offer/answer), started once negotiated.
 *
 * One drift-free pacer tick per ptime does everything time-driven: send one frame (queued audio,
 * a DTMF event packet, or silence), play out the jitter buffer into app frames, and check the
 * media timeout. Sockets, timers and the app meet here; the logic lives in pure parts
 * ({@link PlayoutQueue}, {@link ReadBuffer}, {@link SrtpKeying}, and the rtp-srtp machines).
 */
export class CallMedia extends EventEmitter<CallMediaEvents> {
  /** call.audio: read the peer's audio, write ours. */
  readonly audio: CallAudio;
  readonly #socket: MediaSocket;
  readonly #keying: SrtpKeying;
  readonly #timers: PacerTimers;
  readonly #rate: AppSampleRate;
  readonly #sendSilence: boolean;
  readonly #mediaTimeoutMs: number;
  readonly #oneWayMs: number;
  readonly #record: RecordingTap | undefined;
  readonly #cname: string;
  readonly #rtcpMinIntervalMs: number;
  readonly #jitterOptions: CallMediaOptions['jitter'];
  readonly #dtmfGapMs: number;
  readonly #queue: PlayoutQueue;
  readonly #frames: ReadBuffer<CallAudioFrame>;
  readonly #seq = new RtpSequencer();
  /** Receive statistics; replaced at the first negotiation by one at the codec's RTP clock. */
  #stats = new StreamStats({ clockRate: G711_CLOCK_RATE });
  readonly #dtmfIn = new TelephoneEventReceiver();
  readonly #inband: DtmfDetector | undefined;
  /** Rate of the send queue: 16 kHz when the app's rate can carry wideband audio, else 8 kHz. */
  readonly #queueRate: number;
  /** Codec audio rate → app rate, for what we play out (and the outbound recording tap). */
  #up: Resampler;
  #outUp: Resampler | undefined;
  /** Queue rate → codec audio rate, when they differ (G.711 from a 16 kHz queue, G.722 from an 8 kHz one). */
  #toCodec: Resampler | undefined;
  /** Codec audio rate → 8 kHz for the in-band DTMF detector, when they differ. */
  #toDetector: Resampler | undefined;
  readonly #framer: Framer;
  readonly #packet: OutPacket;
  readonly #dtmfPayload = new Uint8Array(4);
  readonly #dtmfQueue: DtmfRequest[] = [];

  #media: NegotiatedMedia | undefined;
  #codec: MediaCodec | undefined;
  #previousCodec: MediaCodec | undefined;
  /** The last packets given to the jitter buffer by sequence number (mod {@link RECENT}), for FEC. */
  readonly #recent: (RtpPacket | undefined)[] = new Array<RtpPacket | undefined>(RECENT);
  /** The packetisation time we send with (ms): the negotiated one, or the nearest the codec can frame. */
  #ptime = 0;
  /** RTP clock units per frame (ptime × clock rate / 1000). */
  #frameSamples = 0;
  /** One frame at the queue rate. */
  #sendFrame = new Int16Array(0);
  /** One frame at the codec's audio rate (the #toCodec output). */
  #codecFrame = new Int16Array(0);
  /** Resampler output, consumed at once (send path, then the detector feed). */
  #scratch = new Int16Array(0);
  #sendPayload = new Uint8Array(0);
  #decoded = new Int16Array(0);
  #upBuffer = new Int16Array(0);
  #outDecoded = new Int16Array(0);
  #outUpBuffer = new Int16Array(0);
  #jitter: JitterBuffer<RtpPacket> | undefined;
  #pacer: RealtimePacer | undefined;
  #oneWay: OneWayAudioDetector | undefined;
  #dtmfOut: TelephoneEventSender | undefined;
  #dtmfActive: DtmfRequest | undefined;
  #dtmfTone = 0;
  #canSend = false;
  /** Pacer slots held for a late writer (see `lateWriteToleranceMs`), and their bound. */
  #owed = 0;
  #maxOwed = 0;
  /** The last frame sent came from the app (not silence). */
  #writing = false;
  readonly #lateWriteMs: number;
  #canReceive = false;
  #talkspurt = false;
  #lastRtpAt = 0;
  #lastEventAt: number | undefined;
  #timedOut = false;
  #concealRun = 0;
  #concealPending = false;
  #concealed = 0;
  #fecFrames = 0;
  #dropUnprotect = 0;
  #dropParse = 0;
  #dropPayloadType = 0;
  #jitterPrev = { late: 0, duplicate: 0, dropped: 0 };
  #closed = false;
  #closing: Promise<void> | undefined;
  /** Reflect mode (see {@link CallMedia.reflect}) and its timestamp offset (ours − peer's), fixed per peer SSRC. */
  #reflect = false;
  /** A second instance of the codec for packets the playout path does not own: reflected ones, or ours for the recording tap. */
  #sideCodec: MediaCodec | undefined;
  #reflectSsrc: number | undefined;
  #reflectOffset = 0;

  /** Allocates the port pair; nothing is sent or accepted until {@link start}. */
  static async open(options: CallMediaOptions): Promise<CallMedia> {
    validate(options);
    if (options.codecs?.some((c) => c.toUpperCase() === 'OPUS') === true) await loadOpus();
    const timers = options.timers ?? realTimers;
    const keying = new SrtpKeying(
      options.previousKeyGraceMs === undefined ? { now: () => timers.now() } : { now: () => timers.now(), previousKeyGraceMs: options.previousKeyGraceMs },
    );
    const socket = await MediaSocket.open({ allocator: options.ports, transform: keying, symmetric: true });
    return new CallMedia(socket, keying, timers, options);
  }

  private constructor(socket: MediaSocket, keying: SrtpKeying, timers: PacerTimers, options: CallMediaOptions) {
    super();
    this.#socket = socket;
    this.#keying = keying;
    this.#timers = timers;
    this.#rate = options.sampleRate ?? 8000;
    this.#sendSilence = options.sendSilence ?? true;
    this.#mediaTimeoutMs = options.mediaTimeoutMs ?? 30_000;
    this.#oneWayMs = options.oneWayAudioMs ?? 5000;
    this.#record = options.record;
    this.#cname = options.cname ?? randomBytes(12).toString('base64url');
    this.#jitterOptions = options.jitter;
    this.#rtcpMinIntervalMs = options.rtcpMinIntervalMs ?? 5000;
    this.#lateWriteMs = options.lateWriteToleranceMs ?? 60;
    this.#dtmfGapMs = options.dtmfGapMs ?? 50;
    this.#queueRate = this.#rate >= 16000 ? 16000 : 8000;
    this.#queue = new PlayoutQueue({
      sampleRate: this.#queueRate,
      maxQueuedMs: options.maxQueuedMs ?? 2000,
      onMark: (name, cleared) => this.#emitSafe('mark', { name, cleared }),
      // Barge-in: the queue→codec filter must not replay the cleared audio's last samples.
      onClear: () => this.#toCodec?.reset(),
    });
    this.#frames = new ReadBuffer({ capacity: options.maxReadFrames ?? 50 });
    this.audio = new CallAudio({ sampleRate: this.#rate, queueRate: this.#queueRate, queue: this.#queue, frames: this.#frames });
    this.#inband = options.inbandDtmf === true ? new DtmfDetector({ sampleRate: DTMF_DETECTOR_RATE }) : undefined;
    // Until a codec is negotiated, as for G.711 (8 kHz audio); #setAudioRate replaces them.
    this.#up = new Resampler({ fromRate: 8000, toRate: this.#rate });
    this.#outUp = this.#record === undefined ? undefined : new Resampler({ fromRate: 8000, toRate: this.#rate });
    this.#framer = new Framer({ sampleRate: this.#rate, frameMs: 20 });
    this.#packet = { marker: false, payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: this.#seq.ssrc, csrc: [], padding: 0, payload: this.#sendPayload };
    socket.on('rtp', this.#onRtp);
    socket.on('dropped', this.#onDropped);
    socket.on('latched', (remote) => this.#emitSafe('latched', remote));
    socket.on('error', (e) => this.#emitSafe('error', e));
  }

  /** Local RTP port (RTCP is port + 1 unless rtcp-mux). */
  get localPort(): number {
    return this.#socket.localPort;
  }

  /** Whether close() was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Starts sending and receiving as negotiated by the first offer/answer, keying SRTP. Calling it
   * again is the same as {@link update}; after close() it does nothing.
   *
   * @throws CallMediaError `MEDIA_UNSUPPORTED_CODEC` (status hint 488) for a codec other than PCMU, PCMA or G722 at clock 8000,
   *   or Opus without `OPUS` in the options' `codecs`
   * @throws TypeError for an impossible `media.ptime`
   */
  start(media: NegotiatedMedia): void {
    this.update(media);
  }

  /**
   * Applies a re-negotiation (re-INVITE/UPDATE, hold/resume): new address/port (the learned
   * symmetric-RTP address is forgotten), codec, keys, direction, ptime. The pacer keeps its phase
   * unless the ptime changes, so the stream has no gap beyond one frame. While the peer holds us
   * (`remoteHold`, or a 0.0.0.0 address) nothing is sent to it; queued audio waits.
   */
  update(media: NegotiatedMedia): void {
    if (this.#closed) return;
    const current = this.#codec;
    // The same codec on the same payload type keeps its instance: G.722's ADPCM state must run on.
    const codec =
      current !== undefined && current.payloadType === media.codec.payloadType && current.name === media.codec.name.toUpperCase()
        ? current
        : createMediaCodec(media.codec);
    if (!Number.isInteger(media.ptime) || media.ptime < 10 || media.ptime > 200 || (media.ptime * codec.clockRate) % 1000 !== 0) {
      throw new TypeError(`media.ptime ${media.ptime} must be a whole number of ms in 10..200`);
    }
    const previous = this.#media;
    const now = this.#timers.now();
    this.#keying.apply(media.srtp);

    // RFC 3264 §8.4: a 0.0.0.0 (or ::) connection address means "send nothing".
    const nowhere = media.remoteRtp.address === '0.0.0.0' || media.remoteRtp.address === '::';
    this.#socket.setRtcpMux(media.rtcpMux);
    if (nowhere) this.#socket.setRemote(undefined);
    else if (previous === undefined || !sameEndpoint(previous.remoteRtp, media.remoteRtp) || !sameEndpoint(previous.remoteRtcp, media.remoteRtcp)) {
      this.#socket.setRemote(media.remoteRtp, media.remoteRtcp);
    }

    if (current !== undefined && current !== codec) {
      this.#previousCodec?.close?.();
      this.#previousCodec = current;
    }
    this.#codec = codec;
    this.#packet.payloadType = codec.payloadType;
    const rateChanged = current === undefined || current.audioRate !== codec.audioRate;
    const clockChanged = current !== undefined && current.clockRate !== codec.clockRate;
    if (rateChanged) this.#setAudioRate(codec.audioRate);

    const wasReceiving = this.#canReceive;
    this.#canSend = sends(media.direction) && !media.remoteHold && !nowhere;
    this.#canReceive = receives(media.direction);
    if (this.#canReceive && !wasReceiving) {
      this.#lastRtpAt = now;
      this.#timedOut = false;
    }
    if (media.telephoneEventPayloadType === null) this.#failDtmf(() => new CallMediaError('MEDIA_DTMF_NOT_NEGOTIATED', 'the re-negotiation dropped telephone-event'));

    this.#media = media;
    if (previous === undefined) {
      this.#oneWay = new OneWayAudioDetector(now, { thresholdMs: this.#oneWayMs });
      // RFC 3550 §6.4.1: interarrival jitter and SR timestamps in units of the codec's RTP clock.
      this.#stats = new StreamStats({ clockRate: codec.clockRate });
      // RFC 3550 §6: RTCP SR/RR through the same socket (so SRTCP when keyed, rtcp-mux when agreed).
      const rtcp = new RtcpSession({
        socket: this.#socket, stats: this.#stats, localSsrc: this.#seq.ssrc, cname: this.#cname, clockRate: codec.clockRate, timers: this.#timers,
        scheduler: { minIntervalMs: this.#rtcpMinIntervalMs },
      });
      rtcp.on('error', (e) => this.#emitSafe('error', e));
    }
    // The pacer starts (tick 0 at once) after the RTCP session listens, so every packet is counted.
    // A new RTP clock (PCMU → Opus) re-frames like a new ptime: frame units and the jitter buffer change.
    const ptime = codec.framePtime(media.ptime);
    if (previous === undefined || ptime !== this.#ptime || clockChanged) this.#setPtime(ptime);
    else if (rateChanged) this.#sizeBuffers();
  }

  /**
   * Sends RFC 4733 digits ('0'-'9', '*', '#', 'A'-'D') as telephone events, in place of audio
   * (queued audio waits). Resolves when the last digit's end packets have been sent.
   *
   * @throws TypeError for other characters or a bad duration (synchronously)
   */
  sendDtmf(digits: string, options: SendDtmfOptions = {}): Promise<void> {
    if (typeof digits !== 'string' || !/^[0-9*#A-Da-d]+$/.test(digits)) throw new TypeError('digits must be one or more of 0-9 * # A-D');
    const durationMs = options.durationMs ?? DEFAULT_DTMF_MS;
    if (!Number.isInteger(durationMs) || durationMs < 40 || durationMs > 5000) throw new TypeError('options.durationMs must be an integer in 40..5000');
    if (this.#closed) return Promise.reject(new CallMediaError('MEDIA_CLOSED', 'the call media is closed'));
    if (this.#media === undefined) return Promise.reject(new CallMediaError('MEDIA_NOT_STARTED', 'sendDtmf() before the media was negotiated'));
    if (this.#media.telephoneEventPayloadType === null) {
      return Promise.reject(new CallMediaError('MEDIA_DTMF_NOT_NEGOTIATED', 'the peer did not agree to RFC 4733 telephone-event'));
    }
    const signal = options.signal;
    if (signal?.aborted === true) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const i = this.#dtmfQueue.indexOf(request);
        if (i >= 0) this.#dtmfQueue.splice(i, 1);
        request.digits.length = 0; // a digit in progress still ends properly
        reject(signal?.reason);
      };
      const request: DtmfRequest = {
        digits: [...digits.toUpperCase()],
        toneSamples: (durationMs * this.#clockRate) / 1000,
        resolve,
        reject,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#dtmfQueue.push(request);
    });
  }

  /** Live quality figures (a fresh snapshot on each read). */
  /**
   * Reflect mode, for echo endpoints: every RTP packet received (audio and
   * RFC 4733 events) is sent straight back as it arrives — same payload and
   * marker, our SSRC and sequence numbers, its timestamp mapped onto our media
   * clock so gaps and timing are kept (RFC 3550 §5.1). Nothing is queued or
   * paced, so the echo adds no delay beyond the packet's own processing and
   * cannot be warped by the jitter buffer or timer stalls. While it is on,
   * audio written to {@link CallAudio} is not sent, and nothing is decoded for the
   * app to read (the jitter buffer and resampler stand idle: an echo costs only the packet).
   */
  get reflect(): boolean {
    return this.#reflect;
  }

  set reflect(on: boolean) {
    if (typeof on !== 'boolean') throw new TypeError('reflect must be a boolean');
    this.#reflect = on;
    this.#reflectSsrc = undefined;
  }

  get metrics(): MediaMetrics {
    const s = this.#stats.snapshot();
    const j = this.#jitter?.stats;
    const codec = this.#codec;
    const writeOverflowMs = (this.#queue.droppedSamples * 1000) / this.#queueRate;
    return {
      codec: codec?.name ?? null,
      payloadType: codec?.payloadType ?? null,
      srtpSuite: this.#keying.suite,
      remote: this.#socket.remote ?? null,
      packetsSent: s.packetsSent,
      packetsReceived: s.packetsReceived,
      bytesSent: s.bytesSent,
      bytesReceived: s.bytesReceived,
      packetsLost: s.packetsLost,
      lossPercent: s.lossPercent,
      jitterMs: s.jitterMs,
      rttMs: s.rttMs ?? null,
      mos: s.packetsReceived > 0 ? s.mos : null,
      oneWayAudio: this.#oneWayAudio(),
      concealedFrames: this.#concealed,
      fecFrames: this.#fecFrames,
      droppedReadFrames: this.#frames.dropped,
      playoutDelayMs: j?.targetDelayMs ?? 0,
      drops: {
        unprotect: this.#dropUnprotect,
        parse: this.#dropParse,
        payloadType: this.#dropPayloadType,
        late: this.#jitterPrev.late + (j?.late ?? 0),
        duplicate: this.#jitterPrev.duplicate + (j?.duplicate ?? 0),
        jitterBuffer: this.#jitterPrev.dropped + (j === undefined ? 0 : j.overflow + j.accelerated + j.flushed),
        readFrames: this.#frames.dropped,
        writeOverflowMs,
      },
    };
  }

  /**
   * Stops pacing, sends the RTCP BYE (RFC 3550 §6.6), closes the sockets and releases the port.
   * The audio iterator ends, pending writes resolve, pending marks fire as cleared, pending DTMF
   * rejects with `MEDIA_CLOSED`. Idempotent.
   */
  close(): Promise<void> {
    if (this.#closing !== undefined) return this.#closing;
    this.#closed = true;
    this.#pacer?.stop();
    this.#pacer = undefined;
    this.#failDtmf(() => new CallMediaError('MEDIA_CLOSED', 'the call media closed'));
    this.#queue.close();
    this.#frames.close();
    for (const codec of new Set([this.#codec, this.#previousCodec, this.#sideCodec])) codec?.close?.();
    // Closing the socket closes the RTCP session first, which sends the BYE.
    this.#closing = this.#socket.close().finally(() => {
      this.#socket.removeAllListeners();
    });
    return this.#closing;
  }

  /** `await using` support. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** The RTP clock of the current codec (8000 before negotiation). */
  get #clockRate(): number {
    return this.#codec?.clockRate ?? G711_CLOCK_RATE;
  }

  #setPtime(ptime: number): void {
    this.#ptime = ptime;
    const n = (ptime * this.#clockRate) / 1000;
    this.#seq.skip(this.#owed * this.#frameSamples); // slots held under the old ptime become a gap
    this.#owed = 0;
    this.#frameSamples = n;
    this.#maxOwed = Math.floor(this.#lateWriteMs / ptime);
    this.#sizeBuffers();
    if (this.#jitter !== undefined) {
      const j = this.#jitter.stats;
      this.#jitterPrev = {
        late: this.#jitterPrev.late + j.late,
        duplicate: this.#jitterPrev.duplicate + j.duplicate,
        dropped: this.#jitterPrev.dropped + j.overflow + j.accelerated + j.flushed + j.buffered,
      };
    }
    this.#jitter = new JitterBuffer<RtpPacket>({ ...this.#jitterOptions, frameMs: ptime, clockRate: this.#clockRate });
    this.#recent.fill(undefined);
    // A digit in flight is cut by a ptime change (its events were planned for the old one).
    this.#dtmfOut = undefined;
    this.#finishDigit();
    this.#pacer?.stop();
    this.#pacer = new RealtimePacer({
      periodMs: ptime,
      timers: this.#timers,
      onTick: () => this.#tick(),
      onError: (e) => this.#emitSafe('error', e instanceof Error ? e : new Error(String(e))),
    });
    this.#pacer.start();
  }

  /** Resamplers between the queue, the codec's audio rate, the app and the DTMF detector. */
  #setAudioRate(audioRate: number): void {
    this.#up = new Resampler({ fromRate: audioRate, toRate: this.#rate });
    if (this.#record !== undefined) this.#outUp = new Resampler({ fromRate: audioRate, toRate: this.#rate });
    this.#toCodec = audioRate === this.#queueRate ? undefined : new Resampler({ fromRate: this.#queueRate, toRate: audioRate });
    this.#toDetector = this.#inband === undefined || audioRate === DTMF_DETECTOR_RATE ? undefined : new Resampler({ fromRate: audioRate, toRate: DTMF_DETECTOR_RATE });
  }

  /** Frame buffers for the current ptime and codec. */
  #sizeBuffers(): void {
    const n = this.#frameSamples;
    const codecSamples = this.#codec?.audioSamples(n) ?? n;
    this.#sendFrame = new Int16Array((n * this.#queueRate) / this.#clockRate);
    this.#codecFrame = new Int16Array(codecSamples);
    this.#sendPayload = new Uint8Array(this.#codec?.maxPayloadBytes(n) ?? n);
    this.#outDecoded = new Int16Array(codecSamples);
    this.#outUpBuffer = new Int16Array(this.#outUp?.maxOutputLength(codecSamples) ?? 0);
  }

  /** A queue frame at the codec's audio rate (the frame itself when the rates agree). */
  #codecInput(frame: Int16Array): Int16Array {
    const resampler = this.#toCodec;
    if (resampler === undefined) return frame;
    const out = this.#codecFrame;
    // Integer ratios (2:1, 1:2) give exactly one codec frame per queue frame; copied to be safe.
    const converted = resampler.process(frame, this.#resampleScratch(resampler.maxOutputLength(frame.length)));
    out.set(converted.length > out.length ? converted.subarray(0, out.length) : converted);
    if (converted.length < out.length) out.fill(0, converted.length);
    return out;
  }

  #resampleScratch(length: number): Int16Array {
    if (this.#scratch.length < length) this.#scratch = new Int16Array(length);
    return this.#scratch;
  }

  // ---------------------------------------------------------------- the pacer tick

  #tick(): void {
    const now = this.#timers.now();
    this.#send(now);
    this.#queue.releaseMarks();
    if (this.#canReceive && !this.#reflect) this.#playout(now);
    this.#checkTimeouts(now);
  }

  #send(now: number): void {
    // Reflect mode: what we send is what arrives (#reflectPacket), on the peer's timing.
    if (this.#reflect) return;
    const n = this.#frameSamples;
    if (!this.#canSend || this.#socket.remote === undefined) {
      // Held: queued audio waits; the media clock runs on (RFC 3550 §5.1).
      this.#seq.skip(n * (this.#owed + 1));
      this.#owed = 0;
      this.#writing = false;
      this.#talkspurt = false;
      return;
    }
    if (this.#owed > 0 && (this.#dtmfActive !== undefined || this.#dtmfQueue.length > 0)) this.#payOwedWithSilence(now);
    if (this.#sendDtmfTick()) return;
    const frame = this.#sendFrame;
    if (this.#queue.next(frame)) {
      this.#sendAudio(frame, true, now);
      // A continuous writer (echo, bridge) that missed ticks catches up: its frames take the held slots.
      while (this.#owed > 0 && this.#queue.next(frame)) {
        this.#owed--;
        this.#sendAudio(frame, true, now);
      }
      this.#writing = true;
      return;
    }
    if (this.#writing && this.#owed < this.#maxOwed) {
      // Mid-stream and nothing queued: most likely the writer is a tick late (a timer stall ran
      // two ticks back to back). Hold this slot rather than split its audio with silence.
      this.#owed++;
      return;
    }
    this.#owed++;
    this.#payOwedWithSilence(now);
  }

  /** Gives up on late audio: the held slots (and this tick's) become silence, or a gap in the media clock. */
  #payOwedWithSilence(now: number): void {
    const slots = this.#owed;
    this.#owed = 0;
    this.#writing = false;
    if (!this.#sendSilence) {
      this.#seq.skip(this.#frameSamples * slots);
      this.#talkspurt = false;
      this.#oneWay?.onSent(now, true);
      return;
    }
    const frame = this.#sendFrame;
    frame.fill(0);
    for (let i = 0; i < slots; i++) this.#sendAudio(frame, false, now);
  }

  #sendAudio(frame: Int16Array, audible: boolean, now: number): void {
    const codec = this.#codec!;
    const payload = codec.encode(this.#codecInput(frame), this.#sendPayload);
    const h = this.#seq.next(this.#frameSamples);
    const p = this.#packet;
    // RFC 3551 §4.1: the marker bit flags the first packet of a talkspurt.
    p.marker = !this.#talkspurt;
    p.sequenceNumber = h.sequenceNumber;
    p.timestamp = h.timestamp;
    p.payload = payload;
    this.#talkspurt = true;
    this.#socket.sendRtp(p);
    this.#oneWay?.onSent(now, audible ? meanSquare(frame) : true);
    // Decoded by a second instance: a stateful decoder (G.722, Opus) must only see the peer's stream.
    if (this.#record !== undefined) this.#tap('out', this.#outUp!.process(this.#side().decode(payload, this.#outDecoded), this.#outUpBuffer));
  }

  /** RFC 4733 §2.5.1: sends this tick's event packets in place of audio; true when it did. */
  #sendDtmfTick(): boolean {
    const pt = this.#media?.telephoneEventPayloadType ?? null;
    if (pt === null) return false;
    let tx = this.#dtmfOut;
    if (this.#dtmfActive === undefined) {
      const next = this.#dtmfQueue[0];
      const digit = next?.digits.shift();
      if (next !== undefined && digit !== undefined) {
        if (tx === undefined || this.#dtmfTone !== next.toneSamples) {
          // One sender per tone length; it also keeps the pause between consecutive digits.
          tx = new TelephoneEventSender({ samplesPerTick: this.#frameSamples, toneSamples: next.toneSamples, gapSamples: (this.#dtmfGapMs * this.#clockRate) / 1000 });
          this.#dtmfOut = tx;
          this.#dtmfTone = next.toneSamples;
        }
        tx.enqueue(digit);
        this.#dtmfActive = next;
      }
    }
    if (tx === undefined || !tx.busy) return false;
    const frames = tx.tick(this.#seq.nextTimestamp);
    if (frames.length === 0) return false; // the pause between digits: audio goes on
    const p = this.#packet;
    p.payloadType = pt;
    for (const f of frames) {
      const h = this.#seq.nextWithTimestamp(f.timestamp);
      p.marker = f.marker;
      p.sequenceNumber = h.sequenceNumber;
      p.timestamp = h.timestamp;
      marshalTelephoneEventTo(f.payload, this.#dtmfPayload, 0);
      p.payload = this.#dtmfPayload;
      this.#socket.sendRtp(p);
    }
    p.payloadType = this.#codec!.payloadType;
    this.#seq.skip(this.#frameSamples);
    if (!tx.busy) this.#finishDigit();
    return true;
  }

  #finishDigit(): void {
    const request = this.#dtmfActive;
    this.#dtmfActive = undefined;
    if (request === undefined || request.digits.length > 0) return;
    const i = this.#dtmfQueue.indexOf(request);
    if (i >= 0) this.#dtmfQueue.splice(i, 1);
    request.cleanup();
    request.resolve();
  }

  /** Rejects every queued DTMF request; the error is built only when one is pending (a stack trace per call otherwise). */
  #failDtmf(makeError: () => Error): void {
    const pending = this.#dtmfQueue.splice(0);
    this.#dtmfActive = undefined;
    if (pending.length === 0) return;
    const error = makeError();
    for (const r of pending) {
      r.cleanup();
      r.reject(error);
    }
  }

  /** Plays out every frame due from the jitter buffer: decode or conceal, resample, frame for the app. */
  #playout(now: number): void {
    const jitter = this.#jitter;
    if (jitter === undefined) return;
    for (let out = jitter.pop(now); out !== undefined; out = jitter.pop(now)) {
      let pcm: Int16Array;
      if (out.kind === 'frame') {
        pcm = this.#decode(out.packet);
        this.#concealRun = 0;
        this.#oneWay?.onReceived(now, meanSquare(pcm));
      } else {
        pcm = this.#recover(out.reason, out.sequence);
      }
      this.#deliver(pcm);
    }
  }

  #decode(packet: RtpPacket): Int16Array {
    const current = this.#codec!;
    const codec = packet.payloadType === current.payloadType ? current : this.#previousCodec!;
    // A late packet of a previous codec with another audio rate would play at the wrong speed: conceal it.
    if (codec.audioRate !== current.audioRate) return this.#conceal();
    try {
      const n = codec.decodedLength(packet.payload);
      if (this.#decoded.length !== n) this.#decoded = new Int16Array(n);
      return codec.decode(packet.payload, this.#decoded);
    } catch (e) {
      // An Opus payload libopus rejects (untrusted bytes): counted as unparsable and concealed.
      if (!(e instanceof OpusError)) throw e;
      this.#dropParse++;
      return this.#conceal();
    }
  }

  /**
   * A slot without a packet. RFC 7587 §3.3 / RFC 6716 §4.2.4: when the packet after it is already
   * buffered (the jitter buffer says `lost`) and carries in-band FEC, the frame is rebuilt from it;
   * otherwise it is concealed (counted in `concealedFrames`, flagged on the app's frame).
   */
  #recover(reason: 'lost' | 'underrun', sequence: number): Int16Array {
    const codec = this.#codec!;
    const recovery = codec.recovery;
    // The jitter buffer's extended numbers keep the 16-bit RTP sequence number in their low bits.
    const nextSeq = (sequence + 1) & 0xffff;
    const next = reason === 'lost' ? this.#recent[nextSeq % RECENT] : undefined;
    if (recovery !== undefined && next?.sequenceNumber === nextSeq && next.payloadType === codec.payloadType && recovery.hasFec(next.payload)) {
      const n = codec.audioSamples(this.#frameSamples);
      if (this.#decoded.length !== n) this.#decoded = new Int16Array(n);
      try {
        const pcm = recovery.decodeFec(next.payload, this.#decoded, n);
        this.#fecFrames++;
        this.#concealRun = 0;
        return pcm;
      } catch (e) {
        if (!(e instanceof OpusError)) throw e; // a corrupt FEC packet: concealed below
      }
    }
    this.#concealed++;
    this.#concealPending = true;
    return this.#conceal();
  }

  /** Packet-loss concealment: the codec's own (Opus PLC), else the last frame repeated at half, then quarter level, then silence. */
  #conceal(): Int16Array {
    const codec = this.#codec!;
    const n = codec.audioSamples(this.#frameSamples);
    if (this.#decoded.length !== n) this.#decoded = new Int16Array(n);
    const pcm = this.#decoded;
    if (codec.recovery !== undefined) return codec.recovery.conceal(pcm, n);
    if (this.#concealRun++ >= PLC_REPEATS) pcm.fill(0);
    else for (let i = 0; i < n; i++) pcm[i] = pcm[i]! >> 1;
    return pcm;
  }

  #deliver(pcm: Int16Array): void {
    if (this.#inband !== undefined) {
      const narrow = this.#toDetector === undefined ? pcm : this.#toDetector.process(pcm, this.#resampleScratch(this.#toDetector.maxOutputLength(pcm.length)));
      for (const e of this.#inband.process(narrow)) this.#emitSafe('dtmf', { digit: e.digit, durationMs: 0, source: 'inband' });
    }
    const need = this.#up.maxOutputLength(pcm.length);
    if (this.#upBuffer.length < need) this.#upBuffer = new Int16Array(need);
    const wide = this.#up.process(pcm, this.#upBuffer);
    // In reflect mode the arriving packet is recorded (#reflectPacket), not the jitter buffer's output.
    if (this.#record !== undefined && !this.#reflect) this.#tap('in', wide);
    const frames = this.#framer.push(wide);
    for (const f of frames) {
      this.#frames.push({ samples: f.samples, sampleRate: this.#rate, concealed: this.#concealPending });
      this.#concealPending = false;
    }
  }

  #checkTimeouts(now: number): void {
    // An RFC 4733 event whose end packets were all lost is closed after a second of quiet.
    if (this.#lastEventAt !== undefined && now - this.#lastEventAt > 1000) {
      this.#lastEventAt = undefined;
      const e = this.#dtmfIn.flush();
      if (e?.digit !== undefined) this.#emitSafe('dtmf', { digit: e.digit, durationMs: (e.durationSamples * 1000) / this.#clockRate, source: 'rfc4733' });
    }
    if (this.#mediaTimeoutMs > 0 && this.#canReceive && !this.#timedOut && now - this.#lastRtpAt >= this.#mediaTimeoutMs) {
      this.#timedOut = true;
      this.#emitSafe('media-timeout', { silentForMs: Math.round(now - this.#lastRtpAt) });
    }
  }

  // ---------------------------------------------------------------- the receive path

  #onRtp = (packet: RtpPacket): void => {
    if (this.#closed) return;
    const now = this.#timers.now();
    this.#lastRtpAt = now;
    this.#timedOut = false;
    const media = this.#media;
    if (media === undefined) return;
    if (this.#reflect) this.#reflectPacket(packet, now);
    if (packet.payloadType === media.telephoneEventPayloadType) {
      this.#lastEventAt = now;
      let event: TelephoneEvent;
      try {
        event = parseTelephoneEvent(packet.payload);
      } catch {
        this.#dropParse++;
        return;
      }
      // RFC 4733 §2.5.2: packets of one event share its timestamp; one report per event.
      for (const e of this.#dtmfIn.receive(packet, event)) {
        if (e.digit !== undefined) this.#emitSafe('dtmf', { digit: e.digit, durationMs: (e.durationSamples * 1000) / this.#clockRate, source: 'rfc4733' });
      }
      return;
    }
    if (packet.payloadType !== this.#codec?.payloadType && packet.payloadType !== this.#previousCodec?.payloadType) {
      this.#dropPayloadType++;
      return;
    }
    if (this.#canReceive && !this.#reflect && this.#jitter !== undefined) {
      this.#jitter.push(packet, now);
      this.#recent[packet.sequenceNumber % RECENT] = packet;
    }
  };

  /** Sends `packet` back at once (reflect mode): only our codec's and telephone-event payload types. */
  #reflectPacket(packet: RtpPacket, now: number): void {
    const media = this.#media!;
    const codec = this.#codec!;
    const audio = packet.payloadType === codec.payloadType;
    if (!audio && packet.payloadType !== media.telephoneEventPayloadType) return;
    if (!this.#canSend || this.#socket.remote === undefined) return;
    if (this.#reflectSsrc !== packet.ssrc) {
      // A new source (or the first packet): continue our media clock from here.
      this.#reflectSsrc = packet.ssrc;
      this.#reflectOffset = (this.#seq.nextTimestamp - packet.timestamp) >>> 0;
    }
    const p = this.#packet;
    const h = this.#seq.nextWithTimestamp((packet.timestamp + this.#reflectOffset) >>> 0);
    p.payloadType = packet.payloadType;
    p.marker = packet.marker;
    p.sequenceNumber = h.sequenceNumber;
    p.timestamp = h.timestamp;
    p.payload = packet.payload;
    this.#socket.sendRtp(p);
    p.payloadType = codec.payloadType;
    if (audio) {
      const pcm = this.#reflectedAudio(codec, packet.payload, h.timestamp);
      if (pcm === undefined) {
        // Another ptime than ours, or a payload we cannot decode: sent as it came, counted audible, not recorded.
        this.#oneWay?.onReceived(now, false);
        this.#oneWay?.onSent(now, false);
      } else {
        const energy = meanSquare(pcm);
        this.#oneWay?.onReceived(now, energy);
        this.#oneWay?.onSent(now, energy);
        // Both recorded channels come from the arriving packet, so they share one clock:
        // what came in went out at once.
        if (this.#record !== undefined) {
          const wide = this.#outUp!.process(pcm, this.#outUpBuffer);
          this.#tap('in', wide);
          this.#tap('out', wide);
        }
      }
    }
  }

  /**
   * Advances our media clock past a reflected payload and decodes it with the side instance (a
   * stateful decoder must not see the playout path's packets twice); undefined when it is not one
   * of our frames.
   */
  #reflectedAudio(codec: MediaCodec, payload: Uint8Array, timestamp: number): Int16Array | undefined {
    try {
      this.#seq.skip(Math.max(0, (timestamp + codec.rtpUnits(payload) - this.#seq.nextTimestamp) | 0));
      return codec.decodedLength(payload) === this.#outDecoded.length ? this.#side().decode(payload, this.#outDecoded) : undefined;
    } catch (e) {
      if (!(e instanceof OpusError)) throw e;
      return undefined;
    }
  }

  /** The side instance of the current codec (see `#sideCodec`), created on first use. */
  #side(): MediaCodec {
    const codec = this.#codec!;
    if (this.#sideCodec?.payloadType !== codec.payloadType || this.#sideCodec.name !== codec.name) {
      this.#sideCodec?.close?.();
      this.#sideCodec = createMediaCodec(this.#media!.codec);
    }
    return this.#sideCodec;
  }

  #onDropped = (reason: MediaDropReason): void => {
    if (reason === 'unprotect') this.#dropUnprotect++;
    else if (reason === 'parse') this.#dropParse++;
  };

  // ---------------------------------------------------------------- helpers

  #oneWayAudio(): OneWayAudio {
    const state = this.#oneWay?.check(this.#timers.now());
    switch (state?.kind) {
      case 'no-inbound':
        return 'no-inbound';
      case 'no-outbound':
        return 'no-outbound';
      case 'no-media':
        return 'both-silent';
      default:
        return 'none';
    }
  }

  #tap(direction: 'in' | 'out', frame: Int16Array): void {
    try {
      this.#record?.onFrame(direction, frame);
    } catch (e) {
      this.#emitSafe('error', e instanceof Error ? e : new Error(String(e)));
    }
  }

  // A throwing listener must never break the call: its error becomes an 'error' event.
  #emitSafe<K extends keyof CallMediaEvents>(event: K, ...args: CallMediaEvents[K]): void {
    if (event === 'error' && this.listenerCount('error') === 0) return;
    try {
      (this.emit as (e: K, ...a: CallMediaEvents[K]) => boolean)(event, ...args);
    } catch (e) {
      if (event !== 'error' && this.listenerCount('error') > 0) this.emit('error', e instanceof Error ? e : new Error(String(e)));
    }
  }
}

function validate(o: CallMediaOptions): void {
  if (o === null || typeof o !== 'object') throw new TypeError('options must be an object');
  if (o.ports === undefined || typeof o.ports.allocate !== 'function') throw new TypeError('options.ports must be a PortAllocator');
  if (o.sampleRate !== undefined && ![8000, 16000, 24000, 48000].includes(o.sampleRate)) throw new TypeError('options.sampleRate must be 8000, 16000, 24000 or 48000');
  if (o.maxQueuedMs !== undefined && !(o.maxQueuedMs >= 20 && Number.isFinite(o.maxQueuedMs))) throw new TypeError('options.maxQueuedMs must be a finite number ≥ 20');
  if (o.maxReadFrames !== undefined && !(Number.isInteger(o.maxReadFrames) && o.maxReadFrames >= 1)) throw new TypeError('options.maxReadFrames must be a positive integer');
  if (o.mediaTimeoutMs !== undefined && !(o.mediaTimeoutMs >= 0 && Number.isFinite(o.mediaTimeoutMs))) throw new TypeError('options.mediaTimeoutMs must be a finite number ≥ 0');
  if (o.oneWayAudioMs !== undefined && !(o.oneWayAudioMs > 0 && Number.isFinite(o.oneWayAudioMs))) throw new TypeError('options.oneWayAudioMs must be a positive number');
  if (o.dtmfGapMs !== undefined && !(Number.isInteger(o.dtmfGapMs) && o.dtmfGapMs >= 0 && o.dtmfGapMs <= 1000)) throw new TypeError('options.dtmfGapMs must be an integer in 0..1000');
  if (o.record !== undefined && typeof o.record.onFrame !== 'function') throw new TypeError('options.record must have an onFrame function');
  if (o.rtcpMinIntervalMs !== undefined && !(o.rtcpMinIntervalMs >= 100 && Number.isFinite(o.rtcpMinIntervalMs))) throw new TypeError('options.rtcpMinIntervalMs must be a finite number ≥ 100');
  if (o.lateWriteToleranceMs !== undefined && !(o.lateWriteToleranceMs >= 0 && o.lateWriteToleranceMs <= 1000)) throw new TypeError('options.lateWriteToleranceMs must be within 0..1000');
  if (o.cname !== undefined && (typeof o.cname !== 'string' || o.cname.length === 0)) throw new TypeError('options.cname must be a non-empty string');
}

function sends(d: MediaDirection): boolean {
  return d === 'sendrecv' || d === 'sendonly';
}

function receives(d: MediaDirection): boolean {
  return d === 'sendrecv' || d === 'recvonly';
}

function sameEndpoint(a: TransportAddress, b: TransportAddress): boolean {
  return a.address === b.address && a.port === b.port;
}

/** Mean square of the samples scaled to ±1 (the one-way-audio detector's energy input). */
function meanSquare(pcm: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < pcm.length; i++) sum += pcm[i]! * pcm[i]!;
  return pcm.length === 0 ? 0 : sum / (pcm.length * 32768 * 32768);
}
