/**
 * Issue 9, defect 9: a hostile peer on loopback sends replays, forgeries, truncated datagrams and
 * valid packets from a second port at a MediaSocket keyed with SRTP. Drops are counted by reason,
 * and the latch policy decides whether a correctly keyed packet from a new port moves the latch.
 */
import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MediaSocket,
  PortAllocator,
  SrtpContext,
  serializeRtp,
  srtpTransform,
  type MediaLatchPolicy,
  type RtpPacket,
  type TransportAddress,
} from '../../src/index.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const key = (seed: number) => ({
  profile: 'AES_CM_128_HMAC_SHA1_80' as const,
  masterKey: new Uint8Array(16).map((_, i) => seed + i),
  masterSalt: new Uint8Array(14).map((_, i) => seed * 3 + i),
});

const rtp = (seq: number): RtpPacket => ({
  marker: false, payloadType: 0, sequenceNumber: seq, timestamp: seq * 160, ssrc: 0xfeed, csrc: [], padding: 0, payload: new Uint8Array(160).fill(seq & 0xff),
});

async function udp(): Promise<Socket & { port: number }> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  cleanups.push(() => new Promise<void>((r) => s.close(() => r())));
  return Object.assign(s, { port: s.address().port });
}

/** A MediaSocket on an ephemeral port pair keyed with the peer's key (inbound) and ours (outbound). */
async function victim(latchPolicy?: MediaLatchPolicy): Promise<MediaSocket> {
  // Any free pair: PortAllocator probes the range and skips pairs in use.
  const base = 40000 + Math.floor(Math.random() * 10000) * 2;
  const allocator = new PortAllocator({ minPort: base, maxPort: base + 199, address: '127.0.0.1' });
  const socket = await MediaSocket.open({
    allocator,
    transform: srtpTransform({ outbound: new SrtpContext(key(1)), inbound: new SrtpContext(key(2)) }),
    ...(latchPolicy === undefined ? {} : { latchPolicy }),
  });
  cleanups.push(() => socket.close());
  return socket;
}

/**
 * Sends each datagram, then `marker` (an RTP packet the socket accepts, sequence number
 * `markerSeq`), and waits until the marker arrived: loopback keeps order, so everything before it
 * has been processed.
 */
async function deliver(socket: MediaSocket, sends: Array<[Socket, Uint8Array]>, marker: [Socket, Uint8Array], markerSeq: number): Promise<void> {
  const seen = new Promise<void>((resolve) => {
    const onRtp = (p: RtpPacket) => {
      if (p.sequenceNumber === markerSeq) {
        socket.off('rtp', onRtp);
        resolve();
      }
    };
    socket.on('rtp', onRtp);
  });
  for (const [from, bytes] of [...sends, marker]) from.send(bytes, socket.localPort, '127.0.0.1');
  await seen;
}

describe('hostile/ RFC 3711 §3.3 MediaSocket drop counters by reason (issue 9, defect 9)', () => {
  it('replays, forgeries, truncated datagrams and late packets are told apart', { timeout: 10_000 }, async () => {
    const socket = await victim();
    const peer = await udp();
    const peerTx = new SrtpContext(key(2));
    const srtp = (seq: number) => peerTx.protect(serializeRtp(rtp(seq)));
    const p1 = srtp(1);
    const forged = srtp(2);
    forged[forged.length - 1]! ^= 1; // RFC 3711 §3.3: the tag no longer verifies
    const drops: string[] = [];
    socket.on('dropped', (_reason, _channel, _from, detail) => drops.push(detail));
    await deliver(
      socket,
      [
        [peer, p1],
        [peer, p1], // replay (RFC 3711 §3.3.2)
        [peer, forged],
        [peer, p1.subarray(0, 7)], // shorter than an RTP header: not even SRTP
        [peer, Uint8Array.of(0x80, 0, 0)],
      ],
      [peer, srtp(500)],
      500,
    );
    expect(socket.counters.rtpReceived).toBe(2);
    expect(socket.counters.dropped).toBe(4);
    expect(socket.counters.drops).toMatchObject({ replay: 1, 'auth-failed': 1, malformed: 2, 'too-old': 0, 'unknown-source': 0 });
    expect(drops).toEqual(['replay', 'auth-failed', 'malformed', 'malformed']);
    // Sequence 1 again, now 499 packets behind: left of the 64-packet window (RFC 3711 §3.3.2).
    await deliver(socket, [[peer, p1]], [peer, srtp(501)], 501);
    expect(socket.counters.drops['too-old']).toBe(1);
    expect(socket.counters.dropped).toBe(5);
  });

  it("'follow-authenticated' (default): a correctly keyed packet from a new port moves the latch (NAT rebinding)", { timeout: 10_000 }, async () => {
    const socket = await victim();
    const [first, moved] = [await udp(), await udp()];
    const peerTx = new SrtpContext(key(2));
    const srtp = (seq: number) => peerTx.protect(serializeRtp(rtp(seq)));
    await deliver(socket, [], [first, srtp(1)], 1);
    expect(socket.remote).toEqual<TransportAddress>({ address: '127.0.0.1', port: first.port });
    await deliver(socket, [], [moved, srtp(2)], 2);
    expect(socket.remote).toEqual<TransportAddress>({ address: '127.0.0.1', port: moved.port });
  });

  it("'fixed': the latch never moves after the first authenticated packet; other sources are dropped unread", { timeout: 10_000 }, async () => {
    const socket = await victim('fixed');
    const [first, other] = [await udp(), await udp()];
    const peerTx = new SrtpContext(key(2));
    const srtp = (seq: number) => peerTx.protect(serializeRtp(rtp(seq)));
    await deliver(socket, [], [first, srtp(1)], 1);
    expect(socket.remote).toEqual<TransportAddress>({ address: '127.0.0.1', port: first.port });
    // A correctly keyed packet from another port, then the marker from the latched one.
    await deliver(socket, [[other, srtp(2)]], [first, srtp(3)], 3);
    expect(socket.remote).toEqual<TransportAddress>({ address: '127.0.0.1', port: first.port });
    expect(socket.counters.drops['unknown-source']).toBe(1);
    expect(socket.counters.rtpReceived).toBe(2);
    // setRemote() (a re-INVITE) forgets the learned address: the next authenticated source latches.
    socket.setRemote({ address: '127.0.0.1', port: other.port });
    await deliver(socket, [], [other, srtp(4)], 4);
    expect(socket.remote).toEqual<TransportAddress>({ address: '127.0.0.1', port: other.port });
  });
});
