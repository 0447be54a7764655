/**
 * Property tests: parse ∘ serialize round trips, stream framing under any
 * split, and robustness on mutated torture messages and arbitrary bytes.
 * Modest run counts keep the default suite fast; parser.fuzz.test.ts runs
 * the same properties a million times.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRequest, createResponse } from '../src/build.js';
import { SipParseError } from '../src/errors.js';
import type { SipRequest, SipResponse } from '../src/message.js';
import { parseMessage } from '../src/parse.js';
import { serializeMessage } from '../src/serialize.js';
import {
  concat,
  eventView,
  frame,
  fraction,
  message,
  messageStream,
  mutatedSeed,
  randomBytes,
  reparse,
  robustParse,
  SEEDS,
  splitAt,
  view,
  type GenMessage,
} from './support/sip-arbitraries.js';

const RUNS = 150;

/** Parse a generated message and check every decoded value against what was generated. */
function parseGenerated(g: GenMessage): SipRequest | SipResponse {
  const m = parseMessage(g.wire);
  expect(m.isRequest).toBe(g.isRequest);
  if (m.isRequest) {
    expect(m.method).toBe(g.method);
    expect(m.requestUri).toBe(g.uri);
  } else {
    expect(m.status).toBe(g.status);
    expect(m.reason).toBe(g.reason);
  }
  // header lines in order, values unfolded and trimmed (RFC 3261 §7.3.1)
  const lines = [...m.headers.entries()];
  expect(lines.slice(0, -1)).toEqual(g.headers.map((h) => [h.name, h.value]));
  expect(m.callId).toBe(g.expect.callId);
  expect(m.cseq).toEqual(g.expect.cseq);
  expect(m.maxForwards).toBe(g.expect.maxForwards);
  expect(m.via.map((v) => ({ transport: v.transport, host: v.host, port: v.port, branch: v.branch }))).toEqual(
    g.expect.via,
  );
  for (const [got, want] of [
    [m.from, g.expect.from],
    [m.to, g.expect.to],
  ] as const) {
    expect(got?.displayName).toBe(want.displayName);
    expect(got?.tag).toBe(want.tag);
    expect(got?.uri.kind === 'sip' ? got.uri.host : null).toBe(want.host);
  }
  const contactUri = m.contact[0]?.uri;
  expect(contactUri?.kind === 'sip' ? contactUri.headers.map((h) => [h.name, h.value]) : null).toEqual(
    g.expect.contactUriHeaders,
  );
  expect(m.body).toEqual(g.body);
  return m;
}

describe('RFC 3261 §7 parse ∘ serialize round trip (fast-check)', () => {
  it('RFC 3261 §7.3.1, §25.1 grammar-generated messages (compact forms, folding, IPv6, escapes, quoted display names, binary bodies) decode to the generated values', () => {
    fc.assert(
      fc.property(message, (g) => {
        parseGenerated(g);
      }),
      { numRuns: RUNS },
    );
  });

  it('RFC 3261 §7 parseMessage(serializeMessage(m)) has the same start line, header list and body', () => {
    fc.assert(
      fc.property(message, fc.boolean(), (g, mutate) => {
        const m = parseMessage(g.wire);
        // untouched messages go out byte for byte; touched ones through the writer
        if (mutate) m.headers.append('X-Touched', 'yes');
        else expect(serializeMessage(m)).toEqual(g.wire);
        expect(view(reparse(m))).toEqual(view(m));
      }),
      { numRuns: RUNS },
    );
  });

  it('RFC 3261 §8.1.1, §8.2.6 messages built with createRequest / createResponse survive the round trip', () => {
    fc.assert(
      fc.property(message, fc.integer({ min: 100, max: 699 }), (g, status) => {
        const req = createRequest({
          method: g.isRequest ? g.method : 'INVITE',
          uri: g.uri,
          headers: g.headers.map((h) => [h.name, h.value] as const),
          body: g.body,
        });
        const back = reparse(req);
        expect(view(back)).toEqual(view(req));
        expect(back.isRequest && back.method).toBe(req.method);
        const res = createResponse(req, status, { toTag: 'rt1' });
        const resBack = reparse(res);
        expect(view(resBack)).toEqual(view(res));
        expect(resBack.callId).toBe(req.callId);
        expect(resBack.cseq).toEqual(req.cseq);
        expect(resBack.via.map((v) => v.branch)).toEqual(req.via.map((v) => v.branch));
      }),
      { numRuns: RUNS },
    );
  });

  it('RFC 3261 §7 a parsed torture message that is then modified still round-trips', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: SEEDS.length - 1 }), (i) => {
        let m: SipRequest | SipResponse;
        try {
          m = parseMessage(SEEDS[i]!);
        } catch (e) {
          expect(e).toBeInstanceOf(SipParseError);
          return;
        }
        m.headers.append('X-Forwarded-By', 'trunkline');
        expect(view(reparse(m))).toEqual(view(m));
      }),
      { numRuns: SEEDS.length * 2 },
    );
  });
});

describe('RFC 3261 §18.3 stream framing (fast-check)', () => {
  it('RFC 3261 §18.3, RFC 5626 §3.5.1 StreamFramer yields the same messages and pings however the stream is split', () => {
    fc.assert(
      fc.property(messageStream, fc.array(fraction, { maxLength: 12 }), (s, cuts) => {
        const whole = eventView(frame([s.bytes]));
        expect(whole).toEqual(s.expected);
        expect(eventView(frame(splitAt(s.bytes, cuts)))).toEqual(whole);
        // byte by byte too, for the smaller streams
        if (s.bytes.length < 2000) {
          const bytes = Array.from({ length: s.bytes.length }, (_, i) => s.bytes.subarray(i, i + 1));
          expect(eventView(frame(bytes))).toEqual(whole);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('RFC 3261 §7 robustness: untrusted bytes only ever raise SipParseError (fast-check)', () => {
  it('RFC 4475 / RFC 5118 mutated torture messages (byte flips, truncations, duplications, insertions): parse, every accessor, validateMessage, serializeMessage', () => {
    fc.assert(
      fc.property(mutatedSeed, fc.constantFrom('datagram' as const, 'stream' as const), (b, mode) => {
        robustParse(b, mode);
      }),
      { numRuns: 400 },
    );
  });

  it('RFC 3261 §7 arbitrary bytes: parse and framer raise nothing but SipParseError and terminate', () => {
    fc.assert(
      fc.property(randomBytes, fc.array(fraction, { maxLength: 4 }), (b, cuts) => {
        robustParse(b);
        for (const ev of frame(splitAt(b, cuts))) {
          if (ev.type === 'error') expect(ev.error).toBeInstanceOf(SipParseError);
          if (ev.type === 'message') robustParse(serializeMessage(ev.message), 'stream');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('RFC 3261 §18.3 the framer on mutated torture streams only reports events', () => {
    fc.assert(
      fc.property(fc.array(mutatedSeed, { minLength: 1, maxLength: 3 }), fc.array(fraction, { maxLength: 6 }), (bs, cuts) => {
        const all = concat(bs);
        const evs = frame(splitAt(all, cuts));
        expect(eventView(evs)).toEqual(eventView(frame([all])));
      }),
      { numRuns: 150 },
    );
  });
});
