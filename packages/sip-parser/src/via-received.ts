/**
 * Recording where a request came from in its top Via — RFC 3261 §18.2.1
 * (`received`) and RFC 3581 §4 (`rport`), done by the server transport on
 * every request it receives.
 */
import { H_VIA } from './header-names.js';
import { splitHeaderValueSpans } from './header-values.js';
import type { SipMessage } from './message.js';
import type { Via } from './types.js';
import { isReceivedAddress, viaWithReceived } from './via.js';

/**
 * Set `received` on the message's top Via value and, when that value carries
 * `rport` without a value, give `rport` the source port — in place, as one
 * header edit:
 *
 * - RFC 3261 §18.2.1: the server adds `received` with the packet's source
 *   address when sent-by is a name or differs from it (the caller decides
 *   that; this function always writes it).
 * - RFC 3581 §4: "If the request contains an rport parameter with no value,
 *   [the server] MUST set the value of the parameter to the source port of
 *   the request", and then also adds `received`.
 *
 * The new top value is written as {@link formatVia} writes an edited copy
 * (`{ ...topVia, received, rport }`), so the result is byte for byte what a
 * decode → edit → `formatVia` → header rewrite gives; unlike that round trip
 * it touches only the Via line holding the top value (other Via lines stay
 * as received) and keeps the message's other decoded headers (Call-ID, CSeq,
 * From, To, ...) cached, since they did not change. The returned value is
 * also what `message.topVia` gives afterwards, without decoding again.
 *
 * @param received the source address: IPv4, or IPv6 written bare (RFC 5118 §4.5).
 * @param sourcePort the source port, written into a value-less `rport`.
 * @returns the new top Via, or undefined when the message has no Via (nothing changed).
 * @throws SipParseError when the top Via does not decode (nothing changed).
 * @throws TypeError when `received` is not an IP address or `sourcePort` not an integer 0-65535.
 * @example
 * // request's top Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-o1;rport
 * setTopViaReceived(request, '192.0.2.7', 41000);
 * request.headers.get('Via'); // 'SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-o1;rport=41000;received=192.0.2.7'
 */
export function setTopViaReceived(message: SipMessage, received: string, sourcePort: number): Via | undefined {
  if (!isReceivedAddress(received)) {
    throw new TypeError(`received ${JSON.stringify(received)} is not an IPv4 or IPv6 address (RFC 3261 §20.42)`);
  }
  if (!Number.isInteger(sourcePort) || sourcePort < 0 || sourcePort > 65535) {
    throw new TypeError(`source port ${String(sourcePort)} is not an integer 0-65535 (RFC 3581 §4)`);
  }
  const top = message.topVia; // also brings the message's caches up to date
  if (top === undefined) return undefined;
  const edited = viaWithReceived(top, received, top.rport === true ? sourcePort : top.rport);

  // The line holding the top value: the first Via line with a value (as `topVia` finds it).
  const h = message._headers;
  const n = h.count;
  for (let i = 0; i < n; i++) {
    if (h._idAt(i) !== H_VIA) continue;
    const line = h._valueAt(i);
    if (line.length === 0) continue;
    let value = edited.raw;
    if (line.indexOf(',') !== -1) {
      const spans = splitHeaderValueSpans(line, 'Via');
      if (spans.length === 0) continue;
      // The other values of the line, joined as a header rewrite would write them.
      for (let k = 1; k < spans.length; k++) value += ', ' + line.slice(spans[k]![0], spans[k]![1]);
    }
    h._materialize()[i] = { id: H_VIA, o: -1, name: 'Via', value };
    h._rev++;
    // Only the top Via changed: keep the other cached accessors.
    message._rev = h._rev;
    const all = message._via;
    if (all !== undefined) {
      const next = all.slice();
      next[0] = edited;
      message._via = next;
    }
    message._topVia = edited;
    return edited;
  }
  return undefined;
}
