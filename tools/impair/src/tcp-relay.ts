/**
 * A byte-level TCP relay for the fault tests of stream transports (SIP over
 * TCP, and TLS passing through it untouched): every accepted connection is
 * piped to a new connection to the target, and `reset()` aborts them all
 * with a TCP RST both ways (`socket.resetAndDestroy()`), as a NAT that forgot
 * its binding or a middlebox that crashed would.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { RelayAddress } from './udp-impairment-relay.js';

/** Options of {@link TcpRelay.open}. */
export interface TcpRelayOptions {
  /** Where every connection goes. Required. */
  readonly target: RelayAddress;
  /** Address to listen on. Default `'127.0.0.1'`. */
  readonly host?: string;
  /** Port to listen on. Default 0 (ephemeral). */
  readonly port?: number;
}

/** One relayed connection: the accepted socket and the one towards the target. */
interface Pair {
  readonly inbound: Socket;
  readonly outbound: Socket;
}

/** A TCP relay whose connections can be reset (see the module comment). */
export class TcpRelay implements AsyncDisposable {
  readonly #server: Server;
  readonly #pairs = new Set<Pair>();
  #accepted = 0;
  #resets = 0;
  #closing: Promise<void> | null = null;

  private constructor(server: Server, target: RelayAddress) {
    this.#server = server;
    server.on('connection', (inbound) => {
      this.#accepted++;
      const outbound = connect({ host: target.address, port: target.port });
      const pair: Pair = { inbound, outbound };
      this.#pairs.add(pair);
      // Whatever ends one side ends the other; errors (ECONNRESET after a reset) are expected here.
      const end = (): void => {
        if (!this.#pairs.delete(pair)) return;
        inbound.destroy();
        outbound.destroy();
      };
      for (const s of [inbound, outbound]) {
        s.on('error', end);
        s.on('close', end);
      }
      inbound.pipe(outbound);
      outbound.pipe(inbound);
    });
  }

  /** Listens; resolves once bound. */
  static async open(options: TcpRelayOptions): Promise<TcpRelay> {
    if (typeof options !== 'object' || options === null || typeof options.target?.port !== 'number') throw new TypeError('options.target must be { address, port }');
    const server = createServer();
    const relay = new TcpRelay(server, options.target);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return relay;
  }

  /** Where to connect. */
  get address(): RelayAddress {
    const a = this.#server.address();
    if (a === null || typeof a === 'string') throw new TypeError('the relay is not listening');
    return { address: a.address, port: a.port };
  }

  /** Connections relayed now. */
  get connections(): number {
    return this.#pairs.size;
  }

  /** Connections accepted since the start, and reset by {@link reset}. */
  get counters(): { readonly accepted: number; readonly reset: number } {
    return { accepted: this.#accepted, reset: this.#resets };
  }

  /** Aborts every relayed connection with a RST to both ends; new connections are still accepted. Returns how many. */
  reset(): number {
    const pairs = [...this.#pairs];
    this.#pairs.clear();
    for (const { inbound, outbound } of pairs) {
      inbound.resetAndDestroy();
      outbound.resetAndDestroy();
    }
    this.#resets += pairs.length;
    return pairs.length;
  }

  /** Stops listening and resets what is still relayed. Idempotent. */
  close(): Promise<void> {
    return (this.#closing ??= new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.reset();
    }));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
