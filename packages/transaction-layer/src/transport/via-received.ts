/**
 * The receiving side of RFC 3261 §18.2.1 and RFC 3581 §4: the server records
 * where a request really came from in its top Via, so that responses can
 * find their way back through NATs.
 */
import { SipParseError, canonicalHeaderName, setTopViaReceived, splitHeaderValues, type SipRequest } from '@trunkline/sip-parser';
import { normalizeAddress, sameAddress } from './address.js';

/**
 * Adds `received` and fills `rport` in the request's top Via, in place,
 * through the header API, so every later reader (transactions, TU, a
 * response built from the request) sees them:
 *
 * - §18.2.1: "If the host portion of the sent-by parameter contains a domain
 *   name, or if it contains an IP address that differs from the packet source
 *   address, the server MUST add a received parameter".
 * - RFC 3581 §4: an `rport` without value gets the source port, and then
 *   `received` is added even when it equals sent-by.
 *
 * Returns false (leaving the request alone) when there is no top Via.
 *
 * @throws SipParseError when the top Via does not parse (the caller checks first).
 */
export function applyReceived(request: SipRequest, sourceAddress: string, sourcePort: number): boolean {
  const top = request.topVia;
  if (top === undefined) return false;
  const source = normalizeAddress(sourceAddress);
  if (top.rport !== true && sameAddress(top.host, source)) return true;
  // One header edit: only the top Via line is rewritten, other decoded headers stay cached.
  setTopViaReceived(request, source, sourcePort);
  return true;
}

/**
 * Replaces the first value of the first Via line, keeping every other Via
 * value and their order. The header API has no "replace one line", so the
 * lines are written back with `set` (last line, at the first line's place)
 * and `prepend` (the others, in reverse order).
 */
export function replaceTopVia(request: SipRequest, topValue: string): void {
  const lines: string[] = [];
  for (const [name, value] of request.headers.entries()) {
    // Only `Via` and its compact form `v` have these lengths: skip the name lookup for the rest.
    if ((name.length === 3 || name.length === 1) && canonicalHeaderName(name) === 'Via') lines.push(value);
  }
  const first = lines[0];
  if (first === undefined) throw new SipParseError('BAD_VIA', 'no Via header to update', { header: 'Via' });
  const values = splitHeaderValues(first, 'Via');
  values[0] = topValue;
  lines[0] = values.join(', ');
  const headers = request.headers;
  headers.set('Via', lines[lines.length - 1]!);
  for (let i = lines.length - 2; i >= 0; i--) headers.prepend('Via', lines[i]!);
}
