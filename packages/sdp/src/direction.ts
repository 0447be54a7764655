/** RTP stream directions (RFC 3264 §5.1, §6.1) as pairs of "sends" and "receives". */
import type { MediaDirection } from './negotiated-media.js';

/** Whether `value` is one of the four direction attributes. */
export function isMediaDirection(value: unknown): value is MediaDirection {
  return value === 'sendrecv' || value === 'sendonly' || value === 'recvonly' || value === 'inactive';
}

/** The direction seen from the other side: sendonly ↔ recvonly (RFC 3264 §6.1). */
export function reverseDirection(d: MediaDirection): MediaDirection {
  return d === 'sendonly' ? 'recvonly' : d === 'recvonly' ? 'sendonly' : d;
}

/** Whether a side with direction `d` sends media. */
export function sends(d: MediaDirection): boolean {
  return d === 'sendrecv' || d === 'sendonly';
}

/** Whether a side with direction `d` receives media. */
export function receives(d: MediaDirection): boolean {
  return d === 'sendrecv' || d === 'recvonly';
}

/** The direction allowing only what both allow. */
export function intersectDirections(a: MediaDirection, b: MediaDirection): MediaDirection {
  const s = sends(a) && sends(b);
  const r = receives(a) && receives(b);
  return s ? (r ? 'sendrecv' : 'sendonly') : r ? 'recvonly' : 'inactive';
}
