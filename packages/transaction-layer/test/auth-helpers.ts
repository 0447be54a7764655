import { readFileSync } from 'node:fs';
import { createRequest, createResponse, parseMessage, type SipRequest, type SipResponse } from '@trunkline/sip-parser';

export const CORPUS = '/work/shared/bench-corpus';

/** The corpus 401 (09-401-unauthorized.sip). */
export function corpus401(): SipResponse {
  return parseMessage(readFileSync(`${CORPUS}/09-401-unauthorized.sip`)) as SipResponse;
}

/** The corpus REGISTER (08-register-auth.sip). */
export function corpusRegister(): SipRequest {
  return parseMessage(readFileSync(`${CORPUS}/08-register-auth.sip`)) as SipRequest;
}

/** A minimal request, as a UAC would build it (§8.1.1). */
export function request(method: string, uri: string, cseq = 1, body?: string): SipRequest {
  return createRequest({
    method,
    uri,
    headers: [
      ['Via', 'SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-test'],
      ['Max-Forwards', '70'],
      ['From', '<sip:alice@atlanta.example.com>;tag=1928301774'],
      ['To', '<sip:bob@biloxi.example.com>'],
      ['Call-ID', 'a84b4c76e66710@pc33.atlanta.example.com'],
      ['CSeq', `${cseq} ${method}`],
    ],
    ...(body === undefined ? {} : { body, contentType: 'application/sdp' }),
  });
}

/** A 401/407 to `req` carrying `challenges` (each a header name and value). */
export function challengeResponse(req: SipRequest, status: 401 | 407, challenges: ReadonlyArray<readonly [string, string]>): SipResponse {
  return createResponse(req, status, { toTag: 'srv-1', headers: challenges });
}

/** Deterministic "random" bytes: a counter, so cnonces differ but are reproducible. */
export function counterBytes(start = 1): (n: number) => Uint8Array {
  let k = start;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = (k + i) & 0xff;
    k++;
    return out;
  };
}
