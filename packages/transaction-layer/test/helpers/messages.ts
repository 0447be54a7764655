import { parseMessage, type SipRequest, type SipResponse } from '@trunkline/sip-parser';

/** Builds a request with the headers a transaction needs; `branch` makes it unique. */
export function request(method: string, branch: string, extra: Record<string, string> = {}): SipRequest {
  const cseqMethod = method; // §17.1.1.3: an ACK's CSeq method is ACK
  const lines = [
    `${method} sip:bob@biloxi.example.com SIP/2.0`,
    `Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=${branch}`,
    'Max-Forwards: 70',
    'From: Alice <sip:alice@atlanta.example.com>;tag=9fxced76sl',
    `To: Bob <sip:bob@biloxi.example.com>${extra['toTag'] ? `;tag=${extra['toTag']}` : ''}`,
    `Call-ID: ${extra['callId'] ?? '3848276298220188511@atlanta.example.com'}`,
    `CSeq: ${extra['cseq'] ?? '1'} ${cseqMethod}`,
    'Contact: <sip:alice@pc33.atlanta.example.com>',
    'Content-Length: 0',
    '',
    '',
  ];
  const m = parseMessage(lines.join('\r\n'));
  if (!m.isRequest) throw new Error('expected a request');
  return m;
}

/** Builds a response to `req` with status `status` (and a To tag for anything but 100). */
export function response(req: SipRequest, status: number, toTag = 'abc123'): SipResponse {
  const via = req.headers.getAll('Via').map((v) => `Via: ${v}`);
  const lines = [
    `SIP/2.0 ${status} Whatever`,
    ...via,
    `From: ${req.headers.get('From') ?? ''}`,
    `To: ${req.headers.get('To') ?? ''}${status === 100 ? '' : `;tag=${toTag}`}`,
    `Call-ID: ${req.callId ?? ''}`,
    `CSeq: ${req.cseq?.seq ?? 1} ${req.cseq?.method ?? req.method}`,
    'Content-Length: 0',
    '',
    '',
  ];
  const m = parseMessage(lines.join('\r\n'));
  if (m.isRequest) throw new Error('expected a response');
  return m;
}
