/**
 * RFC 3261 §18.3 with `continueAfterMalformed`: a message framed by its
 * Content-Length but unparseable is reported and framing goes on.
 */
import { describe, expect, it } from 'vitest';
import { StreamFramer } from '../src/framer.js';

const good = 'OPTIONS sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n';
const bad = 'OPTIONS  sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK2\r\nContent-Length: 4\r\n\r\nbody';

describe('RFC 3261 §18.3 StreamFramer continueAfterMalformed', () => {
  it('RFC 3261 §18.3: a framed but malformed message becomes `malformed` and the next message still frames', () => {
    const f = new StreamFramer({ continueAfterMalformed: true });
    const events = f.push(new TextEncoder().encode(bad + good));
    expect(events.map((e) => e.type)).toEqual(['malformed', 'message']);
    const m = events[0]!;
    expect(m.type === 'malformed' && new TextDecoder().decode(m.bytes)).toBe(bad);
    expect(m.type === 'malformed' && m.error.code).toBe('BAD_START_LINE');
    expect(f.failed).toBe(false);
  });

  it('RFC 3261 §18.3: without the option the same bytes fail the framer (unchanged default)', () => {
    const f = new StreamFramer();
    expect(f.push(new TextEncoder().encode(bad + good)).map((e) => e.type)).toEqual(['error']);
  });

  it('RFC 3261 §18.3: a missing Content-Length still fails the framer with the option', () => {
    const f = new StreamFramer({ continueAfterMalformed: true });
    const events = f.push(new TextEncoder().encode('OPTIONS sip:a@example.com SIP/2.0\r\nVia: x\r\n\r\n'));
    expect(events.map((e) => e.type)).toEqual(['error']);
  });
});
