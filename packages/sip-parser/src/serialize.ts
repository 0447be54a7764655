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
 * One output buffer, reused by every call (serialization is synchronous):
 * header text and received spans are written straight into it, and the result
 * is one exact-size copy. It grows for a large header section and is dropped
 * back to its initial size afterwards, so nothing large stays retained.
 */
const OUT_INITIAL = 4096;
let out = new Uint8Array(OUT_INITIAL);
let outBuf: Buffer = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
let at = 0;

/** Make room for `n` more bytes. */
function reserve(n: number): void {
  if (at + n <= out.length) return;
  let size = out.length * 2;
  while (size < at + n) size *= 2;
  const next = new Uint8Array(size);
  next.set(out.subarray(0, at));
  out = next;
  outBuf = Buffer.from(next.buffer, next.byteOffset, next.byteLength);
}

/** Write `s` as UTF-8 (§7.3.1 TEXT-UTF8); short ASCII text, the usual case, by a plain loop. */
function putText(s: string): void {
  const len = s.length;
  reserve(len * 3); // a UTF-16 code unit takes at most 3 UTF-8 bytes
  if (len > 24) {
    // Longer text: the native encoder beats the loop below.
    at += outBuf.write(s, at, 'utf8');
    return;
  }
  const o = out;
  let p = at;
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      at = p + outBuf.write(i === 0 ? s : s.slice(i), p, 'utf8');
      return;
    }
    o[p++] = c;
  }
  at = p;
}

/** Write `bytes[s, e)`; very short spans by a loop (cheaper than a view and `set`). */
function putSpan(bytes: Uint8Array, s: number, e: number): void {
  const n = e - s;
  reserve(n);
  if (n > 16) out.set(bytes.subarray(s, e), at);
  else {
    const o = out;
    let p = at;
    for (let i = s; i < e; i++) o[p++] = bytes[i]!;
  }
  at += n;
}

function putCrlf(): void {
  reserve(2);
  out[at] = 0x0d;
  out[at + 1] = 0x0a;
  at += 2;
}

/** Write a non-negative integer in decimal. */
function putInt(v: number): void {
  putText(String(v));
}

/** `Content-Length: n CRLF` (§20.14). */
function putContentLength(n: number): void {
  putText('Content-Length: ');
  putInt(n);
  putCrlf();
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

  at = 0;
  spanS = -1;
  try {
    return writeMessage(msg, h);
  } finally {
    if (out.length > OUT_INITIAL * 4) {
      out = new Uint8Array(OUT_INITIAL);
      outBuf = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
    }
  }
}

/** Header section of a built or modified message into `out`, then one exact-size copy with the body. */
function writeMessage(msg: SipMessage, h: SipHeaders): Uint8Array {
  const bytes = msg._bytes;
  if (!msg._wireStart) {
    putStartLine(msg);
    putCrlf();
  } else if (bytes[msg._lineEnd] === 0x0d) {
    // Received start line: starts the span of received lines.
    spanBytes = bytes;
    spanS = msg._lineStart;
    spanE = msg._lineEnd + 2;
  } else {
    // A bare LF is rewritten as CRLF.
    putSpan(bytes, msg._lineStart, msg._lineEnd);
    putCrlf();
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
        if (digitsValue(src.substring(m[o + F_VAL_S]!, m[o + F_VAL_E]!)) === bodyLen) putWireLine(hb, m, o);
        else {
          flushSpan();
          putContentLength(bodyLen);
        }
      } else putWireLine(hb, m, o);
    }
  } else {
    for (let k = 0; k < entries.length; k++) {
      const e = entries[k]!;
      if (e.id === H_CONTENT_LENGTH) {
        if (clDone) continue;
        clDone = true;
        const o = e.o;
        // Already right: keep it as received.
        if (o >= 0 && digitsValue(src.substring(meta![o + F_VAL_S]!, meta![o + F_VAL_E]!)) === bodyLen) putWireLine(hb, meta!, o);
        else {
          flushSpan();
          putContentLength(bodyLen);
        }
      } else if (e.o >= 0) putWireLine(hb, meta!, e.o);
      else {
        flushSpan();
        putText(e.id === 0 ? e.name! : canonicalNameOfId(e.id));
        reserve(2);
        out[at] = 0x3a; // ":"
        out[at + 1] = 0x20;
        at += 2;
        putText(e.value!);
        putCrlf();
      }
    }
  }
  flushSpan();
  spanBytes = EMPTY_BYTES; // do not keep the message's bytes alive
  if (!clDone) putContentLength(bodyLen);
  putCrlf();
  const head = at;
  const result = allocOut(head + bodyLen);
  result.set(out.subarray(0, head));
  if (bodyLen > 0) result.set(body, head);
  return result;
}

// Received lines that were adjacent on the wire and CRLF-terminated go out
// as one span: [spanS, spanE) of spanBytes, written by flushSpan().
const EMPTY_BYTES = new Uint8Array(0);
let spanBytes: Uint8Array = EMPTY_BYTES;
let spanS = -1;
let spanE = -1;

function flushSpan(): void {
  if (spanS === -1) return;
  putSpan(spanBytes, spanS, spanE);
  spanS = -1;
}

/**
 * A received header line, name through value (folded continuations included),
 * byte for byte, ended by CRLF (a bare LF is rewritten as CRLF).
 */
function putWireLine(bytes: Uint8Array, meta: readonly number[], o: number): void {
  const s = meta[o + F_NAME_S]!;
  const e = meta[o + F_RAW_E]!;
  if (bytes[e] === 0x0d) {
    // CRLF-terminated: extend the pending span or start one.
    if (spanS === -1 || s !== spanE || bytes !== spanBytes) {
      flushSpan();
      spanBytes = bytes;
      spanS = s;
    }
    spanE = e + 2;
    return;
  }
  flushSpan();
  putSpan(bytes, s, e);
  putCrlf();
}

/**
 * The start line, for a message whose start line changed or was built.
 * `Request-Line = Method SP Request-URI SP SIP-Version` (§7.1),
 * `Status-Line = SIP-Version SP Status-Code SP Reason-Phrase` (§7.2).
 */
function putStartLine(msg: SipMessage): void {
  if (msg instanceof SipRequest) {
    putText(msg.method);
    putText(' ');
    putText(msg.requestUri);
    putText(' ');
    putText(msg.version);
    return;
  }
  const r = msg as SipResponse;
  putText(r.version);
  putText(' ');
  putInt(r.status);
  putText(' ');
  putText(r.reason);
}

/**
 * The serialized message as text (UTF-8 decoded), for logs and traces.
 * Binary bodies come out mangled; use {@link serializeMessage} for the wire.
 */
export function messageToString(msg: SipMessage): string {
  const b = serializeMessage(msg);
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
}
