/**
 * StreamFramer — RFC 3261 §18.3 (Content-Length framing on streams), §7.5
 * (CRLFs before a start line), RFC 5626 §3.5.1 (CRLF keep-alives).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StreamFramer, type FramerEvent } from '../src/framer.js';
import { serializeMessage } from '../src/serialize.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

function wire(lines: readonly string[], body = ''): string {
  return lines.join('\r\n') + '\r\n\r\n' + body;
}

const corpusDir = fileURLToPath(new URL('../bench/corpus/', import.meta.url));
const corpus = readdirSync(corpusDir)
  .filter((f) => f.endsWith('.sip'))
  .sort()
  .map((f) => new Uint8Array(readFileSync(corpusDir + f)));

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Feed `stream` cut at `cuts` (sorted offsets) and collect every event. */
function feed(framer: StreamFramer, stream: Uint8Array, cuts: readonly number[]): FramerEvent[] {
  const events: FramerEvent[] = [];
  let prev = 0;
  for (const c of [...cuts, stream.length]) {
    events.push(...framer.push(stream.subarray(prev, c)));
    prev = c;
  }
  return events;
}

/** A compact description of events for comparisons. */
function describeEvents(events: readonly FramerEvent[]): string[] {
  return events.map((e) => {
    if (e.type === 'message') return `message ${dec.decode(serializeMessage(e.message)).length}`;
    if (e.type === 'error') return `error ${e.error.code}`;
    return e.type;
  });
}

const CRLF = enc.encode('\r\n');
const PING = enc.encode('\r\n\r\n');

describe('RFC 3261 §18.3 Content-Length framing', () => {
  it('RFC 3261 §18.3: many messages in one chunk come out in order, byte-exact', () => {
    const framer = new StreamFramer();
    const events = framer.push(concat(corpus));
    expect(events).toHaveLength(10);
    events.forEach((e, i) => {
      if (e.type !== 'message') throw new Error(`expected a message, got ${e.type}`);
      expect(Buffer.compare(serializeMessage(e.message), corpus[i]!)).toBe(0);
    });
    expect(framer.buffered).toBe(0);
  });

  it('RFC 3261 §18.3: any split of the stream gives the same messages (fast-check over cut points)', () => {
    const stream = concat([PING, corpus[0]!, CRLF, corpus[1]!, PING, corpus[7]!, corpus[2]!]);
    const expected = describeEvents(new StreamFramer().push(stream));
    expect(expected).toEqual(['ping', `message ${corpus[0]!.length}`, `message ${corpus[1]!.length}`, 'ping', `message ${corpus[7]!.length}`, `message ${corpus[2]!.length}`]);
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 40 }), (cuts) => {
        const sorted = [...cuts].sort((a, b) => a - b);
        expect(describeEvents(feed(new StreamFramer(), stream, sorted))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('RFC 3261 §18.3: one byte at a time, including CRLFCRLF split across chunks', () => {
    const stream = concat([corpus[3]!, corpus[4]!]);
    const cuts = Array.from({ length: stream.length - 1 }, (_, i) => i + 1);
    const events = feed(new StreamFramer(), stream, cuts);
    expect(describeEvents(events)).toEqual([`message ${corpus[3]!.length}`, `message ${corpus[4]!.length}`]);
  });

  it('RFC 3261 §18.3: the body is framed by Content-Length even when it holds CRLFCRLF', () => {
    const body = '\r\n\r\nSIP/2.0 200 OK\r\n\r\n';
    const msg = enc.encode(wire(['MESSAGE sip:a@b SIP/2.0', `Content-Length: ${body.length}`], body));
    const events = new StreamFramer().push(concat([msg, msg]));
    expect(events.map((e) => e.type)).toEqual(['message', 'message']);
    const first = events[0]!;
    if (first.type !== 'message') throw new Error('expected a message');
    expect(dec.decode(first.message.body)).toBe(body);
  });

  it('RFC 3261 §7.3.3: a compact `l:` and a folded Content-Length frame too', () => {
    const a = enc.encode(wire(['MESSAGE sip:a@b SIP/2.0', 'l: 3'], 'abc'));
    const b = enc.encode(wire(['MESSAGE sip:a@b SIP/2.0', 'content-length:\r\n 2'], 'de'));
    const events = new StreamFramer().push(concat([a, b]));
    expect(events.map((e) => (e.type === 'message' ? dec.decode(e.message.body) : e.type))).toEqual(['abc', 'de']);
  });

  it('RFC 3261 §18.3: a missing Content-Length on a stream is an error and the framer fails', () => {
    const framer = new StreamFramer();
    const events = framer.push(enc.encode(wire(['OPTIONS sip:a@b SIP/2.0', 'Call-ID: x'])));
    expect(describeEvents(events)).toEqual(['error BAD_CONTENT_LENGTH']);
    expect(framer.failed).toBe(true);
    expect(framer.push(corpus[0]!)).toEqual([]);
  });

  it('RFC 3261 §20.14: a bad or duplicated Content-Length fails the framer', () => {
    expect(describeEvents(new StreamFramer().push(enc.encode(wire(['OPTIONS sip:a@b SIP/2.0', 'Content-Length: -1']))))).toEqual([
      'error BAD_CONTENT_LENGTH',
    ]);
    expect(
      describeEvents(new StreamFramer().push(enc.encode(wire(['OPTIONS sip:a@b SIP/2.0', 'Content-Length: 0', 'l: 0'])))),
    ).toEqual(['error DUPLICATE_CONTENT_LENGTH']);
  });

  it('RFC 3261 §7: a message that frames but does not parse yields its error after earlier messages', () => {
    const bad = enc.encode(wire(['OPTIONS sip:a@b SIP/9', 'Content-Length: 0']));
    const events = new StreamFramer().push(concat([corpus[1]!, bad, corpus[2]!]));
    expect(describeEvents(events)).toEqual([`message ${corpus[1]!.length}`, 'error BAD_VERSION']);
  });
});

describe('RFC 3261 §18.3 bounded buffering', () => {
  it('RFC 3261 §21.4.11: a header section that does not end within maxMessageBytes → 413', () => {
    const framer = new StreamFramer({ limits: { maxMessageBytes: 1024 } });
    const events: FramerEvent[] = [];
    events.push(...framer.push(enc.encode('OPTIONS sip:a@b SIP/2.0\r\n')));
    for (let i = 0; i < 100 && !framer.failed; i++) events.push(...framer.push(enc.encode(`X-Pad-${i}: ${'x'.repeat(40)}\r\n`)));
    expect(framer.failed).toBe(true);
    const last = events.at(-1);
    if (last?.type !== 'error') throw new Error('expected an error');
    expect(last.error.code).toBe('MESSAGE_TOO_LARGE');
    expect(last.error.statusHint).toBe(413);
    expect(framer.buffered).toBe(0);
  });

  it('RFC 3261 §21.4.11: a Content-Length that would exceed maxMessageBytes → 413 before the body arrives', () => {
    const framer = new StreamFramer({ limits: { maxMessageBytes: 1000 } });
    const events = framer.push(enc.encode(wire(['MESSAGE sip:a@b SIP/2.0', 'Content-Length: 5000'])));
    expect(describeEvents(events)).toEqual(['error MESSAGE_TOO_LARGE']);
    if (events[0]?.type === 'error') expect(events[0].error.statusHint).toBe(413);
  });

  it('RFC 3261 §18.3: bytes of a partial message are held, and released once it completes', () => {
    const framer = new StreamFramer();
    const m = corpus[0]!;
    expect(framer.push(m.subarray(0, 500))).toEqual([]);
    expect(framer.buffered).toBe(500);
    expect(framer.push(m.subarray(500)).map((e) => e.type)).toEqual(['message']);
    expect(framer.buffered).toBe(0);
  });

  it('RFC 3261 §18.3: a message framed from a Node Buffer chunk does not alias the chunk', () => {
    const chunk = Buffer.from(corpus[1]!);
    const events = new StreamFramer().push(chunk);
    const e = events[0];
    if (e?.type !== 'message') throw new Error('expected a message');
    chunk.fill(0x41);
    expect(Buffer.compare(serializeMessage(e.message), corpus[1]!)).toBe(0);
    expect(e.message.callId).toBe('b7f3c9e2-5a41-4d8e-9c1b-3e6f2a7d9c04@sbc.carrier.example');
  });

  it('RFC 3261 §18.3: the framer copies what it keeps, so the caller may reuse its chunk buffer', () => {
    const framer = new StreamFramer();
    const m = corpus[1]!;
    const chunk = new Uint8Array(m.length);
    chunk.set(m.subarray(0, 100));
    framer.push(chunk.subarray(0, 100));
    chunk.fill(0x41);
    chunk.set(m.subarray(100), 0);
    const events = framer.push(chunk.subarray(0, m.length - 100));
    const e = events[0];
    if (e?.type !== 'message') throw new Error('expected a message');
    expect(Buffer.compare(serializeMessage(e.message), m)).toBe(0);
  });
});

describe('RFC 5626 §3.5.1 CRLF keep-alives', () => {
  it('RFC 5626 §3.5.1: a double CRLF is a ping, however it is split', () => {
    expect(new StreamFramer().push(PING)).toEqual([{ type: 'ping' }]);
    const framer = new StreamFramer();
    expect(framer.push(enc.encode('\r'))).toEqual([]);
    expect(framer.push(enc.encode('\n\r'))).toEqual([]);
    expect(framer.push(enc.encode('\n'))).toEqual([{ type: 'ping' }]);
    expect(framer.buffered).toBe(0);
  });

  it('RFC 5626 §4.4.1: a single CRLF after our ping is a pong', () => {
    const framer = new StreamFramer();
    framer.pingSent();
    expect(framer.push(CRLF)).toEqual([{ type: 'pong' }]);
    // No ping outstanding any more: a lone CRLF before a message is ignored (§7.5).
    expect(describeEvents(framer.push(concat([CRLF, corpus[1]!])))).toEqual([`message ${corpus[1]!.length}`]);
  });

  it('RFC 5626 §3.5.1: bare LFs between messages are skipped and are no keep-alive', () => {
    const events = new StreamFramer().push(concat([enc.encode('\n\n\n'), corpus[1]!]));
    expect(describeEvents(events)).toEqual([`message ${corpus[1]!.length}`]);
  });

  it('RFC 3261 §7.5: CRLFs before a message are ignored; two of them are still a ping', () => {
    const events = new StreamFramer().push(concat([CRLF, corpus[1]!, PING, CRLF, corpus[2]!]));
    expect(describeEvents(events)).toEqual([`message ${corpus[1]!.length}`, 'ping', `message ${corpus[2]!.length}`]);
  });
});
