import { AesCmKeystream, xorInto } from './aes-cm.js';
import { AesGcm } from './aes-gcm.js';
import { HmacSha1 } from './hmac-sha1.js';
import { deriveSrtpKeys, type SrtpDerivedKeys } from './key-derivation.js';
import { srtpProfileParameters, type SrtpProfile, type SrtpProfileParameters } from './profiles.js';
import { ReplayWindow } from './replay-window.js';
import { sdesMkiBytes, type SdesMki } from './sdes.js';
import { SrtpError } from './srtp-error.js';
import { AES_CM_IV, AES_GCM_IV, srtpIv } from './srtp-iv.js';
import { requireBytes } from '../arguments.js';

/** Options of {@link SrtpContext}. */
export interface SrtpContextOptions {
  /** Protection profile (SDES crypto-suite name). */
  readonly profile: SrtpProfile;
  /** Master key: 16 bytes (AES-128 profiles) or 32 bytes (AES-256 profiles). */
  readonly masterKey: Uint8Array;
  /** Master salt: 14 bytes (AES-CM profiles) or 12 bytes (AEAD profiles). */
  readonly masterSalt: Uint8Array;
  /**
   * Replay window in packets, for SRTP and for SRTCP, per SSRC (RFC 3711 §3.3.2). Default 64, the
   * RFC's minimum; at most 32768.
   */
  readonly replayWindowSize?: number;
  /**
   * Most SSRCs tracked per table (SRTP send, SRTP receive, SRTCP send, SRTCP receive). A packet
   * for one more SSRC fails with `SRTP_SSRC_LIMIT`; {@link SrtpContext.removeSsrc} frees a slot.
   * Default 256.
   */
  readonly maxSsrcs?: number;
  /**
   * Master Key Identifier (RFC 3711 §3.1), 1 to 128 bytes: the bytes themselves, or the SDES form
   * `{ value, length }` of an `a=crypto` key-param (RFC 4568 §6.1), so the result of
   * `generateSdesKeyParams()` or `parseCryptoAttribute(...).keyParams[i]` spreads straight into
   * these options. When set, protected packets carry it and unprotect requires it (`SRTP_UNKNOWN_MKI`
   * otherwise). Default: no MKI.
   */
  readonly mki?: Uint8Array | SdesMki;
  /**
   * Whether protectRtcp encrypts (E bit 1, RFC 3711 §3.4) or only authenticates. Default true.
   * Unprotect honours the E bit of each packet either way.
   */
  readonly encryptRtcp?: boolean;
}

/** Per-SSRC SRTP state: the highest index (ROC * 2^16 + SEQ, RFC 3711 §3.3.1) and replay window. */
interface RtpStream {
  /** Highest index processed, or -1 before the first packet. */
  highest: number;
  /** ROC assumed for the first packet (0, or set from signalling). */
  initialRoc: number;
  /** Receive side only. */
  readonly window: ReplayWindow | undefined;
  /** Cached keystream (AES-CM, or GCM tag masks + keystream) for indices [ksFirst, ksFirst + ksCount), ksBlocks blocks each. */
  ks: Uint8Array | undefined;
  ksFirst: number;
  ksCount: number;
  ksBlocks: number;
}

function newStream(initialRoc: number, window: ReplayWindow | undefined): RtpStream {
  return { highest: -1, initialRoc, window, ks: undefined, ksFirst: 0, ksCount: 0, ksBlocks: 0 };
}

/**
 * Largest packet accepted: a UDP datagram's payload. Also keeps AES-CM's 16-bit block counter
 * (RFC 3711 §4.1.1, 2^16 blocks) far from wrapping.
 */
const MAX_PACKET = 65535;

/** Bytes of keystream made per ECB call when packets arrive in sequence (see #rtpXor). */
const KEYSTREAM_BATCH_BYTES = 4096;

const EMPTY = new Uint8Array(0);

/** The MKI option as the bytes packets carry (a copy), validated. */
function mkiBytes(mki: Uint8Array | SdesMki | undefined): Uint8Array {
  if (mki === undefined) return EMPTY;
  if (mki instanceof Uint8Array) {
    if (mki.length < 1 || mki.length > 128) throw new RangeError('mki must be a Uint8Array of 1 to 128 bytes');
    return new Uint8Array(mki);
  }
  if (typeof mki !== 'object' || mki === null || typeof mki.value !== 'bigint') {
    throw new TypeError('mki must be a Uint8Array or an SDES { value: bigint, length: number }');
  }
  return sdesMkiBytes(mki);
}

/**
 * A pure SRTP/SRTCP cryptographic context (RFC 3711 §3.2) for one master key: no sockets, no
 * clock. `protect`/`unprotect` transform whole packets; per-SSRC state (rollover counter, replay
 * window, SRTCP index) lives inside.
 *
 * Use one context per direction: one keyed with the local master key for `protect`/`protectRtcp`,
 * another keyed with the remote one for `unprotect`/`unprotectRtcp` (RFC 3711 §3.2.3 and RFC 4568
 * §6.1 give each direction its own key). Send and receive state are kept apart anyway, so a context
 * used both ways (loopback tests) still behaves.
 *
 * Failures throw {@link SrtpError} and leave the state untouched: the rollover counter and replay
 * window move only after a packet authenticated. Only key derivation rate 0 is supported.
 *
 * Buffers: when `out` is given the result is a view of it; `protectInto`/`unprotectInto` return
 * just the length and allocate nothing beyond node:crypto's (batched) keystream buffer. `out` may
 * be the input itself (in place) and must not otherwise overlap it. Size it with
 * {@link SrtpContext.rtpOverhead} / `rtcpOverhead`.
 */
export class SrtpContext {
  /** The protection profile. */
  readonly profile: SrtpProfile;
  /** Bytes protect adds to an RTP packet (MKI + tag); unprotect removes as many. */
  readonly rtpOverhead: number;
  /** Bytes protectRtcp adds to an RTCP packet (E+index word + MKI + tag). */
  readonly rtcpOverhead: number;

  readonly #params: SrtpProfileParameters;
  readonly #gcm: boolean;
  readonly #mki: Uint8Array;
  readonly #encryptRtcp: boolean;
  readonly #windowSize: number;
  readonly #maxSsrcs: number;
  // Session keys; assigned in #install (constructor or fromSessionKeys).
  #rtpSalt: Uint8Array = EMPTY;
  #rtcpSalt: Uint8Array = EMPTY;
  #rtpGcm: AesGcm | undefined;
  #rtcpGcm: AesGcm | undefined;
  #ksAt = 0;
  #rtpCm: AesCmKeystream | undefined;
  #rtcpCm: AesCmKeystream | undefined;
  #rtpMac: HmacSha1 | undefined;
  #rtcpMac: HmacSha1 | undefined;
  // Scratch, reused by every packet.
  readonly #iv = new Uint8Array(16);
  readonly #aad = new Uint8Array(12);
  readonly #tag = new Uint8Array(16);
  readonly #txRtp = new Map<number, RtpStream>();
  readonly #rxRtp = new Map<number, RtpStream>();
  readonly #txRtcp = new Map<number, number>();
  readonly #rxRtcp = new Map<number, ReplayWindow>();

  /**
   * Derives the session keys (RFC 3711 §4.3, KDR 0) and validates the options.
   * @throws TypeError / RangeError on invalid options
   */
  constructor(options: SrtpContextOptions) {
    const params = srtpProfileParameters(options.profile);
    const keys = deriveSrtpKeys(options.profile, options.masterKey, options.masterSalt);
    this.profile = params.name;
    this.#params = params;
    this.#mki = mkiBytes(options.mki);
    const windowSize = options.replayWindowSize ?? 64;
    new ReplayWindow(windowSize); // validates the size once, here
    this.#windowSize = windowSize;
    const maxSsrcs = options.maxSsrcs ?? 256;
    if (!Number.isInteger(maxSsrcs) || maxSsrcs < 1) {
      throw new RangeError(`maxSsrcs must be a positive integer, got ${maxSsrcs}`);
    }
    this.#maxSsrcs = maxSsrcs;
    this.#encryptRtcp = options.encryptRtcp ?? true;
    this.rtpOverhead = this.#mki.length + params.rtpTagLength;
    this.rtcpOverhead = 4 + this.#mki.length + params.rtcpTagLength;
    this.#gcm = params.transform === 'aes-gcm';
    this.#install(keys);
  }

  /**
   * A context keyed directly with session keys, bypassing key derivation. For the RFC test vectors,
   * which are published in terms of session keys (RFC 3711 App. B.2, RFC 7714 §16-17); not part of
   * the published API.
   * @internal
   * @param options - as for the constructor (masterKey/masterSalt are validated, then unused)
   * @param keys - the session keys to use
   */
  static fromSessionKeys(options: SrtpContextOptions, keys: SrtpDerivedKeys): SrtpContext {
    const ctx = new SrtpContext(options);
    ctx.#install(keys);
    return ctx;
  }

  #install(keys: SrtpDerivedKeys): void {
    const p = this.#params;
    for (const k of [keys.rtp, keys.rtcp]) {
      if (k.encryptionKey.length !== p.keyLength || k.salt.length !== p.saltLength) {
        throw new RangeError('session key or salt length does not match the profile');
      }
      if (!this.#gcm && k.authKey.length === 0) throw new RangeError('missing session auth key');
    }
    this.#rtpSalt = new Uint8Array(keys.rtp.salt);
    this.#rtcpSalt = new Uint8Array(keys.rtcp.salt);
    if (this.#gcm) {
      this.#rtpGcm = new AesGcm(keys.rtp.encryptionKey);
      this.#rtcpGcm = new AesGcm(keys.rtcp.encryptionKey);
    } else {
      this.#rtpCm = new AesCmKeystream(keys.rtp.encryptionKey);
      this.#rtcpCm = new AesCmKeystream(keys.rtcp.encryptionKey);
      this.#rtpMac = new HmacSha1(keys.rtp.authKey);
      this.#rtcpMac = new HmacSha1(keys.rtcp.authKey);
    }
  }

  /** Number of SSRCs with SRTP or SRTCP state, send and receive together. */
  get ssrcCount(): number {
    const all = new Set<number>([
      ...this.#txRtp.keys(),
      ...this.#rxRtp.keys(),
      ...this.#txRtcp.keys(),
      ...this.#rxRtcp.keys(),
    ]);
    return all.size;
  }

  /** Forgets all state of `ssrc` (e.g. after an RTCP BYE), freeing its slots. */
  removeSsrc(ssrc: number): void {
    this.#txRtp.delete(ssrc);
    this.#rxRtp.delete(ssrc);
    this.#txRtcp.delete(ssrc);
    this.#rxRtcp.delete(ssrc);
  }

  /**
   * Rollover counter of the highest SRTP index sent (or else received) for `ssrc`, RFC 3711 §3.3.1;
   * undefined when the SSRC is unknown.
   */
  rolloverCounter(ssrc: number): number | undefined {
    const s = this.#txRtp.get(ssrc >>> 0) ?? this.#rxRtp.get(ssrc >>> 0);
    if (s === undefined) return undefined;
    return s.highest < 0 ? s.initialRoc : Math.floor(s.highest / 65536);
  }

  /**
   * Sets the ROC that the next SRTP packet of `ssrc` is assumed to carry, in both directions, and
   * resets that SSRC's SRTP state. For a receiver joining a stream late, where the ROC is signalled
   * (RFC 3711 §3.3.1, RFC 4568 §6.4).
   * @throws RangeError when roc is not a 32-bit unsigned integer
   */
  setRolloverCounter(ssrc: number, roc: number): void {
    if (!Number.isInteger(roc) || roc < 0 || roc > 0xffffffff) {
      throw new RangeError(`ROC must be a 32-bit unsigned integer, got ${roc}`);
    }
    const key = ssrc >>> 0;
    for (const [map, rx] of [
      [this.#txRtp, false],
      [this.#rxRtp, true],
    ] as const) {
      if (!map.has(key) && map.size >= this.#maxSsrcs) continue;
      map.set(key, newStream(roc, rx ? new ReplayWindow(this.#windowSize) : undefined));
    }
  }

  /**
   * Protects an RTP packet into an SRTP packet (RFC 3711 §3.3; RFC 7714 §8 for AEAD).
   *
   * The sender does not refuse a repeated sequence number: re-protecting the same packet (a
   * retransmission) yields the same bytes, but different payloads under one sequence number would
   * reuse keystream, which the caller must not do.
   * @param rtp - a complete RTP packet (header, CSRCs, extension, payload, padding)
   * @param out - optional destination of at least `rtp.length + rtpOverhead` bytes; may be `rtp`
   * @returns the SRTP packet (a view of `out` when given)
   * @throws SrtpError `SRTP_MALFORMED` (not RTP v2), `SRTP_TOO_OLD` / `SRTP_KEY_EXHAUSTED` (index), `SRTP_SSRC_LIMIT`
   * @throws RangeError when `out` is too small
   */
  protect(rtp: Uint8Array, out?: Uint8Array): Uint8Array {
    requireBytes(rtp, 'SrtpContext.protect: rtp');
    const dst = out ?? new Uint8Array(rtp.length + this.rtpOverhead);
    return dst.subarray(0, this.protectInto(rtp, dst));
  }

  /**
   * {@link SrtpContext.protect} into `out`, returning the SRTP length: allocates nothing on the
   * AES-CM/GCM path beyond node:crypto's keystream buffer.
   * @param rtp - a complete RTP packet
   * @param out - destination of at least `rtp.length + rtpOverhead` bytes; may be `rtp` itself
   * @returns the number of bytes written to `out`
   */
  protectInto(rtp: Uint8Array, out: Uint8Array): number {
    requireBytes(rtp, 'SrtpContext.protectInto: rtp');
    requireBytes(out, 'SrtpContext.protectInto: out');
    const len = rtp.length;
    if (len > MAX_PACKET) throw new RangeError(`RTP packet of ${len} bytes exceeds ${MAX_PACKET}`);
    const hl = rtpHeaderLength(rtp, len);
    if (hl < 0) throw new SrtpError('SRTP_MALFORMED', 'not an RTP version 2 packet');
    const p = this.#params;
    const total = len + this.rtpOverhead;
    const dst = destination(out, total);
    const ssrc = readU32(rtp, 8);
    const seq = (rtp[2]! << 8) | rtp[3]!;
    let stream = this.#txRtp.get(ssrc);
    if (stream === undefined) {
      if (this.#txRtp.size >= this.#maxSsrcs) throw ssrcLimit(ssrc);
      stream = newStream(0, undefined);
    }
    const roc = stream.highest < 0 ? stream.initialRoc : estimateRoc(stream.highest, seq);
    if (roc < 0) throw new SrtpError('SRTP_TOO_OLD', 'sequence number before index 0');
    if (roc > 0xffffffff) throw new SrtpError('SRTP_KEY_EXHAUSTED', '2^48 SRTP packets sent with this key');
    const index = roc * 65536 + seq;
    if (!sameView(dst, rtp)) copyBytes(rtp, dst, hl);
    const mkiAt = p.transform === 'aes-gcm' ? len + p.rtpTagLength : len;
    if (this.#gcm) {
      // RFC 7714 §8.1-8.2: IV = (00 00 || SSRC || ROC || SEQ) XOR salt; AAD = the header; the
      // 16-byte tag follows the ciphertext.
      const n = len - hl;
      const ks = this.#streamKeystream(stream, ssrc, index, 1 + ((n + 15) >>> 4));
      const at = this.#ksAt;
      xorInto(ks, at + 16, rtp, hl, dst, hl, n);
      this.#rtpGcm!.tag(ks, at, dst, 0, hl, dst, hl, n, dst, len);
    } else {
      // RFC 3711 §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16).
      const n = len - hl;
      if (n > 0) xorInto(this.#streamKeystream(stream, ssrc, index, (n + 15) >>> 4), this.#ksAt, rtp, hl, dst, hl, n);
      // RFC 3711 §4.2: tag = HMAC(k_a, authenticated portion || ROC); the MKI is not authenticated.
      this.#rtpMac!.sign(dst, 0, len, true, roc, dst, len + this.#mki.length, p.rtpTagLength);
    }
    if (this.#mki.length > 0) dst.set(this.#mki, mkiAt);
    // Commit (nothing above can fail any more).
    if (stream.highest < 0 && !this.#txRtp.has(ssrc)) this.#txRtp.set(ssrc, stream);
    if (index > stream.highest) stream.highest = index;
    return total;
  }

  /**
   * Verifies and decrypts an SRTP packet (RFC 3711 §3.3; RFC 7714 §8 for AEAD). The replay window
   * and rollover counter of the SSRC move only when the packet authenticated.
   * @param srtp - a received SRTP packet (untrusted)
   * @param out - optional destination of at least `srtp.length - rtpOverhead` bytes; may be `srtp`
   * @returns the RTP packet (a view of `out` when given)
   * @throws SrtpError `SRTP_MALFORMED`, `SRTP_UNKNOWN_MKI`, `SRTP_REPLAYED`, `SRTP_TOO_OLD`, `SRTP_AUTH_FAILED`, `SRTP_SSRC_LIMIT`
   * @throws RangeError when `out` is too small
   */
  unprotect(srtp: Uint8Array, out?: Uint8Array): Uint8Array {
    requireBytes(srtp, 'SrtpContext.unprotect: srtp');
    const dst = out ?? new Uint8Array(Math.max(0, srtp.length - this.rtpOverhead));
    return dst.subarray(0, this.unprotectInto(srtp, dst));
  }

  /**
   * {@link SrtpContext.unprotect} into `out`, returning the RTP length.
   * @param srtp - a received SRTP packet (untrusted)
   * @param out - destination of at least `srtp.length - rtpOverhead` bytes; may be `srtp` itself
   * @returns the number of bytes written to `out`
   */
  unprotectInto(srtp: Uint8Array, out: Uint8Array): number {
    requireBytes(srtp, 'SrtpContext.unprotectInto: srtp');
    requireBytes(out, 'SrtpContext.unprotectInto: out');
    const p = this.#params;
    const len = srtp.length;
    const mkiLen = this.#mki.length;
    const tagLen = p.rtpTagLength;
    const plainLen = len - tagLen - mkiLen;
    if (plainLen < 12) throw new SrtpError('SRTP_MALFORMED', 'SRTP packet too short');
    if (len > MAX_PACKET) throw new SrtpError('SRTP_MALFORMED', 'SRTP packet longer than a UDP datagram');
    const hl = rtpHeaderLength(srtp, plainLen);
    if (hl < 0) throw new SrtpError('SRTP_MALFORMED', 'not an SRTP version 2 packet');
    const dst = destination(out, plainLen);
    const ssrc = readU32(srtp, 8);
    const seq = (srtp[2]! << 8) | srtp[3]!;
    let stream = this.#rxRtp.get(ssrc);
    const isNew = stream === undefined;
    if (stream === undefined) {
      if (this.#rxRtp.size >= this.#maxSsrcs) throw ssrcLimit(ssrc);
      stream = newStream(0, new ReplayWindow(this.#windowSize));
    }
    // RFC 3711 §3.3.1 and App. A: estimate the ROC from the highest index received.
    const roc = stream.highest < 0 ? stream.initialRoc : estimateRoc(stream.highest, seq);
    if (roc < 0 || roc > 0xffffffff) throw new SrtpError('SRTP_TOO_OLD', 'packet index outside 0 .. 2^48 - 1');
    const index = roc * 65536 + seq;
    if (stream.window !== undefined) {
      const r = stream.window.check(index);
      if (r === 'replayed') throw new SrtpError('SRTP_REPLAYED', `SRTP index ${index} already received`);
      if (r === 'too-old') throw new SrtpError('SRTP_TOO_OLD', `SRTP index ${index} is left of the replay window`);
    }
    const mkiAt = this.#gcm ? plainLen + tagLen : plainLen;
    if (mkiLen > 0 && !bytesEqual(srtp, mkiAt, this.#mki)) {
      throw new SrtpError('SRTP_UNKNOWN_MKI', 'SRTP packet carries an unknown MKI');
    }
    if (this.#gcm) {
      // RFC 7714 §8.2: verify the tag (the 16 bytes before the MKI), then decrypt.
      const n = plainLen - hl;
      const ks = this.#streamKeystream(stream, ssrc, index, 1 + ((n + 15) >>> 4));
      const at = this.#ksAt;
      const tag = this.#tag;
      this.#rtpGcm!.tag(ks, at, srtp, 0, hl, srtp, hl, n, tag, 0);
      if (!bytesEqual(srtp, plainLen, tag)) throw new SrtpError('SRTP_AUTH_FAILED', 'SRTP AEAD tag mismatch');
      if (!sameView(dst, srtp)) copyBytes(srtp, dst, hl);
      xorInto(ks, at + 16, srtp, hl, dst, hl, n);
    } else {
      // RFC 3711 §3.3 step 5: authenticate before decrypting.
      if (!this.#rtpMac!.verify(srtp, 0, plainLen, true, roc, srtp, plainLen + mkiLen, tagLen)) {
        throw new SrtpError('SRTP_AUTH_FAILED', 'SRTP authentication tag mismatch');
      }
      if (!sameView(dst, srtp)) copyBytes(srtp, dst, hl);
      const n = plainLen - hl;
      if (n > 0) xorInto(this.#streamKeystream(stream, ssrc, index, (n + 15) >>> 4), this.#ksAt, srtp, hl, dst, hl, n);
    }
    // Commit: RFC 3711 §3.3.1 (ROC, s_l) and §3.3.2 (replay list), only now.
    if (isNew) this.#rxRtp.set(ssrc, stream);
    if (index > stream.highest) stream.highest = index;
    stream.window!.accept(index);
    return plainLen;
  }

  /**
   * Protects an RTCP (compound) packet into SRTCP (RFC 3711 §3.4; RFC 7714 §9 for AEAD). The SRTCP
   * index of the sender SSRC starts at 0 and increments per packet.
   * @param rtcp - RTCP packet; its first 8 bytes (header and sender SSRC) stay in the clear
   * @param out - optional destination of at least `rtcp.length + rtcpOverhead` bytes; may be `rtcp`
   * @throws SrtpError `SRTP_MALFORMED`, `SRTP_KEY_EXHAUSTED` (2^31 packets), `SRTP_SSRC_LIMIT`
   * @throws RangeError when `out` is too small
   */
  protectRtcp(rtcp: Uint8Array, out?: Uint8Array): Uint8Array {
    requireBytes(rtcp, 'SrtpContext.protectRtcp: rtcp');
    const len = rtcp.length;
    if (len > MAX_PACKET) throw new RangeError(`RTCP packet of ${len} bytes exceeds ${MAX_PACKET}`);
    if (len < 8 || rtcp[0]! >>> 6 !== 2) throw new SrtpError('SRTP_MALFORMED', 'not an RTCP version 2 packet');
    const p = this.#params;
    const total = len + this.rtcpOverhead;
    const dst = destination(out, total);
    const ssrc = readU32(rtcp, 4);
    const known = this.#txRtcp.get(ssrc);
    if (known === undefined && this.#txRtcp.size >= this.#maxSsrcs) throw ssrcLimit(ssrc);
    const index = known ?? 0;
    if (index > 0x7fffffff) throw new SrtpError('SRTP_KEY_EXHAUSTED', '2^31 SRTCP packets sent with this key');
    const encrypt = this.#encryptRtcp;
    // E || SRTCP index (RFC 3711 §3.4)
    const eIndex = ((encrypt ? 0x80000000 : 0) | index) >>> 0;
    if (this.#gcm) {
      const tagLen = p.rtcpTagLength;
      const gcm = this.#rtcpGcm!;
      const n = encrypt ? len - 8 : 0;
      const ks = gcm.keystream(this.#rtcpIv(ssrc, index), 1 + ((n + 15) >>> 4));
      if (encrypt) {
        // RFC 7714 §9.1-9.2: AAD = first 8 bytes || E+index; the rest is encrypted.
        const aad = this.#aad;
        aad.set(rtcp.subarray(0, 8));
        writeU32(aad, 8, eIndex);
        if (!sameView(dst, rtcp)) dst.set(rtcp.subarray(0, 8));
        xorInto(ks, 16, rtcp, 8, dst, 8, n);
        gcm.tag(ks, 0, aad, 0, 12, dst, 8, n, dst, len);
      } else {
        // RFC 7714 §9.3: without encryption the whole packet || E+index is AAD.
        const aad = new Uint8Array(len + 4);
        aad.set(rtcp);
        writeU32(aad, len, eIndex);
        if (!sameView(dst, rtcp)) dst.set(rtcp);
        gcm.tag(ks, 0, aad, 0, len + 4, EMPTY, 0, 0, dst, len);
      }
      writeU32(dst, len + tagLen, eIndex);
      if (this.#mki.length > 0) dst.set(this.#mki, len + tagLen + 4);
    } else {
      if (!sameView(dst, rtcp)) dst.set(encrypt ? rtcp.subarray(0, 8) : rtcp);
      if (encrypt) {
        const iv = this.#rtcpIv(ssrc, index);
        this.#rtcpCm!.xor(iv, rtcp, 8, dst, 8, len - 8);
      }
      writeU32(dst, len, eIndex);
      if (this.#mki.length > 0) dst.set(this.#mki, len + 4);
      // RFC 3711 §3.4: the E bit and index are authenticated, the MKI is not.
      this.#rtcpMac!.sign(dst, 0, len + 4, false, 0, dst, len + 4 + this.#mki.length, p.rtcpTagLength);
    }
    this.#txRtcp.set(ssrc, index + 1);
    return dst.subarray(0, total);
  }

  /**
   * Verifies and (when the E bit is set) decrypts an SRTCP packet (RFC 3711 §3.4; RFC 7714 §9).
   * @param srtcp - a received SRTCP packet (untrusted)
   * @param out - optional destination of at least `srtcp.length - rtcpOverhead` bytes
   * @throws SrtpError `SRTP_MALFORMED`, `SRTP_UNKNOWN_MKI`, `SRTP_REPLAYED`, `SRTP_TOO_OLD`, `SRTP_AUTH_FAILED`, `SRTP_SSRC_LIMIT`
   * @throws RangeError when `out` is too small
   */
  unprotectRtcp(srtcp: Uint8Array, out?: Uint8Array): Uint8Array {
    requireBytes(srtcp, 'SrtpContext.unprotectRtcp: srtcp');
    const p = this.#params;
    const len = srtcp.length;
    const mkiLen = this.#mki.length;
    const tagLen = p.rtcpTagLength;
    const plainLen = len - this.rtcpOverhead;
    if (plainLen < 8 || srtcp[0]! >>> 6 !== 2) throw new SrtpError('SRTP_MALFORMED', 'not an SRTCP packet');
    if (len > MAX_PACKET) throw new SrtpError('SRTP_MALFORMED', 'SRTCP packet longer than a UDP datagram');
    const dst = destination(out, plainLen);
    const ssrc = readU32(srtcp, 4);
    // Layout: AES-CM: rtcp | E+index | MKI | tag; AEAD: rtcp | tag | E+index | MKI.
    const eAt = this.#gcm ? plainLen + tagLen : plainLen;
    const eIndex = readU32(srtcp, eAt);
    const encrypted = eIndex >>> 31 === 1;
    const index = eIndex & 0x7fffffff;
    let window = this.#rxRtcp.get(ssrc);
    const isNew = window === undefined;
    if (window === undefined && this.#rxRtcp.size >= this.#maxSsrcs) throw ssrcLimit(ssrc);
    if (window !== undefined) {
      const r = window.check(index);
      if (r === 'replayed') throw new SrtpError('SRTP_REPLAYED', `SRTCP index ${index} already received`);
      if (r === 'too-old') throw new SrtpError('SRTP_TOO_OLD', `SRTCP index ${index} is left of the replay window`);
    }
    if (mkiLen > 0 && !bytesEqual(srtcp, eAt + 4, this.#mki)) {
      throw new SrtpError('SRTP_UNKNOWN_MKI', 'SRTCP packet carries an unknown MKI');
    }
    if (this.#gcm) {
      const gcm = this.#rtcpGcm!;
      const n = encrypted ? plainLen - 8 : 0;
      const ks = gcm.keystream(this.#rtcpIv(ssrc, index), 1 + ((n + 15) >>> 4));
      const tag = this.#tag;
      if (encrypted) {
        const aad = this.#aad;
        aad.set(srtcp.subarray(0, 8));
        writeU32(aad, 8, eIndex);
        gcm.tag(ks, 0, aad, 0, 12, srtcp, 8, n, tag, 0);
      } else {
        const aad = new Uint8Array(plainLen + 4);
        aad.set(srtcp.subarray(0, plainLen));
        writeU32(aad, plainLen, eIndex);
        gcm.tag(ks, 0, aad, 0, plainLen + 4, EMPTY, 0, 0, tag, 0);
      }
      if (!bytesEqual(srtcp, plainLen, tag)) throw new SrtpError('SRTP_AUTH_FAILED', 'SRTCP AEAD tag mismatch');
      if (!sameView(dst, srtcp)) dst.set(srtcp.subarray(0, encrypted ? 8 : plainLen));
      if (encrypted) xorInto(ks, 16, srtcp, 8, dst, 8, n);
    } else {
      if (!this.#rtcpMac!.verify(srtcp, 0, plainLen + 4, false, 0, srtcp, plainLen + 4 + mkiLen, tagLen)) {
        throw new SrtpError('SRTP_AUTH_FAILED', 'SRTCP authentication tag mismatch');
      }
      if (!sameView(dst, srtcp)) dst.set(srtcp.subarray(0, encrypted ? 8 : plainLen));
      if (encrypted) {
        const iv = this.#rtcpIv(ssrc, index);
        this.#rtcpCm!.xor(iv, srtcp, 8, dst, 8, plainLen - 8);
      }
    }
    if (isNew) {
      window = new ReplayWindow(this.#windowSize);
      this.#rxRtcp.set(ssrc, window);
    }
    window!.accept(index);
    return dst.subarray(0, plainLen);
  }

  /**
   * Keystream of SRTP index `index` (`blocks` AES blocks; for AEAD block 0 is the tag mask), at
   * offset `#ksAt` of the returned buffer. IVs: RFC 3711 §4.1.1 for AES-CM, RFC 7714 §8.1 for GCM.
   *
   * Keystream is made for a run of following indices at once and cached on the stream: packets
   * mostly come in order, and one ECB call per packet costs about as much as the AES itself. Late
   * packets get their own. The cache only holds what the key would recompute; it is not protocol
   * state, so refilling it on a packet that then fails authentication changes nothing.
   */
  #streamKeystream(stream: RtpStream, ssrc: number, index: number, blocks: number): Uint8Array {
    const first = stream.ksFirst;
    const cached = stream.ks;
    if (cached !== undefined && index >= first && index < first + stream.ksCount && blocks <= stream.ksBlocks) {
      this.#ksAt = (index - first) * stream.ksBlocks * 16;
      return cached;
    }
    this.#ksAt = 0;
    if (cached !== undefined && index < first) return this.#rtpBatch(ssrc, index, 1, blocks);
    const b = Math.max(blocks, stream.ksBlocks);
    const count = Math.max(1, Math.min(32, Math.floor(KEYSTREAM_BATCH_BYTES / (b * 16))));
    const ks = this.#rtpBatch(ssrc, index, count, b);
    stream.ks = ks;
    stream.ksFirst = index;
    stream.ksCount = count;
    stream.ksBlocks = b;
    return ks;
  }

  #rtpBatch(ssrc: number, index: number, count: number, blocks: number): Uint8Array {
    return this.#gcm
      ? this.#rtpGcm!.srtpBatch(this.#rtpSalt, ssrc, index, count, blocks)
      : this.#rtpCm!.srtpBatch(this.#rtpSalt, ssrc, index, count, blocks);
  }

  // SRTCP IV: the SRTP one with i = the 31-bit SRTCP index (RFC 3711 §3.4, §4.1.1; RFC 7714 §9.1).
  #rtcpIv(ssrc: number, index: number): Uint8Array {
    return srtpIv(this.#iv, this.#rtcpSalt, (this.#gcm ? AES_GCM_IV : AES_CM_IV).ssrcAt, ssrc, index);
  }
}

/**
 * Length of the RTP header including CSRCs and the header extension (RFC 3550 §5.1, §5.3.1), or -1
 * when `p[0, len)` is not a version 2 RTP packet.
 */
function rtpHeaderLength(p: Uint8Array, len: number): number {
  if (len < 12) return -1;
  const b0 = p[0]!;
  if (b0 >>> 6 !== 2) return -1;
  let h = 12 + (b0 & 0x0f) * 4;
  if (b0 & 0x10) {
    if (len < h + 4) return -1;
    h += 4 + ((p[h + 2]! << 8) | p[h + 3]!) * 4;
  }
  return h > len ? -1 : h;
}

/**
 * ROC guess v for sequence number `seq`, given the highest index so far (RFC 3711 §3.3.1, App. A).
 * May return -1 (before the stream's start); callers reject that.
 */
function estimateRoc(highest: number, seq: number): number {
  const sl = highest % 65536;
  const roc = (highest - sl) / 65536;
  if (sl < 32768) return seq - sl > 32768 ? roc - 1 : roc;
  return sl - 32768 > seq ? roc + 1 : roc;
}

function readU32(p: Uint8Array, o: number): number {
  return ((p[o]! << 24) | (p[o + 1]! << 16) | (p[o + 2]! << 8) | p[o + 3]!) >>> 0;
}

function writeU32(p: Uint8Array, o: number, v: number): void {
  p[o] = v >>> 24;
  p[o + 1] = (v >>> 16) & 0xff;
  p[o + 2] = (v >>> 8) & 0xff;
  p[o + 3] = v & 0xff;
}

function bytesEqual(p: Uint8Array, o: number, q: Uint8Array): boolean {
  let diff = 0;
  for (let i = 0; i < q.length; i++) diff |= p[o + i]! ^ q[i]!;
  return diff === 0;
}

// A loop beats TypedArray.set(subarray(...)) for a 12-byte header: no view is allocated.
function copyBytes(src: Uint8Array, dst: Uint8Array, n: number): void {
  for (let i = 0; i < n; i++) dst[i] = src[i]!;
}

function sameView(a: Uint8Array, b: Uint8Array): boolean {
  return a.buffer === b.buffer && a.byteOffset === b.byteOffset;
}

function destination(out: Uint8Array | undefined, size: number): Uint8Array {
  if (out === undefined) return new Uint8Array(size);
  if (!(out instanceof Uint8Array)) throw new TypeError('out must be a Uint8Array');
  if (out.length < size) throw new RangeError(`output buffer too small: need ${size} bytes, got ${out.length}`);
  return out;
}

function ssrcLimit(ssrc: number): SrtpError {
  return new SrtpError('SRTP_SSRC_LIMIT', `SSRC ${ssrc} would exceed the context's SSRC limit`);
}
