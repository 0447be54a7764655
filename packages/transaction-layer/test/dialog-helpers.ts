import { createResponse, parseMessage, type SipRequest, type SipResponse } from '@trunkline/sip-parser';

/** Join header lines with CRLF and parse (Content-Length added when missing). */
export function msg(lines: readonly string[], body = ''): SipRequest | SipResponse {
  const head = lines.some((l) => /^content-length:/i.test(l)) ? lines : [...lines, `Content-Length: ${Buffer.byteLength(body)}`];
  return parseMessage(`${head.join('\r\n')}\r\n\r\n${body}`);
}

/**
 * Alice's INVITE as Bob receives it through two record-routing proxies
 * (RFC 3665 §3.2-style; p2 — a Kamailio at Bob's side — added its
 * Record-Route last, so it is on top).
 */
export const INVITE_AT_BOB = [
  'INVITE sip:bob@client.biloxi.example.com SIP/2.0',
  'Via: SIP/2.0/UDP p2.biloxi.example.com;branch=z9hG4bKp2',
  'Via: SIP/2.0/UDP p1.atlanta.example.com;branch=z9hG4bKp1',
  'Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK74bf9',
  'Max-Forwards: 68',
  'Record-Route: <sip:p2.biloxi.example.com;lr;ftag=9fxced76sl>',
  'Record-Route: <sip:p1.atlanta.example.com;lr>',
  'From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl',
  'To: Bob <sip:bob@biloxi.example.com>',
  'Call-ID: 3848276298220188511@atlanta.example.com',
  'CSeq: 1 INVITE',
  'Contact: <sip:alice@client.atlanta.example.com;transport=udp>',
];

/** Alice's INVITE as she sent it. */
export function aliceInvite(): SipRequest {
  return msg([
    'INVITE sip:bob@biloxi.example.com SIP/2.0',
    'Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK74bf9',
    'Max-Forwards: 70',
    'Route: <sip:p1.atlanta.example.com;lr>',
    'From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl',
    'To: Bob <sip:bob@biloxi.example.com>',
    'Call-ID: 3848276298220188511@atlanta.example.com',
    'CSeq: 1 INVITE',
    'Contact: <sip:alice@client.atlanta.example.com;transport=udp>',
  ]) as SipRequest;
}

/** A response to Alice's INVITE as she receives it, with Bob's tag and Contact and both Record-Routes. */
export function responseToAlice(status: number, toTag: string | null, extra: readonly string[] = [], contact = '<sip:bob@client.biloxi.example.com>'): SipResponse {
  return msg([
    `SIP/2.0 ${status} Whatever`,
    'Via: SIP/2.0/UDP client.atlanta.example.com:5060;branch=z9hG4bK74bf9',
    'Record-Route: <sip:p2.biloxi.example.com;lr;ftag=9fxced76sl>',
    'Record-Route: <sip:p1.atlanta.example.com;lr>',
    'From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl',
    `To: Bob <sip:bob@biloxi.example.com>${toTag === null ? '' : `;tag=${toTag}`}`,
    'Call-ID: 3848276298220188511@atlanta.example.com',
    'CSeq: 1 INVITE',
    ...(contact === '' ? [] : [`Contact: ${contact}`]),
    ...extra,
  ]) as SipResponse;
}

/** Bob's 200 OK to the INVITE he received. */
export function bobOk(invite: SipRequest, tag = '8321234356'): SipResponse {
  return createResponse(invite, 200, { toTag: tag, copyRecordRoute: true, headers: [['Contact', '<sip:bob@client.biloxi.example.com>']] });
}
