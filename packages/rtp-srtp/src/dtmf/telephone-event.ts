import { RtpParseError } from '../rtp/errors.js';
import { requireBytes } from '../arguments.js';

/**
 * RFC 4733 §2.3 telephone-event payload.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     event     |E|R| volume    |          duration             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface TelephoneEvent {
  /** Event code (RFC 4733 §3.2: 0–9, 10 = *, 11 = #, 12–15 = A–D, 16 = flash). */
  readonly event: number;
  /** E bit: this packet ends the event. */
  readonly end: boolean;
  /** Power level in −dBm0, 0..63 (larger is quieter). */
  readonly volume: number;
  /** Duration so far, in timestamp units, since the event's (segment's) timestamp. */
  readonly duration: number;
}

/** Payload size of one event (RFC 4733 §2.3). */
export const TELEPHONE_EVENT_SIZE = 4;

/**
 * Decodes the first event of a telephone-event payload (a view or copy, not retained).
 *
 * @throws RtpParseError with code BAD_TELEPHONE_EVENT if shorter than 4 bytes
 */
export function parseTelephoneEvent(payload: Uint8Array): TelephoneEvent {
  requireBytes(payload, 'parseTelephoneEvent: payload');
  if (payload.length < TELEPHONE_EVENT_SIZE) {
    throw new RtpParseError('RTP_BAD_TELEPHONE_EVENT', `telephone-event payload of ${payload.length} bytes is shorter than 4`, 0);
  }
  const b1 = payload[1] ?? 0;
  return {
    event: payload[0] ?? 0,
    end: (b1 & 0x80) !== 0,
    // The R bit is reserved: ignored on receipt (§2.3.3).
    volume: b1 & 0x3f,
    duration: ((payload[2] ?? 0) << 8) | (payload[3] ?? 0),
  };
}

/** Writes `e` as 4 bytes at `offset`; returns 4. */
export function marshalTelephoneEventTo(e: TelephoneEvent, buf: Uint8Array, offset = 0): number {
  if (!Number.isInteger(e.event) || e.event < 0 || e.event > 255) throw new RangeError('event outside 0..255');
  if (!Number.isInteger(e.volume) || e.volume < 0 || e.volume > 63) throw new RangeError('volume outside 0..63');
  if (!Number.isInteger(e.duration) || e.duration < 0 || e.duration > 0xffff) throw new RangeError('duration outside 0..65535');
  if (offset < 0 || offset + TELEPHONE_EVENT_SIZE > buf.length) throw new RangeError('buffer too small for a telephone event');
  buf[offset] = e.event;
  buf[offset + 1] = (e.end ? 0x80 : 0) | e.volume;
  buf[offset + 2] = e.duration >> 8;
  buf[offset + 3] = e.duration & 0xff;
  return TELEPHONE_EVENT_SIZE;
}

/** Convenience: encodes `e` into a new 4-byte array. */
export function serializeTelephoneEvent(e: TelephoneEvent): Uint8Array {
  const out = new Uint8Array(TELEPHONE_EVENT_SIZE);
  marshalTelephoneEventTo(e, out, 0);
  return out;
}

const DIGITS = '0123456789*#ABCD';

/** Maps a DTMF character (0-9, *, #, A-D, case-insensitive) to its event code (RFC 4733 §3.2). */
export function dtmfEventCode(digit: string): number {
  const i = DIGITS.indexOf(digit.toUpperCase());
  if (digit.length !== 1 || i < 0) throw new RangeError(`"${digit}" is not a DTMF digit`);
  return i;
}

/** Maps an event code to its DTMF character, or undefined for non-DTMF events (e.g. 16 = flash). */
export function dtmfDigit(event: number): string | undefined {
  return event >= 0 && event < DIGITS.length ? DIGITS[event] : undefined;
}
