/** Options for {@link OneWayAudioDetector}. */
export interface OneWayAudioDetectorOptions {
  /** How long a direction may carry no (non-silent) media before it is flagged, in ms; default 5000. */
  readonly thresholdMs?: number;
  /**
   * Whether packets judged silent count as no media. Default true: a far end behind a broken NAT
   * often still sends comfort noise or silence, and an app that wants "any packet" sets false.
   */
  readonly silenceCountsAsNoMedia?: boolean;
  /**
   * When packets are reported with an energy value instead of a flag: frames below this mean
   * square (of samples scaled to ±1) are silent. Default 1e-5 (−50 dBFS).
   */
  readonly silenceEnergyThreshold?: number;
}

/** A packet's audibility: a silent flag (from a VAD) or the frame's mean-square energy. */
export type Audibility = boolean | number;

/** Direction(s) found dead by {@link OneWayAudioDetector.check}. */
export type OneWayAudioState =
  | { readonly kind: 'ok' }
  | { readonly kind: 'starting' }
  /** Media flows out but nothing (audible) comes in: typically a NAT or firewall on our inbound path. */
  | { readonly kind: 'no-inbound'; readonly sinceMs: number }
  /** Media comes in but we send nothing (audible). */
  | { readonly kind: 'no-outbound'; readonly sinceMs: number }
  /** Neither direction carries media. */
  | { readonly kind: 'no-media'; readonly sinceMs: number };

/**
 * One-way-audio tracker: a pure state holder fed with packet events and the time (injected), so it
 * can be checked at any instant. A direction is dead when it had no packet — or, by default, only
 * silent packets — for `thresholdMs`. Silence is an input (e.g. from a VAD or frame energy), not
 * computed here.
 */
export class OneWayAudioDetector {
  readonly #thresholdMs: number;
  readonly #silenceCounts: boolean;
  readonly #energyThreshold: number;
  readonly #startMs: number;
  #lastInMs: number | undefined;
  #lastOutMs: number | undefined;

  /**
   * @param startMs - when media was expected to start (e.g. the answer time)
   * @param options - see {@link OneWayAudioDetectorOptions}
   */
  constructor(startMs: number, options: OneWayAudioDetectorOptions = {}) {
    this.#thresholdMs = options.thresholdMs ?? 5000;
    if (!(this.#thresholdMs > 0)) throw new RangeError('thresholdMs must be positive');
    this.#silenceCounts = options.silenceCountsAsNoMedia ?? true;
    this.#energyThreshold = options.silenceEnergyThreshold ?? 1e-5;
    if (!(this.#energyThreshold >= 0)) throw new RangeError('silenceEnergyThreshold must be ≥ 0');
    this.#startMs = startMs;
  }

  /**
   * Records an inbound packet at `nowMs`.
   *
   * @param silent - true/false from a VAD, or the frame's mean-square energy; default audible
   */
  onReceived(nowMs: number, silent: Audibility = false): void {
    if (this.#isSilent(silent)) return;
    this.#lastInMs = nowMs;
  }

  /** Records an outbound packet at `nowMs`; `silent` as for {@link onReceived}. */
  onSent(nowMs: number, silent: Audibility = false): void {
    if (this.#isSilent(silent)) return;
    this.#lastOutMs = nowMs;
  }

  #isSilent(a: Audibility): boolean {
    if (!this.#silenceCounts) return false;
    return typeof a === 'number' ? a < this.#energyThreshold : a;
  }

  /** Evaluates the state at `nowMs`. */
  check(nowMs: number): OneWayAudioState {
    const inDead = nowMs - (this.#lastInMs ?? this.#startMs) >= this.#thresholdMs;
    const outDead = nowMs - (this.#lastOutMs ?? this.#startMs) >= this.#thresholdMs;
    if (inDead && outDead) return { kind: 'no-media', sinceMs: Math.max(this.#lastInMs ?? this.#startMs, this.#lastOutMs ?? this.#startMs) };
    if (inDead) return { kind: 'no-inbound', sinceMs: this.#lastInMs ?? this.#startMs };
    if (outDead) return { kind: 'no-outbound', sinceMs: this.#lastOutMs ?? this.#startMs };
    if (this.#lastInMs === undefined || this.#lastOutMs === undefined) return { kind: 'starting' };
    return { kind: 'ok' };
  }

  /** True when exactly one direction is dead: the production "one-way audio" flag. */
  isOneWay(nowMs: number): boolean {
    const k = this.check(nowMs).kind;
    return k === 'no-inbound' || k === 'no-outbound';
  }
}
