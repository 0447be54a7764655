import { createRequest, type SipRequest, type SipResponse } from '@trunkline/sip-parser';

/**
 * A request derived from an INVITE that must match its transaction: the same
 * Request-URI, Call-ID, From, CSeq number and Route set, and exactly one Via —
 * the INVITE's top Via, branch included.
 */
function deriveFromInvite(invite: SipRequest, method: 'ACK' | 'CANCEL', to: string | undefined): SipRequest {
  const h = invite.headers;
  const headers: Array<readonly [string, string]> = [];
  const topVia = h.get('Via');
  if (topVia !== undefined) headers.push(['Via', topVia]);
  for (const route of h.getAll('Route')) headers.push(['Route', route]);
  headers.push(['Max-Forwards', '70']);
  const from = h.get('From');
  if (from !== undefined) headers.push(['From', from]);
  if (to !== undefined) headers.push(['To', to]);
  const callId = h.get('Call-ID');
  if (callId !== undefined) headers.push(['Call-ID', callId]);
  headers.push(['CSeq', `${invite.cseq?.seq ?? 0} ${method}`]);
  return createRequest({ method, uri: invite.requestUri, headers });
}

/**
 * The ACK a client INVITE transaction sends for a 300-699 response — RFC 3261
 * §17.1.1.3: as the INVITE, but with the To of the response (its tag included)
 * and CSeq method ACK.
 */
export function buildNon2xxAck(invite: SipRequest, response: SipResponse): SipRequest {
  return deriveFromInvite(invite, 'ACK', response.headers.get('To'));
}

/**
 * A CANCEL for a pending INVITE — RFC 3261 §9.1: Request-URI, Call-ID, To,
 * From, CSeq number and Route as in the INVITE, CSeq method CANCEL, and one Via
 * equal to the INVITE's top Via so that it matches the INVITE at each hop (§9.2).
 * Send it only after a provisional response has arrived (§9.1).
 */
export function buildCancel(invite: SipRequest): SipRequest {
  return deriveFromInvite(invite, 'CANCEL', invite.headers.get('To'));
}
