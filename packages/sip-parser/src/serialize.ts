/**
 * Writing messages back to bytes — RFC 3261 §7.
 *
 * - An unmodified parsed message is copied byte for byte.
 * - Otherwise: header lines that were not touched are copied exactly as
 *   received (a proxy forwards headers it does not understand unchanged,
 *   §16.6), new or replaced lines are written as `Name: value` with the
 *   canonical name, every line ends in CRLF.
 * - Content-Length is always written and always matches the body (§20.14;
 *   mandatory on streams, §18.3): any received one is replaced unless it is
 *   already right, in which case it is kept byte-exact.
 */
import { H_CONTENT_LENGTH, canonicalNameOfId } from './header-names.js';
import { F_NAME_S, F_RAW_E, F_VAL_E, F_VAL_S, STRIDE, type SipHeaders } from './headers.js';
import type { SipMessage } from './message.js';
import { SipRequest, SipResponse } from './message.js';

/**
 * Initial size of a {@link Writer}'s buffer. One buffer of this size is lent
 * to every writer in turn (serialization is synchronous, so two writers never
 * hold it at once): most header sections fit, and then nothing is allocated
 * but the exact-size result. A writer that outgrows it continues in a private
 * buffer, dropped with the writer, so nothing large stays retained.
 */
const OUT_INITIAL = 4096;
const SCRATCH = new Uint8Array(OUT_INITIAL);
const SCRATCH_BUF: Buffer = Buffer.from(SCRATCH.buffer, SCRATCH.byteOffset, SCRATCH.byteLength);
const EMPTY_BYTES = new Uint8Array(0);

/**
 * The state of one serialization: the output buffer and write position, and
 * the pending span of received lines. Received lines that were adjacent on the
 * wire and CRLF-terminated go out as one span, `[spanS, spanE)` of `spanBytes`,
 * written by {@link Writer.flushSpan}.
 */
class Writer {
  out: Uint8Array = SCRATCH;
  outBuf: Buffer = SCRATCH_BUF;
  at = 0;
  spanBytes: Uint8Array = EMPTY_BYTES;
  spanS = -1;
  spanE = -1;

  /** Make room for `n` more bytes. */
  reserve(n: number): void {
    const at = this.at;
    if (at + n <= this.out.length) return;
    let size = this.out.length * 2;
    while (size < at + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.out.subarray(0, at));
    this.out = next;
    this.outBuf = Buffer.from(next.buffer, next.byteOffset, next.byteLength);
  }

  /** Write `s` as UTF-8 (§7.3.1 TEXT-UTF8); short ASCII text, the usual case, by a plain loop. */
  putText(s: string): void {
    const len = s.length;
    this.reserve(len * 3); // a UTF-16 code unit takes at most 3 UTF-8 bytes
    if (len > 24) {
      // Longer text: the native encoder beats the loop below.
      this.at += this.outBuf.write(s, this.at, 'utf8');
      return;
    }
    const o = this.out;
    let p = this.at;
    for (let i = 0; i < len; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) {
        this.at = p + this.outBuf.write(i === 0 ? s : s.slice(i), p, 'utf8');
        return;
      }
      o[p++] = c;
    }
    this.at = p;
  }

  /** Write `bytes[s, e)`; very short spans by a loop (cheaper than a view and `set`). */
  putSpan(bytes: Uint8Array, s: number, e: number): void {
    const n = e - s;
    this.reserve(n);
    const o = this.out;
    if (n > 16) o.set(bytes.subarray(s, e), this.at);
    else {
      let p = this.at;
      for (let i = s; i < e; i++) o[p++] = bytes[i]!;
    }
    this.at += n;
  }

  /** Write two bytes, e.g. CRLF or `": "`. */
  putPair(a: number, b: number): void {
    this.reserve(2);
    const at = this.at;
    this.out[at] = a;
    this.out[at + 1] = b;
    this.at = at + 2;
  }

  putCrlf(): void {
    this.putPair(0x0d, 0x0a);
  }

  /** `Content-Length: n CRLF` (§20.14). */
  putContentLength(n: number): void {
    this.putText('Content-Length: ');
    this.putText(String(n));
    this.putCrlf();
  }

  flushSpan(): void {
    if (this.spanS === -1) return;
    this.putSpan(this.spanBytes, this.spanS, this.spanE);
    this.spanS = -1;
  }

  /**
   * A received header line, name through value (folded continuations included),
   * byte for byte, ended by CRLF (a bare LF is rewritten as CRLF).
   */
  putWireLine(bytes: Uint8Array, meta: readonly number[], o: number): void {
    const s = meta[o + F_NAME_S]!;
    const e = meta[o + F_RAW_E]!;
    if (bytes[e] === 0x0d) {
      // CRLF-terminated: extend the pending span or start one.
      if (this.spanS === -1 || s !== this.spanE || bytes !== this.spanBytes) {
        this.flushSpan();
        this.spanBytes = bytes;
        this.spanS = s;
      }
      this.spanE = e + 2;
      return;
    }
    this.flushSpan();
    this.putSpan(bytes, s, e);
    this.putCrlf();
  }

  /**
   * The start line, for a message whose start line changed or was built.
   * `Request-Line = Method SP Request-URI SP SIP-Version` (§7.1),
   * `Status-Line = SIP-Version SP Status-Code SP Reason-Phrase` (§7.2).
   */
  putStartLine(msg: SipMessage): void {
    if (msg instanceof SipRequest) {
      this.putText(msg.method);
      this.putText(' ');
      this.putText(msg.requestUri);
      this.putText(' ');
      this.putText(msg.version);
      return;
    }
    const r = msg as SipResponse;
    this.putText(r.version);
    this.putText(' ');
    this.putText(String(r.status));
    this.putText(' ');
    this.putText(r.reason);
  }
}

/** `b[s, e)` as a plain Uint8Array view (cheaper than Buffer's own subarray). */
function view(b: Uint8Array, s: number, e: number): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset + s, e - s);
}

// Output arrays of up to SLAB / 2 bytes are carved from a shared slab, as
// Node's Buffer pool does: allocating a fresh ArrayBuffer per message costs
// more than serializing it.
const SLAB = 16 * 1024;
let slab = new ArrayBuffer(SLAB);
let slabOffset = 0;

/** A zeroed-or-overwritten array of `n` bytes that the caller fills completely. */
function allocOut(n: number): Uint8Array {
  if (n > SLAB / 2) return new Uint8Array(n);
  if (slabOffset + n > SLAB) {
    slab = new ArrayBuffer(SLAB);
    slabOffset = 0;
  }
  const out = new Uint8Array(slab, slabOffset, n);
  slabOffset += (n + 7) & ~7; // keep views 8-byte aligned
  return out;
}

/** Content-Length value of a received line, or -1 if it is not plain digits. */
function digitsValue(s: string): number {
  if (s.length === 0 || s.length > 9) return -1;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    v = v * 10 + (c - 0x30);
  }
  return v;
}

/**
 * Serialize a message to bytes. Small results are views into a shared
 * allocation slab (like Node's Buffer pool): use `byteOffset`/`byteLength`
 * when handing `.buffer` to an API.
 *
 * @example
 * const out = serializeMessage(parseMessage(bytes)); // identical to `bytes` (up to Content-Length bytes of body)
 */
export function serializeMessage(msg: SipMessage): Uint8Array {
  const h = msg._headers;
  // Fast path: nothing changed since parsing, and the received Content-Length
  // (checked by the parser to fit) is what framed the body.
  if (msg._wireStart && msg._wireBody && h._entries === null && msg._hasContentLength) {
    // A copy (not a view): the caller may reuse or change either buffer.
    const copy = allocOut(msg._bodyEnd - msg._lineStart);
    copy.set(view(msg._bytes, msg._lineStart, msg._bodyEnd));
    return copy;
  }

  return writeMessage(new Writer(), msg, h);
}

/** Header section of a built or modified message into `w`, then one exact-size copy with the body. */
function writeMessage(w: Writer, msg: SipMessage, h: SipHeaders): Uint8Array {
  const bytes = msg._bytes;
  if (!msg._wireStart) {
    w.putStartLine(msg);
    w.putCrlf();
  } else if (bytes[msg._lineEnd] === 0x0d) {
    // Received start line: starts the span of received lines.
    w.spanBytes = bytes;
    w.spanS = msg._lineStart;
    w.spanE = msg._lineEnd + 2;
  } else {
    // A bare LF is rewritten as CRLF.
    w.putSpan(bytes, msg._lineStart, msg._lineEnd);
    w.putCrlf();
  }

  const body = msg.body;
  const bodyLen = body.length;
  // Received lines come from the header list's own bytes (a built response
  // may hold lines that reference its request's bytes, see build.ts).
  const hb = h._bytes;
  const src = h._src;
  const meta = h._meta;
  let clDone = false;

  const entries = h._entries;
  if (entries === null) {
    const m = meta!;
    const end = h._n * STRIDE;
    for (let o = 0; o < end; o += STRIDE) {
      if (m[o] === H_CONTENT_LENGTH) {
        if (clDone) continue;
        clDone = true;
        if (digitsValue(src.substring(m[o + F_VAL_S]!, m[o + F_VAL_E]!)) === bodyLen) w.putWireLine(hb, m, o);
        else {
          w.flushSpan();
          w.putContentLength(bodyLen);
        }
      } else w.putWireLine(hb, m, o);
    }
  } else {
    for (let k = 0; k < entries.length; k++) {
      const e = entries[k]!;
      if (e.id === H_CONTENT_LENGTH) {
        if (clDone) continue;
        clDone = true;
        const o = e.o;
        // Already right: keep it as received.
        if (o >= 0 && digitsValue(src.substring(meta![o + F_VAL_S]!, meta![o + F_VAL_E]!)) === bodyLen) w.putWireLine(hb, meta!, o);
        else {
          w.flushSpan();
          w.putContentLength(bodyLen);
        }
      } else if (e.o >= 0) w.putWireLine(hb, meta!, e.o);
      else {
        w.flushSpan();
        w.putText(e.id === 0 ? e.name! : canonicalNameOfId(e.id));
        w.putPair(0x3a, 0x20); // ": "
        w.putText(e.value!);
        w.putCrlf();
      }
    }
  }
  w.flushSpan();
  if (!clDone) w.putContentLength(bodyLen);
  w.putCrlf();
  const head = w.at;
  const result = allocOut(head + bodyLen);
  result.set(w.out.subarray(0, head));
  if (bodyLen > 0) result.set(body, head);
  return result;
}

/**
 * The serialized message as text (UTF-8 decoded), for logs and traces.
 * Binary bodies come out mangled; use {@link serializeMessage} for the wire.
 */
export function messageToString(msg: SipMessage): string {
  const b = serializeMessage(msg);
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
}
