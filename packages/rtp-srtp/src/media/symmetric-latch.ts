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
  /**
   * Valid packets in a row, one source and one SSRC, before an address other than the signalled
   * one is learned (RFC 3550 §A.1's probation, applied to the source address); default 1. A packet
   * from the signalled address latches at once. Set above 1 for plain RTP, where "valid" proves
   * nothing about the sender: a stray or spraying source racing the real peer is then not learned
   * while the peer sends from where its SDP said (RTP-bleed hardening).
   */
  readonly probation?: number;
}

/**
 * Symmetric RTP (RFC 4961 spirit; comedia-style NAT traversal): send to the address media actually
 * arrives from, not the one signalled, since a NATed peer's SDP shows its private address. Only
 * packets the caller found valid (parsed, and authenticated when SRTP is on) may move the latch,
 * so an off-path attacker cannot redirect the stream with garbage.
 */
export class SymmetricLatch {
  #remote: TransportAddress | undefined;
  #signalled: TransportAddress | undefined;
  #latchedSsrc: number | undefined;
  readonly #relatch: boolean;
  readonly #probation: number;
  /** The source on probation: its address, SSRC and valid packets in a row (0: none). One record, reused per packet. */
  readonly #candidate = { address: '', port: 0, ssrc: 0, count: 0 };

  /**
   * @param options - see {@link SymmetricLatchOptions}
   * @throws TypeError when `probation` is not a positive integer
   */
  constructor(options: SymmetricLatchOptions = {}) {
    this.#remote = options.initial;
    this.#signalled = options.initial;
    this.#relatch = options.relatch ?? true;
    const probation = options.probation ?? 1;
    if (!Number.isInteger(probation) || probation < 1) throw new TypeError(`options.probation must be a positive integer, got ${String(probation)}`);
    this.#probation = probation;
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
    this.#signalled = initial;
    this.#latchedSsrc = undefined;
    this.#candidate.count = 0;
  }

  /** Feeds a valid packet's source; returns true when the send address changed. */
  onValidPacket(from: TransportAddress, ssrc: number): boolean {
    const same = this.isRemote(from);
    if (this.#latchedSsrc === undefined) {
      const signalled = this.#signalled !== undefined && this.#signalled.address === from.address && this.#signalled.port === from.port;
      if (!signalled && !this.#passesProbation(from, ssrc)) return false;
      this.#latchedSsrc = ssrc;
      this.#candidate.count = 0;
      this.#remote = { address: from.address, port: from.port };
      return !same;
    }
    if (same) {
      this.#candidate.count = 0;
      return false;
    }
    if (!this.#relatch || ssrc !== this.#latchedSsrc || !this.#passesProbation(from, ssrc)) return false;
    this.#candidate.count = 0;
    this.#remote = { address: from.address, port: from.port };
    return true;
  }

  /** Counts `from`/`ssrc` as the source on probation; true once it sent `probation` valid packets in a row. */
  #passesProbation(from: TransportAddress, ssrc: number): boolean {
    if (this.#probation === 1) return true;
    const c = this.#candidate;
    if (c.count > 0 && c.address === from.address && c.port === from.port && c.ssrc === ssrc) {
      c.count++;
    } else {
      c.address = from.address;
      c.port = from.port;
      c.ssrc = ssrc;
      c.count = 1;
    }
    return c.count >= this.#probation;
  }
}
