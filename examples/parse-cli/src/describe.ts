import {
  SipParseError,
  validateMessage,
  type NameAddr,
  type SipRequest,
  type SipResponse,
  type Uri,
} from '@trunkline/sip-parser';

/** A JSON-friendly view of a parsed SIP message. */
export interface MessageDescription {
  readonly kind: 'request' | 'response';
  readonly startLine: Record<string, string | number>;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly decoded: Record<string, unknown>;
  readonly validation: ReturnType<typeof validateMessage>;
  readonly body: { readonly bytes: number; readonly text?: string; readonly base64?: string };
}

function uriView(uri: Uri): unknown {
  const { raw: _raw, ...rest } = uri;
  return rest;
}

function nameAddrView(v: NameAddr): unknown {
  return { displayName: v.displayName, uri: uriView(v.uri), tag: v.tag, params: v.params };
}

/**
 * Decodes one accessor, reporting a decoding failure in place of the value
 * instead of failing the whole description (lazy accessors throw on bad values).
 */
function attempt<T>(read: () => T): T | { error: { code: string; message: string } } {
  try {
    return read();
  } catch (e) {
    if (e instanceof SipParseError) return { error: { code: e.code, message: e.message } };
    throw e;
  }
}

const PRINTABLE = /^[\t\r\n\x20-\x7e\u00a0-\uffff]*$/;

/** Builds the JSON view: raw headers in wire order, typed accessors, validation, body. */
export function describeMessage(msg: SipRequest | SipResponse): MessageDescription {
  const startLine: Record<string, string | number> = msg.isRequest
    ? { method: msg.method, requestUri: msg.requestUri, version: msg.version }
    : { version: msg.version, status: msg.status, reason: msg.reason };
  const decoded: Record<string, unknown> = {
    callId: attempt(() => msg.callId),
    cseq: attempt(() => msg.cseq),
    via: attempt(() => msg.via.map(({ raw: _raw, ...v }) => v)),
    from: attempt(() => (msg.from ? nameAddrView(msg.from) : undefined)),
    to: attempt(() => (msg.to ? nameAddrView(msg.to) : undefined)),
    contact: attempt(() => msg.contact.map(nameAddrView)),
    maxForwards: attempt(() => msg.maxForwards),
    contentType: attempt(() => msg.contentType),
  };
  if (msg.isRequest) decoded['requestUri'] = attempt(() => uriView(msg.uri));
  const text = new TextDecoder('utf-8', { fatal: false }).decode(msg.body);
  const body = PRINTABLE.test(text)
    ? { bytes: msg.body.length, text }
    : { bytes: msg.body.length, base64: Buffer.from(msg.body).toString('base64') };
  return {
    kind: msg.isRequest ? 'request' : 'response',
    startLine,
    headers: [...msg.headers.entries()],
    decoded,
    validation: validateMessage(msg),
    body,
  };
}
