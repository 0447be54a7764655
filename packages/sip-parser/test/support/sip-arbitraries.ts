/**
 * fast-check arbitraries built from the RFC 3261 §25.1 grammar, and the
 * properties shared by the default round-trip suite and the long fuzz run.
 *
 * A generated message is a {@link GenMessage}: the parts (start line, header
 * lines with the value each must decode to, body) plus the raw text written
 * with the liberties the grammar allows (compact names, LWS around the colon,
 * folded lines).
 */
import fc from 'fast-check';
import { SipParseError } from '../../src/errors.js';
import { canonicalHeaderName } from '../../src/header-names.js';
import type { SipRequest, SipResponse } from '../../src/message.js';
import { parseMessage } from '../../src/parse.js';
import { serializeMessage } from '../../src/serialize.js';
import { StreamFramer, type FramerEvent } from '../../src/framer.js';
import { validateMessage } from '../../src/validate.js';
import { corpusIndex, fixture } from './torture.js';

// ---------------------------------------------------------------------------
// Grammar pieces — RFC 3261 §25.1.

const ALPHA = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const ALNUM = ALPHA + DIGITS;
/** token characters (§25.1). */
const TOKEN_CHARS = `${ALNUM}-.!%*_+\`'~`;
/** unreserved (§25.1). */
const UNRESERVED = `${ALNUM}-_.!~*'()`;

function charsOf(alphabet: string, min: number, max: number): fc.Arbitrary<string> {
  return fc
    .array(fc.constantFrom(...alphabet.split('')), { minLength: min, maxLength: max })
    .map((a) => a.join(''));
}

/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
export const token = (max = 12): fc.Arbitrary<string> => charsOf(TOKEN_CHARS, 1, max);

/** A hostname: labels of alphanum and inner "-", top label starting with a letter. */
export const hostname: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(
      fc.tuple(charsOf(ALNUM, 1, 1), charsOf(`${ALNUM}-`, 0, 6), charsOf(ALNUM, 0, 1)).map(([a, b, c]) =>
        c === '' && b.endsWith('-') ? a + b + 'x' : a + b + c,
      ),
      { minLength: 0, maxLength: 3 },
    ),
    fc.tuple(charsOf(ALPHA, 1, 1), charsOf(ALNUM, 0, 5)).map(([a, b]) => a + b),
  )
  .map(([labels, top]) => [...labels, top].join('.'));

/** host = hostname / IPv4address / IPv6reference */
export const host: fc.Arbitrary<{ text: string; type: 'hostname' | 'ipv4' | 'ipv6' }> = fc.oneof(
  hostname.map((text) => ({ text, type: 'hostname' as const })),
  fc.ipV4().map((text) => ({ text, type: 'ipv4' as const })),
  fc.ipV6().map((a) => ({ text: `[${a}]`, type: 'ipv6' as const })),
);

const port = fc.option(fc.integer({ min: 0, max: 65535 }), { nil: null });

/** A user part with %-escapes: the decoded user and its escaped text (§19.1.2). */
export const user: fc.Arbitrary<{ decoded: string; text: string }> = fc
  .array(
    fc.oneof(
      fc.constantFrom(...UNRESERVED.split('')).map((c) => ({ d: c, t: c })),
      // any byte < 0x80 written as %HH (decoded once, exactly)
      fc.integer({ min: 0, max: 0x7f }).map((b) => ({
        d: String.fromCharCode(b),
        t: `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
      })),
    ),
    { minLength: 1, maxLength: 10 },
  )
  .map((parts) => ({ decoded: parts.map((p) => p.d).join(''), text: parts.map((p) => p.t).join('') }));

/** pname / pvalue characters without escapes: unreserved plus some param-unreserved (§25.1). */
const PARAM_CHARS = `${UNRESERVED}[]/:&+$`;
/**
 * hvalue = *( hnv-unreserved / unreserved / escaped ) (§25.1): the decoded
 * value and its text, printable ASCII escaped as %HH where it must be (and
 * sometimes where it need not be), e.g. an escaped `<sip:...>` Route.
 */
const hvalue: fc.Arbitrary<{ decoded: string; text: string }> = fc
  .array(
    fc.oneof(
      fc.constantFrom(...`${UNRESERVED}[]/?:+$`.split('')).map((c) => ({ d: c, t: c })),
      fc.integer({ min: 0x20, max: 0x7e }).map((b) => ({
        d: String.fromCharCode(b),
        t: `%${b.toString(16).toUpperCase().padStart(2, '0')}`,
      })),
    ),
    { maxLength: 12 },
  )
  .map((parts) => ({ decoded: parts.map((p) => p.d).join(''), text: parts.map((p) => p.t).join('') }));

const uriParam = fc.tuple(charsOf(PARAM_CHARS, 1, 8), fc.option(charsOf(PARAM_CHARS, 1, 8), { nil: null }));

/** A SIP URI as text with what it must decode to. */
export interface GenUri {
  readonly text: string;
  readonly scheme: 'sip' | 'sips';
  readonly user: string | null;
  readonly host: string;
  readonly hostType: 'hostname' | 'ipv4' | 'ipv6';
  readonly port: number | null;
  readonly params: ReadonlyArray<readonly [string, string | null]>;
  readonly headers: ReadonlyArray<readonly [string, string]>;
}

/** SIP-URI = "sip:" [ userinfo ] hostport uri-parameters [ headers ] */
export const sipUri = (withHeaders = false): fc.Arbitrary<GenUri> =>
  fc
    .record({
      scheme: fc.constantFrom('sip' as const, 'sips' as const),
      user: fc.option(user, { nil: null }),
      host,
      port,
      params: fc.array(uriParam, { maxLength: 3 }),
      headers: withHeaders
        ? fc.array(fc.tuple(charsOf(ALPHA, 1, 6), hvalue), { maxLength: 2 })
        : fc.constant<Array<[string, { decoded: string; text: string }]>>([]),
    })
    .map((r) => {
      let text = `${r.scheme}:`;
      if (r.user !== null) text += `${r.user.text}@`;
      text += r.host.text;
      if (r.port !== null) text += `:${r.port}`;
      for (const [n, v] of r.params) text += v === null ? `;${n}` : `;${n}=${v}`;
      if (r.headers.length > 0) text += `?${r.headers.map(([n, v]) => `${n}=${v.text}`).join('&')}`;
      return {
        text,
        scheme: r.scheme,
        user: r.user?.decoded ?? null,
        host: r.host.text,
        hostType: r.host.type,
        port: r.port,
        params: r.params,
        headers: r.headers.map(([n, v]) => [n, v.decoded] as const),
      };
    });

/** Characters of a display name: printable ASCII (quote and backslash included) and some UTF-8. */
const displayChar = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
  { weight: 1, arbitrary: fc.constantFrom('é', 'ü', 'Ж', '大', '€') },
);

/** A display name: its unquoted value and the quoted-string written on the wire (§25.1 quoted-pair). */
export const displayName: fc.Arbitrary<{ value: string; text: string }> = fc
  .array(displayChar, { minLength: 0, maxLength: 12 })
  .map((cs) => {
    const value = cs.join('');
    return { value, text: `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"` };
  });

/** A name-addr with a tag: `"dn" <uri>;tag=t`, with the values it decodes to. */
export const nameAddr = (withUriHeaders = false) => fc
  .record({ dn: fc.option(displayName, { nil: null }), uri: sipUri(withUriHeaders), tag: fc.option(token(10), { nil: null }) })
  .map((r) => ({
    text: `${r.dn === null ? '' : `${r.dn.text} `}<${r.uri.text}>${r.tag === null ? '' : `;tag=${r.tag}`}`,
    displayName: r.dn?.value ?? null,
    uri: r.uri,
    tag: r.tag,
  }));

const TRANSPORTS = ['UDP', 'TCP', 'TLS', 'SCTP', 'WS', 'WSS'];

/** One Via value (§20.42) with its decoded fields. */
export const via = fc
  .record({
    transport: fc.constantFrom(...TRANSPORTS),
    host,
    port,
    branch: token(16),
    rport: fc.boolean(),
  })
  .map((r) => ({
    text: `SIP/2.0/${r.transport} ${r.host.text}${r.port === null ? '' : `:${r.port}`};branch=z9hG4bK${r.branch}${r.rport ? ';rport' : ''}`,
    transport: r.transport,
    host: r.host.text,
    port: r.port,
    branch: `z9hG4bK${r.branch}`,
  }));

const METHODS = ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'SUBSCRIBE', 'NOTIFY', 'MESSAGE'];
export const method: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...METHODS) },
  { weight: 1, arbitrary: token(10) },
);

/** Words of header text: printable ASCII without CR/LF, plus UTF-8; no leading/trailing space. */
const word = fc
  .array(
    fc.oneof(
      { weight: 10, arbitrary: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)) },
      { weight: 1, arbitrary: fc.constantFrom('ä', 'ß', '中', '😀') },
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((a) => a.join(''));

/** An extension header's value: words separated by single spaces. */
export const headerText: fc.Arbitrary<string[]> = fc.array(word, { minLength: 0, maxLength: 5 });

/** Body bytes: text with CRLFs, or binary (NULs, bare CR/LF, high bytes). */
export const body: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.constant(new Uint8Array(0)),
  fc
    .array(fc.oneof(word, fc.constant('\r\n'), fc.constant(' ')), { maxLength: 20 })
    .map((a) => new TextEncoder().encode(a.join(''))),
  fc.uint8Array({ maxLength: 300 }),
);

// ---------------------------------------------------------------------------
// Whole messages.

/** One header line: the name written, its canonical name, value words, and the LWS style. */
export interface GenHeader {
  /** Name as written on the wire (maybe compact, any case). */
  readonly name: string;
  /** Canonical name (what `canonicalHeaderName` gives). */
  readonly canonical: string;
  /** The value a parser must give back (unfolded, trimmed). */
  readonly value: string;
  /** The value as written, possibly folded (CRLF SP between words). */
  readonly wire: string;
  /** Whitespace written before and after the colon. */
  readonly beforeColon: string;
  readonly afterColon: string;
}

export interface GenMessage {
  readonly isRequest: boolean;
  readonly method: string;
  readonly uri: string;
  readonly status: number;
  readonly reason: string;
  readonly headers: readonly GenHeader[];
  readonly body: Uint8Array;
  /** The message as bytes, with Content-Length. */
  readonly wire: Uint8Array;
  /** Decoded expectations for the typed accessors. */
  readonly expect: {
    readonly callId: string;
    readonly cseq: { seq: number; method: string };
    readonly via: ReadonlyArray<{ transport: string; host: string; port: number | null; branch: string }>;
    readonly from: { displayName: string | null; tag: string | null; host: string };
    readonly to: { displayName: string | null; tag: string | null; host: string };
    readonly maxForwards: number;
    /** The Contact's URI headers, decoded (null when there is no Contact). */
    readonly contactUriHeaders: ReadonlyArray<readonly [string, string]> | null;
  };
}

/** Name spellings for the headers we generate: [canonical, ...alternatives incl. compact]. */
const SPELLINGS: Readonly<Record<string, readonly string[]>> = {
  Via: ['Via', 'v', 'VIA', 'via'],
  From: ['From', 'f', 'FROM'],
  To: ['To', 't', 'tO'],
  'Call-ID': ['Call-ID', 'i', 'call-id'],
  CSeq: ['CSeq', 'cseq', 'CSEQ'],
  'Max-Forwards': ['Max-Forwards', 'max-forwards'],
  Contact: ['Contact', 'm'],
  Subject: ['Subject', 's'],
  'Content-Type': ['Content-Type', 'c', 'content-type'],
};

function spelled(canonical: string): fc.Arbitrary<string> {
  return fc.constantFrom(...(SPELLINGS[canonical] ?? [canonical]));
}

/** A header line whose value is `value` (words joined by single spaces), maybe folded, LWS around the colon. */
function headerLine(canonical: string, words: readonly string[]): fc.Arbitrary<GenHeader> {
  return fc
    .record({
      name: spelled(canonical),
      beforeColon: fc.constantFrom('', '', ' ', '\t'),
      afterColon: fc.constantFrom(' ', ' ', '', '  ', '\t'),
      folds: fc.array(fc.boolean(), { minLength: words.length, maxLength: words.length }),
    })
    .map((r) => {
      let wire = '';
      for (let i = 0; i < words.length; i++) {
        if (i > 0) wire += r.folds[i] === true ? '\r\n ' : ' ';
        wire += words[i]!;
      }
      return {
        name: r.name,
        canonical,
        value: words.join(' '),
        wire,
        beforeColon: r.beforeColon,
        afterColon: r.afterColon,
      };
    });
}

const encoder = new TextEncoder();

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** A request or response from the grammar, written as wire bytes. */
export const message: fc.Arbitrary<GenMessage> = fc
  .record({
    isRequest: fc.boolean(),
    method,
    ruri: sipUri(),
    status: fc.integer({ min: 100, max: 699 }),
    reason: headerText.map((w) => w.join(' ')),
    vias: fc.array(via, { minLength: 1, maxLength: 3 }),
    viaPerLine: fc.boolean(),
    from: nameAddr(),
    to: nameAddr(),
    callId: fc.tuple(token(16), fc.option(hostname, { nil: null })).map(([a, b]) => (b === null ? a : `${a}@${b}`)),
    seq: fc.integer({ min: 0, max: 0xffff_ffff }),
    maxForwards: fc.integer({ min: 0, max: 255 }),
    contact: fc.option(nameAddr(true), { nil: null }),
    subject: fc.option(headerText, { nil: null }),
    extensions: fc.array(fc.tuple(token(10).map((t) => `X-${t}`), headerText), { maxLength: 3 }),
    body,
  })
  .chain((r) => {
    const lines: Array<fc.Arbitrary<GenHeader>> = [];
    if (r.viaPerLine) for (const v of r.vias) lines.push(headerLine('Via', [v.text]));
    else lines.push(headerLine('Via', [r.vias.map((v) => v.text).join(', ')]));
    lines.push(headerLine('From', [r.from.text]));
    lines.push(headerLine('To', [r.to.text]));
    lines.push(headerLine('Call-ID', [r.callId]));
    lines.push(headerLine('CSeq', [String(r.seq), r.isRequest ? r.method : 'INVITE']));
    lines.push(headerLine('Max-Forwards', [String(r.maxForwards)]));
    if (r.contact !== null) lines.push(headerLine('Contact', [r.contact.text]));
    if (r.subject !== null) lines.push(headerLine('Subject', r.subject));
    for (const [n, words] of r.extensions) lines.push(headerLine(n, words));
    if (r.body.length > 0) lines.push(headerLine('Content-Type', ['application/octet-stream']));
    return fc.tuple(fc.constant(r), fc.tuple(...lines), fc.constantFrom('Content-Length', 'l', 'content-length'));
  })
  .map(([r, headers, clName]) => {
    const start = r.isRequest ? `${r.method} ${r.ruri.text} SIP/2.0` : `SIP/2.0 ${r.status} ${r.reason}`;
    let head = `${start}\r\n`;
    for (const h of headers) head += `${h.name}${h.beforeColon}:${h.afterColon}${h.wire}\r\n`;
    head += `${clName}: ${r.body.length}\r\n\r\n`;
    return {
      isRequest: r.isRequest,
      method: r.method,
      uri: r.ruri.text,
      status: r.status,
      reason: r.reason,
      headers,
      body: r.body,
      wire: concat([encoder.encode(head), r.body]),
      expect: {
        callId: r.callId,
        cseq: { seq: r.seq, method: r.isRequest ? r.method : 'INVITE' },
        via: r.vias.map((v) => ({ transport: v.transport, host: v.host, port: v.port, branch: v.branch })),
        from: { displayName: r.from.displayName, tag: r.from.tag, host: r.from.uri.host },
        to: { displayName: r.to.displayName, tag: r.to.tag, host: r.to.uri.host },
        maxForwards: r.maxForwards,
        contactUriHeaders: r.contact?.uri.headers ?? null,
      },
    };
  });

// ---------------------------------------------------------------------------
// Normalized views and checks.

/** What a round trip must preserve: start line, ordered (canonical name, value) list, body bytes. */
export interface View {
  readonly start: ReadonlyArray<string | number>;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly body: string;
}

/**
 * The normalized view of a message. Content-Length is left out: the
 * serializer always writes one that matches the body (§20.14), and the body
 * bytes are compared instead.
 */
export function view(m: SipRequest | SipResponse): View {
  const headers: Array<readonly [string, string]> = [];
  for (const [n, v] of m.headers.entries()) {
    const c = canonicalHeaderName(n);
    if (c !== 'Content-Length') headers.push([c, v]);
  }
  return {
    start: m.isRequest ? ['request', m.method, m.requestUri, m.version] : ['response', m.version, m.status, m.reason],
    headers,
    body: Buffer.from(m.body.buffer, m.body.byteOffset, m.body.byteLength).toString('hex'),
  };
}

/** `parseMessage(serializeMessage(m))`, as a stream message (Content-Length framing). */
export function reparse(m: SipRequest | SipResponse): SipRequest | SipResponse {
  return parseMessage(serializeMessage(m), { mode: 'stream' });
}

/** Is `e` a SipParseError? Otherwise rethrow it: anything else is a bug. */
function onlyParseErrors(e: unknown): void {
  if (!(e instanceof SipParseError)) throw e;
}

/** Run `f`; a SipParseError is fine, anything else propagates. */
function guarded(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    onlyParseErrors(e);
  }
}

const HEADER_NAMES = [
  'Via', 'From', 'To', 'Call-ID', 'CSeq', 'Contact', 'Max-Forwards', 'Route', 'Record-Route', 'Content-Type',
  'Content-Length', 'Accept', 'Allow', 'Require', 'Proxy-Require', 'Supported', 'Expires', 'Authorization',
  'WWW-Authenticate', 'Subject', 'Date', 'Warning',
];

/**
 * Touch everything a consumer can read from a parsed message. Accessors may
 * throw SipParseError (a malformed header value); validateMessage must not
 * throw at all; serializeMessage may throw nothing; the serialized bytes must
 * parse back to the same view.
 */
export function exercise(m: SipRequest | SipResponse): void {
  if (m.isRequest) {
    void m.method;
    void m.requestUri;
    guarded(() => m.uri);
  } else {
    void m.status;
    void m.reason;
  }
  void m.version;
  void m.body;
  void m.contentLength;
  guarded(() => m.callId);
  guarded(() => m.cseq);
  guarded(() => m.via);
  guarded(() => m.topVia);
  guarded(() => m.from);
  guarded(() => m.to);
  guarded(() => m.contact);
  guarded(() => m.isWildcardContact);
  guarded(() => m.maxForwards);
  guarded(() => m.contentType);
  guarded(() => m.route);
  guarded(() => m.recordRoute);
  for (const [n] of m.headers.entries()) guarded(() => m.headers.getAll(n));
  for (const n of HEADER_NAMES) guarded(() => m.headers.get(n));
  for (const role of ['uas', 'proxy'] as const) {
    const v = validateMessage(m, { role });
    if (v.ok !== true && !(v.ok === false && Number.isInteger(v.status) && v.status >= 400 && v.status <= 699)) {
      throw new Error(`validateMessage gave ${JSON.stringify(v)}`);
    }
  }
  const bytes = serializeMessage(m);
  // what we write, we must read back the same (a plain comparison: this runs a million times in the fuzz run)
  const before = JSON.stringify(view(m));
  const after = JSON.stringify(view(parseMessage(bytes, { mode: 'stream' })));
  if (after !== before) throw new Error(`round trip changed the message:\n${before}\n${after}`);
}

/** Parse arbitrary bytes: only SipParseError may escape; whatever parses is exercised. */
export function robustParse(bytes: Uint8Array, mode: 'datagram' | 'stream' = 'datagram'): void {
  let m: SipRequest | SipResponse;
  try {
    m = parseMessage(bytes, { mode });
  } catch (e) {
    onlyParseErrors(e);
    return;
  }
  exercise(m);
}

/** Push `chunks` into a fresh framer; collect the events. Never throws. */
export function frame(chunks: readonly Uint8Array[]): FramerEvent[] {
  const f = new StreamFramer();
  const out: FramerEvent[] = [];
  for (const c of chunks) out.push(...f.push(c));
  return out;
}

/** Split `bytes` at the given cut points (fractions of the length). */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    if (p <= prev || p >= bytes.length) continue;
    out.push(bytes.subarray(prev, p));
    prev = p;
  }
  out.push(bytes.subarray(prev));
  return out;
}

/** A comparable summary of framer events. */
export function eventView(evs: readonly FramerEvent[]): unknown[] {
  return evs.map((e) =>
    e.type === 'message' ? { message: view(e.message) } : e.type === 'error' ? { error: e.error.code } : e.type,
  );
}

export { concat };

/**
 * Generated messages joined with keep-alives: '' (nothing), CRLF (ignored, RFC 3261 §7.5) or CRLFCRLF
 * (a ping, RFC 5626 §3.5.1); with the framer events the whole stream must give.
 */
export const messageStream: fc.Arbitrary<{ bytes: Uint8Array; expected: unknown[] }> = fc
  .array(fc.tuple(message, fc.constantFrom('', '\r\n', '\r\n\r\n')), { minLength: 1, maxLength: 4 })
  .map((parts) => {
    const chunks: Uint8Array[] = [];
    const expected: unknown[] = [];
    for (const [g, sep] of parts) {
      chunks.push(encoder.encode(sep));
      if (sep === '\r\n\r\n') expected.push('ping');
      chunks.push(g.wire);
      expected.push({ message: view(parseMessage(g.wire)) });
    }
    return { bytes: concat(chunks), expected };
  });

// ---------------------------------------------------------------------------
// Mutations of the torture corpora.

/** Every fixture of both corpora: the seeds of the mutation properties. */
export const SEEDS: readonly Uint8Array[] = [
  ...corpusIndex('rfc4475').map((e) => fixture('rfc4475', e.file)),
  ...corpusIndex('rfc5118').map((e) => fixture('rfc5118', e.file)),
];

type Mutation =
  | { readonly op: 'flip'; readonly at: number; readonly xor: number }
  | { readonly op: 'set'; readonly at: number; readonly byte: number }
  | { readonly op: 'truncate'; readonly at: number }
  | { readonly op: 'delete'; readonly at: number; readonly len: number }
  | { readonly op: 'duplicate'; readonly at: number; readonly len: number }
  | { readonly op: 'insert'; readonly at: number; readonly bytes: Uint8Array };

/** Bytes that matter to a SIP scanner; inserted and set more often than others. */
const INTERESTING = [0x0d, 0x0a, 0x20, 0x09, 0x3a, 0x3b, 0x2c, 0x22, 0x5c, 0x3c, 0x3e, 0x5b, 0x5d, 0x40, 0x25, 0x3d, 0x00, 0xff, 0x30, 0x39];

/**
 * A position as a fraction of a length, uniform in [0, 1). (fc.double favours
 * extreme values, which would put almost every mutation at the first or last byte.)
 */
export const fraction: fc.Arbitrary<number> = fc.integer({ min: 0, max: 999_999 }).map((n) => n / 1_000_000);
const someByte = fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: 0, max: 255 }));

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fraction, xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ op: fc.constant('set' as const), at: fraction, byte: someByte }),
  fc.record({ op: fc.constant('truncate' as const), at: fraction }),
  fc.record({ op: fc.constant('delete' as const), at: fraction, len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ op: fc.constant('duplicate' as const), at: fraction, len: fc.integer({ min: 1, max: 80 }) }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fraction,
    bytes: fc.oneof(
      fc.array(someByte, { minLength: 1, maxLength: 8 }).map((a) => Uint8Array.from(a)),
      fc.constantFrom('\r\n', '\r\n ', ',', ';', '"', '\\', '<', '>', '%', '%0', '[', ']', ':', '\r\n\r\n', 'Content-Length: 5\r\n', 'Via: SIP/2.0/UDP [::1\r\n').map((s) => encoder.encode(s)),
    ),
  }),
);

function applyMutation(b: Uint8Array, m: Mutation): Uint8Array {
  const at = Math.floor(m.at * (b.length + 1));
  switch (m.op) {
    case 'flip': {
      if (b.length === 0) return b;
      const c = b.slice();
      const i = Math.min(at, b.length - 1);
      c[i] = c[i]! ^ m.xor;
      return c;
    }
    case 'set': {
      if (b.length === 0) return b;
      const c = b.slice();
      c[Math.min(at, b.length - 1)] = m.byte;
      return c;
    }
    case 'truncate':
      return b.subarray(0, at);
    case 'delete':
      return concat([b.subarray(0, at), b.subarray(at + m.len)]);
    case 'duplicate':
      return concat([b.subarray(0, at + m.len), b.subarray(at)]);
    case 'insert':
      return concat([b.subarray(0, at), m.bytes, b.subarray(at)]);
  }
}

/** A torture message (of the 61) with 1-4 mutations applied. */
export const mutatedSeed: fc.Arbitrary<Uint8Array> = fc
  .tuple(fc.integer({ min: 0, max: SEEDS.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([i, ms]) => ms.reduce(applyMutation, SEEDS[i]!));

/** Arbitrary bytes, sometimes behind a plausible start line. */
export const randomBytes: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.uint8Array({ maxLength: 600 }),
  fc
    .tuple(
      fc.constantFrom('INVITE sip:a@b SIP/2.0\r\n', 'SIP/2.0 200 OK\r\n', 'OPTIONS sip:[::1] SIP/2.0\r\n', ''),
      fc.array(fc.oneof(someByte, fc.integer({ min: 0x20, max: 0x7e })), { maxLength: 600 }),
    )
    .map(([s, a]) => concat([encoder.encode(s), Uint8Array.from(a)])),
);
