/**
 * The impairment model of one direction of a link: given the arrival time of a
 * datagram and a seeded PRNG, decide whether it is dropped, when it leaves and
 * whether it is duplicated. Pure (sans-I/O): time is an input, randomness comes
 * from the `random` function handed in (`seededRandom(seed)` from
 * `@trunkline/test-support` in tests), so a run replays from its seed.
 *
 * The parameters follow Linux netem's vocabulary (`loss`, `delay TIME JITTER
 * distribution`, `duplicate`), since that is what `tc netem` users expect, with
 * one difference made explicit: netem reorders packets whose jitter makes them
 * overtake each other, here that is opt-in (`reorder: true`) and the default
 * keeps the order (a queue in front of one link does not reorder).
 */
import { assertNever } from '@trunkline/errors';

/**
 * Independent (Bernoulli) loss: every datagram is dropped with `probability`.
 */
export interface BernoulliLoss {
  readonly kind: 'bernoulli';
  /** Probability that a datagram is dropped, 0..1. */
  readonly probability: number;
}

/**
 * Bursty loss, the Gilbert-Elliott two-state Markov model: a `good` and a `bad`
 * state, each with its own loss probability; after each datagram the state
 * moves good→bad with probability `p` and bad→good with probability `r`.
 * Stationary share of the bad state: p/(p+r); mean loss:
 * (r·lossGood + p·lossBad)/(p+r); mean stay in the bad state: 1/r datagrams.
 * With the defaults (lossGood 0, lossBad 1) this is the simple Gilbert model.
 */
export interface GilbertElliottLoss {
  readonly kind: 'gilbert-elliott';
  /** good → bad transition probability per datagram, 0..1. */
  readonly p: number;
  /** bad → good transition probability per datagram, 0 < r ≤ 1. */
  readonly r: number;
  /** Loss probability in the good state, 0..1. Default 0. */
  readonly lossGood?: number;
  /** Loss probability in the bad state, 0..1. Default 1. */
  readonly lossBad?: number;
}

/** A loss model; a plain number is Bernoulli loss with that probability. */
export type LossModel = number | BernoulliLoss | GilbertElliottLoss;

/**
 * Distribution of the random part of the delay:
 * - `uniform`: fixed ± jitterMs (netem's default);
 * - `normal`: fixed + N(0, jitterMs²);
 * - `exponential`: fixed + Exp(mean jitterMs) (one-sided, a heavy-ish tail of late datagrams).
 * Delays below zero are taken as zero.
 */
export type JitterDistribution = 'uniform' | 'normal' | 'exponential';

/** Delay of forwarded datagrams. */
export interface DelayModel {
  /** Fixed one-way delay, ms. Default 0. */
  readonly fixedMs?: number;
  /** Spread of the random part, ms (see {@link JitterDistribution}). Default 0. */
  readonly jitterMs?: number;
  /** Distribution of the random part. Default `uniform`. */
  readonly distribution?: JitterDistribution;
  /**
   * Let a datagram with a shorter delay overtake an earlier one (netem's behaviour). Default
   * false: a datagram never leaves before the one received before it, so its effective delay is
   * max(drawn delay, previous departure − arrival).
   */
  readonly reorder?: boolean;
}

/** Options of one direction's {@link Impairment}. Everything defaults to a perfect link. */
export interface ImpairmentOptions {
  /** Loss model. Default 0 (none). */
  readonly loss?: LossModel;
  /** Delay model. Default: no delay. */
  readonly delay?: DelayModel;
  /** Probability that a forwarded datagram is sent twice (the copy right after the original), 0..1. Default 0. */
  readonly duplicate?: number;
}

/** What happens to one datagram. */
export type ImpairmentDecision =
  | { readonly drop: true }
  | {
      readonly drop: false;
      /** When it leaves (same clock as `now`). */
      readonly sendAt: number;
      /** sendAt − now: the delay actually applied (after order preservation), ms. */
      readonly delayMs: number;
      /** Whether a copy leaves right after it. */
      readonly duplicate: boolean;
    };

/** Counters of the decisions taken. */
export interface ImpairmentCounters {
  /** Datagrams decided on. */
  readonly decisions: number;
  /** Dropped by the loss model. */
  readonly dropped: number;
  /** Forwarded (not counting duplicates). */
  readonly forwarded: number;
  /** Forwarded twice. */
  readonly duplicated: number;
  /** Forwarded with a delay above zero. */
  readonly delayed: number;
  /** Largest delay applied, ms. */
  readonly maxDelayMs: number;
  /** Sum of the delays applied, ms (mean = totalDelayMs / forwarded). */
  readonly totalDelayMs: number;
}

interface Resolved {
  readonly loss: { readonly p: number; readonly r: number; readonly lossGood: number; readonly lossBad: number } | { readonly probability: number };
  readonly fixedMs: number;
  readonly jitterMs: number;
  readonly distribution: JitterDistribution;
  readonly reorder: boolean;
  readonly duplicate: number;
}

function probability(name: string, v: unknown, def: number): number {
  const x = v ?? def;
  if (typeof x !== 'number' || Number.isNaN(x)) throw new TypeError(`${name} must be a number`);
  if (x < 0 || x > 1) throw new RangeError(`${name} must be in 0..1, got ${x}`);
  return x;
}

function milliseconds(name: string, v: unknown): number {
  const x = v ?? 0;
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new TypeError(`${name} must be a finite number`);
  if (x < 0) throw new RangeError(`${name} must be ≥ 0, got ${x}`);
  return x;
}

/** Validates `options` (TypeError/RangeError naming the option) and applies the defaults. */
function resolve(options: ImpairmentOptions, name: string): Resolved {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${name} must be an object`);
  const l = options.loss ?? 0;
  let loss: Resolved['loss'];
  if (typeof l === 'number') loss = { probability: probability(`${name}.loss`, l, 0) };
  else if (l.kind === 'bernoulli') loss = { probability: probability(`${name}.loss.probability`, l.probability, 0) };
  else if (l.kind === 'gilbert-elliott') {
    const r = probability(`${name}.loss.r`, l.r, 0);
    if (r === 0) throw new RangeError(`${name}.loss.r must be above 0 (the bad state must end)`);
    loss = {
      p: probability(`${name}.loss.p`, l.p, 0),
      r,
      lossGood: probability(`${name}.loss.lossGood`, l.lossGood, 0),
      lossBad: probability(`${name}.loss.lossBad`, l.lossBad, 1),
    };
  } else throw new TypeError(`${name}.loss must be a number or a bernoulli / gilbert-elliott model`);
  const d = options.delay ?? {};
  const distribution = d.distribution ?? 'uniform';
  if (distribution !== 'uniform' && distribution !== 'normal' && distribution !== 'exponential') {
    throw new TypeError(`${name}.delay.distribution must be uniform, normal or exponential`);
  }
  return {
    loss,
    fixedMs: milliseconds(`${name}.delay.fixedMs`, d.fixedMs),
    jitterMs: milliseconds(`${name}.delay.jitterMs`, d.jitterMs),
    distribution,
    reorder: d.reorder ?? false,
    duplicate: probability(`${name}.duplicate`, options.duplicate, 0),
  };
}

/**
 * One direction's impairment: {@link decide} per datagram, in arrival order.
 *
 * @example
 * ```ts
 * import { seededRandom } from '@trunkline/test-support';
 * const link = new Impairment({ loss: 0.05, delay: { fixedMs: 40, jitterMs: 30 } }, seededRandom(7));
 * const d = link.decide(0); // { drop: false, sendAt: 52.3, delayMs: 52.3, duplicate: false } or { drop: true }
 * ```
 */
export class Impairment {
  readonly #random: () => number;
  #o: Resolved;
  /** Gilbert-Elliott state. */
  #bad = false;
  /** Departure of the last forwarded datagram (order preservation). */
  #lastSendAt = -Infinity;
  #decisions = 0;
  #dropped = 0;
  #forwarded = 0;
  #duplicated = 0;
  #delayed = 0;
  #maxDelayMs = 0;
  #totalDelayMs = 0;

  /**
   * @param options - the model (validated here: TypeError/RangeError name the bad option)
   * @param random - uniform numbers in [0, 1), e.g. `seededRandom(seed)` from `@trunkline/test-support`
   */
  constructor(options: ImpairmentOptions, random: () => number) {
    if (typeof random !== 'function') throw new TypeError('random must be a function returning numbers in [0, 1)');
    this.#o = resolve(options, 'options');
    this.#random = random;
  }

  /**
   * Replaces the model from now on, keeping the PRNG stream, the Gilbert-Elliott state, the order
   * of what is already in flight and the counters (e.g. loss switched on once a call is up).
   */
  configure(options: ImpairmentOptions): void {
    this.#o = resolve(options, 'options');
  }

  /** Whether the model can change anything (false for a perfect link). */
  get active(): boolean {
    const o = this.#o;
    const loses = 'probability' in o.loss ? o.loss.probability > 0 : o.loss.p > 0 || o.loss.lossGood > 0;
    return loses || o.fixedMs > 0 || o.jitterMs > 0 || o.duplicate > 0;
  }

  /** Decides the fate of the datagram arriving at `now` (ms, any monotonic clock). Call in arrival order. */
  decide(now: number): ImpairmentDecision {
    this.#decisions++;
    if (this.#lost()) {
      this.#dropped++;
      return { drop: true };
    }
    let sendAt = now + this.#drawDelay();
    if (!this.#o.reorder && sendAt < this.#lastSendAt) sendAt = this.#lastSendAt;
    if (sendAt > this.#lastSendAt) this.#lastSendAt = sendAt;
    const delayMs = sendAt - now;
    const duplicate = this.#o.duplicate > 0 && this.#random() < this.#o.duplicate;
    this.#forwarded++;
    if (duplicate) this.#duplicated++;
    if (delayMs > 0) this.#delayed++;
    if (delayMs > this.#maxDelayMs) this.#maxDelayMs = delayMs;
    this.#totalDelayMs += delayMs;
    return { drop: false, sendAt, delayMs, duplicate };
  }

  /** A snapshot of the counters. */
  get counters(): ImpairmentCounters {
    return {
      decisions: this.#decisions,
      dropped: this.#dropped,
      forwarded: this.#forwarded,
      duplicated: this.#duplicated,
      delayed: this.#delayed,
      maxDelayMs: this.#maxDelayMs,
      totalDelayMs: this.#totalDelayMs,
    };
  }

  #lost(): boolean {
    const loss = this.#o.loss;
    if ('probability' in loss) return loss.probability > 0 && this.#random() < loss.probability;
    // Gilbert-Elliott: loss decided in the current state, then the state moves.
    const p = this.#bad ? loss.lossBad : loss.lossGood;
    const lost = p > 0 && this.#random() < p;
    const u = this.#random();
    if (this.#bad ? u < loss.r : u < loss.p) this.#bad = !this.#bad;
    return lost;
  }

  #drawDelay(): number {
    const { fixedMs, jitterMs, distribution } = this.#o;
    if (jitterMs === 0) return fixedMs;
    let x: number;
    switch (distribution) {
      case 'uniform':
        x = fixedMs + jitterMs * (2 * this.#random() - 1);
        break;
      case 'normal': {
        // Box-Muller; 1 − u keeps the logarithm's argument in (0, 1].
        const u1 = 1 - this.#random();
        const u2 = this.#random();
        x = fixedMs + jitterMs * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        break;
      }
      case 'exponential':
        x = fixedMs - jitterMs * Math.log(1 - this.#random());
        break;
      default:
        return assertNever(distribution, 'jitter distribution');
    }
    return x > 0 ? x : 0;
  }
}
