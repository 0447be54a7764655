/**
 * What the transport checks before handing a message up, and how it answers
 * what it cannot hand up — RFC 3261 §18.2.1, §8.2.6, §21.4.1.
 */
import { randomBytes } from 'node:crypto';
import {
  SipParseError,
  canonicalHeaderName,
  createRequest,
  createResponse,
  type SipRequest,
  type SipResponse,
} from '@trunkline/sip-parser';

/** Result of {@link checkInbound}. */
export type InboundVerdict =
  | { readonly ok: true }
  /**
   * `answerable`: a request (not ACK) whose Via decodes, so an error response
   * can be routed (§18.2.2); the other headers are copied as received (§8.2.6.2).
   */
  | { readonly ok: false; readonly error: SipParseError; readonly answerable: boolean };

const OK: InboundVerdict = Object.freeze({ ok: true });

function missing(header: string): SipParseError {
  return new SipParseError('BAD_HEADER_VALUE', `missing ${header} header (RFC 3261 §8.1.1)`, { header, statusHint: 400 });
}

/** The headers checked, each with its accessor (which decodes it and caches the result on the message). */
const READS: ReadonlyArray<readonly [string, (message: SipRequest | SipResponse) => unknown]> = [
  ['Via', (m) => m.via],
  ['CSeq', (m) => m.cseq],
  ['Call-ID', (m) => m.callId],
  ['From', (m) => m.from],
  ['To', (m) => m.to],
];

/**
 * Checks the headers every transaction and dialog reads first: every Via
 * value, From, To, Call-ID and CSeq must be present and decode (§8.1.1), so
 * nothing above the transport meets a throwing accessor for them.
 */
export function checkInbound(message: SipRequest | SipResponse): InboundVerdict {
  let error: SipParseError | null = null;
  let viaOk = false;
  for (const [header, read] of READS) {
    try {
      const v = read(message);
      const absent = v === undefined || (Array.isArray(v) && v.length === 0);
      if (header === 'Via') viaOk = !absent;
      if (absent) error ??= missing(header);
    } catch (e) {
      if (!(e instanceof SipParseError)) throw e;
      error ??= e;
    }
  }
  if (error === null) return OK;
  const answerable = message.isRequest && message.method !== 'ACK' && viaOk;
  return { ok: false, error, answerable };
}

/** Headers a salvaged request keeps: the ones an error response copies (§8.2.6.2). */
const SALVAGED = new Set(['Via', 'From', 'To', 'Call-ID', 'CSeq']);

/**
 * For a datagram the parser rejected as a whole (bad header line, version,
 * URI too long, ...): rebuilds just enough of the request — method, Via,
 * From, To, Call-ID, CSeq — to answer it with the parser's status hint.
 * Returns null for responses, ACKs and anything that does not yield those
 * headers; the caller then drops the datagram.
 */
export function salvageRequest(bytes: Uint8Array): SipRequest | null {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  let head = text.search(/\r?\n\r?\n/);
  if (head < 0) head = text.length;
  const lines = text.slice(0, head).split(/\r?\n/);
  while (lines.length > 0 && lines[0] === '') lines.shift();
  const start = lines[0];
  if (start === undefined) return null;
  const sp = start.indexOf(' ');
  const method = sp > 0 ? start.slice(0, sp) : '';
  if (method === '' || method === 'ACK' || /^sip\//i.test(method)) return null;
  const headers: Array<[string, string]> = [];
  for (let i = 1; i < lines.length; i++) {
    let line = lines[i]!;
    // §7.3.1 folding: continuation lines start with whitespace.
    while (i + 1 < lines.length && /^[ \t]/.test(lines[i + 1]!)) line += ' ' + lines[++i]!.trim();
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = canonicalHeaderName(line.slice(0, colon).trim());
    if (SALVAGED.has(name)) headers.push([name, line.slice(colon + 1).trim()]);
  }
  let request: SipRequest;
  try {
    request = createRequest({ method, uri: 'sip:invalid.invalid', headers });
  } catch {
    return null; // a non-token method or a header value the builder refuses
  }
  const verdict = checkInbound(request);
  return verdict.ok || verdict.answerable ? request : null;
}

/**
 * A stateless error response (§8.2.6): the request's Via, From, To, Call-ID
 * and CSeq as received, a To tag when the request had none (§8.2.6.2) and
 * its To decodes, and `headers` (e.g. Unsupported for a 420, §8.2.2.3).
 */
export function errorResponse(request: SipRequest, status: number, headers: ReadonlyArray<readonly [string, string]> = []): SipResponse {
  const code = Number.isInteger(status) && status >= 400 && status <= 699 ? status : 400;
  let toDecodes = true;
  try {
    void request.to;
  } catch (e) {
    if (!(e instanceof SipParseError)) throw e;
    toDecodes = false; // echoed as received, without a tag
  }
  return createResponse(request, code, toDecodes ? { toTag: randomBytes(6).toString('hex'), headers } : { headers });
}
