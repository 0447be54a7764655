/** A UDP transport address. */
export interface TransportAddress {
  /** IP address. */
  readonly address: string;
  /** UDP port. */
  readonly port: number;
}

/** Options for {@link SymmetricLatch}. */
export interface SymmetricLatchOptions {
  /** Address from signalling (SDP c=/m=), used until media arrives; optional. */
  readonly initial?: TransportAddress;
  /**
   * Whether a stream already latched may move when the same SSRC shows up from a new address
   * (NAT rebinding); default true. Other SSRCs from other addresses never move it.
   */
  readonly relatch?: boolean;
}

/**
 * Symmetric RTP (RFC 4961 spirit; comedia-style NAT traversal): send to the address media actually
 * arrives from, not the one signalled, since a NATed peer's SDP shows its private address. Only
 * packets the caller found valid (parsed, and authenticated when SRTP is on) may move the latch,
 * so an off-path attacker cannot redirect the stream with garbage.
 */
export class SymmetricLatch {
  #remote: TransportAddress | undefined;
  #latchedSsrc: number | undefined;
  readonly #relatch: boolean;

  /** @param options - see {@link SymmetricLatchOptions} */
  constructor(options: SymmetricLatchOptions = {}) {
    this.#remote = options.initial;
    this.#relatch = options.relatch ?? true;
  }

  /** Where to send now, undefined when neither signalled nor learned. */
  get remote(): TransportAddress | undefined {
    return this.#remote;
  }

  /** Whether the address has been learned from media. */
  get latched(): boolean {
    return this.#latchedSsrc !== undefined;
  }

  /** Whether `from` is the address packets are sent to now. */
  isRemote(from: TransportAddress): boolean {
    return this.#remote !== undefined && this.#remote.address === from.address && this.#remote.port === from.port;
  }

  /** Replaces the signalled address (e.g. after a re-INVITE); clears the learned one. */
  reset(initial: TransportAddress | undefined): void {
    this.#remote = initial;
    this.#latchedSsrc = undefined;
  }

  /** Feeds a valid packet's source; returns true when the send address changed. */
  onValidPacket(from: TransportAddress, ssrc: number): boolean {
    const same = this.isRemote(from);
    if (this.#latchedSsrc === undefined) {
      this.#latchedSsrc = ssrc;
      this.#remote = { address: from.address, port: from.port };
      return !same;
    }
    if (same || !this.#relatch || ssrc !== this.#latchedSsrc) return false;
    this.#remote = { address: from.address, port: from.port };
    return true;
  }
}
