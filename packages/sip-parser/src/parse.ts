/**
 * Message framing — RFC 3261 §7, §18.3, §25.1.
 *
 * Only what is needed to find the parts of a message is done eagerly: the
 * start line, the boundaries and names of header lines, and Content-Length.
 * Header values are decoded on first access (see message.ts).
 *
 * How it is fast: the bytes are viewed once as a latin1 string (one native
 * copy, byte i = char i, so string offsets are byte offsets) and line ends are
 * found with the native `indexOf`. Header names are resolved to a small
 * integer without allocating a string: a canonical spelling by an exact-case
 * table lookup, any other through a DFA that checks the token characters as it
 * goes. Each header line costs seven numbers in one flat array.
 *
 * Choices where RFC 4475 lets a parser accept or reject (§3.1.2):
 * - Start line: strict. Exactly one SP between the elements and no trailing
 *   whitespace (lwsstart, trws, lwsruri are rejected with 400 BAD_START_LINE).
 *   The Request-URI's own syntax is checked when `uri` is read
 *   (ltgtruri, escruri parse; `uri` / validateMessage reject them).
 * - Line ends: CRLF per §7; a bare LF is accepted as a line end in the start
 *   line and header section (common practice; the body is never touched). A CR
 *   not followed by LF is rejected: another parser could take it as a line end
 *   and see different headers than we do.
 * - Leading CRLFs before the start line are skipped (§7.5).
 */
import { SipParseError, type SipParseErrorCode } from './errors.js';
import { TOKEN as TOKEN_TABLE } from './charset.js';
import {
  EXACT_CHARS as EXACT_CHARS_TABLE,
  EXACT_ID as EXACT_ID_TABLE,
  EXACT_LEN as EXACT_LEN_TABLE,
  EXACT_OFF as EXACT_OFF_TABLE,
  EXACT_START as EXACT_START_TABLE,
  EXACT_W0 as EXACT_W0_TABLE,
  H_CONTENT_LENGTH as H_CONTENT_LENGTH_ID,
  NAME_ACCEPT as ACCEPT_TABLE,
  NAME_CLASS as CLASS_TABLE,
  NAME_SHIFT as NAME_SHIFT_BITS,
  NAME_START as NAME_START_STATE,
  NAME_TRANS as TRANS_TABLE,
  exactBucket as exactBucketOf,
} from './header-names.js';
import { FLAG_FOLDED as FOLDED_FLAG, STRIDE as META_STRIDE, SipHeaders, latin1 } from './headers.js';
import { SipRequest, SipResponse, isSipVersion } from './message.js';
import { DEFAULT_LIMITS, type ParseLimits } from './types.js';
import { requireBytesOrString } from './arguments.js';

/** How a message arrived; decides what an absent Content-Length means (§18.3). */
export type TransportMode = 'datagram' | 'stream';

/** Options for {@link parseMessage}. */
export interface ParseOptions {
  /** Limits to enforce; unspecified fields take {@link DEFAULT_LIMITS}. */
  limits?: Partial<ParseLimits>;
  /**
   * `'datagram'` (default, UDP): without Content-Length the body is the rest of
   * the datagram, and octets after Content-Length bytes are ignored (§18.3).
   * `'stream'` (TCP/TLS/WS): Content-Length is mandatory.
   */
  mode?: TransportMode;
}

/** Result of {@link tryParseMessage}. */
export type ParseResult =
  | { readonly ok: true; readonly message: SipRequest | SipResponse }
  | { readonly ok: false; readonly error: SipParseError };

const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HT = 0x09;
const COLON = 0x3a;

/** Bytes viewed as a string before the header section is known to be longer. */
const PREFIX = 4096;

// Module-local aliases of the imported tables and constants: measured ~5%
// faster in the scanner's inner loops than reading the imported bindings
// (and far faster where the modules are loaded as CommonJS, as by tsx outside
// an ESM package, where each imported binding is read through a getter).
const TOKEN = TOKEN_TABLE;
const NAME_CLASS = CLASS_TABLE;
const NAME_TRANS = TRANS_TABLE;
const NAME_ACCEPT = ACCEPT_TABLE;
const EXACT_START = EXACT_START_TABLE;
const EXACT_W0 = EXACT_W0_TABLE;
const EXACT_LEN = EXACT_LEN_TABLE;
const EXACT_OFF = EXACT_OFF_TABLE;
const EXACT_CHARS = EXACT_CHARS_TABLE;
const EXACT_ID = EXACT_ID_TABLE;
const exactBucket = exactBucketOf;
const NAME_SHIFT = NAME_SHIFT_BITS;
const NAME_START = NAME_START_STATE;
const H_CONTENT_LENGTH = H_CONTENT_LENGTH_ID;
const FLAG_FOLDED = FOLDED_FLAG;
const STRIDE = META_STRIDE;

/** Reused across calls (parsing is synchronous, so never shared). */
const scratch: number[] = [];

let lastPartial: Partial<ParseLimits> | undefined;
let lastLimits: ParseLimits = DEFAULT_LIMITS;

/**
 * Merge partial limits over the defaults (memoised for the common case of one
 * options object reused for every message).
 *
 * @throws TypeError when a limit is not a positive integer.
 */
export function resolveLimits(partial: Partial<ParseLimits> | undefined): ParseLimits {
  if (partial === undefined) return DEFAULT_LIMITS;
  if (partial === lastPartial) return lastLimits;
  const l: ParseLimits = { ...DEFAULT_LIMITS, ...partial };
  for (const k of ['maxMessageBytes', 'maxHeaders', 'maxHeaderLineBytes', 'maxUriLength'] as const) {
    const v = l[k];
    if (!Number.isInteger(v) || v <= 0) throw new TypeError(`limits.${k} must be a positive integer, got ${String(v)}`);
  }
  lastPartial = partial;
  lastLimits = l;
  return l;
}

function fail(code: SipParseErrorCode, message: string, offset: number, statusHint = 400, header?: string): never {
  throw new SipParseError(
    code,
    message,
    header === undefined ? { offset, statusHint } : { offset, statusHint, header },
  );
}

function tooLarge(len: number, limits: ParseLimits): never {
  fail('MESSAGE_TOO_LARGE', `message of ${len} bytes exceeds the limit of ${limits.maxMessageBytes} bytes`, limits.maxMessageBytes, 413);
}

/**
 * Parse one SIP message.
 *
 * Rejected here (throws {@link SipParseError}): empty input, limits exceeded
 * (413 message size, 414 Request-URI length, 400 header count / line length),
 * a malformed start line, a header line without colon or with a non-token
 * name, a missing empty line after the headers, a bad, duplicated or too large
 * Content-Length. Everything else surfaces when the accessor concerned is read.
 *
 * A string is encoded as UTF-8 first. The returned message keeps a reference
 * to `data`'s bytes (the body is a view into them): do not reuse the buffer
 * while the message is in use.
 *
 * @example
 * const msg = parseMessage('OPTIONS sip:bob@example.com SIP/2.0\r\nCall-ID: a1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n');
 * if (msg.isRequest) console.log(msg.method, msg.callId, msg.cseq?.seq); // OPTIONS a1 1
 */
export function parseMessage(data: Uint8Array | string, options?: ParseOptions): SipRequest | SipResponse {
  requireBytesOrString(data, 'parseMessage: data');
  const limits = resolveLimits(options?.limits);
  let bytes: Uint8Array;
  // The string view of the bytes; for an ASCII string (UTF-8 length equals
  // UTF-16 length) that is the input itself, saving a second conversion.
  let view: string | null = null;
  if (typeof data === 'string') {
    // UTF-8 is never shorter than the UTF-16 length: reject before encoding.
    if (data.length > limits.maxMessageBytes) tooLarge(data.length, limits);
    bytes = Buffer.from(data, 'utf8');
    if (bytes.length === data.length) view = data;
  } else bytes = data;
  const stream = options?.mode === 'stream';
  const len = bytes.length;
  if (len > limits.maxMessageBytes) tooLarge(len, limits);
  if (len === 0) fail('EMPTY_MESSAGE', 'empty message', 0);
  if (view !== null) return scan(bytes, view, limits, stream)!;
  if (len > PREFIX) {
    const m = scan(bytes, latin1(bytes, 0, PREFIX), limits, stream);
    if (m !== null) return m;
  }
  return scan(bytes, latin1(bytes, 0, len), limits, stream)!;
}

/**
 * {@link parseMessage} without exceptions for bad input: returns the message
 * or the {@link SipParseError}. Options that are API misuse still throw TypeError.
 */
export function tryParseMessage(data: Uint8Array | string, options?: ParseOptions): ParseResult {
  requireBytesOrString(data, 'tryParseMessage: data');
  try {
    return { ok: true, message: parseMessage(data, options) };
  } catch (e) {
    if (e instanceof SipParseError) return { ok: false, error: e };
    throw e;
  }
}

/**
 * Where the parts of one message are, filled in by the three scanning steps
 * ({@link scanStartLine}, {@link scanHeaders}, {@link bodyEnd}). One per
 * parse: the steps hand their results on through it instead of module state.
 */
class Frame {
  /** The bytes and their latin1 view (a prefix of them when `partial`). */
  readonly b: Uint8Array;
  readonly s: string;
  readonly partial: boolean;
  /** Next unread offset. */
  pos = 0;
  /** The next CR at or after the current line (`s.length` when none): each must start a CRLF. */
  nextCr = 0;
  request = false;
  lineStart = 0;
  lineEnd = 0;
  // Request-Line fields
  methodE = 0;
  uriS = 0;
  uriE = 0;
  // Status-Line fields
  versionE = 0;
  status = 0;
  reasonS = 0;
  // Header section
  meta: number[] = NO_META;
  n = 0;
  contentLength = -1;
  bodyStart = 0;

  constructor(b: Uint8Array, s: string) {
    this.b = b;
    this.s = s;
    this.partial = s.length < b.length;
  }
}

const NO_META: number[] = [];

/**
 * Scan `bytes` whose first `s.length` bytes are viewed as the latin1 string
 * `s`. Returns null when `s` is a prefix that ends before the header section
 * does (the caller retries with the whole message).
 */
function scan(bytes: Uint8Array, s: string, limits: ParseLimits, stream: boolean): SipRequest | SipResponse | null {
  const f = new Frame(bytes, s);
  if (!scanStartLine(f, limits) || !scanHeaders(f, limits)) return null;
  const end = bodyEnd(bytes.length, f.bodyStart, f.contentLength, stream);
  const headers = SipHeaders._fromWire(s, bytes, f.meta, f.n);
  const m = f.request
    ? SipRequest._wire(s, bytes, headers, f.lineStart, f.methodE, f.uriS, f.uriE, f.lineEnd)
    : SipResponse._wire(s, bytes, headers, f.lineStart, f.versionE, f.status, f.reasonS, f.lineEnd);
  m._headEnd = f.bodyStart;
  m._bodyStart = f.bodyStart;
  m._bodyEnd = end;
  m._hasContentLength = f.contentLength !== -1;
  if (limits.maxUriLength !== DEFAULT_LIMITS.maxUriLength) m._maxUri = limits.maxUriLength;
  return m;
}

/**
 * Leading line ends (§7.5) and the start line (§7.1, §7.2). Returns false
 * when the view ends first and is a prefix; leaves `f.pos` at the first header line.
 */
function scanStartLine(f: Frame, limits: ParseLimits): boolean {
  const b = f.b;
  const s = f.s;
  const sl = s.length;
  let pos = 0;

  // §7.5: "implementations processing SIP messages over stream-oriented
  // transports MUST ignore any CRLF appearing before the start-line".
  for (;;) {
    const c = b[pos]!;
    if (c === CR && b[pos + 1]! === LF) pos += 2;
    else if (c === LF) pos++;
    else break;
  }
  if (pos >= sl) {
    if (f.partial) return false;
    fail('EMPTY_MESSAGE', 'message holds only line ends', pos);
  }

  const lineStart = pos;
  const nl = s.indexOf('\n', pos);
  if (nl === -1) {
    if (f.partial) return false;
    fail('MISSING_HEADER_END', `start line starting at offset ${pos} is not terminated by CRLF`, b.length);
  }
  const lineEnd = b[nl - 1]! === CR ? nl - 1 : nl;
  let nextCr = s.indexOf('\r', lineStart);
  if (nextCr === -1) nextCr = sl;
  if (nextCr < lineEnd) fail('BAD_START_LINE', `CR not followed by LF in the start line at offset ${nextCr}`, nextCr);

  let status = 0;
  if (
    (b[pos]! | 0x20) === 0x73 && // s
    (b[pos + 1]! | 0x20) === 0x69 && // i
    (b[pos + 2]! | 0x20) === 0x70 && // p
    b[pos + 3]! === 0x2f // "/" — no method can hold it (token), so this is a Status-Line
  ) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF   (§7.2, §25.1)
    // Status-Code = 3DIGIT (100-699 by §7.2 / §21)
    let sp = s.indexOf(' ', pos);
    if (sp === -1 || sp > lineEnd) sp = lineEnd;
    if (!isSip20(b, pos, sp) && !isSipVersion(s, pos, sp)) {
      fail('BAD_VERSION', `malformed SIP-Version ${JSON.stringify(s.substring(pos, sp))} in status line at offset ${pos}`, pos, 505);
    }
    if (sp === lineEnd) fail('BAD_START_LINE', `status line ends after the SIP-Version at offset ${sp}`, sp);
    let i = sp + 1;
    while (i < lineEnd) {
      const c = b[i]!;
      if (c < 0x30 || c > 0x39) break;
      status = status * 10 + (c - 0x30);
      i++;
    }
    const digits = i - sp - 1;
    if (digits !== 3 || status < 100 || status > 699 || (i < lineEnd && b[i]! !== SP)) {
      let e = i;
      while (e < lineEnd && b[e]! !== SP) e++;
      fail(
        'BAD_STATUS_CODE',
        `status code ${JSON.stringify(s.substring(sp + 1, e))} at offset ${sp + 1} is not three digits in 100-699 (§7.2)`,
        sp + 1,
      );
    }
    if (i === lineEnd) fail('BAD_START_LINE', `status line lacks the SP before the Reason-Phrase at offset ${i}`, i);
    f.request = false;
    f.versionE = sp;
    f.status = status;
    f.reasonS = i + 1;
  } else {
    // Request-Line = Method SP Request-URI SP SIP-Version CRLF   (§7.1, §25.1)
    // Method       = ... / extension-method ; extension-method = token
    let i = pos;
    while (i < lineEnd && TOKEN[b[i]!] === 1) i++;
    const methodE = i;
    if (i === pos || (i < lineEnd && b[i]! !== SP)) {
      if (i === pos && (b[i]! === SP || b[i]! === HT)) {
        fail('BAD_START_LINE', `request line starts with whitespace at offset ${i}`, i);
      }
      fail('BAD_METHOD', `request method holds a non-token character at offset ${i}`, i);
    }
    if (i === lineEnd) fail('BAD_START_LINE', `request line has no Request-URI (offset ${i})`, i);
    const last = b[lineEnd - 1]!;
    if (last === SP || last === HT) {
      // RFC 4475 §3.1.2.10 (trws): rejected, see the file comment.
      fail('BAD_START_LINE', `trailing whitespace at the end of the request line (offset ${lineEnd - 1})`, lineEnd - 1);
    }
    const lastSp = s.lastIndexOf(' ', lineEnd - 1);
    if (lastSp <= methodE) fail('BAD_START_LINE', `request line has no SIP-Version (offset ${lineEnd})`, lineEnd);
    const uriS = methodE + 1;
    const uriE = lastSp;
    if (uriE - uriS > limits.maxUriLength) {
      fail(
        'URI_TOO_LONG',
        `Request-URI of ${uriE - uriS} characters at offset ${uriS} exceeds the limit of ${limits.maxUriLength}`,
        uriS,
        414,
      );
    }
    if (uriE === uriS) fail('BAD_START_LINE', `empty Request-URI (two SPs) at offset ${uriS}`, uriS);
    for (let k = uriS; k < uriE; k++) {
      const c = b[k]!;
      if (c <= SP || c === 0x7f) {
        // RFC 4475 §3.1.2.8/9 (lwsruri, lwsstart): rejected, see the file comment.
        fail('BAD_START_LINE', `whitespace or control character in the Request-URI at offset ${k}`, k);
      }
    }
    if (!isSip20(b, lastSp + 1, lineEnd) && !isSipVersion(s, lastSp + 1, lineEnd)) {
      const v = lastSp + 1;
      const sipSlash =
        (b[v]! | 0x20) === 0x73 &&
        (b[v + 1]! | 0x20) === 0x69 &&
        (b[v + 2]! | 0x20) === 0x70 &&
        b[v + 3]! === 0x2f;
      fail(
        'BAD_VERSION',
        `malformed SIP-Version ${JSON.stringify(s.substring(v, lineEnd))} in request line at offset ${v}`,
        v,
        sipSlash ? 505 : 400,
      );
    }
    f.request = true;
    f.methodE = methodE;
    f.uriS = uriS;
    f.uriE = uriE;
  }
  if (lineEnd - lineStart > limits.maxHeaderLineBytes) {
    fail(
      'HEADER_LINE_TOO_LONG',
      `start line of ${lineEnd - lineStart} bytes exceeds the limit of ${limits.maxHeaderLineBytes}`,
      lineStart,
    );
  }
  f.lineStart = lineStart;
  f.lineEnd = lineEnd;
  f.nextCr = nextCr;
  f.pos = nl + 1;
  return true;
}

/**
 * Header lines from `f.pos` up to the empty line (§7.3): names resolved to ids,
 * spans recorded in `f.meta`, Content-Length decoded. Returns false when the
 * view ends first and is a prefix.
 *
 * ```abnf
 * message-header = field-name HCOLON field-value CRLF     ; §7.3, §25.1
 * HCOLON = *( SP / HTAB ) ":" SWS ; LWS = [*WSP CRLF] 1*WSP (folding)
 * ```
 */
function scanHeaders(f: Frame, limits: ParseLimits): boolean {
  const b = f.b;
  const s = f.s;
  const sl = s.length;
  const len = b.length;
  const partial = f.partial;
  const maxHeaders = limits.maxHeaders;
  const maxLine = limits.maxHeaderLineBytes;
  // Offsets go to a reused scratch array first, then one exact-size copy:
  // cheaper than growing a fresh array header by header.
  const meta = scratch;
  let o = 0;
  let n = 0;
  let contentLength = -1;
  let bodyStart: number;
  let nextCr = f.nextCr;
  let nl: number;
  let pos = f.pos;
  for (;;) {
    if (pos >= sl) {
      if (partial) return false;
      fail('MISSING_HEADER_END', `header section is not ended by an empty line (offset ${pos})`, pos);
    }
    let c = b[pos]!;
    if (c === CR) {
      if (b[pos + 1]! === LF) {
        bodyStart = pos + 2;
        break;
      }
      if (pos + 1 >= len) {
        fail('MISSING_HEADER_END', `header section is not ended by an empty line (offset ${pos})`, pos);
      }
      fail('BAD_HEADER_LINE', `CR not followed by LF at offset ${pos}`, pos);
    }
    if (c === LF) {
      bodyStart = pos + 1;
      break;
    }
    if (n === maxHeaders) {
      fail('TOO_MANY_HEADERS', `more than ${maxHeaders} header lines (offset ${pos})`, pos);
    }
    // field-name = token. First the exact-case lookup of canonical names (see
    // header-names.ts); past the end of the bytes a load is undefined, which
    // matches nothing.
    let id = -1;
    let i = pos;
    const w0 = c | (b[pos + 1]! << 8) | (b[pos + 2]! << 16) | (b[pos + 3]! << 24);
    const h = exactBucket(w0);
    for (let k = EXACT_START[h]!, ke = EXACT_START[h + 1]!; k < ke; k++) {
      if (EXACT_W0[k]! !== w0) continue;
      const l = EXACT_LEN[k]!;
      const off = EXACT_OFF[k]!;
      let j = 4;
      while (j < l && b[pos + j]! === EXACT_CHARS[off + j]!) j++;
      if (j >= l && NAME_CLASS[b[pos + l]!]! === 0) {
        id = EXACT_ID[k]!;
        i = pos + l;
        c = b[i]!;
        break;
      }
    }
    if (id === -1) {
      // Any case: run the name DFA while the token is checked.
      // (Past the end of the bytes c is undefined, so is NAME_CLASS[c]: the loop stops.)
      let st = NAME_START;
      let k: number;
      while ((k = NAME_CLASS[c]!) > 0) {
        st = NAME_TRANS[(st << NAME_SHIFT) | k]!;
        c = b[++i]!;
      }
      id = NAME_ACCEPT[st]!;
    }
    const nameE = i;
    if (nameE === pos) {
      if (c === SP || c === HT) fail('BAD_HEADER_LINE', `line starting at offset ${pos} continues no header field`, pos);
      fail('BAD_HEADER_NAME', `header name holds a non-token character at offset ${pos}`, pos);
    }
    while (c === SP || c === HT) c = b[++i]!;
    if (c !== COLON) {
      if (c === CR || c === LF || i >= len) {
        fail('BAD_HEADER_LINE', `header line starting at offset ${pos} has no colon`, pos);
      }
      fail('BAD_HEADER_NAME', `header name holds a non-token character at offset ${i}`, i);
    }
    c = b[++i]!;
    while (c === SP || c === HT) c = b[++i]!;
    const valS = i;
    nl = s.indexOf('\n', i);
    let flags = 0;
    for (;;) {
      if (nl === -1) {
        if (partial) return false;
        fail('MISSING_HEADER_END', `header line starting at offset ${pos} is not terminated`, pos);
      }
      // A following line starting with WSP continues this field (§7.3.1).
      const nc = b[nl + 1]!;
      if (nc !== SP && nc !== HT) {
        if (nl + 1 >= sl && partial) return false;
        break;
      }
      flags = FLAG_FOLDED;
      nl = s.indexOf('\n', nl + 1);
    }
    const rawE = b[nl - 1]! === CR && nl - 1 >= valS ? nl - 1 : nl;
    // Every CR inside the field must start a CRLF (folded lines).
    while (nextCr < rawE) {
      if (nextCr >= pos && b[nextCr + 1]! !== LF) {
        fail('BAD_HEADER_LINE', `CR not followed by LF at offset ${nextCr}`, nextCr);
      }
      nextCr = s.indexOf('\r', nextCr + 1);
      if (nextCr === -1) nextCr = sl;
    }
    if (rawE - pos > maxLine) {
      fail('HEADER_LINE_TOO_LONG', `header line of ${rawE - pos} bytes at offset ${pos} exceeds the limit of ${maxLine}`, pos);
    }
    let valE = rawE;
    while (valE > valS) {
      const t = b[valE - 1]!;
      if (t !== SP && t !== HT) break;
      valE--;
    }
    if (id === H_CONTENT_LENGTH) {
      if (contentLength !== -1) {
        fail('DUPLICATE_CONTENT_LENGTH', `second Content-Length header at offset ${pos}`, pos, 400, 'Content-Length');
      }
      contentLength = contentLengthValue(s, b, valS, valE);
    }
    meta[o] = id;
    meta[o + 1] = pos;
    meta[o + 2] = nameE;
    meta[o + 3] = valS;
    meta[o + 4] = valE;
    meta[o + 5] = rawE;
    meta[o + 6] = flags;
    o += STRIDE;
    n++;
    pos = nl + 1;
  }

  f.meta = meta.slice(0, o);
  f.n = n;
  f.contentLength = contentLength;
  f.bodyStart = bodyStart;
  return true;
}

/** Where the body ends (§7.4, §18.3, §20.14). */
function bodyEnd(len: number, bodyStart: number, contentLength: number, stream: boolean): number {
  if (contentLength === -1) {
    if (stream) {
      fail(
        'BAD_CONTENT_LENGTH',
        'Content-Length is mandatory on stream transports (§18.3, §20.14) but absent',
        bodyStart,
        400,
        'Content-Length',
      );
    }
    // RFC 4475 inv2543: without Content-Length the body is the rest of the datagram.
    return len;
  }
  const end = bodyStart + contentLength;
  if (end > len) {
    fail(
      'TRUNCATED_BODY',
      `Content-Length ${contentLength} exceeds the ${len - bodyStart} bytes after the header section (offset ${bodyStart})`,
      bodyStart,
      400,
      'Content-Length',
    );
  }
  // Octets after the body are ignored (§18.3; RFC 4475 dblreq).
  return end;
}

/** Fast check for the version every message carries: exactly `SIP/2.0`. */
function isSip20(b: Uint8Array, start: number, end: number): boolean {
  return (
    end - start === 7 &&
    b[start] === 0x53 && // S
    b[start + 1] === 0x49 && // I
    b[start + 2] === 0x50 && // P
    b[start + 3] === 0x2f && // /
    b[start + 4] === 0x32 && // 2
    b[start + 5] === 0x2e && // .
    b[start + 6] === 0x30 // 0
  );
}

/**
 * `Content-Length = ( "Content-Length" / "l" ) HCOLON 1*DIGIT` (§20.14),
 * with folding LWS allowed around the digits.
 */
function contentLengthValue(s: string, b: Uint8Array, start: number, end: number): number {
  let v = 0;
  let digits = 0;
  let i = start;
  // A value folded onto the next line starts with the line break.
  while (i < end && (b[i] === CR || b[i] === LF || b[i] === SP || b[i] === HT)) i++;
  while (i < end) {
    const c = b[i]!;
    if (c >= 0x30 && c <= 0x39) {
      // Saturate: any value this large is more than any message can hold.
      if (v < 0x40000000) v = v * 10 + (c - 0x30);
      digits++;
      i++;
    } else break;
  }
  // Only LWS may follow the digits (a folded value ends in CRLF WSP).
  let j = i;
  while (j < end) {
    const c = b[j]!;
    if (c !== SP && c !== HT && c !== CR && c !== LF) break;
    j++;
  }
  if (digits === 0 || j !== end) {
    fail(
      'BAD_CONTENT_LENGTH',
      `Content-Length ${JSON.stringify(s.substring(start, end))} at offset ${start} is not a non-negative integer`,
      start,
      400,
      'Content-Length',
    );
  }
  return v;
}
