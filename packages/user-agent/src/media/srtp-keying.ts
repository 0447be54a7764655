import { SrtpContext, sdesMkiBytes, type MediaTransform, type SdesKeyParams, type SrtpProfile } from '@trunkline/rtp-srtp';
import type { NegotiatedSrtp } from '@trunkline/sdp';

/** Options of {@link SrtpKeying}. */
export interface SrtpKeyingOptions {
  /**
   * After the peer's key changes (a re-offer with a new `a=crypto`), packets still protected with
   * the previous key are accepted for this long, so a re-key leaves no gap; default 2000 ms.
   */
  readonly previousKeyGraceMs?: number;
  /** Monotonic clock, ms. */
  readonly now: () => number;
}

type State =
  | { readonly kind: 'unkeyed' }
  | { readonly kind: 'plain' }
  | { readonly kind: 'srtp'; readonly srtp: NegotiatedSrtp; readonly outbound: SrtpContext; readonly inbound: SrtpContext };

/**
 * The media socket's transform for one call, re-keyable by each offer/answer (RFC 4568 §6.1:
 * our key protects what we send, the peer's key unprotects what we receive; RFC 3711 §3.2.3: one
 * context per direction).
 *
 * - Before the first negotiation every incoming packet is refused, so nothing can move the
 *   symmetric-RTP latch before we know whether the peer protects its media.
 * - Plain RTP only when the negotiation produced no SRTP, SRTP only when it did: never one for
 *   the other, in either direction.
 * - A re-negotiation keeping a key keeps its context (and with it the rollover counter and replay
 *   window, RFC 3711 §3.3.1); a changed key gets a new context, and the previous inbound one is
 *   tried for `previousKeyGraceMs` when the new one fails.
 *
 * Unprotect works in place in the datagram's buffer; both SRTP transforms authenticate before
 * decrypting, so a failed attempt leaves the bytes intact for the previous key.
 */
export class SrtpKeying implements MediaTransform {
  readonly #graceMs: number;
  readonly #now: () => number;
  #state: State = { kind: 'unkeyed' };
  #previousInbound: SrtpContext | undefined;
  #previousUntil = 0;

  /** @param options - see {@link SrtpKeyingOptions} */
  constructor(options: SrtpKeyingOptions) {
    this.#graceMs = options.previousKeyGraceMs ?? 2000;
    if (!(this.#graceMs >= 0) || !Number.isFinite(this.#graceMs)) throw new TypeError('options.previousKeyGraceMs must be a non-negative number');
    this.#now = options.now;
  }

  /** The SRTP profile in use, null for plain RTP or before keying. */
  get suite(): SrtpProfile | null {
    return this.#state.kind === 'srtp' ? this.#state.srtp.profile : null;
  }

  /** Applies a negotiation result: `null` means plain RTP. */
  apply(srtp: NegotiatedSrtp | null): void {
    const old = this.#state;
    if (srtp === null) {
      this.#state = { kind: 'plain' };
      this.#previousInbound = undefined;
      return;
    }
    const sameProfile = old.kind === 'srtp' && old.srtp.profile === srtp.profile;
    const outbound = sameProfile && sameKey(old.srtp.localKey, srtp.localKey) ? old.outbound : context(srtp.profile, srtp.localKey);
    let inbound: SrtpContext;
    if (sameProfile && sameKey(old.srtp.remoteKey, srtp.remoteKey)) {
      inbound = old.inbound;
    } else {
      inbound = context(srtp.profile, srtp.remoteKey);
      this.#previousInbound = old.kind === 'srtp' ? old.inbound : undefined;
      this.#previousUntil = this.#now() + this.#graceMs;
    }
    this.#state = { kind: 'srtp', srtp, outbound, inbound };
  }

  /** @inheritDoc */
  protectRtp(packet: Uint8Array): Uint8Array {
    const s = this.#state;
    if (s.kind === 'srtp') return s.outbound.protect(packet);
    if (s.kind === 'plain') return packet.slice();
    throw new TypeError('no keying negotiated yet');
  }

  /** @inheritDoc */
  unprotectRtp(packet: Uint8Array): Uint8Array {
    const s = this.#state;
    if (s.kind === 'plain') return packet;
    if (s.kind === 'unkeyed') throw new TypeError('media not negotiated yet: packet refused');
    try {
      return s.inbound.unprotect(packet, packet);
    } catch (e) {
      const prev = this.#previousInbound;
      if (prev === undefined || this.#now() > this.#previousUntil) throw e;
      return prev.unprotect(packet, packet);
    }
  }

  /** @inheritDoc */
  protectRtcp(packet: Uint8Array): Uint8Array {
    const s = this.#state;
    if (s.kind === 'srtp') return s.outbound.protectRtcp(packet);
    if (s.kind === 'plain') return packet.slice();
    throw new TypeError('no keying negotiated yet');
  }

  /** @inheritDoc */
  unprotectRtcp(packet: Uint8Array): Uint8Array {
    const s = this.#state;
    if (s.kind === 'plain') return packet;
    if (s.kind === 'unkeyed') throw new TypeError('media not negotiated yet: packet refused');
    try {
      return s.inbound.unprotectRtcp(packet, packet);
    } catch (e) {
      const prev = this.#previousInbound;
      if (prev === undefined || this.#now() > this.#previousUntil) throw e;
      return prev.unprotectRtcp(packet, packet);
    }
  }
}

function context(profile: SrtpProfile, key: SdesKeyParams): SrtpContext {
  return new SrtpContext(
    key.mki === undefined
      ? { profile, masterKey: key.masterKey, masterSalt: key.masterSalt }
      : { profile, masterKey: key.masterKey, masterSalt: key.masterSalt, mki: sdesMkiBytes(key.mki) },
  );
}

function sameKey(a: SdesKeyParams, b: SdesKeyParams): boolean {
  return (
    bytesEqual(a.masterKey, b.masterKey) &&
    bytesEqual(a.masterSalt, b.masterSalt) &&
    a.mki?.value === b.mki?.value &&
    a.mki?.length === b.mki?.length
  );
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
