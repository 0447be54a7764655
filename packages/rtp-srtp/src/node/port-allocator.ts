import { createSocket, type Socket, type SocketOptions, type SocketType } from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { TrunklineError } from '@trunkline/errors';

/** Options for {@link PortAllocator}. */
export interface PortAllocatorOptions {
  /** Lowest port of the range (inclusive); rounded up to even. */
  readonly minPort: number;
  /** Highest port of the range (inclusive); the last pair needs maxPort ≥ rtp + 1. */
  readonly maxPort: number;
  /** Local address to bind; default '0.0.0.0'. */
  readonly address?: string;
  /** Socket family; default 'udp4'. */
  readonly type?: SocketType;
  /** Pairs tried per allocation before giving up; default: every pair in the range. */
  readonly maxAttempts?: number;
  /**
   * Receive buffer asked for on every RTP and RTCP socket (SO_RCVBUF, bytes). One call brings
   * 50 packets a second, but the kernel charges each queued datagram its full buffer overhead
   * (about 1-2 KB for a 172-byte RTP packet), so an event loop stalled for a second under load
   * fills the Linux default (208 KiB) in about three. Default 256 KiB (262,144); the kernel caps
   * it at `net.core.rmem_max` and charges memory only for what is queued. See
   * {@link PortAllocator.bufferSizes} for what was granted.
   */
  readonly recvBufferSize?: number;
  /** Send buffer asked for on every RTP and RTCP socket (SO_SNDBUF, bytes); capped by `net.core.wmem_max`. Default 128 KiB (131,072). */
  readonly sendBufferSize?: number;
  /**
   * A pair found bound by another process (EADDRINUSE/EACCES) is not tried again for this long
   * (ms). Without it, a range nearly full of our own calls makes every allocation try, and fail,
   * a bind on each pair someone else holds — a socket and an exception each, per call, under
   * the highest load. Default 10,000; 0 retries at once.
   */
  readonly busyRetryMs?: number;
  /** Monotonic clock for `busyRetryMs` (ms). Default `performance.now`. */
  readonly now?: () => number;
}

/** What the kernel granted a media socket (bytes, as `getsockopt` reports them: Linux doubles what is asked). */
export interface SocketBufferSizes {
  readonly recvBufferSize: number;
  readonly sendBufferSize: number;
}

/** An allocated RTP/RTCP socket pair (RTP on an even port, RTCP on the next, RFC 3550 §11). */
export interface RtpSocketPair {
  /** RTP port (even). */
  readonly port: number;
  /** Bound RTP socket. */
  readonly rtp: Socket;
  /** Bound RTCP socket on port + 1. */
  readonly rtcp: Socket;
}

/** Thrown when no pair in the range could be bound (a {@link TrunklineError}, code `PORT_RANGE_EXHAUSTED`). */
export class PortRangeExhaustedError extends TrunklineError<'PORT_RANGE_EXHAUSTED'> {
  /** @param message - which range was exhausted */
  constructor(message: string) {
    super('PORT_RANGE_EXHAUSTED', message, { statusHint: 503 });
  }
}

/**
 * Hands out RTP/RTCP UDP socket pairs from a fixed range (trunks allow-list a static media range).
 * RTP gets the even port and RTCP the odd one above it (RFC 3550 §11). Ports bound by other
 * processes are skipped (EADDRINUSE → next pair); a round-robin cursor avoids reusing a just-freed
 * pair, so stray packets of an ended call do not land in a new one.
 */
export class PortAllocator {
  readonly #min: number;
  readonly #max: number;
  readonly #address: string;
  readonly #type: SocketType;
  readonly #pairs: number;
  readonly #maxAttempts: number;
  readonly #recvBufferSize: number;
  readonly #sendBufferSize: number;
  #granted: SocketBufferSizes | null = null;
  readonly #inUse = new Set<number>();
  /** Pairs another process held at the last try → when to try them again. */
  readonly #elsewhere = new Map<number, number>();
  readonly #busyRetryMs: number;
  readonly #now: () => number;
  #cursor = 0;

  /** @param options - see {@link PortAllocatorOptions} */
  constructor(options: PortAllocatorOptions) {
    const min = options.minPort + (options.minPort % 2);
    if (!Number.isInteger(options.minPort) || !Number.isInteger(options.maxPort) || options.minPort < 1 || options.maxPort > 65535) {
      throw new RangeError('port range must be integers within 1..65535');
    }
    this.#pairs = Math.floor((options.maxPort - min + 1) / 2);
    if (this.#pairs < 1) throw new RangeError('port range holds no even/odd pair');
    this.#min = min;
    this.#max = options.maxPort;
    this.#address = options.address ?? '0.0.0.0';
    this.#type = options.type ?? 'udp4';
    this.#maxAttempts = options.maxAttempts ?? this.#pairs;
    if (!Number.isInteger(this.#maxAttempts) || this.#maxAttempts < 1) throw new RangeError('maxAttempts must be a positive integer');
    this.#recvBufferSize = bufferSize('recvBufferSize', options.recvBufferSize, 256 * 1024);
    this.#sendBufferSize = bufferSize('sendBufferSize', options.sendBufferSize, 128 * 1024);
    this.#busyRetryMs = options.busyRetryMs ?? 10_000;
    if (!Number.isFinite(this.#busyRetryMs) || this.#busyRetryMs < 0) throw new RangeError('busyRetryMs must be a non-negative number of ms');
    if (options.now !== undefined && typeof options.now !== 'function') throw new TypeError('now must be a function');
    this.#now = options.now ?? (() => performance.now());
  }

  /** Pairs skipped because another process held them at the last try (until `busyRetryMs` passes). */
  get heldElsewhere(): number {
    return this.#elsewhere.size;
  }

  /** The socket buffers the kernel granted the first socket bound (null before one is); later sockets get the same. */
  get bufferSizes(): SocketBufferSizes | null {
    return this.#granted;
  }

  /** RTP ports currently handed out. */
  get inUse(): ReadonlySet<number> {
    return this.#inUse;
  }

  /** Binds the next free pair. Rejects with {@link PortRangeExhaustedError} when none is free. */
  async allocate(): Promise<RtpSocketPair> {
    const now = this.#now();
    for (let attempt = 0; attempt < Math.min(this.#maxAttempts, this.#pairs); attempt++) {
      const port = this.#min + 2 * this.#cursor;
      this.#cursor = (this.#cursor + 1) % this.#pairs;
      if (this.#inUse.has(port) || port + 1 > this.#max) continue;
      const retryAt = this.#elsewhere.get(port);
      if (retryAt !== undefined) {
        if (retryAt > now) continue;
        this.#elsewhere.delete(port);
      }
      this.#inUse.add(port);
      const rtp = await this.#bind(port);
      if (rtp === undefined) {
        this.#inUse.delete(port);
        this.#heldElsewhere(port, now);
        continue;
      }
      const rtcp = await this.#bind(port + 1);
      if (rtcp === undefined) {
        await closeSocket(rtp);
        this.#inUse.delete(port);
        this.#heldElsewhere(port, now);
        continue;
      }
      return { port, rtp, rtcp };
    }
    throw new PortRangeExhaustedError(`no free RTP/RTCP pair in ${this.#min}..${this.#max}`);
  }

  /** Closes a pair's sockets and returns the port to the pool. Idempotent. */
  async release(pair: RtpSocketPair): Promise<void> {
    if (!this.#inUse.has(pair.port)) return;
    await Promise.all([closeSocket(pair.rtp), closeSocket(pair.rtcp)]);
    this.#inUse.delete(pair.port);
  }

  #heldElsewhere(port: number, now: number): void {
    if (this.#busyRetryMs > 0) this.#elsewhere.set(port, now + this.#busyRetryMs);
  }

  // Resolves the bound socket, or undefined when the port is taken; other errors reject.
  #bind(port: number): Promise<Socket | undefined> {
    return new Promise((resolve, reject) => {
      const s = createSocket({
        type: this.#type,
        reuseAddr: false,
        recvBufferSize: this.#recvBufferSize,
        sendBufferSize: this.#sendBufferSize,
        lookup: immediateLookup,
      });
      const onError = (err: NodeJS.ErrnoException): void => {
        s.close();
        if (err.code === 'EADDRINUSE' || err.code === 'EACCES') resolve(undefined);
        else reject(err);
      };
      s.once('error', onError);
      s.bind(port, this.#address, () => {
        s.off('error', onError);
        this.#granted ??= { recvBufferSize: s.getRecvBufferSize(), sendBufferSize: s.getSendBufferSize() };
        resolve(s);
      });
    });
  }
}

/**
 * `dgram` resolves every destination through `lookup`, and `dns.lookup` answers even an IP
 * literal on a later tick: each RTP packet would leave a tick late, through a tick-queue round of
 * its own. Media destinations are IP literals (SDP connection addresses, latched sources), so
 * they are answered at once and the datagram goes out within `send`; names still go to
 * `dns.lookup`.
 */
const immediateLookup: NonNullable<SocketOptions['lookup']> = (hostname, options, callback) => {
  const family = isIP(hostname);
  if (family !== 0) callback(null, hostname, family);
  else dnsLookup(hostname, options, callback);
};

function closeSocket(s: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      s.close(() => resolve());
    } catch {
      resolve(); // already closed
    }
  });
}

function bufferSize(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${String(v)}`);
  return v;
}
