/**
 * Framing SIP messages on a byte stream (TCP, TLS) — RFC 3261 §18.3, and
 * the CRLF keep-alive of RFC 5626 §3.5.1.
 *
 * §18.3: on stream transports Content-Length MUST be present and marks where
 * the body, hence the message, ends. §7.5: CRLFs before a start line are
 * ignored. RFC 5626 §3.5.1: a double CRLF is a keep-alive "ping", answered
 * with a single CRLF "pong".
 *
 * Buffering is bounded by `limits.maxMessageBytes`: a header section that
 * does not end within it, or a Content-Length that would exceed it, fails the
 * framer with a 413 error. A failed framer cannot recover (the message
 * boundary is lost), so the connection must be closed.
 */
import { SipParseError, type SipParseErrorCode } from './errors.js';
import { TOKEN } from './charset.js';
import { LOWER } from './header-names.js';
import type { SipRequest, SipResponse } from './message.js';
import { parseMessage, resolveLimits } from './parse.js';
import type { ParseLimits } from './types.js';
import { requireBytes } from './arguments.js';

/** What {@link StreamFramer.push} reports. */
export type FramerEvent =
  /** A complete message (already parsed; the framer copied its bytes). */
  | { readonly type: 'message'; readonly message: SipRequest | SipResponse }
  /** A CRLFCRLF keep-alive (RFC 5626 §3.5.1); the transport answers with one CRLF. */
  | { readonly type: 'ping' }
  /** A single CRLF received while a ping sent by us was outstanding (see {@link StreamFramer.pingSent}). */
  | { readonly type: 'pong' }
  /**
   * Only with `continueAfterMalformed`: a message whose boundaries were found
   * (header section ended, Content-Length read) but which does not parse.
   * `bytes` are its own copy; framing goes on with the next message.
   */
  | { readonly type: 'malformed'; readonly bytes: Uint8Array; readonly error: SipParseError }
  /** The stream cannot be framed any further; close the connection. Always the last event. */
  | { readonly type: 'error'; readonly error: SipParseError };

/** Options for {@link StreamFramer}. */
export interface StreamFramerOptions {
  /** Limits for buffering and parsing; unspecified fields take `DEFAULT_LIMITS`. */
  limits?: Partial<ParseLimits>;
  /**
   * Report a framed message that does not parse as a `malformed` event and
   * go on framing, instead of failing: RFC 3261 §18.3 closes a connection
   * only when the framing is lost, so a server can answer such a message
   * with 400 and keep the connection. Errors that put the message's
   * boundary in doubt (Content-Length, size) still fail the framer.
   * Default false.
   */
  continueAfterMalformed?: boolean;
}

/** Parse errors that question where a framed message ends: they fail the framer even with `continueAfterMalformed`. */
const BOUNDARY_ERRORS: ReadonlySet<SipParseErrorCode> = new Set<SipParseErrorCode>([
  'MESSAGE_TOO_LARGE',
  'MISSING_HEADER_END',
  'BAD_CONTENT_LENGTH',
  'DUPLICATE_CONTENT_LENGTH',
  'TRUNCATED_BODY',
]);

const CR = 0x0d;
const LF = 0x0a;
const PING: FramerEvent = Object.freeze({ type: 'ping' });
const PONG: FramerEvent = Object.freeze({ type: 'pong' });

// Framer phases between pushes.
/** Between messages: skipping CRLFs, detecting keep-alives. */
const IDLE = 0;
/** Inside a header section, looking for its end. */
const HEAD = 1;
/** Header section complete, waiting for Content-Length body bytes. */
const BODY = 2;

/**
 * Splits a byte stream into SIP messages.
 *
 * Feed it every chunk read from the connection; it returns the events the
 * chunk completed, in order. Any split of the stream gives the same events.
 *
 * Stray CRLFs: a single CRLF between messages is ignored (§7.5) unless a ping
 * we sent is outstanding, in which case it is reported as `pong`. A double
 * CRLF is always a `ping`.
 *
 * @example
 * const framer = new StreamFramer();
 * socket.on('data', (chunk) => {
 *   for (const ev of framer.push(chunk)) {
 *     if (ev.type === 'message') handle(ev.message);
 *     else if (ev.type === 'ping') socket.write('\r\n');
 *     else if (ev.type === 'error') socket.destroy();
 *   }
 * });
 */
export class StreamFramer {
  private readonly limits: ParseLimits;
  private readonly parseOptions: { limits: ParseLimits; mode: 'stream' };
  /** Unconsumed bytes live in `buf[rd, wr)`. */
  private buf: Uint8Array = new Uint8Array(0);
  private rd = 0;
  private wr = 0;
  private phase = IDLE;
  /** CRLFs seen in a row while idle (0 or 1; 2 makes a ping). */
  private crlfs = 0;
  private pongsExpected = 0;
  /** Bytes of the current header section already searched for its end. */
  private scanned = 0;
  /** Total length of the current message once its header section is complete. */
  private msgLen = 0;
  private error: SipParseError | null = null;
  private readonly continueAfterMalformed: boolean;

  /** @throws TypeError when a limit is not a positive integer. */
  constructor(options: StreamFramerOptions = {}) {
    this.limits = resolveLimits(options.limits);
    this.parseOptions = { limits: this.limits, mode: 'stream' };
    this.continueAfterMalformed = options.continueAfterMalformed === true;
  }

  /** True once an `error` event was produced; later input is ignored. */
  get failed(): boolean {
    return this.error !== null;
  }

  /** Bytes held waiting for the rest of a message. */
  get buffered(): number {
    return this.wr - this.rd;
  }

  /**
   * Record that we sent a CRLFCRLF ping, so the next single CRLF between
   * messages is reported as `pong` (RFC 5626 §4.4.1).
   */
  pingSent(): void {
    this.pongsExpected++;
  }

  /**
   * Add bytes read from the stream; returns the events they complete. The
   * chunk is not retained (bytes are copied as needed).
   */
  push(chunk: Uint8Array): FramerEvent[] {
    requireBytes(chunk, 'StreamFramer.push: chunk');
    const events: FramerEvent[] = [];
    if (this.error !== null || chunk.length === 0) return events;
    // Work on the chunk itself when nothing is pending, else on the buffer.
    let data: Uint8Array;
    let pos: number;
    let end: number;
    if (this.rd === this.wr) {
      data = chunk;
      pos = 0;
      end = chunk.length;
    } else {
      this.append(chunk);
      data = this.buf;
      pos = this.rd;
      end = this.wr;
    }
    try {
      pos = this.run(data, pos, end, events);
    } catch (e) {
      if (!(e instanceof SipParseError)) throw e;
      this.error = e;
      events.push({ type: 'error', error: e });
      this.buf = new Uint8Array(0);
      this.rd = this.wr = 0;
      return events;
    }
    if (data === chunk) {
      this.rd = this.wr = 0;
      if (pos < end) this.append(chunk.subarray(pos, end));
    } else {
      this.rd = pos;
      if (this.rd === this.wr) this.drained();
    }
    return events;
  }

  /** Process `data[pos, end)`; returns the first unconsumed offset. */
  private run(data: Uint8Array, pos: number, end: number, events: FramerEvent[]): number {
    const max = this.limits.maxMessageBytes;
    for (;;) {
      if (this.phase === IDLE) {
        while (pos < end) {
          const c = data[pos]!;
          if (c === CR) {
            if (pos + 1 >= end) return pos; // wait for the LF
            if (data[pos + 1] !== LF) break; // the parser reports the stray CR
            pos += 2;
          } else if (c === LF) {
            pos += 1; // a bare LF is skipped (the parser's leniency) but is no keep-alive
            continue;
          } else break;
          if (this.pongsExpected > 0 && this.crlfs === 0) {
            this.pongsExpected--;
            events.push(PONG);
          } else if (++this.crlfs === 2) {
            this.crlfs = 0;
            events.push(PING);
          }
        }
        if (pos >= end) return pos;
        this.crlfs = 0; // a lone CRLF before a message is ignored (§7.5)
        this.phase = HEAD;
        this.scanned = 0;
      }
      if (this.phase === HEAD) {
        const headEnd = findHeadEnd(data, pos + this.scanned, end);
        if (headEnd < 0) {
          this.scanned = -headEnd - 1 - pos;
          if (end - pos > max) {
            throw new SipParseError(
              'MESSAGE_TOO_LARGE',
              `header section of the incoming message exceeds ${max} bytes without an empty line (§7)`,
              { offset: max, statusHint: 413 },
            );
          }
          return pos;
        }
        const cl = contentLength(data, pos, headEnd);
        this.msgLen = headEnd - pos + cl;
        if (this.msgLen > max) {
          throw new SipParseError(
            'MESSAGE_TOO_LARGE',
            `message of ${this.msgLen} bytes (header section and Content-Length ${cl}) exceeds the limit of ${max} bytes`,
            { offset: 0, statusHint: 413, header: 'Content-Length' },
          );
        }
        this.phase = BODY;
      }
      // BODY
      if (end - pos < this.msgLen) return pos;
      // Copy: the message outlives both the caller's chunk and our buffer.
      // (Not `data.slice`, which is a view when `data` is a Buffer.)
      const bytes = new Uint8Array(this.msgLen);
      bytes.set(data.subarray(pos, pos + this.msgLen));
      pos += this.msgLen;
      this.phase = IDLE;
      if (!this.continueAfterMalformed) {
        events.push({ type: 'message', message: parseMessage(bytes, this.parseOptions) });
        continue;
      }
      try {
        events.push({ type: 'message', message: parseMessage(bytes, this.parseOptions) });
      } catch (e) {
        if (!(e instanceof SipParseError) || BOUNDARY_ERRORS.has(e.code)) throw e;
        events.push({ type: 'malformed', bytes, error: e });
      }
    }
  }

  /**
   * Copy `chunk` after the pending bytes. Compacting only when that leaves
   * at least half the buffer free, and otherwise doubling, keeps the copying
   * linear in the bytes received however small the chunks are.
   */
  private append(chunk: Uint8Array): void {
    const pending = this.wr - this.rd;
    const need = pending + chunk.length;
    if (this.wr + chunk.length > this.buf.length) {
      if (need <= this.buf.length >> 1) {
        this.buf.copyWithin(0, this.rd, this.wr);
      } else {
        let cap = Math.max(this.buf.length, 2048);
        while (cap < need * 2) cap *= 2;
        const nb = new Uint8Array(cap);
        nb.set(this.buf.subarray(this.rd, this.wr));
        this.buf = nb;
      }
      this.rd = 0;
      this.wr = pending;
    }
    this.buf.set(chunk, this.wr);
    this.wr += chunk.length;
  }

  /** Nothing pending: rewind, and drop a buffer grown large by one big message. */
  private drained(): void {
    this.rd = this.wr = 0;
    if (this.buf.length > RETAINED_BUFFER) this.buf = new Uint8Array(0);
  }
}

/** Largest idle buffer kept per connection. */
const RETAINED_BUFFER = 16 * 1024;

/**
 * Offset just past the empty line ending the header section starting at or
 * before `from` (CRLF CRLF, or LF LF / LF CRLF with bare LFs); otherwise
 * `-(resume) - 1` where `resume` is the offset to search from next time.
 */
function findHeadEnd(data: Uint8Array, from: number, end: number): number {
  let i = from;
  for (;;) {
    const lf = data.indexOf(LF, i);
    if (lf === -1 || lf >= end) return -end - 1;
    const a = lf + 1;
    if (a >= end) return -lf - 1;
    const c = data[a];
    if (c === LF) return a + 1;
    if (c === CR) {
      if (a + 1 >= end) return -lf - 1;
      if (data[a + 1] === LF) return a + 2;
    }
    i = a;
  }
}

function framingError(code: SipParseErrorCode, message: string, offset: number): SipParseError {
  return new SipParseError(code, message, { offset, statusHint: 400, header: 'Content-Length' });
}

const CONTENT_LENGTH = 'content-length';

/**
 * Content-Length of the header section `data[start, headEnd)` (§20.14);
 * the full parser re-checks everything once the body is in.
 */
function contentLength(data: Uint8Array, start: number, headEnd: number): number {
  let value = -1;
  let line = data.indexOf(LF, start) + 1; // skip the start line
  while (line < headEnd) {
    // The header section ends in an empty line, so every LF searched for here exists before headEnd.
    let next = lineAfter(data, line, headEnd);
    // A field continues on lines starting with SP / HTAB (§7.3.1).
    while (next < headEnd && (data[next] === 0x20 || data[next] === 0x09)) next = lineAfter(data, next, headEnd);
    let i = line;
    while (i < next && TOKEN[data[i]!] === 1) i++;
    const nameLen = i - line;
    let match = false;
    if (nameLen === 1) match = LOWER[data[line]!] === 0x6c; // "l"
    else if (nameLen === CONTENT_LENGTH.length) {
      match = true;
      for (let k = 0; k < nameLen; k++) {
        if (LOWER[data[line + k]!] !== CONTENT_LENGTH.charCodeAt(k)) {
          match = false;
          break;
        }
      }
    }
    if (match) {
      while (i < next && (data[i] === 0x20 || data[i] === 0x09)) i++;
      if (data[i] === 0x3a) {
        if (value !== -1) {
          throw new SipParseError('DUPLICATE_CONTENT_LENGTH', `second Content-Length header at offset ${line - start}`, {
            offset: line - start,
            header: 'Content-Length',
          });
        }
        value = digits(data, i + 1, next, line - start);
      }
    }
    line = next;
  }
  if (value === -1) {
    throw framingError(
      'BAD_CONTENT_LENGTH',
      'Content-Length is mandatory on stream transports (§18.3) but absent',
      headEnd - start,
    );
  }
  return value;
}

/** Offset after the LF ending the line at `i`, at most `limit`. */
function lineAfter(data: Uint8Array, i: number, limit: number): number {
  const lf = data.indexOf(LF, i);
  return lf === -1 || lf >= limit ? limit : lf + 1;
}

/** `1*DIGIT` surrounded by LWS in `data[i, end)`. */
function digits(data: Uint8Array, i: number, end: number, lineOffset: number): number {
  const isLws = (c: number | undefined): boolean => c === 0x20 || c === 0x09 || c === CR || c === LF;
  while (i < end && isLws(data[i])) i++;
  let v = 0;
  let n = 0;
  while (i < end && data[i]! >= 0x30 && data[i]! <= 0x39) {
    if (v < 0x40000000) v = v * 10 + (data[i]! - 0x30);
    n++;
    i++;
  }
  while (i < end && isLws(data[i])) i++;
  if (n === 0 || i !== end) {
    throw framingError('BAD_CONTENT_LENGTH', `Content-Length at offset ${lineOffset} is not a non-negative integer`, lineOffset);
  }
  return v;
}
