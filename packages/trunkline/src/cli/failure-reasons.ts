/**
 * Turn what went wrong into a sentence a person can act on: SIP final
 * responses with their Warning codes (RFC 3261 §21, §20.43) and socket / TLS
 * error codes (Node's and OpenSSL's names kept, so they can be searched).
 *
 * @module
 */
import type { SrtpPolicy } from './values.js';

/** One Warning header value (RFC 3261 §20.43); `@trunkline/sip-parser`'s `WarningValue` fits. */
export interface WarningFact {
  /** warn-code, 3 digits (RFC 3261 §27.2: 3xx about the session description). */
  readonly code: number;
  /** warn-agent. */
  readonly agent?: string;
  /** warn-text, unquoted. */
  readonly text: string;
}

/** What our offer contained, to explain a rejection of it. */
export interface OfferFacts {
  /** SRTP policy of the offer: `off` = RTP/AVP, no keys; `optional` = RTP/AVP with a=crypto; `mandatory` = RTP/SAVP. */
  readonly srtpOffered: SrtpPolicy;
  /** Codecs offered, by preference (`PCMU`, `PCMA`). */
  readonly codecsOffered: readonly string[];
}

const SRTP_WORDS = /\b(s?rtp\/savp|srtp|crypto|sdes|secure|encrypt\w*)\b/i;

/** `488 Not Acceptable Here; Warning: 302 host "text"` */
function statusText(status: number, reason: string | null, warnings: readonly WarningFact[]): string {
  const head = `${status}${reason ? ` ${reason}` : ''}`;
  if (warnings.length === 0) return head;
  return `${head}; Warning: ${warnings.map((w) => `${w.code}${w.agent ? ` ${w.agent}` : ''} ${JSON.stringify(w.text)}`).join(', ')}`;
}

/**
 * Why an INVITE was refused, from its final response.
 *
 * @param status - final status, 300-699
 * @param reason - reason phrase as received
 * @param warnings - Warning header values of the response
 * @param offer - what we offered
 * @param uri - whom we called
 */
export function describeRejection(status: number, reason: string | null, warnings: readonly WarningFact[], offer: OfferFacts, uri: string): string {
  const said = statusText(status, reason, warnings);
  const codes = new Set(warnings.map((w) => w.code));
  const codecs = offer.codecsOffered.join(', ') || 'no codecs';
  if (status === 488 || status === 606) {
    // RFC 3261 §20.43 codes: 301 address formats, 302 transport protocol (RTP/AVP vs RTP/SAVP), 304 media type, 305 media format.
    const srtpCue = warnings.some((w) => SRTP_WORDS.test(w.text)) || codes.has(302);
    if (offer.srtpOffered === 'mandatory' && (srtpCue || codes.has(305) || codes.has(301))) {
      return `peer does not accept SRTP; you offered RTP/SAVP only (${said}): call again with --srtp optional or --srtp off`;
    }
    if (offer.srtpOffered !== 'mandatory' && srtpCue) {
      return `peer requires SRTP; you offered ${offer.srtpOffered === 'off' ? 'plain RTP' : 'RTP/AVP with optional keys'} (${said}): call again with --srtp mandatory (over TLS: a sips: URI)`;
    }
    if (offer.srtpOffered === 'off' && (codes.has(305) || codes.has(301))) {
      return `peer requires SRTP or shares no codec; you offered plain RTP with ${codecs} (${said}): try --srtp mandatory over TLS; if that fails too, the peer wants another codec`;
    }
    if (codes.has(305) || codes.has(304)) return `no common codec: the peer accepts none of ${codecs} (${said})`;
    if (codes.has(301)) return `the peer cannot use the address family of our offer (${said}): set --public-address to an address it can reach`;
    return `the peer refused our offer (${said}) without saying why: it may require SRTP (you offered ${offer.srtpOffered === 'mandatory' ? 'SRTP only' : offer.srtpOffered === 'off' ? 'plain RTP' : 'optional SRTP'}) or other codecs than ${codecs}`;
  }
  if (status >= 300 && status < 400) return `the call was redirected (${said}): the test caller does not follow redirects; call the Contact the peer gives`;
  switch (status) {
    case 401:
    case 407:
      return `the peer requires authentication (${said}): the test caller sends no credentials; allow our address on the peer instead`;
    case 403:
      return `the peer refused the call (${said}): check that our address is on its allow-list`;
    case 404:
      return `no such user at the peer (${said}): check the user part of ${uri}`;
    case 408:
      return `the peer gave up on the request (${said}): it could not reach the callee in time`;
    case 415:
      return `the peer does not accept our message body (${said})`;
    case 420:
    case 421:
      return `the peer and the caller disagree on SIP extensions (${said})`;
    case 480:
      return `the callee is temporarily unavailable (${said})`;
    case 486:
    case 600:
      return `the callee is busy (${said})`;
    case 487:
      return `the call was cancelled before it was answered (${said})`;
    case 503:
      return `the peer is unavailable or overloaded (${said}): it may be shutting down or at its call limit; retry later`;
    case 603:
      return `the callee declined the call (${said})`;
    default:
      return `the call was rejected (${said})`;
  }
}

/** Actionable text per socket / TLS error code. */
const ERROR_HINTS: ReadonlyMap<string, string> = new Map(Object.entries({
  DEPTH_ZERO_SELF_SIGNED_CERT:
    "TLS: the peer's certificate is self-signed: trust it with --ca FILE (the echo endpoint prints where its certificate is), or skip verification with --insecure",
  SELF_SIGNED_CERT_IN_CHAIN: "TLS: the peer's certificate chain ends in a CA you do not trust: pass that CA with --ca FILE",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "TLS: the peer's certificate is signed by a CA you do not trust, or the peer omits its intermediate certificate: pass the CA with --ca FILE",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "TLS: the issuer of the peer's certificate is not trusted here: pass the CA with --ca FILE",
  CERT_HAS_EXPIRED: "TLS: the peer's certificate has expired: the peer must renew it",
  CERT_NOT_YET_VALID: "TLS: the peer's certificate is not valid yet: check the clocks of both machines",
  ERR_TLS_CERT_ALTNAME_INVALID: "TLS: the peer's certificate does not name the host you called: call the host name in its certificate",
  ERR_SSL_WRONG_VERSION_NUMBER: 'TLS: the port does not speak TLS (is it the UDP/TCP port? TLS is usually 5061)',
  ECONNREFUSED: 'nothing listens at the target: check the host, the port and the transport',
  ECONNRESET: 'the peer closed the connection: it may refuse our address or our TLS settings',
  ETIMEDOUT: 'the connection attempt timed out: check the address and any firewall between us',
  EHOSTUNREACH: 'the target host is unreachable: check the address and the routing',
  ENETUNREACH: 'the target network is unreachable: check the address and the routing',
  ENOTFOUND: 'the host name does not resolve: check the spelling, or call an IP address',
  EAI_AGAIN: 'DNS did not answer: check the resolver, or call an IP address',
}));

/**
 * An error by name with what to do about it.
 *
 * @param code - Node / OpenSSL / Trunkline error code (`DEPTH_ZERO_SELF_SIGNED_CERT`, `ECONNREFUSED`, ...)
 * @param message - the error's message, used when the code is not known
 */
export function describeError(code: string, message: string): string {
  const hint = ERROR_HINTS.get(code);
  return hint === undefined ? `${code}: ${message}` : `${hint} (${code})`;
}
