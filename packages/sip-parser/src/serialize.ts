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
import { F_NAME_S, F_RAW_E, F_VAL_E, F_VAL_S, STRIDE } from './headers.js';
import type { SipMessage } from './message.js';
import { SipRequest, SipResponse } from './message.js';

const CRLF = new Uint8Array([0x0d, 0x0a]);

/**
 * Collects byte ranges and text, then writes them into one exact-size array.
 * Text is encoded straight into the output (no intermediate arrays).
 */
class Writer {
  private readonly parts: Array<Uint8Array | string> = [];
  private ascii = true;
  private size = 0;

  bytes(b: Uint8Array): void {
    this.parts.push(b);
    this.size += b.length;
  }

  text(s: string): void {
    this.parts.push(s);
    const n = utf8Length(s);
    if (n !== s.length) this.ascii = false;
    this.size += n;
  }

  finish(): Uint8Array {
    const out = allocOut(this.size);
    // A Buffer view of the same memory, for its native string writer.
    let buf: Buffer | null = null;
    let o = 0;
    for (const p of this.parts) {
      if (typeof p === 'string') {
        if (this.ascii) {
          // Short ASCII lines: a plain loop beats a call into the native encoder.
          for (let i = 0; i < p.length; i++) out[o + i] = p.charCodeAt(i);
          o += p.length;
        } else {
          buf ??= Buffer.from(out.buffer, out.byteOffset, out.byteLength);
          o += buf.write(p, o, 'utf8');
        }
      } else {
        out.set(p, o);
        o += p.length;
      }
    }
    return out;
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

/** UTF-8 length of `s`; the loop covers the all-ASCII common case cheaply. */
function utf8Length(s: string): number {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return Buffer.byteLength(s, 'utf8');
  return s.length;
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
 * The start line as text, for a message whose start line changed or was built.
 * `Request-Line = Method SP Request-URI SP SIP-Version` (§7.1),
 * `Status-Line = SIP-Version SP Status-Code SP Reason-Phrase` (§7.2).
 */
function startLine(msg: SipMessage): string {
  if (msg instanceof SipRequest) return `${msg.method} ${msg.requestUri} ${msg.version}`;
  const r = msg as SipResponse;
  return `${r.version} ${r.status} ${r.reason}`;
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
    const out = allocOut(msg._bodyEnd - msg._lineStart);
    out.set(view(msg._bytes, msg._lineStart, msg._bodyEnd));
    return out;
  }

  const w = new Writer();
  const src = msg._src;
  const bytes = msg._bytes;
  // Received lines are copied as byte spans; neighbouring lines that were
  // adjacent on the wire (CRLF-terminated) go out as one span.
  let spanS = -1;
  let spanE = -1;
  if (!msg._wireStart) w.text(startLine(msg) + '\r\n');
  else if (bytes[msg._lineEnd] === 0x0d) {
    spanS = msg._lineStart;
    spanE = msg._lineEnd + 2;
  } else {
    w.bytes(view(bytes, msg._lineStart, msg._lineEnd));
    w.bytes(CRLF);
  }

  const body = msg.body;
  let clDone = false;
  const writeContentLength = (): void => {
    w.text(`Content-Length: ${body.length}\r\n`);
  };

  const meta = h._meta;
  const flush = (): void => {
    if (spanS !== -1) w.bytes(view(bytes, spanS, spanE));
    spanS = -1;
  };
  const wireLine = (o: number): void => {
    const s = meta![o + F_NAME_S]!;
    const e = meta![o + F_RAW_E]!;
    if (bytes[e] === 0x0d) {
      // CRLF-terminated: extend or start a span.
      if (spanS === -1 || s !== spanE) {
        flush();
        spanS = s;
      }
      spanE = e + 2;
      return;
    }
    flush(); // a bare LF is rewritten as CRLF
    w.bytes(view(bytes, s, e));
    w.bytes(CRLF);
  };
  const contentLengthLine = (value: string | null, o: number): void => {
    if (clDone) return;
    clDone = true;
    if (o >= 0 && digitsValue(value ?? src.substring(meta![o + F_VAL_S]!, meta![o + F_VAL_E]!)) === body.length) {
      wireLine(o); // already right: keep it as received
      return;
    }
    flush();
    writeContentLength();
  };

  const entries = h._entries;
  if (entries === null) {
    for (let o = 0; o < h._n * STRIDE; o += STRIDE) {
      if (meta![o] === H_CONTENT_LENGTH) contentLengthLine(null, o);
      else wireLine(o);
    }
  } else {
    for (const e of entries) {
      if (e.id === H_CONTENT_LENGTH) contentLengthLine(e.o >= 0 ? null : e.value, e.o);
      else if (e.o >= 0) wireLine(e.o);
      else {
        flush();
        w.text(`${e.id === 0 ? e.name! : canonicalNameOfId(e.id)}: ${e.value!}\r\n`);
      }
    }
  }
  flush();
  if (!clDone) writeContentLength();
  w.bytes(CRLF);
  w.bytes(body);
  return w.finish();
}

/**
 * The serialized message as text (UTF-8 decoded), for logs and traces.
 * Binary bodies come out mangled; use {@link serializeMessage} for the wire.
 */
export function messageToString(msg: SipMessage): string {
  const b = serializeMessage(msg);
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
}
