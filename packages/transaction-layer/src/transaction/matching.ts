import type { SipRequest, SipResponse } from '@trunkline/sip-parser';

/** RFC 3261 §8.1.1.7: branches that start with this cookie are RFC 3261 transaction ids. */
export const MAGIC_COOKIE = 'z9hG4bK';

/**
 * Client transaction key for a response — RFC 3261 §17.1.3: the branch of the
 * top Via and the CSeq method (so a CANCEL's responses do not match the INVITE).
 * Returns null when the response cannot match any transaction.
 */
export function clientKeyOfResponse(response: SipResponse): string | null {
  const branch = response.via[0]?.branch;
  const method = response.cseq?.method;
  if (!branch || !method) return null;
  return `${branch}\u0000${method}`;
}

/** Client transaction key for a request we send (same shape as {@link clientKeyOfResponse}). */
export function clientKeyOfRequest(request: SipRequest): string {
  const branch = request.via[0]?.branch;
  if (!branch) throw new TypeError('a client transaction needs a request with a Via branch');
  return `${branch}\u0000${request.method}`;
}

/**
 * Server transaction key — RFC 3261 §17.2.3. With an RFC 3261 branch: branch,
 * sent-by of the top Via and the method, where ACK matches the INVITE it
 * acknowledges (for non-2xx; a 2xx ACK carries a new branch and matches nothing).
 * Without one (RFC 2543 peers): Request-URI, From tag, Call-ID, CSeq number and
 * the whole top Via, per §17.2.3's backwards-compatible rules. `methodOverride`
 * lets CANCEL look up the INVITE it cancels (§9.2).
 */
export function serverKey(request: SipRequest, methodOverride?: string): string | null {
  const top = request.via[0];
  const cseq = request.cseq;
  if (!top || !cseq) return null;
  const method = methodOverride ?? (request.method === 'ACK' ? 'INVITE' : request.method);
  if (top.branch !== null && top.branch.startsWith(MAGIC_COOKIE) && top.branch.length > MAGIC_COOKIE.length) {
    return `3261\u0000${top.branch}\u0000${top.sentBy.toLowerCase()}\u0000${method}`;
  }
  // RFC 2543 fallback (§17.2.3): the To tag is left out because the ACK carries
  // the tag of our response while the INVITE had none.
  const fromTag = request.from?.tag ?? '';
  return `2543\u0000${request.requestUri}\u0000${fromTag}\u0000${request.callId ?? ''}\u0000${cseq.seq}\u0000${top.raw}\u0000${method}`;
}
