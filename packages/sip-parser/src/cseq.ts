/**
 * CSeq — RFC 3261 §20.16, §25.1.
 */
import { SipParseError } from './errors.js';
import { describeChar, isTokenChar, opts, skipLws, trimLwsEnd } from './header-values.js';
import type { CSeq } from './types.js';
import { requireString } from './arguments.js';

const H = 'CSeq';

/** Largest sequence number: "MUST be expressible as a 32-bit unsigned integer" (§8.1.1.5). */
export const MAX_CSEQ = 0xffff_ffff;

function bad(i: number, what: string): SipParseError {
  return new SipParseError('BAD_CSEQ', `${H}: ${what} at offset ${i}`, opts(i, H));
}

/**
 * Parse a CSeq value. Leading zeros are allowed (RFC 4475 wsinv `0009`);
 * values above 2^32-1 are rejected (RFC 4475 scalar02, scalarlg). The method
 * is kept as written (methods are case-sensitive, §7.1).
 *
 * ```abnf
 * CSeq = "CSeq" HCOLON 1*DIGIT LWS Method      ; §25.1
 * Method = INVITEm / ACKm / ... / extension-method   ; extension-method = token
 * ```
 *
 * @throws SipParseError BAD_CSEQ.
 * @example
 * parseCSeq('4711 INVITE') // { seq: 4711, method: 'INVITE' }
 */
export function parseCSeq(text: string): CSeq {
  requireString(text, 'parseCSeq: text');
  const end = trimLwsEnd(text, 0, text.length);
  let i = skipLws(text, 0, end);
  const d0 = i;
  let seq = 0;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    seq = seq * 10 + (c - 0x30);
    // stop early so a thousand-digit value neither loses precision nor is accepted
    if (seq > MAX_CSEQ) {
      let d1 = i;
      while (d1 < end && text.charCodeAt(d1) >= 0x30 && text.charCodeAt(d1) <= 0x39) d1++;
      throw bad(d0, `sequence number ${d1 - d0 > 40 ? `of ${d1 - d0} digits` : `"${text.slice(d0, d1)}"`} exceeds 2^32-1`);
    }
    i++;
  }
  if (i === d0) throw bad(i, `expected sequence number but found ${describeChar(text, i)}`);
  const m0 = skipLws(text, i, end);
  if (m0 === i) throw bad(i, `expected whitespace after sequence number but found ${describeChar(text, i)}`);
  let m1 = m0;
  while (m1 < end && isTokenChar(text.charCodeAt(m1))) m1++;
  if (m1 === m0) throw bad(m0, `expected method but found ${describeChar(text, m0)}`);
  if (m1 < end) throw bad(m1, `unexpected ${describeChar(text, m1)} after method`);
  return { seq, method: text.slice(m0, m1) };
}

/** Write a CSeq value: `seq SP method`. */
export function formatCSeq(c: CSeq): string {
  return `${c.seq} ${c.method}`;
}
