/**
 * The `o=` line of our own descriptions: one session id for the whole session, a version that
 * increases by one with every new description we send (RFC 3264 §8, RFC 8866 §5.2).
 */
import { randomInt } from 'node:crypto';
import { parseSessionDescription, type SdpOrigin } from './session-description.js';

const NUMERIC = /^[0-9]{1,20}$/;

/**
 * The origin of our next description: `previous` (our last SDP, or its origin) with the version
 * incremented, or a fresh session (random id, version 1).
 * @throws TypeError when `previous` is neither
 */
export function nextOrigin(previous: string | SdpOrigin | undefined): SdpOrigin {
  if (previous === undefined) {
    return { username: '-', sessionId: String(randomInt(1, 2 ** 47)), sessionVersion: '1' };
  }
  let origin: SdpOrigin;
  if (typeof previous === 'string') {
    try {
      origin = parseSessionDescription(previous).origin;
    } catch (e) {
      throw new TypeError(`previous is not an SDP description: ${(e as Error).message}`, { cause: e });
    }
  } else if (
    typeof previous === 'object' &&
    previous !== null &&
    typeof previous.username === 'string' &&
    /^\S+$/.test(previous.username) &&
    NUMERIC.test(String(previous.sessionId)) &&
    NUMERIC.test(String(previous.sessionVersion))
  ) {
    origin = previous;
  } else {
    throw new TypeError('previous must be our last SDP or its SdpOrigin');
  }
  return { ...origin, sessionVersion: String(BigInt(origin.sessionVersion) + 1n) };
}

/** Writes the `o=` line (RFC 8866 §5.2). */
export function originLine(origin: SdpOrigin, family: 4 | 6, address: string): string {
  return `o=${origin.username} ${origin.sessionId} ${origin.sessionVersion} IN IP${family} ${address}`;
}
