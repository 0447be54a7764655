import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { TransportCloseEvent, TransportMessageEvent } from '../src/transport/sip-transport.js';
import { branch, closeAll, portOf, rawTcp, rawUdp, requestText, transport, waitFor } from './helpers/transport-harness.js';

afterEach(closeAll);

/** Datagrams from the grammar's neighbourhood: random bytes, and valid messages truncated or with bytes flipped. */
function hostileDatagrams(valid: Buffer, count: number, seed: number): Buffer[] {
  const random = fc.uint8Array({ minLength: 1, maxLength: 600 }).map((a) => Buffer.from(a));
  const truncated = fc.integer({ min: 1, max: valid.length - 1 }).map((n) => valid.subarray(0, n));
  const flipped = fc
    .array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 })
    .map((flips) => {
      const b = Buffer.from(valid);
      for (const [i, v] of flips) b[i] = v;
      return b;
    });
  return fc.sample(fc.oneof(random, truncated, flipped), { numRuns: count, seed });
}

describe('untrusted bytes', () => {
  it('RFC 3261 §18.2.1: hostile datagrams never crash the transport; each is handed up or counted', async () => {
    const t = await transport({ listen: [{ protocol: 'udp', port: 0 }] });
    const peer = await rawUdp();
    const port = portOf(t, 'udp');
    const valid = Buffer.from(requestText('OPTIONS', { via: `SIP/2.0/UDP 127.0.0.1:${peer.port};rport;branch=${branch()}`, body: 'hi' }));
    const datagrams = hostileDatagrams(valid, 300, 42);
    // Batches of 20, each followed by a valid marker: once the marker is handed up, the batch
    // before it was processed (loopback keeps order; small batches never fill the socket buffer).
    let markers = 0;
    for (let i = 0; i < datagrams.length; i += 20) {
      for (const d of datagrams.slice(i, i + 20)) peer.socket.send(d, port, '127.0.0.1');
      const callId = `marker-${++markers}`;
      const seen = waitFor<[TransportMessageEvent]>(t, 'message', ({ message }) => message.callId === callId);
      peer.socket.send(requestText('OPTIONS', { via: `SIP/2.0/UDP 127.0.0.1:${peer.port};branch=${branch()}`, callId }), port, '127.0.0.1');
      await seen;
    }
    const s = t.stats;
    expect(s.messagesReceived + s.malformed + s.keepAlivesReceived).toBe(datagrams.length + markers);
    expect(s.malformed).toBeGreaterThan(0);
  });

  it('RFC 3261 §18.3: hostile stream chunks either frame or close the connection with a typed error, never crash', async () => {
    const t = await transport({ listen: [{ protocol: 'tcp', port: 0 }] });
    const valid = Buffer.from(requestText('OPTIONS', { via: `SIP/2.0/TCP 127.0.0.1:9;branch=${branch()}`, body: 'hi' }));
    const chunks = hostileDatagrams(valid, 40, 7);
    for (const chunk of chunks) {
      const client = await rawTcp(portOf(t, 'tcp'));
      const closed = waitFor<[TransportCloseEvent]>(t, 'close', () => true, 5000);
      // The chunk, then a valid message; then we hang up so every connection ends.
      client.socket.write(Buffer.concat([chunk, valid]));
      client.socket.end();
      const [ev] = await closed;
      expect(ev.error === null || typeof ev.error.code === 'string').toBe(true);
    }
    expect(t.connectionCount).toBe(0);
    expect(t.closed).toBe(false);
  });
});
