import type { SdesKeyParams, SrtpProfile } from '@trunkline/rtp-srtp';
import type { OpusPeerParameters } from './opus-fmtp.js';

/** An RTP media direction (RFC 3264 §5.1, RFC 4566 §6). */
export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** Signalling transport an offer/answer travelled on (decides whether SDES keys may be sent, RFC 4568 §8.3). */
export type SignallingTransport = 'udp' | 'tcp' | 'tls';

/** A transport address of the peer's media. */
export interface MediaEndpoint {
  /** IPv4 or IPv6 literal. `0.0.0.0` / `::` mean "do not send" (RFC 3264 §8.4 legacy hold). */
  readonly address: string;
  readonly port: number;
}

/** The codec both sides agreed on for the audio stream. */
export interface NegotiatedCodec {
  /** Codec name: `PCMU`, `PCMA`, `G722` as registered (RFC 3551 §6), `OPUS` for RFC 7587's `opus`. */
  readonly name: string;
  /** RTP payload type used on the wire in both directions. */
  readonly payloadType: number;
  /** RTP clock rate (Hz). */
  readonly clockRate: number;
  /** Audio channels as in `a=rtpmap` (1 for G.711, 2 for Opus, RFC 7587 §7, whose audio we run mono). */
  readonly channels: number;
  /** For Opus: what the peer's `a=fmtp` asks of the audio we send it (RFC 7587 §6.1). */
  readonly opus?: OpusPeerParameters;
}

/** SDES-SRTP keying agreed for the stream (RFC 4568). */
export interface NegotiatedSrtp {
  /** Crypto-suite / SRTP profile. */
  readonly profile: SrtpProfile;
  /** The crypto tag of the accepted line (echoed unchanged, RFC 4568 §5.1.2). */
  readonly tag: number;
  /** Our key: we protect what we send with it (it is in our SDP). */
  readonly localKey: SdesKeyParams;
  /** The peer's key: we unprotect what we receive with it (it is in the peer's SDP). */
  readonly remoteKey: SdesKeyParams;
}

/**
 * Everything the media layer needs to run one audio stream, as agreed by an
 * offer/answer exchange. Produced by `answerOffer` (we answer) and
 * `applyAnswer` (we offered).
 */
export interface NegotiatedMedia {
  /** Where to send RTP. */
  readonly remoteRtp: MediaEndpoint;
  /** Where to send RTCP: the RTP address with rtcp-mux (RFC 5761), `a=rtcp` (RFC 3605), else port + 1. */
  readonly remoteRtcp: MediaEndpoint;
  /** RTP and RTCP share one port (RFC 5761) both ways. */
  readonly rtcpMux: boolean;
  /** The audio codec. */
  readonly codec: NegotiatedCodec;
  /** RFC 4733 telephone-event payload type at the codec's clock rate, or null when not agreed. */
  readonly telephoneEventPayloadType: number | null;
  /** Packetisation time we send with (ms). */
  readonly ptime: number;
  /** The peer's `a=maxptime`, if it gave one (ms). */
  readonly maxptime: number | null;
  /** Our direction, as written in our SDP. */
  readonly direction: MediaDirection;
  /**
   * The peer does not want our media: its own direction (as written in its SDP) is `sendonly` or
   * `inactive`, or its c= is 0.0.0.0 / `::` (RFC 3264 §8.4 legacy hold): "we are held".
   */
  readonly remoteHold: boolean;
  /** SDES-SRTP, or null for plain RTP (never SRTP to a peer that did not agree, never plain to one that did). */
  readonly srtp: NegotiatedSrtp | null;
}
