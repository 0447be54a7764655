/** Small SIP messages for the feature tests. */
import { createRequest, createResponse, type SipRequest, type SipResponse } from '@trunkline/sip-parser';

let branch = 0;

/** An in-dialog-looking request with `headers` appended. */
export function request(method: string, headers: ReadonlyArray<readonly [string, string]> = [], cseq = 1): SipRequest {
  return createRequest({
    method,
    uri: 'sip:bob@127.0.0.1:5060',
    headers: [
      ['Via', `SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-t${++branch}`],
      ['Max-Forwards', '70'],
      ['From', '<sip:alice@127.0.0.1>;tag=a1'],
      ['To', '<sip:bob@127.0.0.1>;tag=b1'],
      ['Call-ID', 'features-test@127.0.0.1'],
      ['CSeq', `${cseq} ${method}`],
      ...headers,
    ],
  });
}

/** A response to `req` with `headers` appended. */
export function response(req: SipRequest, status: number, headers: ReadonlyArray<readonly [string, string]> = []): SipResponse {
  return createResponse(req, status, { headers });
}
