import { checkOpusRate, OPUS_MAX_BITRATE, OPUS_MAX_FRAME_BYTES, OPUS_MIN_BITRATE, type OpusSampleRate } from './constants.js';
import { OpusError } from './errors.js';
import { opusRuntime, type OpusRuntime } from './runtime.js';

/** Options of {@link OpusEncoder}; every field has a default. */
export interface OpusEncoderOptions {
  /** Rate of the PCM given to `encode` (Hz). Default 16000 (wideband voice). */
  readonly sampleRate?: OpusSampleRate;
  /** Target bit rate, bit/s, 6000..510000 (RFC 7587 §7.1 `maxaveragebitrate` caps it). Default 32000. */
  readonly bitrate?: number;
  /** CPU against quality, 0..10 (`OPUS_SET_COMPLEXITY`). Default 5. */
  readonly complexity?: number;
  /** Add SILK in-band FEC (LBRR) of the previous frame to each packet (RFC 6716 §2.1.7, RFC 7587 §3.3). Default true. */
  readonly inbandFec?: boolean;
  /** Expected packet loss, 0..100 %: how much of the bit rate FEC may take. Default 10. */
  readonly packetLossPercent?: number;
}

// opus_defines.h request and value numbers.
const OPUS_APPLICATION_VOIP = 2048;
const OPUS_SET_BITRATE = 4002;
const OPUS_SET_COMPLEXITY = 4010;
const OPUS_SET_INBAND_FEC = 4012;
const OPUS_SET_PACKET_LOSS_PERC = 4014;
const OPUS_SET_SIGNAL = 4024;
const OPUS_SIGNAL_VOICE = 3001;
/** `OPUS_RESET_STATE`, shared by encoder and decoder. */
export const OPUS_RESET_STATE = 4028;

/** Frame durations `opus_encode` accepts, in tenths of a millisecond (RFC 6716 §2.1.4). */
const FRAME_TENTHS_MS = [25, 50, 100, 200, 400, 600];

/**
 * One stream's Opus encoder (RFC 6716) in libopus's VoIP mode, mono, tuned for voice. Stateful:
 * use one per call and direction. Await {@link loadOpus} once before constructing one.
 *
 * @example
 * await loadOpus();
 * const encoder = new OpusEncoder({ sampleRate: 16000, bitrate: 24000 });
 * const packet = encoder.encode(new Int16Array(320), new Uint8Array(1275)); // 20 ms
 */
export class OpusEncoder {
  /** Rate of the PCM `encode` takes (Hz). */
  readonly sampleRate: OpusSampleRate;
  /** Samples in a 20 ms frame at {@link sampleRate}. */
  readonly frameSamples: number;
  readonly #rt: OpusRuntime;
  #state: number;
  #bitrate = 0;
  #lossPercent = 0;

  /**
   * @param options - rate, bit rate, complexity and FEC; see {@link OpusEncoderOptions}
   * @throws OpusError `OPUS_NOT_LOADED` before {@link loadOpus} resolved
   * @throws TypeError for an invalid option (naming it)
   */
  constructor(options: OpusEncoderOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    this.sampleRate = checkOpusRate(options.sampleRate ?? 16000, 'options.sampleRate');
    this.frameSamples = this.sampleRate / 50;
    const bitrate = checkBitrate(options.bitrate ?? 32000, 'options.bitrate');
    const complexity = options.complexity ?? 5;
    if (!Number.isInteger(complexity) || complexity < 0 || complexity > 10) throw new TypeError(`options.complexity must be an integer 0..10, got ${complexity}`);
    const fec = options.inbandFec ?? true;
    if (typeof fec !== 'boolean') throw new TypeError('options.inbandFec must be a boolean');
    const loss = checkLoss(options.packetLossPercent ?? 10, 'options.packetLossPercent');
    const rt = opusRuntime();
    this.#rt = rt;
    this.#state = rt.allocate(this, rt.wasm.opus_encoder_get_size(1));
    try {
      rt.check(rt.wasm.opus_encoder_init(this.#state, this.sampleRate, 1, OPUS_APPLICATION_VOIP), 'opus_encoder_init');
      this.#ctl(OPUS_SET_SIGNAL, OPUS_SIGNAL_VOICE);
      this.#ctl(OPUS_SET_COMPLEXITY, complexity);
      this.#ctl(OPUS_SET_INBAND_FEC, fec ? 1 : 0);
    } catch (e) {
      this.close();
      throw e;
    }
    this.bitrate = bitrate;
    this.packetLossPercent = loss;
  }

  /** Target bit rate (bit/s, 6000..510000); may change mid-stream, e.g. to a peer's `maxaveragebitrate`. */
  get bitrate(): number {
    return this.#bitrate;
  }

  set bitrate(value: number) {
    this.#ctl(OPUS_SET_BITRATE, checkBitrate(value, 'bitrate'));
    this.#bitrate = value;
  }

  /** Expected loss (0..100 %); may follow the loss the peer reports in RTCP. */
  get packetLossPercent(): number {
    return this.#lossPercent;
  }

  set packetLossPercent(value: number) {
    this.#ctl(OPUS_SET_PACKET_LOSS_PERC, checkLoss(value, 'packetLossPercent'));
    this.#lossPercent = value;
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#state === 0;
  }

  /**
   * Encodes one frame into one packet.
   *
   * @param pcm - 2.5, 5, 10, 20, 40 or 60 ms of mono PCM at {@link sampleRate} (20 ms: `frameSamples`)
   * @param out - where the packet goes (1275 octets always suffice); default a new array
   * @returns the packet: a view of the start of `out`
   * @throws RangeError when `pcm` is not one frame long
   * @throws OpusError `OPUS_CLOSED` after close(), `OPUS_INTERNAL_ERROR` if libopus fails
   */
  encode(pcm: Int16Array, out: Uint8Array = new Uint8Array(OPUS_MAX_FRAME_BYTES)): Uint8Array {
    if (!(pcm instanceof Int16Array)) throw new TypeError('pcm must be an Int16Array');
    if (!(out instanceof Uint8Array) || out.length === 0) throw new TypeError('out must be a non-empty Uint8Array');
    if (!FRAME_TENTHS_MS.includes((pcm.length * 10_000) / this.sampleRate)) {
      throw new RangeError(`pcm must hold 2.5, 5, 10, 20, 40 or 60 ms at ${this.sampleRate} Hz, got ${pcm.length} samples`);
    }
    const rt = this.#rt;
    rt.i16.set(pcm, rt.pcmIn >> 1);
    const max = Math.min(out.length, OPUS_MAX_FRAME_BYTES);
    const n = rt.check(rt.wasm.opus_encode(this.#live(), rt.pcmIn, pcm.length, rt.packet, max), 'opus_encode');
    out.set(rt.u8.subarray(rt.packet, rt.packet + n));
    return out.subarray(0, n);
  }

  /** Back to the initial state (a new stream), keeping the options. */
  reset(): void {
    this.#ctl(OPUS_RESET_STATE, 0);
  }

  /** Frees the libopus state. Idempotent; the encoder cannot be used afterwards. */
  close(): void {
    if (this.#state === 0) return;
    this.#rt.release(this, this.#state);
    this.#state = 0;
  }

  #ctl(request: number, value: number): void {
    const rt = this.#rt;
    rt.check(rt.wasm.opus_encoder_ctl_set(this.#live(), request, value), 'opus_encoder_ctl');
  }

  #live(): number {
    if (this.#state === 0) throw new OpusError('OPUS_CLOSED', 'the Opus encoder is closed');
    return this.#state;
  }
}

function checkBitrate(value: number, what: string): number {
  if (!Number.isInteger(value) || value < OPUS_MIN_BITRATE || value > OPUS_MAX_BITRATE) {
    throw new TypeError(`${what} must be an integer ${OPUS_MIN_BITRATE}..${OPUS_MAX_BITRATE} bit/s, got ${value}`);
  }
  return value;
}

function checkLoss(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > 100) throw new TypeError(`${what} must be an integer 0..100, got ${value}`);
  return value;
}
