import { createRequest, type SipRequest, type SipResponse } from '@trunkline/sip-parser';

/**
 * The ACK a client INVITE transaction sends for a 300-699 response — RFC 3261
 * §17.1.1.3: same Request-URI, Call-ID, From and CSeq number as the INVITE,
 * CSeq method ACK, the To of the response (with its tag), one Via equal to the
 * INVITE's top Via (so it matches the server transaction), and the INVITE's
 * Route header fields.
 */
export function buildNon2xxAck(invite: SipRequest, response: SipResponse): SipRequest {
  const h = invite.headers;
  const headers: Array<readonly [string, string]> = [];
  const topVia = h.get('Via');
  if (topVia !== undefined) headers.push(['Via', topVia]);
  for (const route of h.getAll('Route')) headers.push(['Route', route]);
  headers.push(['Max-Forwards', '70']);
  const from = h.get('From');
  if (from !== undefined) headers.push(['From', from]);
  const to = response.headers.get('To');
  if (to !== undefined) headers.push(['To', to]);
  const callId = h.get('Call-ID');
  if (callId !== undefined) headers.push(['Call-ID', callId]);
  headers.push(['CSeq', `${invite.cseq?.seq ?? 0} ACK`]);
  return createRequest({ method: 'ACK', uri: invite.requestUri, headers });
}
