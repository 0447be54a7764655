/**
 * RFC 3261 §17 timer values (Table 4 of Appendix A) and RFC 6026 §8.1 Timers L/M,
 * derived from one per-instance configuration — never globals.
 */

/** The base timer values. All in milliseconds. */
export interface TimerConfig {
  /** RTT estimate. Default 500 ms (RFC 3261 §17.1.1.1). */
  readonly T1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses. Default 4 s. */
  readonly T2: number;
  /** Maximum duration a message remains in the network. Default 5 s. */
  readonly T4: number;
  /** How long an INVITE server transaction waits for the TU before sending 100 Trying (§17.2.1). Default 200 ms. */
  readonly trying100: number;
}

/** RFC 3261 defaults. */
export const DEFAULT_TIMER_CONFIG: TimerConfig = Object.freeze({ T1: 500, T2: 4000, T4: 5000, trying100: 200 });

/** Every derived timer, for one transport kind. `0` means "fires immediately". */
export interface TimerValues {
  readonly T1: number;
  readonly T2: number;
  readonly T4: number;
  /** INVITE request retransmit interval, initially T1; unreliable transports only. */
  readonly A: number;
  /** INVITE transaction timeout, 64*T1. */
  readonly B: number;
  /** Wait time for response retransmits: > 32 s unreliable, 0 reliable. */
  readonly D: number;
  /** non-INVITE request retransmit interval, initially T1; unreliable only. */
  readonly E: number;
  /** non-INVITE transaction timeout, 64*T1. */
  readonly F: number;
  /** INVITE response retransmit interval, initially T1; unreliable only. */
  readonly G: number;
  /** Wait time for ACK receipt, 64*T1. */
  readonly H: number;
  /** Wait time for ACK retransmits: T4 unreliable, 0 reliable. */
  readonly I: number;
  /** Wait time for non-INVITE request retransmits: 64*T1 unreliable, 0 reliable. */
  readonly J: number;
  /** Wait time for response retransmits: T4 unreliable, 0 reliable. */
  readonly K: number;
  /** RFC 6026: wait time for accepted INVITE request retransmits, 64*T1. */
  readonly L: number;
  /** RFC 6026: wait time for retransmission of 2xx to INVITE, 64*T1. */
  readonly M: number;
  /** §17.2.1: delay before an automatic 100 Trying. */
  readonly trying100: number;
}

/** Validates a timer configuration once (RangeError on nonsense values). */
export function resolveTimerConfig(partial: Partial<TimerConfig> = {}): TimerConfig {
  const cfg = { ...DEFAULT_TIMER_CONFIG, ...partial };
  for (const [k, v] of Object.entries(cfg)) {
    if (!Number.isFinite(v) || v <= 0) throw new RangeError(`timer ${k} must be a positive number of ms, got ${String(v)}`);
  }
  if (cfg.T2 < cfg.T1) throw new RangeError(`T2 (${cfg.T2}) must not be smaller than T1 (${cfg.T1})`);
  return cfg;
}

/** Derives timers A–M for a reliable (TCP/TLS/WS) or unreliable (UDP) transport — RFC 3261 Table 4. */
export function timerValues(cfg: TimerConfig, reliable: boolean): TimerValues {
  const { T1, T2, T4 } = cfg;
  return {
    T1,
    T2,
    T4,
    A: T1,
    B: 64 * T1,
    D: reliable ? 0 : Math.max(32_000, 64 * T1),
    E: T1,
    F: 64 * T1,
    G: T1,
    H: 64 * T1,
    I: reliable ? 0 : T4,
    J: reliable ? 0 : 64 * T1,
    K: reliable ? 0 : T4,
    L: 64 * T1,
    M: 64 * T1,
    trying100: cfg.trying100,
  };
}
