import { cryptoRandomUint32, type RandomUint32 } from './random.js';

/** Options for {@link SsrcCollisionDetector}. */
export interface SsrcCollisionDetectorOptions {
  /** Our current SSRC. */
  readonly localSsrc: number;
  /** Random source for picking a replacement SSRC; default {@link cryptoRandomUint32}. */
  readonly random?: RandomUint32;
  /** Attempts at drawing an SSRC not in use before giving up; default 32. */
  readonly maxAttempts?: number;
  /** Remote SSRCs remembered (oldest forgotten first) so memory stays bounded; default 1024. */
  readonly maxKnown?: number;
}

/** Result of {@link SsrcCollisionDetector.observe} when a collision was found. */
export interface SsrcCollision {
  /** The SSRC we were using; send an RTCP BYE for it (RFC 3550 §8.2). */
  readonly oldSsrc: number;
  /** The freshly chosen SSRC to use from now on. */
  readonly newSsrc: number;
}

/**
 * Basic SSRC collision handling (RFC 3550 §8.2): when a packet from someone else carries our own
 * SSRC, send a BYE for the old identifier and choose a new random one that is not in use.
 * Loop detection (third-party forwarding loops) is outside this basic form.
 */
export class SsrcCollisionDetector {
  #local: number;
  readonly #random: RandomUint32;
  readonly #maxAttempts: number;
  readonly #maxKnown: number;
  readonly #known = new Set<number>();

  /** @param options - see {@link SsrcCollisionDetectorOptions} */
  constructor(options: SsrcCollisionDetectorOptions) {
    if (!Number.isInteger(options.localSsrc) || options.localSsrc < 0 || options.localSsrc > 0xffffffff) throw new RangeError('localSsrc must be a uint32');
    this.#local = options.localSsrc;
    this.#random = options.random ?? cryptoRandomUint32;
    this.#maxAttempts = options.maxAttempts ?? 32;
    if (!Number.isInteger(this.#maxAttempts) || this.#maxAttempts < 1) throw new RangeError('maxAttempts must be a positive integer');
    this.#maxKnown = options.maxKnown ?? 1024;
    if (!Number.isInteger(this.#maxKnown) || this.#maxKnown < 1) throw new RangeError('maxKnown must be a positive integer');
  }

  /** Our SSRC after any collision handling. */
  get localSsrc(): number {
    return this.#local;
  }

  /**
   * Records a remote SSRC seen in RTP or RTCP (not from our own transport address). Returns the
   * collision to act on when it equals ours, otherwise undefined.
   */
  observe(remoteSsrc: number): SsrcCollision | undefined {
    if (remoteSsrc !== this.#local) {
      this.#remember(remoteSsrc >>> 0);
      return undefined;
    }
    const oldSsrc = this.#local;
    this.#remember(oldSsrc);
    for (let i = 0; i < this.#maxAttempts; i++) {
      const candidate = this.#random() >>> 0;
      if (!this.#known.has(candidate)) {
        this.#local = candidate;
        return { oldSsrc, newSsrc: candidate };
      }
    }
    // A random source that keeps repeating known values is broken; this is misuse, not input.
    throw new RangeError('could not choose an unused SSRC; is the random source working?');
  }

  #remember(ssrc: number): void {
    this.#known.delete(ssrc);
    this.#known.add(ssrc);
    if (this.#known.size > this.#maxKnown) {
      const oldest = this.#known.values().next();
      if (oldest.done !== true) this.#known.delete(oldest.value);
    }
  }

  /** Forgets a remote SSRC, e.g. after its BYE or timeout (RFC 3550 §6.3.4, §6.3.5). */
  forget(remoteSsrc: number): void {
    this.#known.delete(remoteSsrc >>> 0);
  }
}
