/**
 * SIP messages — RFC 3261 §7: a start line, header fields, an empty line and
 * an optional body.
 *
 * ```abnf
 * generic-message = start-line *message-header CRLF [ message-body ]   ; §7
 * start-line      = Request-Line / Status-Line
 * ```
 *
 * A parsed message holds offsets into the received bytes. Every typed
 * accessor (`callId`, `cseq`, `via`, `from`, ...) decodes on first use and
 * caches; a header mutation drops the caches. A decoding problem surfaces as a
 * `SipParseError` thrown by the accessor, so a server can still build an error
 * response from a message whose framing was sound.
 */
import { SipParseError } from './errors.js';
import { TOKEN } from './charset.js';
import { parseCSeq } from './cseq.js';
import {
  H_CALL_ID,
  H_CONTACT,
  H_CONTENT_TYPE,
  H_CSEQ,
  H_FROM,
  H_MAX_FORWARDS,
  H_RECORD_ROUTE,
  H_ROUTE,
  H_TO,
  H_VIA,
  type HeaderId,
} from './header-names.js';
import { FLAG_FOLDED, F_FLAGS, F_VAL_E, F_VAL_S, SipHeaders, decodeText } from './headers.js';
import { parseContactList, parseNameAddr, parseNameAddrList } from './name-addr.js';
import { parseMaxForwards } from './simple-headers.js';
import { DEFAULT_LIMITS, type CSeq, type NameAddr, type Uri, type Via } from './types.js';
import { formatUri, parseUri } from './uri.js';
import { parseViaList, parseViaRange } from './via.js';
import { exactSize, splitHeaderValueSpans } from './header-values.js';

const EMPTY = new Uint8Array(0);

const textEncoder = new TextEncoder();

/** Fields shared by {@link SipRequestInit} and {@link SipResponseInit}. */
export interface SipMessageInit {
  /** SIP-Version; default `SIP/2.0`. */
  version?: string;
  /** Header fields in order, or a header list to adopt. Default: none. */
  headers?: SipHeaders | Iterable<readonly [string, string]>;
  /** Message body; a string is encoded as UTF-8. Default: empty. */
  body?: Uint8Array | string;
}

/** A request built from scratch; see {@link SipRequest}. */
export interface SipRequestInit extends SipMessageInit {
  /** Method, a token (§25.1): `INVITE`, `REGISTER`, ... */
  method: string;
  /** Request-URI, as text or as a parsed {@link Uri}. */
  uri: string | Uri;
}

/** A response built from scratch; see {@link SipResponse}. */
export interface SipResponseInit extends SipMessageInit {
  /** Status-Code, 100-699. */
  status: number;
  /** Reason-Phrase; default: {@link reasonPhrase} of `status` (empty for unknown codes). */
  reason?: string;
}

function toBytes(body: Uint8Array | string): Uint8Array {
  return typeof body === 'string' ? textEncoder.encode(body) : body;
}

function checkVersion(v: string): void {
  // SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT   (§25.1)
  if (!isSipVersion(v, 0, v.length)) throw new TypeError(`${JSON.stringify(v)} is not a SIP-Version (SIP/x.y)`);
}

/**
 * `SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT` — RFC 3261 §7.1, §25.1;
 * "SIP" is case-insensitive (§7.1 says the version string is, like the rest).
 * @internal
 */
export function isSipVersion(s: string, start: number, end: number): boolean {
  if (end - start < 7) return false;
  if ((s.charCodeAt(start) | 0x20) !== 0x73 || (s.charCodeAt(start + 1) | 0x20) !== 0x69) return false;
  if ((s.charCodeAt(start + 2) | 0x20) !== 0x70 || s.charCodeAt(start + 3) !== 0x2f) return false;
  let i = start + 4;
  const d1 = i;
  while (i < end && isDigit(s.charCodeAt(i))) i++;
  if (i === d1 || i >= end || s.charCodeAt(i) !== 0x2e) return false;
  const d2 = ++i;
  while (i < end && isDigit(s.charCodeAt(i))) i++;
  return i === end && i > d2;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function upperAscii(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) return s.toUpperCase();
  }
  return s;
}

/**
 * What requests and responses share: headers, body and the typed accessors
 * for the headers every message carries (§8.1.1).
 */
export abstract class SipMessage {
  /** @internal */ declare _headers: SipHeaders;
  /** @internal Latin1 view of the received bytes; `''` for a built message. */ declare _src: string;
  /** @internal The received bytes; empty for a built message. */ declare _bytes: Uint8Array;
  /** @internal Offset of the start line in `_bytes`. */ declare _lineStart: number;
  /** @internal Offset of the CR/LF ending the start line. */ declare _lineEnd: number;
  /** @internal Offset just past the empty line that ends the header section. */ declare _headEnd: number;
  /** @internal Body span in `_bytes` (parsed messages). */ declare _bodyStart: number;
  /** @internal */ declare _bodyEnd: number;
  /** @internal Body set explicitly (built or replaced), or the cached view. */ declare _body: Uint8Array | null;
  /** @internal True while the body is the received span. */ declare _wireBody: boolean;
  /** @internal True while the start line is the received one. */ declare _wireStart: boolean;
  /** @internal The received header section carried a Content-Length. */ declare _hasContentLength: boolean;
  /** @internal Limit applied to URIs decoded from this message. */ declare _maxUri: number;
  /** @internal */ declare _versionS: number;
  /** @internal */ declare _versionE: number;
  /** @internal */ declare _version: string | undefined;

  // Accessor caches; `undefined` = not computed yet, `null` = header absent.
  /** @internal */ declare _rev: number;
  /** @internal */ declare _callId: string | null | undefined;
  /** @internal */ declare _cseq: CSeq | null | undefined;
  /** @internal */ declare _via: readonly Via[] | undefined;
  /** @internal */ declare _topVia: Via | null | undefined;
  /** @internal */ declare _from: NameAddr | null | undefined;
  /** @internal */ declare _to: NameAddr | null | undefined;
  /** @internal */ declare _contact: readonly NameAddr[] | '*' | undefined;
  /** @internal */ declare _maxForwards: number | null | undefined;
  /** @internal */ declare _route: readonly NameAddr[] | undefined;
  /** @internal */ declare _recordRoute: readonly NameAddr[] | undefined;

  /** @internal */
  constructor(init: SipMessageInit) {
    this._src = '';
    this._bytes = EMPTY;
    this._lineStart = 0;
    this._lineEnd = 0;
    this._headEnd = 0;
    this._bodyStart = 0;
    this._bodyEnd = 0;
    this._body = null;
    this._wireBody = false;
    this._wireStart = false;
    this._hasContentLength = false;
    this._maxUri = DEFAULT_LIMITS.maxUriLength;
    this._versionS = 0;
    this._versionE = 0;
    this._version = 'SIP/2.0';
    this._rev = 0;
    this._callId = undefined;
    this._cseq = undefined;
    this._via = undefined;
    this._topVia = undefined;
    this._from = undefined;
    this._to = undefined;
    this._contact = undefined;
    this._maxForwards = undefined;
    this._route = undefined;
    this._recordRoute = undefined;
    if (init === WIRE_REQUEST || init === WIRE_RESPONSE) {
      this._headers = EMPTY_HEADERS; // replaced by the parser
      return;
    }
    if (init.version !== undefined) {
      checkVersion(init.version);
      this._version = upperAscii(init.version);
    }
    const h = init.headers;
    this._headers = h instanceof SipHeaders ? h : new SipHeaders(h);
    this._body = init.body === undefined ? EMPTY : toBytes(init.body);
  }

  /** True for {@link SipRequest}, false for {@link SipResponse}; narrows the type. */
  abstract get isRequest(): boolean;

  /** SIP-Version, upper-cased (`SIP/2.0`). Other versions parse; {@link validateMessage} answers 505. */
  get version(): string {
    return (this._version ??= upperAscii(this._src.substring(this._versionS, this._versionE)));
  }

  /** The header list, in wire order. Mutating it drops the cached typed accessors. */
  get headers(): SipHeaders {
    return this._headers;
  }

  /** The body: a view into the received bytes (no copy) or the body set on the message. */
  get body(): Uint8Array {
    // A plain Uint8Array view (Buffer's own subarray is slower and the type promised is Uint8Array).
    return (this._body ??= new Uint8Array(this._bytes.buffer, this._bytes.byteOffset + this._bodyStart, this._bodyEnd - this._bodyStart));
  }

  /**
   * Replace the body and optionally set Content-Type. The serializer writes a
   * matching Content-Length (§20.14).
   */
  setBody(body: Uint8Array | string, contentType?: string): void {
    this._body = toBytes(body);
    this._wireBody = false;
    if (contentType !== undefined) this._headers.set('Content-Type', contentType);
  }

  /** Length of the body in octets (what Content-Length says on the wire, §20.14). */
  get contentLength(): number {
    return this._body !== null ? this._body.length : this._bodyEnd - this._bodyStart;
  }

  /** Content-Type (§20.15), as written, or undefined. */
  get contentType(): string | undefined {
    this._check();
    const i = this._headers._firstIndexOfId(H_CONTENT_TYPE);
    return i < 0 ? undefined : this._headers._valueAt(i);
  }

  /** Call-ID (§20.8) of the first Call-ID line, as written. */
  get callId(): string | undefined {
    if (this._rev !== this._headers._rev) this._invalidate();
    let v = this._callId;
    if (v === undefined) v = this._callId = this._first(H_CALL_ID);
    return v ?? undefined;
  }

  /**
   * CSeq (§20.16).
   * @throws SipParseError BAD_CSEQ when malformed.
   */
  get cseq(): CSeq | undefined {
    if (this._rev !== this._headers._rev) this._invalidate();
    let v = this._cseq;
    if (v === undefined) {
      const t = this._first(H_CSEQ);
      v = this._cseq = t === null ? null : parseCSeq(t);
    }
    return v ?? undefined;
  }

  /**
   * Every Via value across all Via lines, top (most recent hop) first (§20.42).
   * @throws SipParseError BAD_VIA and friends when a value is malformed.
   */
  get via(): readonly Via[] {
    this._check();
    let v = this._via;
    if (v === undefined) {
      const out: Via[] = [];
      const h = this._headers;
      const n = h.count;
      // The top value, when already decoded by `topVia`, is not decoded again.
      let top = this._topVia ?? null;
      for (let i = 0; i < n; i++) {
        if (h._idAt(i) !== H_VIA) continue;
        let single: Via | null = null;
        if (top === null) {
          // One plain value per line is the usual case: decode it without splitting.
          const o = h._wireRecord(i);
          if (o >= 0) single = this._wireSingleVia(o);
        }
        if (single === null) {
          const line = h._valueAt(i);
          if (line.length > 0 && indexOfListSeparator(line) === -1) {
            single = top ?? parseViaRange(line, 0, line.length);
          } else {
            for (const x of parseViaList(line)) {
              out.push(top ?? x);
              top = null;
            }
            continue;
          }
        }
        out.push(single);
        top = null;
      }
      v = this._via = exactSize(out); // kept as long as the message
    }
    return v;
  }

  /**
   * The topmost Via value (§8.2.6.2, §18.2.1), decoding only that one.
   * @throws SipParseError when it is malformed.
   */
  get topVia(): Via | undefined {
    this._check();
    let v = this._topVia;
    if (v === undefined) {
      if (this._via !== undefined) v = this._via[0] ?? null;
      else v = this._decodeTopVia();
      this._topVia = v;
    }
    return v ?? undefined;
  }

  /**
   * @internal The first via-parm of the first Via line holding one, decoded;
   * null without one. A line holding a single value (the usual case) is
   * decoded in place, without splitting it.
   */
  _decodeTopVia(): Via | null {
    const h = this._headers;
    const n = h.count;
    for (let i = 0; i < n; i++) {
      if (h._idAt(i) !== H_VIA) continue;
      const o = h._wireRecord(i);
      if (o >= 0) {
        const v = this._wireSingleVia(o);
        if (v !== null) return v;
      }
      const line = h._valueAt(i);
      if (line.length === 0) continue;
      if (indexOfListSeparator(line) === -1) return parseViaRange(line, 0, line.length);
      // Split as `headers.get('Via')` does: an empty element anywhere in the line is an error.
      const spans = splitHeaderValueSpans(line, 'Via');
      const first = spans[0];
      if (first !== undefined) return parseViaRange(line, first[0], first[1]);
    }
    return null;
  }

  /**
   * From (§20.20).
   * @throws SipParseError when malformed.
   */
  get from(): NameAddr | undefined {
    this._check();
    let v = this._from;
    if (v === undefined) {
      const t = this._first(H_FROM);
      v = this._from = t === null ? null : parseNameAddr(t, 'From', this._maxUri);
    }
    return v ?? undefined;
  }

  /**
   * To (§20.39).
   * @throws SipParseError when malformed.
   */
  get to(): NameAddr | undefined {
    this._check();
    let v = this._to;
    if (v === undefined) {
      const t = this._first(H_TO);
      v = this._to = t === null ? null : parseNameAddr(t, 'To', this._maxUri);
    }
    return v ?? undefined;
  }

  /**
   * Contact values across all Contact lines (§20.10); empty for `Contact: *`
   * (see {@link isWildcardContact}).
   * @throws SipParseError when a value is malformed, or `*` is mixed with addresses.
   */
  get contact(): readonly NameAddr[] {
    const c = this._contacts();
    return c === '*' ? NO_ADDRS : c;
  }

  /** True for `Contact: *` (a REGISTER removing all bindings, §10.2.2). */
  get isWildcardContact(): boolean {
    return this._contacts() === '*';
  }

  /**
   * Max-Forwards (§20.22), 0-255.
   * @throws SipParseError when not a number in range.
   */
  get maxForwards(): number | undefined {
    this._check();
    let v = this._maxForwards;
    if (v === undefined) {
      const t = this._first(H_MAX_FORWARDS);
      v = this._maxForwards = t === null ? null : parseMaxForwards(t);
    }
    return v ?? undefined;
  }

  /**
   * Route values across all Route lines, in order (§20.34).
   * @throws SipParseError when a value is malformed.
   */
  get route(): readonly NameAddr[] {
    this._check();
    return (this._route ??= this._addrList(H_ROUTE, 'Route'));
  }

  /**
   * Record-Route values across all Record-Route lines, in order (§20.30).
   * @throws SipParseError when a value is malformed.
   */
  get recordRoute(): readonly NameAddr[] {
    this._check();
    return (this._recordRoute ??= this._addrList(H_RECORD_ROUTE, 'Record-Route'));
  }

  /**
   * @internal The Via line whose record starts at `o`, decoded straight from
   * the received text when it is one plain value (not folded, ASCII, no `,`
   * `"` `<`), which is the usual case; null otherwise, or when it does not
   * parse (the caller then decodes the line the general way, which reports
   * the error with offsets into the value).
   */
  _wireSingleVia(o: number): Via | null {
    const h = this._headers;
    const m = h._meta!;
    const s = m[o + F_VAL_S]!;
    const e = m[o + F_VAL_E]!;
    if (s === e || (m[o + F_FLAGS]! & FLAG_FOLDED) !== 0) return null;
    const b = h._bytes;
    for (let k = s; k < e; k++) {
      const c = b[k]!;
      if (c === 0x2c || c === 0x22 || c === 0x3c || c >= 0x80) return null;
    }
    try {
      return parseViaRange(h._src, s, e);
    } catch (err) {
      if (err instanceof SipParseError) return null;
      throw err;
    }
  }

  /** @internal Drop caches if the headers changed since they were filled. */
  _check(): void {
    if (this._rev !== this._headers._rev) this._invalidate();
  }

  /** @internal */
  _invalidate(): void {
    this._rev = this._headers._rev;
    this._callId = undefined;
    this._cseq = undefined;
    this._via = undefined;
    this._topVia = undefined;
    this._from = undefined;
    this._to = undefined;
    this._contact = undefined;
    this._maxForwards = undefined;
    this._route = undefined;
    this._recordRoute = undefined;
  }

  /** @internal Value of the first line of header `id`, or null. */
  _first(id: HeaderId): string | null {
    const i = this._headers._firstIndexOfId(id);
    return i < 0 ? null : this._headers._valueAt(i);
  }

  private _contacts(): readonly NameAddr[] | '*' {
    this._check();
    let v = this._contact;
    if (v === undefined) {
      const lines = this._headers._lineValuesOfId(H_CONTACT);
      if (lines.length === 1) v = parseContactList(lines[0]!, 'Contact', this._maxUri);
      else {
        const out: NameAddr[] = [];
        for (const line of lines) {
          const c = parseContactList(line, 'Contact', this._maxUri);
          if (c === '*') {
            // §10.3 step 6: "*" is only valid as the sole Contact value.
            throw new SipParseError('BAD_HEADER_VALUE', 'Contact: "*" must be the only Contact value', {
              header: 'Contact',
              offset: 0,
            });
          }
          for (const x of c) out.push(x);
        }
        v = out;
      }
      this._contact = v;
    }
    return v;
  }

  private _addrList(id: HeaderId, name: string): readonly NameAddr[] {
    const out: NameAddr[] = [];
    for (const line of this._headers._lineValuesOfId(id)) {
      for (const x of parseNameAddrList(line, name, this._maxUri)) out.push(x);
    }
    return exactSize(out);
  }
}

const NO_ADDRS: readonly NameAddr[] = Object.freeze([]);

/**
 * Index of the first character that could make a Via line more than one
 * via-parm (`,` separates values, §7.3.1; `"` and `<` open spans a comma does
 * not split), or -1 when the line is a single value.
 */
function indexOfListSeparator(line: string): number {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 0x2c || c === 0x22 || c === 0x3c) return i;
  }
  return -1;
}
const EMPTY_HEADERS = new SipHeaders();

/**
 * A SIP request — RFC 3261 §7.1.
 *
 * ```abnf
 * Request-Line = Method SP Request-URI SP SIP-Version CRLF
 * ```
 *
 * @example
 * const req = new SipRequest({ method: 'OPTIONS', uri: 'sip:bob@example.com',
 *   headers: [['Call-ID', 'a84b4c76e66710'], ['CSeq', '1 OPTIONS']] });
 * req.cseq?.seq; // 1
 */
export class SipRequest extends SipMessage {
  /** @internal */ declare _method: string | undefined;
  /** @internal */ declare _methodE: number;
  /** @internal */ declare _uriS: number;
  /** @internal */ declare _uriE: number;
  /** @internal */ declare _requestUri: string | undefined;
  /** @internal */ declare _uri: Uri | undefined;

  /**
   * @throws TypeError when the method is not a token or the URI holds whitespace.
   */
  constructor(init: SipRequestInit) {
    super(init);
    this._methodE = 0;
    this._uriS = 0;
    this._uriE = 0;
    this._method = undefined;
    this._requestUri = undefined;
    this._uri = undefined;
    if (init === WIRE_REQUEST) return;
    checkMethod(init.method);
    this._method = init.method;
    this._setUri(init.uri);
  }

  /** @internal Wrap a scanned request; see parse.ts. */
  static _wire(
    src: string,
    bytes: Uint8Array,
    headers: SipHeaders,
    lineStart: number,
    methodE: number,
    uriS: number,
    uriE: number,
    lineEnd: number,
  ): SipRequest {
    const r = new SipRequest(WIRE_REQUEST);
    r._src = src;
    r._bytes = bytes;
    r._headers = headers;
    r._lineStart = lineStart;
    r._methodE = methodE;
    r._uriS = uriS;
    r._uriE = uriE;
    r._versionS = uriE + 1;
    r._versionE = lineEnd;
    r._lineEnd = lineEnd;
    r._version = undefined;
    r._wireStart = true;
    r._wireBody = true;
    return r;
  }

  /** Always true for a request. */
  get isRequest(): true {
    return true;
  }

  /** Method, case-sensitive (§7.1): `INVITE`, `ACK`, or an extension method. */
  get method(): string {
    return (this._method ??= this._src.substring(this._lineStart, this._methodE));
  }

  /** The Request-URI as written on the wire. */
  get requestUri(): string {
    return (this._requestUri ??= decodeText(this._src, this._bytes, this._uriS, this._uriE));
  }

  /**
   * The Request-URI decoded (§19.1), cached.
   * @throws SipParseError BAD_URI / URI_TOO_LONG when it does not parse.
   */
  get uri(): Uri {
    return (this._uri ??= parseUri(this.requestUri, this._maxUri));
  }

  /**
   * Retarget the request (§16.5): replace the Request-URI.
   * @throws TypeError when the text holds whitespace or control characters.
   */
  setRequestUri(uri: string | Uri): void {
    this._setUri(uri);
    this._wireStart = false;
  }

  private _setUri(uri: string | Uri): void {
    const text = typeof uri === 'string' ? uri : formatUri(uri);
    if (text.length === 0) throw new TypeError('Request-URI must not be empty');
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c <= 0x20 || c === 0x7f) throw new TypeError(`Request-URI ${JSON.stringify(text)} holds whitespace or a control character`);
    }
    this._requestUri = text;
    this._uri = typeof uri === 'string' ? undefined : uri;
  }
}

/**
 * A SIP response — RFC 3261 §7.2.
 *
 * ```abnf
 * Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF
 * ```
 */
export class SipResponse extends SipMessage {
  /** @internal */ declare _status: number;
  /** @internal */ declare _reason: string | undefined;
  /** @internal */ declare _reasonS: number;

  /**
   * @throws TypeError when `status` is not an integer 100-699 or the reason holds CR/LF.
   */
  constructor(init: SipResponseInit) {
    super(init);
    this._status = 0;
    this._reason = undefined;
    this._reasonS = 0;
    if (init === WIRE_RESPONSE) return;
    if (!Number.isInteger(init.status) || init.status < 100 || init.status > 699) {
      throw new TypeError(`status ${String(init.status)} is not an integer 100-699 (§7.2)`);
    }
    this._status = init.status;
    const reason = init.reason ?? reasonPhrase(init.status);
    if (reason.includes('\r') || reason.includes('\n')) throw new TypeError('Reason-Phrase must not contain CR or LF');
    this._reason = reason;
  }

  /** @internal Wrap a scanned response; see parse.ts. */
  static _wire(
    src: string,
    bytes: Uint8Array,
    headers: SipHeaders,
    lineStart: number,
    versionE: number,
    status: number,
    reasonS: number,
    lineEnd: number,
  ): SipResponse {
    const r = new SipResponse(WIRE_RESPONSE);
    r._src = src;
    r._bytes = bytes;
    r._headers = headers;
    r._lineStart = lineStart;
    r._versionS = lineStart;
    r._versionE = versionE;
    r._version = undefined;
    r._status = status;
    r._reasonS = reasonS;
    r._lineEnd = lineEnd;
    r._wireStart = true;
    r._wireBody = true;
    return r;
  }

  /** Always false for a response. */
  get isRequest(): false {
    return false;
  }

  /** Status-Code, 100-699 (§7.2). */
  get status(): number {
    return this._status;
  }

  /** Reason-Phrase (§7.2), UTF-8 decoded; may be empty. */
  get reason(): string {
    return (this._reason ??= decodeText(this._src, this._bytes, this._reasonS, this._lineEnd));
  }
}

const WIRE_REQUEST: SipRequestInit = Object.freeze({ method: '', uri: '' });
const WIRE_RESPONSE: SipResponseInit = Object.freeze({ status: 0 });

function checkMethod(m: string): void {
  // Method = INVITEm / ACKm / ... / extension-method; extension-method = token  (§25.1)
  if (m.length === 0) throw new TypeError('method must not be empty');
  for (let i = 0; i < m.length; i++) {
    const c = m.charCodeAt(i);
    if (c > 0xff || TOKEN[c] !== 1) throw new TypeError(`method ${JSON.stringify(m)} is not a token (§25.1)`);
  }
}

/** Reason phrases of RFC 3261 §21 and the extensions in common use. */
const REASONS: ReadonlyMap<number, string> = new Map([
  [100, 'Trying'],
  [180, 'Ringing'],
  [181, 'Call Is Being Forwarded'],
  [182, 'Queued'],
  [183, 'Session Progress'],
  [199, 'Early Dialog Terminated'], // RFC 6228
  [200, 'OK'],
  [202, 'Accepted'], // RFC 3265 (deprecated by RFC 6665, still seen)
  [204, 'No Notification'], // RFC 5839
  [300, 'Multiple Choices'],
  [301, 'Moved Permanently'],
  [302, 'Moved Temporarily'],
  [305, 'Use Proxy'],
  [380, 'Alternative Service'],
  [400, 'Bad Request'],
  [401, 'Unauthorized'],
  [402, 'Payment Required'],
  [403, 'Forbidden'],
  [404, 'Not Found'],
  [405, 'Method Not Allowed'],
  [406, 'Not Acceptable'],
  [407, 'Proxy Authentication Required'],
  [408, 'Request Timeout'],
  [410, 'Gone'],
  [412, 'Conditional Request Failed'], // RFC 3903
  [413, 'Request Entity Too Large'],
  [414, 'Request-URI Too Long'],
  [415, 'Unsupported Media Type'],
  [416, 'Unsupported URI Scheme'],
  [417, 'Unknown Resource-Priority'], // RFC 4412
  [420, 'Bad Extension'],
  [421, 'Extension Required'],
  [422, 'Session Interval Too Small'], // RFC 4028
  [423, 'Interval Too Brief'],
  [428, 'Use Identity Header'], // RFC 8224
  [429, 'Provide Referrer Identity'], // RFC 3892
  [433, 'Anonymity Disallowed'], // RFC 5079
  [436, 'Bad Identity Info'], // RFC 8224
  [437, 'Unsupported Credential'], // RFC 8224
  [438, 'Invalid Identity Header'], // RFC 8224
  [439, 'First Hop Lacks Outbound Support'], // RFC 5626
  [440, 'Max-Breadth Exceeded'], // RFC 5393
  [469, 'Bad Info Package'], // RFC 6086
  [470, 'Consent Needed'], // RFC 5360
  [480, 'Temporarily Unavailable'],
  [481, 'Call/Transaction Does Not Exist'],
  [482, 'Loop Detected'],
  [483, 'Too Many Hops'],
  [484, 'Address Incomplete'],
  [485, 'Ambiguous'],
  [486, 'Busy Here'],
  [487, 'Request Terminated'],
  [488, 'Not Acceptable Here'],
  [489, 'Bad Event'], // RFC 6665
  [491, 'Request Pending'],
  [493, 'Undecipherable'],
  [494, 'Security Agreement Required'], // RFC 3329
  [500, 'Server Internal Error'],
  [501, 'Not Implemented'],
  [502, 'Bad Gateway'],
  [503, 'Service Unavailable'],
  [504, 'Server Time-out'],
  [505, 'Version Not Supported'],
  [513, 'Message Too Large'],
  [555, 'Push Notification Service Not Supported'], // RFC 8599
  [580, 'Precondition Failure'], // RFC 3312
  [600, 'Busy Everywhere'],
  [603, 'Decline'],
  [604, 'Does Not Exist Anywhere'],
  [606, 'Not Acceptable'],
  [607, 'Unwanted'], // RFC 8197
  [608, 'Rejected'], // RFC 8688
]);

/**
 * The default Reason-Phrase for a status code (RFC 3261 §21 and extensions);
 * `''` for a code without one (§7.2 lets the phrase be empty).
 *
 * @example
 * reasonPhrase(486) // 'Busy Here'
 */
export function reasonPhrase(status: number): string {
  return REASONS.get(status) ?? '';
}
