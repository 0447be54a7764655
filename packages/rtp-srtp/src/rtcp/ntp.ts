/**
 * NTP timestamp helpers for RTCP (RFC 3550 §4): a 64-bit fixed-point count of seconds since
 * 1900-01-01, split into two 32-bit words.
 */

/** Seconds between the NTP epoch (1900) and the Unix epoch (1970). */
export const NTP_UNIX_OFFSET_SECONDS = 2_208_988_800;

/** A 64-bit NTP timestamp as two unsigned 32-bit words. */
export interface NtpTimestamp {
  /** Whole seconds since 1900 (modulo 2^32; wraps in 2036). */
  readonly seconds: number;
  /** Fraction of a second in units of 2^-32 s. */
  readonly fraction: number;
}

/** Converts a Unix time in milliseconds (e.g. `Date.now()`) to an NTP timestamp. */
export function ntpFromUnixMs(unixMs: number): NtpTimestamp {
  if (!Number.isFinite(unixMs)) throw new RangeError('unixMs must be finite');
  const totalSeconds = Math.floor(unixMs / 1000);
  const fractionMs = unixMs - totalSeconds * 1000;
  let fraction = Math.round((fractionMs / 1000) * 0x1_0000_0000);
  let seconds = totalSeconds + NTP_UNIX_OFFSET_SECONDS;
  if (fraction >= 0x1_0000_0000) {
    fraction -= 0x1_0000_0000;
    seconds += 1;
  }
  return { seconds: seconds >>> 0, fraction: fraction >>> 0 };
}

/** Converts an NTP timestamp to Unix milliseconds (assumes the era 1968–2104, RFC 4330 §3 style). */
export function ntpToUnixMs(ntp: NtpTimestamp): number {
  // Values with the top bit clear are taken to be after the 2036 rollover (era 1).
  const seconds = ntp.seconds >= 0x8000_0000 ? ntp.seconds : ntp.seconds + 0x1_0000_0000;
  return (seconds - NTP_UNIX_OFFSET_SECONDS) * 1000 + (ntp.fraction / 0x1_0000_0000) * 1000;
}

/**
 * The middle 32 bits of an NTP timestamp (16.16 fixed point seconds), the form used by the LSR
 * field of reception reports (RFC 3550 §6.4.1).
 */
export function ntpMiddle32(ntp: NtpTimestamp): number {
  return (((ntp.seconds & 0xffff) << 16) | (ntp.fraction >>> 16)) >>> 0;
}

/** Converts milliseconds to the 1/65536 s units of DLSR (RFC 3550 §6.4.1). */
export function msToNtpShort(ms: number): number {
  return Math.max(0, Math.min(0xffffffff, Math.round((ms * 65536) / 1000))) >>> 0;
}

/**
 * Round-trip time from a reception report block (RFC 3550 §6.4.1): RTT = A − LSR − DLSR, where A is
 * the middle 32 bits of the NTP time the report arrived. Returns milliseconds, or undefined when
 * no SR has been received yet (LSR = 0) or the result is negative (clock trouble).
 *
 * @param arrivalMiddle32 - A: arrival time of the report in NTP middle-32 form
 * @param lastSr - LSR field of the report block
 * @param delaySinceLastSr - DLSR field of the report block
 */
export function rttFromReport(arrivalMiddle32: number, lastSr: number, delaySinceLastSr: number): number | undefined {
  if (lastSr === 0) return undefined;
  // Modulo 2^32 arithmetic: the 16.16 values wrap every 18 hours.
  const rtt = (arrivalMiddle32 - lastSr - delaySinceLastSr) >>> 0;
  if (rtt >= 0x8000_0000) return undefined;
  return (rtt * 1000) / 65536;
}
