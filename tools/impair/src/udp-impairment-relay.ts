/**
 * The Node adapter of {@link Impairment}: a UDP relay between two peers, A and
 * B, with one socket facing each (127.0.0.1, ephemeral ports by default).
 * What A sends to {@link UdpImpairmentRelay.sideA} leaves from the socket of
 * side B towards B, through the `aToB` impairment; the reverse through `bToA`.
 * Each direction has its own model and its own PRNG stream, both derived from
 * one seed, so a run replays from the seed it prints.
 *
 * A peer's address is configured, or learnt symmetrically: the first datagram
 * arriving on a side's socket fixes that side's peer (as a NAT or symmetric RTP
 * would); later datagrams from elsewhere are dropped and counted (`foreign`).
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { seededRandom } from '@trunkline/test-support';
import { DelayLine } from './delay-line.js';
import { Impairment, type ImpairmentCounters, type ImpairmentOptions } from './impairment.js';

/** An IP address and UDP port. */
export interface RelayAddress {
  readonly address: string;
  readonly port: number;
}

/** `aToB`: from peer A to peer B; `bToA`: the reverse. */
export type RelayDirection = 'aToB' | 'bToA';

/** Why a datagram was not forwarded. */
export type RelayDropReason =
  /** The loss model dropped it. */
  | 'loss'
  /** The link is cut ({@link UdpImpairmentRelay.cut}), on arrival or while it waited in the delay line. */
  | 'cut'
  /** It came from another address than the side's peer. */
  | 'foreign'
  /** The other side's peer is not known yet (not configured, nothing learnt). */
  | 'no-peer'
  /** The delay line held `maxQueued` datagrams already. */
  | 'overflow'
  /** The `transform` hook refused it (returned null) or threw. */
  | 'transform';

/** What {@link UdpImpairmentRelayOptions.observe} is told, per datagram. */
export type RelayEvent =
  | {
      readonly type: 'dropped';
      readonly direction: RelayDirection;
      readonly reason: RelayDropReason;
      /** The datagram as received (before `transform`). */
      readonly datagram: Uint8Array;
      /** When it arrived (ms, `performance.now()` unless `clock` is given). */
      readonly receivedAt: number;
      /** When it was dropped. */
      readonly at: number;
    }
  | {
      readonly type: 'sent';
      readonly direction: RelayDirection;
      /** The datagram as sent (after `transform`). */
      readonly datagram: Uint8Array;
      readonly receivedAt: number;
      /** When it was handed to the socket. */
      readonly at: number;
      /** The delay the model applied (scheduled departure − arrival), ms; `at − receivedAt` adds the timer's lateness. */
      readonly delayMs: number;
      /** This is the copy of a duplicated datagram. */
      readonly duplicate: boolean;
      /** Whether the impairment applied to it (see `impairs`). */
      readonly impaired: boolean;
    };

/** Counters of one direction (a snapshot). */
export interface RelayCounters extends ImpairmentCounters {
  /** Datagrams received on this direction's ingress socket. */
  readonly received: number;
  /** Datagrams handed to the egress socket (duplicates included). */
  readonly sent: number;
  /** Forwarded without impairment because `impairs` said no. */
  readonly unimpaired: number;
  /** Dropped because the link was cut. */
  readonly cut: number;
  /** Dropped: from an address other than the side's peer. */
  readonly foreign: number;
  /** Dropped: the destination peer was unknown. */
  readonly noPeer: number;
  /** Dropped: the delay line was full. */
  readonly overflow: number;
  /** Dropped by the `transform` hook. */
  readonly transformDropped: number;
  /** Socket send errors (the datagram is lost). */
  readonly sendErrors: number;
}

/** A clock and timers; tests may inject their own. */
export interface RelayClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Options of {@link UdpImpairmentRelay.open}. */
export interface UdpImpairmentRelayOptions {
  /** Seed of both directions' PRNG streams (print it; a run replays from it). Required. */
  readonly seed: number;
  /** Address both sockets bind. Default `127.0.0.1`. */
  readonly host?: string;
  /** Port of the socket facing A. Default 0 (ephemeral). */
  readonly portA?: number;
  /** Port of the socket facing B. Default 0 (ephemeral). */
  readonly portB?: number;
  /** Peer A's address; default: learnt from the first datagram on side A. */
  readonly peerA?: RelayAddress;
  /** Peer B's address; default: learnt from the first datagram on side B. */
  readonly peerB?: RelayAddress;
  /** Impairment A → B. Default: a perfect link. */
  readonly aToB?: ImpairmentOptions;
  /** Impairment B → A. Default: a perfect link. */
  readonly bToA?: ImpairmentOptions;
  /** Which datagrams the impairment applies to; the others pass at once, untouched by the models. Default: all. */
  readonly impairs?: (datagram: Uint8Array, direction: RelayDirection) => boolean;
  /**
   * Rewrites a datagram before it is impaired (e.g. an ALG rewriting SIP); null drops it. May be
   * async: datagrams of one direction still leave the hook in arrival order. A throw drops the
   * datagram (counted), never the relay. Default: none.
   */
  readonly transform?: (datagram: Uint8Array, direction: RelayDirection) => Uint8Array | null | Promise<Uint8Array | null>;
  /** Told about every datagram dropped or sent; a throw is ignored. Default: none. */
  readonly observe?: (event: RelayEvent) => void;
  /** Most datagrams waiting in one direction's delay line; beyond, dropped as `overflow`. Default 10,000. */
  readonly maxQueued?: number;
  /** Clock and timers. Default `performance.now()` and the global timers. */
  readonly clock?: RelayClock;
}

interface Pending {
  readonly datagram: Uint8Array;
  readonly receivedAt: number;
  readonly delayMs: number;
  readonly duplicate: boolean;
  readonly impaired: boolean;
}

interface Lane {
  readonly direction: RelayDirection;
  readonly model: Impairment;
  readonly line: DelayLine<Pending>;
  timer: unknown;
  timerAt: number;
  /** Serialises an async `transform` so datagrams leave it in arrival order. */
  chain: Promise<void>;
  cut: boolean;
  received: number;
  sent: number;
  unimpaired: number;
  cutDrops: number;
  foreign: number;
  noPeer: number;
  overflow: number;
  transformDropped: number;
  sendErrors: number;
}

const realClock: RelayClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Seed of the B → A stream, derived from the relay's seed (golden-ratio offset, so the streams differ). */
const B_TO_A_SALT = 0x9e3779b9;

function checkAddress(name: string, a: RelayAddress | undefined): void {
  if (a === undefined) return;
  if (typeof a !== 'object' || a === null || isIP(a.address) === 0) throw new TypeError(`${name}.address must be an IP address`);
  if (!Number.isInteger(a.port) || a.port < 1 || a.port > 65535) throw new RangeError(`${name}.port must be an integer in 1..65535`);
}

function bind(socket: Socket, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
}

/**
 * A seeded UDP impairment relay between two peers. Create it with {@link UdpImpairmentRelay.open}.
 *
 * @example
 * ```ts
 * await using relay = await UdpImpairmentRelay.open({ seed: 42, peerB: { address: '127.0.0.1', port: 5060 }, aToB: { loss: 0.2 } });
 * // A sends to relay.sideA; B sees it coming from relay.sideB and answers there.
 * ```
 */
export class UdpImpairmentRelay {
  readonly #socketA: Socket;
  readonly #socketB: Socket;
  readonly #lanes: Record<RelayDirection, Lane>;
  readonly #clock: RelayClock;
  readonly #impairs: UdpImpairmentRelayOptions['impairs'];
  readonly #transform: UdpImpairmentRelayOptions['transform'];
  readonly #observe: UdpImpairmentRelayOptions['observe'];
  readonly #maxQueued: number;
  readonly #seed: number;
  #peerA: RelayAddress | undefined;
  #peerB: RelayAddress | undefined;
  #closing: Promise<void> | undefined;

  /**
   * Binds the two sockets and starts relaying.
   *
   * @throws TypeError / RangeError naming a bad option
   */
  static async open(options: UdpImpairmentRelayOptions): Promise<UdpImpairmentRelay> {
    if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
    if (!Number.isInteger(options.seed)) throw new TypeError('options.seed must be an integer');
    const host = options.host ?? '127.0.0.1';
    const family = isIP(host);
    if (family === 0) throw new TypeError('options.host must be an IP address');
    checkAddress('options.peerA', options.peerA);
    checkAddress('options.peerB', options.peerB);
    for (const k of ['impairs', 'transform', 'observe'] as const) {
      if (options[k] !== undefined && typeof options[k] !== 'function') throw new TypeError(`options.${k} must be a function`);
    }
    const maxQueued = options.maxQueued ?? 10_000;
    if (!Number.isInteger(maxQueued) || maxQueued < 0) throw new RangeError('options.maxQueued must be a non-negative integer');
    const type = family === 6 ? 'udp6' : 'udp4';
    const a = createSocket(type);
    const b = createSocket(type);
    try {
      await bind(a, host, options.portA ?? 0);
      await bind(b, host, options.portB ?? 0);
    } catch (e) {
      a.close();
      b.close();
      throw e;
    }
    return new UdpImpairmentRelay(a, b, options, maxQueued);
  }

  private constructor(a: Socket, b: Socket, options: UdpImpairmentRelayOptions, maxQueued: number) {
    this.#socketA = a;
    this.#socketB = b;
    this.#seed = options.seed;
    this.#clock = options.clock ?? realClock;
    this.#impairs = options.impairs;
    this.#transform = options.transform;
    this.#observe = options.observe;
    this.#maxQueued = maxQueued;
    this.#peerA = options.peerA;
    this.#peerB = options.peerB;
    const lane = (direction: RelayDirection, o: ImpairmentOptions | undefined, seed: number): Lane => ({
      direction,
      model: new Impairment(o ?? {}, seededRandom(seed)),
      line: new DelayLine<Pending>(),
      timer: undefined,
      timerAt: Infinity,
      chain: Promise.resolve(),
      cut: false,
      received: 0,
      sent: 0,
      unimpaired: 0,
      cutDrops: 0,
      foreign: 0,
      noPeer: 0,
      overflow: 0,
      transformDropped: 0,
      sendErrors: 0,
    });
    this.#lanes = { aToB: lane('aToB', options.aToB, options.seed), bToA: lane('bToA', options.bToA, (options.seed ^ B_TO_A_SALT) | 0) };
    a.on('message', (msg, rinfo) => this.#onMessage(this.#lanes.aToB, msg, rinfo));
    b.on('message', (msg, rinfo) => this.#onMessage(this.#lanes.bToA, msg, rinfo));
    // A send error (e.g. ICMP unreachable reported on some systems) must not kill the relay.
    a.on('error', () => undefined);
    b.on('error', () => undefined);
  }

  /** The seed both PRNG streams derive from. */
  get seed(): number {
    return this.#seed;
  }

  /** Where peer A must send (the socket facing A); B sees A's datagrams coming from {@link sideB}. */
  get sideA(): RelayAddress {
    const { address, port } = this.#socketA.address();
    return { address, port };
  }

  /** Where peer B must send (the socket facing B). */
  get sideB(): RelayAddress {
    const { address, port } = this.#socketB.address();
    return { address, port };
  }

  /** Peer A's address, configured or learnt; undefined before. */
  get peerA(): RelayAddress | undefined {
    return this.#peerA;
  }

  /** Peer B's address, configured or learnt; undefined before. */
  get peerB(): RelayAddress | undefined {
    return this.#peerB;
  }

  /**
   * Sets (or moves) a side's peer, e.g. from an SDP body seen in signalling.
   *
   * @throws TypeError / RangeError for a bad address
   */
  setPeer(side: 'a' | 'b', peer: RelayAddress): void {
    checkAddress('peer', peer);
    if (side === 'a') this.#peerA = { address: peer.address, port: peer.port };
    else if (side === 'b') this.#peerB = { address: peer.address, port: peer.port };
    else throw new TypeError("side must be 'a' or 'b'");
  }

  /** Replaces one direction's model from now on (PRNG stream, burst state, order and counters kept). */
  setImpairment(direction: RelayDirection, options: ImpairmentOptions): void {
    this.#lane(direction).model.configure(options);
  }

  /** Cuts the link (both directions by default): arrivals and what waits in the delay line are dropped as `cut`. */
  cut(direction?: RelayDirection): void {
    for (const lane of this.#select(direction)) {
      lane.cut = true;
      const now = this.#clock.now();
      for (const p of lane.line.clear()) {
        lane.cutDrops++;
        this.#tell({ type: 'dropped', direction: lane.direction, reason: 'cut', datagram: p.datagram, receivedAt: p.receivedAt, at: now });
      }
    }
  }

  /** Restores a cut link (both directions by default). */
  restore(direction?: RelayDirection): void {
    for (const lane of this.#select(direction)) lane.cut = false;
  }

  /** Whether a direction is cut. */
  isCut(direction: RelayDirection): boolean {
    return this.#lane(direction).cut;
  }

  /** A snapshot of one direction's counters. */
  counters(direction: RelayDirection): RelayCounters {
    const l = this.#lane(direction);
    return {
      ...l.model.counters,
      received: l.received,
      sent: l.sent,
      unimpaired: l.unimpaired,
      cut: l.cutDrops,
      foreign: l.foreign,
      noPeer: l.noPeer,
      overflow: l.overflow,
      transformDropped: l.transformDropped,
      sendErrors: l.sendErrors,
    };
  }

  /** Datagrams waiting in a direction's delay line. */
  queued(direction: RelayDirection): number {
    return this.#lane(direction).line.size;
  }

  /** True once {@link close} was called. */
  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** Stops relaying, drops what waits, closes both sockets. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  /** `await using relay = await UdpImpairmentRelay.open(...)` closes it. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #shutdown(): Promise<void> {
    for (const lane of Object.values(this.#lanes)) {
      if (lane.timer !== undefined) this.#clock.clearTimeout(lane.timer);
      lane.timer = undefined;
      lane.line.clear();
    }
    await Promise.all([this.#socketA, this.#socketB].map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }

  #lane(direction: RelayDirection): Lane {
    const lane = direction === 'aToB' || direction === 'bToA' ? this.#lanes[direction] : undefined;
    if (lane === undefined) throw new TypeError("direction must be 'aToB' or 'bToA'");
    return lane;
  }

  #select(direction: RelayDirection | undefined): Lane[] {
    return direction === undefined ? [this.#lanes.aToB, this.#lanes.bToA] : [this.#lane(direction)];
  }

  #onMessage(lane: Lane, msg: Buffer, rinfo: RemoteInfo): void {
    if (this.#closing !== undefined) return;
    const receivedAt = this.#clock.now();
    lane.received++;
    const datagram = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
    // Symmetric learning: the first datagram on a side fixes that side's peer.
    const fromA = lane.direction === 'aToB';
    const peer = fromA ? this.#peerA : this.#peerB;
    if (peer === undefined) {
      if (fromA) this.#peerA = { address: rinfo.address, port: rinfo.port };
      else this.#peerB = { address: rinfo.address, port: rinfo.port };
    } else if (peer.address !== rinfo.address || peer.port !== rinfo.port) {
      lane.foreign++;
      return this.#tell({ type: 'dropped', direction: lane.direction, reason: 'foreign', datagram, receivedAt, at: receivedAt });
    }
    const transform = this.#transform;
    if (transform === undefined) return this.#impair(lane, datagram, datagram, receivedAt);
    lane.chain = lane.chain.then(async () => {
      let out: Uint8Array | null;
      try {
        out = await transform(datagram, lane.direction);
      } catch {
        out = null;
      }
      if (this.#closing !== undefined) return;
      if (out === null) {
        lane.transformDropped++;
        const now = this.#clock.now();
        return this.#tell({ type: 'dropped', direction: lane.direction, reason: 'transform', datagram, receivedAt, at: now });
      }
      this.#impair(lane, datagram, out, receivedAt);
    });
  }

  /** Decides and forwards (or queues) one datagram; `received` is what arrived, `out` what leaves. */
  #impair(lane: Lane, received: Uint8Array, out: Uint8Array, receivedAt: number): void {
    const now = this.#clock.now();
    const drop = (reason: RelayDropReason): void => this.#tell({ type: 'dropped', direction: lane.direction, reason, datagram: received, receivedAt, at: now });
    if (lane.cut) {
      lane.cutDrops++;
      return drop('cut');
    }
    const to = lane.direction === 'aToB' ? this.#peerB : this.#peerA;
    if (to === undefined) {
      lane.noPeer++;
      return drop('no-peer');
    }
    if (this.#impairs !== undefined && !safe(() => this.#impairs!(out, lane.direction), true)) {
      lane.unimpaired++;
      return this.#send(lane, { datagram: out, receivedAt, delayMs: 0, duplicate: false, impaired: false });
    }
    const d = lane.model.decide(now);
    if (d.drop) return drop('loss');
    const pending: Pending = { datagram: out, receivedAt, delayMs: d.delayMs, duplicate: false, impaired: true };
    if (d.sendAt <= now && lane.line.size === 0) {
      this.#send(lane, pending);
      if (d.duplicate) this.#send(lane, { ...pending, duplicate: true });
      return;
    }
    if (lane.line.size + (d.duplicate ? 2 : 1) > this.#maxQueued) {
      lane.overflow++;
      return drop('overflow');
    }
    lane.line.push(d.sendAt, pending);
    if (d.duplicate) lane.line.push(d.sendAt, { ...pending, duplicate: true });
    this.#arm(lane);
  }

  /** Keeps one timer per direction, set for the next departure. */
  #arm(lane: Lane): void {
    const next = lane.line.nextAt;
    if (next === undefined || next >= lane.timerAt) return;
    if (lane.timer !== undefined) this.#clock.clearTimeout(lane.timer);
    lane.timerAt = next;
    lane.timer = this.#clock.setTimeout(() => this.#flush(lane), Math.max(0, next - this.#clock.now()));
  }

  #flush(lane: Lane): void {
    lane.timer = undefined;
    lane.timerAt = Infinity;
    if (this.#closing !== undefined) return;
    // Node's timers have a 1 ms grain and may fire a fraction early against performance.now().
    const now = this.#clock.now() + 1;
    for (let p = lane.line.popDue(now); p !== undefined; p = lane.line.popDue(now)) this.#send(lane, p);
    this.#arm(lane);
  }

  #send(lane: Lane, p: Pending): void {
    const to = lane.direction === 'aToB' ? this.#peerB : this.#peerA;
    const socket = lane.direction === 'aToB' ? this.#socketB : this.#socketA;
    if (to === undefined) return; // a peer is only ever set, never unset
    lane.sent++;
    try {
      socket.send(p.datagram, to.port, to.address, (e) => {
        if (e !== null && e !== undefined) lane.sendErrors++;
      });
    } catch {
      lane.sendErrors++;
    }
    this.#tell({ type: 'sent', direction: lane.direction, datagram: p.datagram, receivedAt: p.receivedAt, at: this.#clock.now(), delayMs: p.delayMs, duplicate: p.duplicate, impaired: p.impaired });
  }

  #tell(event: RelayEvent): void {
    if (this.#observe !== undefined) safe(() => this.#observe!(event), undefined);
  }
}

/** Runs an application hook; a throw gives `fallback` and never reaches the relay. */
function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}
