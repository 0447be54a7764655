/**
 * DTMF carried in SIP INFO bodies (RFC 6086 INFO, legacy usage without an
 * Info Package): `application/dtmf-relay` (the de-facto format trunks and
 * SBCs send) and `application/dtmf` (the bare key).
 *
 * ```text
 * application/dtmf-relay            application/dtmf
 *   Signal=5<CRLF>                    5
 *   Duration=160<CRLF>
 * ```
 * Parsing is lenient where real senders differ (LF or CRLF, spaces around
 * `=`, key case, a numeric event code `10`/`11` for `*`/`#` as some gateways
 * send, extra lines) and strict where a wrong answer would be worse than
 * none: a missing or unknown signal and a malformed duration are typed errors.
 */
import { TrunklineError } from '@trunkline/errors';
import { dtmfDigit, dtmfEventCode } from '@trunkline/rtp-srtp';

/** Codes of {@link InfoDtmfError}, unique across Trunkline. */
export type InfoDtmfErrorCode =
  /** The Content-Type is neither `application/dtmf-relay` nor `application/dtmf` (→ 415). */
  | 'INFO_DTMF_UNSUPPORTED_TYPE'
  /** The body is larger than `maxBodyBytes` (→ 413). */
  | 'INFO_DTMF_BODY_TOO_LARGE'
  /** The body is not text, or a dtmf-relay line is not `key=value` (→ 400). */
  | 'INFO_DTMF_BAD_SYNTAX'
  /** No `Signal` line / an empty body (→ 400). */
  | 'INFO_DTMF_MISSING_SIGNAL'
  /** The signal is not one DTMF key 0-9, *, #, A-D or its event code 0-15 (→ 400). */
  | 'INFO_DTMF_BAD_SIGNAL'
  /** `Duration` is not an integer in 1..`maxDurationMs` (→ 400). */
  | 'INFO_DTMF_BAD_DURATION';

/**
 * A DTMF INFO body that cannot be read. `statusHint` is the response to send
 * to the INFO (400, 413 or 415; for 415 add `Accept` with {@link INFO_DTMF_TYPES}).
 */
export class InfoDtmfError extends TrunklineError<InfoDtmfErrorCode> {}

/** The body types of DTMF INFO, in preference order (for an `Accept` header on a 415). */
export const INFO_DTMF_TYPES = ['application/dtmf-relay', 'application/dtmf'] as const;

/** A DTMF INFO body type. */
export type InfoDtmfType = (typeof INFO_DTMF_TYPES)[number];

/** A key read from (or to write into) an INFO body. */
export interface InfoDtmf {
  /** One of `0123456789*#ABCD` (upper case). */
  readonly digit: string;
  /** Tone duration in ms; null when the body has none (`application/dtmf`, or dtmf-relay without `Duration`). */
  readonly durationMs: number | null;
}

/** Options of {@link parseInfoDtmf}. */
export interface InfoDtmfParseOptions {
  /** Largest body accepted (bytes). Default 1024: a DTMF body is a few dozen bytes. */
  readonly maxBodyBytes?: number;
  /** Largest `Duration` accepted (ms). Default 60 000. */
  readonly maxDurationMs?: number;
}

const DEFAULT_MAX_BODY = 1024;
const DEFAULT_MAX_DURATION = 60_000;

function positiveInt(name: string, v: number | undefined, def: number): number {
  const x = v ?? def;
  if (!Number.isInteger(x) || x < 1) throw new TypeError(`${name} must be a positive integer, got ${String(x)}`);
  return x;
}

/** The media type of a Content-Type value: parameters dropped, lower-cased. */
function mediaType(contentType: string): string {
  const semi = contentType.indexOf(';');
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

/** True when `contentType` (parameters allowed) names a DTMF INFO body type. */
export function isInfoDtmfType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const t = mediaType(contentType);
  return t === 'application/dtmf-relay' || t === 'application/dtmf';
}

/** A signal as written: one key character, or an RFC 4733 event code 0-15. */
function readSignal(text: string): string {
  const s = text.trim();
  if (s.length === 1) {
    try {
      dtmfEventCode(s); // validates the key
      return s.toUpperCase();
    } catch {
      // not a key: fall through to the error below
    }
  } else if (/^\d{1,2}$/.test(s)) {
    const digit = dtmfDigit(Number(s));
    if (digit !== undefined) return digit;
  }
  if (s === '') throw new InfoDtmfError('INFO_DTMF_MISSING_SIGNAL', 'empty DTMF signal', { statusHint: 400 });
  throw new InfoDtmfError('INFO_DTMF_BAD_SIGNAL', `${JSON.stringify(s.slice(0, 16))} is not a DTMF key`, { statusHint: 400 });
}

function toText(body: Uint8Array | string, maxBodyBytes: number): string {
  let bytes: Uint8Array;
  if (typeof body === 'string') bytes = Buffer.from(body, 'utf8');
  else if (body instanceof Uint8Array) bytes = body;
  else throw new TypeError('body must be a Uint8Array or a string');
  if (bytes.length > maxBodyBytes) {
    throw new InfoDtmfError('INFO_DTMF_BODY_TOO_LARGE', `DTMF body of ${bytes.length} bytes exceeds maxBodyBytes (${maxBodyBytes})`, { statusHint: 413 });
  }
  for (const b of bytes) {
    // Printable ASCII, tab, CR, LF: anything else is not a DTMF body.
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b > 0x7e) {
      throw new InfoDtmfError('INFO_DTMF_BAD_SYNTAX', `byte 0x${b.toString(16).padStart(2, '0')} in a DTMF body`, { statusHint: 400 });
    }
  }
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

/**
 * Reads an `application/dtmf-relay` body: `Signal=<key>` and optional
 * `Duration=<ms>` lines (CRLF or LF, any order, keys case-insensitive,
 * other keys ignored).
 *
 * @throws InfoDtmfError INFO_DTMF_BODY_TOO_LARGE, INFO_DTMF_BAD_SYNTAX,
 *   INFO_DTMF_MISSING_SIGNAL, INFO_DTMF_BAD_SIGNAL, INFO_DTMF_BAD_DURATION.
 */
export function parseDtmfRelay(body: Uint8Array | string, options: InfoDtmfParseOptions = {}): InfoDtmf {
  const maxBody = positiveInt('options.maxBodyBytes', options.maxBodyBytes, DEFAULT_MAX_BODY);
  const maxDuration = positiveInt('options.maxDurationMs', options.maxDurationMs, DEFAULT_MAX_DURATION);
  const text = toText(body, maxBody);
  let digit: string | null = null;
  let durationMs: number | null = null;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/\r$/, '').trim();
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new InfoDtmfError('INFO_DTMF_BAD_SYNTAX', `dtmf-relay line ${JSON.stringify(line.slice(0, 32))} is not key=value`, { statusHint: 400 });
    const key = line.slice(0, eq).trim().toLowerCase();
    const value = line.slice(eq + 1).trim();
    if (key === 'signal') {
      digit = readSignal(value);
    } else if (key === 'duration') {
      const n = /^\d{1,9}$/.test(value) ? Number(value) : NaN;
      if (!(n >= 1 && n <= maxDuration)) {
        throw new InfoDtmfError('INFO_DTMF_BAD_DURATION', `Duration ${JSON.stringify(value.slice(0, 16))} is not 1..${maxDuration} ms`, { statusHint: 400 });
      }
      durationMs = n;
    }
  }
  if (digit === null) throw new InfoDtmfError('INFO_DTMF_MISSING_SIGNAL', 'dtmf-relay body has no Signal line', { statusHint: 400 });
  return { digit, durationMs };
}

/**
 * Reads an `application/dtmf` body: the key alone (surrounding whitespace
 * and a trailing CRLF tolerated). `durationMs` is null.
 *
 * @throws InfoDtmfError INFO_DTMF_BODY_TOO_LARGE, INFO_DTMF_BAD_SYNTAX, INFO_DTMF_MISSING_SIGNAL, INFO_DTMF_BAD_SIGNAL.
 */
export function parseDtmf(body: Uint8Array | string, options: InfoDtmfParseOptions = {}): InfoDtmf {
  const maxBody = positiveInt('options.maxBodyBytes', options.maxBodyBytes, DEFAULT_MAX_BODY);
  return { digit: readSignal(toText(body, maxBody)), durationMs: null };
}

/**
 * Reads the DTMF key of an INFO request's body by its Content-Type.
 *
 * @throws InfoDtmfError INFO_DTMF_UNSUPPORTED_TYPE (statusHint 415), and the
 *   errors of {@link parseDtmfRelay} / {@link parseDtmf}.
 * @example
 * const { digit, durationMs } = parseInfoDtmf(info.contentType, info.body);
 */
export function parseInfoDtmf(contentType: string | undefined, body: Uint8Array | string, options: InfoDtmfParseOptions = {}): InfoDtmf {
  if (contentType !== undefined && typeof contentType !== 'string') throw new TypeError('contentType must be a string or undefined');
  const t = contentType === undefined ? '' : mediaType(contentType);
  if (t === 'application/dtmf-relay') return parseDtmfRelay(body, options);
  if (t === 'application/dtmf') return parseDtmf(body, options);
  throw new InfoDtmfError('INFO_DTMF_UNSUPPORTED_TYPE', `Content-Type ${JSON.stringify(contentType ?? '')} is not a DTMF body`, { statusHint: 415 });
}

/** A DTMF INFO body ready for `createInDialogRequest(..., { body, contentType })`. */
export interface InfoDtmfBody {
  readonly contentType: InfoDtmfType;
  readonly body: string;
}

/**
 * Writes one key as an INFO body: `application/dtmf-relay` (default)
 * `Signal=5\r\nDuration=160\r\n`, or `application/dtmf` `5`.
 *
 * @param durationMs tone duration for dtmf-relay, integer 1..60 000. Default 160.
 * @throws TypeError for a key that is not one of 0-9, *, #, A-D or a bad duration.
 */
export function formatInfoDtmf(digit: string, options: { durationMs?: number; type?: InfoDtmfType } = {}): InfoDtmfBody {
  if (typeof digit !== 'string' || digit.length !== 1) throw new TypeError(`digit must be one DTMF key, got ${JSON.stringify(digit)}`);
  try {
    dtmfEventCode(digit);
  } catch {
    throw new TypeError(`digit must be one of 0-9, *, #, A-D, got ${JSON.stringify(digit)}`);
  }
  const key = digit.toUpperCase();
  const type = options.type ?? 'application/dtmf-relay';
  if (type === 'application/dtmf') return { contentType: type, body: key };
  if (type !== 'application/dtmf-relay') throw new TypeError(`options.type must be one of ${INFO_DTMF_TYPES.join(', ')}`);
  const durationMs = options.durationMs ?? 160;
  if (!Number.isInteger(durationMs) || durationMs < 1 || durationMs > DEFAULT_MAX_DURATION) {
    throw new TypeError(`options.durationMs must be an integer in 1..${DEFAULT_MAX_DURATION}, got ${String(durationMs)}`);
  }
  return { contentType: type, body: `Signal=${key}\r\nDuration=${durationMs}\r\n` };
}
