import { checkOpusRate, OPUS_MAX_PACKET_MS, type OpusSampleRate } from './constants.js';
import { OPUS_RESET_STATE } from './encoder.js';
import { OpusError } from './errors.js';
import { opusPacketSamples } from './packet.js';
import { opusRuntime, PACKET_SCRATCH_BYTES, type OpusRuntime } from './runtime.js';

/** Options of {@link OpusDecoder}. */
export interface OpusDecoderOptions {
  /** Rate of the PCM it produces (Hz); Opus decodes any packet at any rate. Default 16000. */
  readonly sampleRate?: OpusSampleRate;
}

/**
 * One stream's Opus decoder (RFC 6716), mono. Stateful: use one per call and direction, and feed
 * it every 20 ms slot in order: {@link decode} a packet that arrived, {@link decodeFec} a lost
 * one whose successor is already here (in-band FEC, RFC 7587 §3.3), {@link conceal} otherwise
 * (libopus packet-loss concealment). Await {@link loadOpus} once before constructing one.
 *
 * @example
 * await loadOpus();
 * const decoder = new OpusDecoder({ sampleRate: 16000 });
 * const pcm = new Int16Array(decoder.maxFrameSamples);
 * const missing = decoder.conceal(pcm); // 20 ms of concealment: 320 samples
 */
export class OpusDecoder {
  /** Rate of the PCM produced (Hz). */
  readonly sampleRate: OpusSampleRate;
  /** Samples in a 20 ms frame at {@link sampleRate}: the default length of FEC and concealment. */
  readonly frameSamples: number;
  /** Samples of the longest packet (120 ms, RFC 6716 §3.2.5): an `out` of this length always fits. */
  readonly maxFrameSamples: number;
  readonly #rt: OpusRuntime;
  #state: number;

  /**
   * @param options - the output rate
   * @throws OpusError `OPUS_NOT_LOADED` before {@link loadOpus} resolved
   * @throws TypeError for an invalid option
   */
  constructor(options: OpusDecoderOptions = {}) {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    this.sampleRate = checkOpusRate(options.sampleRate ?? 16000, 'options.sampleRate');
    this.frameSamples = this.sampleRate / 50;
    this.maxFrameSamples = (this.sampleRate * OPUS_MAX_PACKET_MS) / 1000;
    const rt = opusRuntime();
    this.#rt = rt;
    this.#state = rt.allocate(this, rt.wasm.opus_decoder_get_size(1));
    try {
      rt.check(rt.wasm.opus_decoder_init(this.#state, this.sampleRate, 1), 'opus_decoder_init');
    } catch (e) {
      this.close();
      throw e;
    }
  }

  /** Whether {@link close} was called. */
  get closed(): boolean {
    return this.#state === 0;
  }

  /**
   * Decodes one packet (untrusted input: only `OpusError` `OPUS_INVALID_PACKET` can come of it).
   *
   * @param packet - one Opus packet (an RTP payload)
   * @param out - room for the packet's audio (`maxFrameSamples` always fits); default a new array
   * @returns the decoded samples: a view of the start of `out`
   * @throws RangeError when `out` is shorter than the packet's audio
   */
  decode(packet: Uint8Array, out: Int16Array = new Int16Array(this.maxFrameSamples)): Int16Array {
    checkBuffers(packet, out);
    if (packet.length === 0 || packet.length > PACKET_SCRATCH_BYTES) {
      throw new OpusError('OPUS_INVALID_PACKET', `an Opus packet has 1..${PACKET_SCRATCH_BYTES} octets, got ${packet.length}`);
    }
    const samples = opusPacketSamples(packet, this.sampleRate);
    if (samples > out.length) throw new RangeError(`out holds ${out.length} samples; the packet has ${samples}`);
    return this.#run(packet, samples, 0, out);
  }

  /**
   * Rebuilds the frame lost just before `next` from the FEC (LBRR) data `next` carries
   * (RFC 6716 §4.2.4). Call it for the missing slot, then {@link decode} `next` itself. When `next`
   * has no FEC (see `opusPacketHasFec`), libopus conceals instead.
   *
   * @param next - the packet that followed the lost one
   * @param out - room for `samples`; default a new array
   * @param samples - the lost duration, a multiple of 2.5 ms; default 20 ms (`frameSamples`)
   * @returns the rebuilt samples: a view of the start of `out`
   */
  decodeFec(next: Uint8Array, out: Int16Array = new Int16Array(this.frameSamples), samples = this.frameSamples): Int16Array {
    checkBuffers(next, out);
    this.#checkLength(samples, out);
    if (next.length === 0 || next.length > PACKET_SCRATCH_BYTES) return this.#run(undefined, samples, 0, out);
    return this.#run(next, samples, 1, out);
  }

  /**
   * Packet-loss concealment for a missing frame (libopus PLC: the decoder extrapolates its state).
   *
   * @param out - room for `samples`; default a new array
   * @param samples - the missing duration, a multiple of 2.5 ms; default 20 ms (`frameSamples`)
   * @returns the concealment: a view of the start of `out`
   */
  conceal(out: Int16Array = new Int16Array(this.frameSamples), samples = this.frameSamples): Int16Array {
    if (!(out instanceof Int16Array)) throw new TypeError('out must be an Int16Array');
    this.#checkLength(samples, out);
    return this.#run(undefined, samples, 0, out);
  }

  /** Back to the initial state (a new stream). */
  reset(): void {
    this.#rt.check(this.#rt.wasm.opus_decoder_ctl_set(this.#live(), OPUS_RESET_STATE, 0), 'opus_decoder_ctl');
  }

  /** Frees the libopus state. Idempotent; the decoder cannot be used afterwards. */
  close(): void {
    if (this.#state === 0) return;
    this.#rt.release(this, this.#state);
    this.#state = 0;
  }

  #checkLength(samples: number, out: Int16Array): void {
    const step = this.sampleRate / 400; // 2.5 ms
    if (!Number.isInteger(samples) || samples <= 0 || samples % step !== 0 || samples > this.maxFrameSamples) {
      throw new RangeError(`samples must be a positive multiple of ${step} (2.5 ms) up to ${this.maxFrameSamples}, got ${samples}`);
    }
    if (samples > out.length) throw new RangeError(`out holds ${out.length} samples, ${samples} asked for`);
  }

  #run(packet: Uint8Array | undefined, samples: number, fec: 0 | 1, out: Int16Array): Int16Array {
    const rt = this.#rt;
    const state = this.#live();
    if (packet !== undefined) rt.u8.set(packet, rt.packet);
    const n = rt.check(
      rt.wasm.opus_decode(state, packet === undefined ? 0 : rt.packet, packet?.length ?? 0, rt.pcmOut, samples, fec),
      'opus_decode',
    );
    out.set(rt.i16.subarray(rt.pcmOut >> 1, (rt.pcmOut >> 1) + n));
    return out.subarray(0, n);
  }

  #live(): number {
    if (this.#state === 0) throw new OpusError('OPUS_CLOSED', 'the Opus decoder is closed');
    return this.#state;
  }
}

function checkBuffers(packet: Uint8Array, out: Int16Array): void {
  if (!(packet instanceof Uint8Array)) throw new TypeError('packet must be a Uint8Array');
  if (!(out instanceof Int16Array)) throw new TypeError('out must be an Int16Array');
}
