/**
 * The libopus WebAssembly module, loaded once per process. The binary is the one the `@evan/opus`
 * package ships (libopus compiled with Emscripten, with and without WASM SIMD); its JavaScript
 * entry is not used because on some platforms it loads a native addon first, and its API has no
 * FEC flag, no sized concealment and no caller buffers. Here the raw libopus exports are called
 * directly, so Trunkline runs no native code.
 *
 * @module
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { OpusError } from './errors.js';

/** The libopus entry points the module exports (pointers are byte offsets into `memory`). */
export interface OpusExports {
  readonly memory: { readonly buffer: ArrayBuffer };
  malloc(bytes: number): number;
  free(pointer: number): void;
  opus_strerror(code: number): number;
  opus_encoder_get_size(channels: number): number;
  opus_encoder_init(state: number, rate: number, channels: number, application: number): number;
  opus_encode(state: number, pcm: number, frameSize: number, data: number, maxBytes: number): number;
  opus_encoder_ctl_set(state: number, request: number, value: number): number;
  opus_decoder_get_size(channels: number): number;
  opus_decoder_init(state: number, rate: number, channels: number): number;
  opus_decode(state: number, data: number, length: number, pcm: number, frameSize: number, decodeFec: number): number;
  opus_decoder_ctl_set(state: number, request: number, value: number): number;
  _initialize?(): void;
}

/** Scratch areas in WASM memory shared by every encoder and decoder (calls are synchronous). */
const PCM_SCRATCH_SAMPLES = 5760; // 120 ms at 48 kHz, RFC 6716 §3.2.5
/** Bytes of the packet scratch area: one 120 ms packet of 20 ms frames at the largest frame size. */
export const PACKET_SCRATCH_BYTES = 6 * 1275 + 7;

/** The loaded module: its exports, scratch pointers and fresh views after memory growth. */
export class OpusRuntime {
  readonly wasm: OpusExports;
  readonly pcmIn: number;
  readonly pcmOut: number;
  readonly packet: number;
  #buffer: ArrayBuffer | undefined;
  #u8 = new Uint8Array(0);
  #i16 = new Int16Array(0);
  readonly #states = new FinalizationRegistry<number>((pointer) => this.wasm.free(pointer));

  constructor(wasm: OpusExports) {
    this.wasm = wasm;
    this.pcmIn = wasm.malloc(PCM_SCRATCH_SAMPLES * 2);
    this.pcmOut = wasm.malloc(PCM_SCRATCH_SAMPLES * 2);
    this.packet = wasm.malloc(PACKET_SCRATCH_BYTES);
    if (this.pcmIn === 0 || this.pcmOut === 0 || this.packet === 0) throw new OpusError('OPUS_LOAD_FAILED', 'libopus could not allocate its scratch memory');
  }

  /**
   * Allocates `bytes` of libopus state for `owner`; freed by {@link release}, or when `owner` is
   * garbage-collected without it.
   */
  allocate(owner: object, bytes: number): number {
    const pointer = this.wasm.malloc(bytes);
    if (pointer === 0) throw new OpusError('OPUS_INTERNAL_ERROR', 'libopus memory exhausted');
    this.#states.register(owner, pointer, owner);
    return pointer;
  }

  /** Frees the state `owner` allocated. */
  release(owner: object, pointer: number): void {
    this.#states.unregister(owner);
    this.wasm.free(pointer);
  }

  /** Bytes of WASM memory (a new view only after the memory grew). */
  get u8(): Uint8Array {
    this.#refresh();
    return this.#u8;
  }

  /** The same memory as 16-bit samples. */
  get i16(): Int16Array {
    this.#refresh();
    return this.#i16;
  }

  /** libopus's text for a negative return value. */
  describe(code: number): string {
    const u8 = this.u8;
    let s = '';
    for (let p = this.wasm.opus_strerror(code); p < u8.length && u8[p] !== 0; p++) s += String.fromCharCode(u8[p]!);
    return s;
  }

  /** Throws the typed error for a negative libopus return; passes others through. */
  check(code: number, what: string): number {
    if (code >= 0) return code;
    // libopus OPUS_INVALID_PACKET is -4 (opus_defines.h).
    throw new OpusError(code === -4 ? 'OPUS_INVALID_PACKET' : 'OPUS_INTERNAL_ERROR', `${what}: ${this.describe(code)}`, code);
  }

  #refresh(): void {
    const buffer = this.wasm.memory.buffer;
    if (buffer === this.#buffer) return;
    this.#buffer = buffer;
    this.#u8 = new Uint8Array(buffer);
    this.#i16 = new Int16Array(buffer);
  }
}

/** The part of the WebAssembly JS API used here (the project's `lib` has no DOM typings). */
interface WebAssemblyApi {
  validate(bytes: Uint8Array): boolean;
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: Record<string, Record<string, () => number>>): Promise<{ readonly exports: unknown }>;
}
const wasmApi = (globalThis as unknown as { readonly WebAssembly: WebAssemblyApi }).WebAssembly;

let runtime: OpusRuntime | undefined;
let loading: Promise<void> | undefined;

/** `(func i32.const 0 i8x16.splat drop)`: validates only where WASM SIMD runs, choosing the SIMD build. */
const SIMD_PROBE = Uint8Array.of(0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 10, 9, 1, 7, 0, 65, 0, 253, 15, 26, 11);

/**
 * Loads and instantiates libopus (WebAssembly) once per process; later calls return the same
 * promise. Await it before creating an {@link OpusEncoder} or {@link OpusDecoder}: everything
 * after it is synchronous. A failed load rejects with `OpusError` `OPUS_LOAD_FAILED` and may be
 * retried.
 *
 * @returns a promise that settles when Opus is ready
 */
export function loadOpus(): Promise<void> {
  if (runtime !== undefined) return Promise.resolve();
  loading ??= instantiate().then(
    (r) => {
      runtime = r;
    },
    (e: unknown) => {
      loading = undefined;
      throw e instanceof OpusError ? e : new OpusError('OPUS_LOAD_FAILED', `libopus WebAssembly could not be loaded: ${String(e)}`, 0, e);
    },
  );
  return loading;
}

/** Whether {@link loadOpus} has completed, so encoders and decoders can be created synchronously. */
export function isOpusLoaded(): boolean {
  return runtime !== undefined;
}

/** @internal The loaded runtime. @throws OpusError `OPUS_NOT_LOADED` before {@link loadOpus} resolved */
export function opusRuntime(): OpusRuntime {
  if (runtime === undefined) throw new OpusError('OPUS_NOT_LOADED', 'await loadOpus() before creating an Opus encoder or decoder');
  return runtime;
}

async function instantiate(): Promise<OpusRuntime> {
  const file = wasmApi.validate(SIMD_PROBE) ? 'simd.wasm' : 'opus.wasm';
  const path = createRequire(import.meta.url).resolve(`@evan/opus/wasm/${file}`);
  const module = await wasmApi.compile(await readFile(path));
  const noop = (): number => 0;
  const instance = await wasmApi.instantiate(module, {
    // libopus never writes files or exits; these are the C runtime's stubs.
    wasi_snapshot_preview1: { fd_seek: noop, fd_write: noop, fd_close: noop, proc_exit: noop },
    // Views are refreshed lazily on every access (OpusRuntime.#refresh), so growth needs no hook.
    env: { emscripten_notify_memory_growth: noop },
  });
  const wasm = instance.exports as unknown as OpusExports;
  wasm._initialize?.();
  return new OpusRuntime(wasm);
}
