import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MediaSocket,
  PortAllocator,
  PortRangeExhaustedError,
  SymmetricLatch,
  parseRtp,
  serializeRtp,
  type MediaTransform,
  type RtpPacket,
  type TransportAddress,
} from '../src/index.js';

// A per-process range keeps parallel test workers apart. It stays below the kernel's ephemeral
// range (32768+), where any test's port-0 socket could take a pair this file expects free, and
// below 20000, the user agent's default RTP range other tests' endpoints bind in (BASE + 39 < 19,050).
const BASE = 12000 + ((process.pid * 37) % 700) * 10;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function bindBlocker(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(port, '127.0.0.1', () => resolve(s));
    cleanups.push(() => new Promise<void>((r) => s.close(() => r())));
  });
}

const packet = (seq: number, ssrc = 0x1234): RtpPacket => ({
  marker: false, payloadType: 0, sequenceNumber: seq, timestamp: seq * 160, ssrc, csrc: [], padding: 0, payload: new Uint8Array(160).fill(seq & 0xff),
});

describe('PortAllocator (RFC 3550 §11: RTP even, RTCP = RTP + 1)', () => {
  it('hands out distinct even/odd pairs and takes them back on release', async () => {
    const a = new PortAllocator({ minPort: BASE + 1, maxPort: BASE + 6, address: '127.0.0.1' });
    const p1 = await a.allocate();
    const p2 = await a.allocate();
    expect(p1.port % 2).toBe(0);
    expect(p1.port).toBe(BASE + 2);
    expect(p2.port).toBe(BASE + 4);
    expect(p1.rtcp.address().port).toBe(p1.port + 1);
    await expect(a.allocate()).rejects.toBeInstanceOf(PortRangeExhaustedError);
    await a.release(p1);
    await a.release(p1); // idempotent
    expect([...a.inUse]).toEqual([p2.port]);
    const p3 = await a.allocate();
    expect(p3.port).toBe(p1.port);
    await a.release(p2);
    await a.release(p3);
  });

  it('skips pairs whose RTP or RTCP port is taken (EADDRINUSE)', async () => {
    await bindBlocker(BASE + 10);
    await bindBlocker(BASE + 13);
    const a = new PortAllocator({ minPort: BASE + 10, maxPort: BASE + 15, address: '127.0.0.1' });
    const p = await a.allocate();
    expect(p.port).toBe(BASE + 14);
    await a.release(p);
  });

  it('rejects a range without a pair', () => {
    expect(() => new PortAllocator({ minPort: 5001, maxPort: 5001 })).toThrow(RangeError);
  });

  it('issue 14: a pair another process holds is skipped without a bind for busyRetryMs, then tried again', async () => {
    const blocker = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      blocker.once('error', reject);
      blocker.bind(BASE + 24, '127.0.0.1', () => resolve());
    });
    let t = 0;
    const a = new PortAllocator({ minPort: BASE + 24, maxPort: BASE + 27, address: '127.0.0.1', busyRetryMs: 1000, now: () => t });
    const p1 = await a.allocate();
    expect(p1.port).toBe(BASE + 26);
    expect(a.heldElsewhere).toBe(1);
    await a.release(p1);
    await new Promise<void>((r) => blocker.close(() => r()));
    // Free now, but not tried before busyRetryMs: the cursor passes it and takes the other pair again.
    const p2 = await a.allocate();
    expect(p2.port).toBe(BASE + 26);
    await a.release(p2);
    t = 1000;
    const p3 = await a.allocate();
    expect(p3.port).toBe(BASE + 24);
    expect(a.heldElsewhere).toBe(0);
    await a.release(p3);
    expect(() => new PortAllocator({ minPort: BASE, maxPort: BASE + 3, busyRetryMs: -1 })).toThrow(RangeError);
  });

  it('issue 14: every media socket asks for the named receive/send buffers and the allocator reports what the kernel granted', async () => {
    const a = new PortAllocator({ minPort: BASE + 16, maxPort: BASE + 19, address: '127.0.0.1', recvBufferSize: 100_000, sendBufferSize: 90_000 });
    expect(a.bufferSizes).toBeNull();
    const p = await a.allocate();
    // Linux grants min(asked, rmem_max) and reports twice that; 100 kB is below every default rmem_max.
    expect(a.bufferSizes?.recvBufferSize).toBeGreaterThanOrEqual(100_000);
    expect(a.bufferSizes?.sendBufferSize).toBeGreaterThanOrEqual(90_000);
    expect(p.rtcp.getRecvBufferSize()).toBe(a.bufferSizes?.recvBufferSize);
    await a.release(p);
    expect(() => new PortAllocator({ minPort: BASE, maxPort: BASE + 3, recvBufferSize: 0 })).toThrow(RangeError);
  });
});

describe('symmetric RTP latch (RFC 4961 spirit)', () => {
  const sdp: TransportAddress = { address: '10.0.0.5', port: 4000 };
  const nat: TransportAddress = { address: '203.0.113.9', port: 61000 };
  it('sends to the signalled address until valid media arrives, then to its source', () => {
    const l = new SymmetricLatch({ initial: sdp });
    expect(l.remote).toEqual(sdp);
    expect(l.onValidPacket(nat, 7)).toBe(true);
    expect(l.remote).toEqual(nat);
    expect(l.latched).toBe(true);
  });
  it('moves again only for the same SSRC (NAT rebinding), never for another source', () => {
    const l = new SymmetricLatch({ initial: sdp });
    l.onValidPacket(nat, 7);
    expect(l.onValidPacket({ address: '198.51.100.1', port: 1 }, 8)).toBe(false);
    expect(l.onValidPacket({ address: nat.address, port: 61002 }, 7)).toBe(true);
    const fixed = new SymmetricLatch({ initial: sdp, relatch: false });
    fixed.onValidPacket(nat, 7);
    expect(fixed.onValidPacket({ address: nat.address, port: 61002 }, 7)).toBe(false);
  });
});

/** A toy authenticated transform: a trailing tag byte that must be 0xA5. */
const tagTransform: MediaTransform = {
  protectRtp: (p) => Uint8Array.of(...p, 0xa5),
  unprotectRtp: (p) => {
    if (p[p.length - 1] !== 0xa5) throw new Error('auth');
    return p.subarray(0, p.length - 1);
  },
  protectRtcp: (p) => Uint8Array.of(...p, 0xa5),
  unprotectRtcp: (p) => {
    if (p[p.length - 1] !== 0xa5) throw new Error('auth');
    return p.subarray(0, p.length - 1);
  },
};

describe('MediaSocket on loopback', () => {
  async function pair(transform?: MediaTransform) {
    const allocator = new PortAllocator({ minPort: BASE + 20, maxPort: BASE + 39, address: '127.0.0.1' });
    const opt = transform === undefined ? {} : { transform };
    const b = await MediaSocket.open({ allocator, remote: { address: '127.0.0.1', port: 9 }, ...opt }); // wrong SDP address
    const a = await MediaSocket.open({ allocator, remote: { address: '127.0.0.1', port: b.localPort }, ...opt });
    cleanups.push(() => a.close(), () => b.close());
    return { a, b, allocator };
  }

  it('latches to where media comes from and echoes back through the transform', async () => {
    const { a, b } = await pair(tagTransform);
    const latched = once(b, 'latched');
    const atB = once(b, 'rtp');
    expect(a.sendRtp(packet(1))).toBe(true);
    const [got, from] = (await atB) as [RtpPacket, TransportAddress];
    expect(got.sequenceNumber).toBe(1);
    expect(from.port).toBe(a.localPort);
    expect(await latched).toEqual([{ address: '127.0.0.1', port: a.localPort }]);
    const atA = once(a, 'rtp');
    b.sendRtp({ ...got, sequenceNumber: 2 });
    const [echo] = (await atA) as [RtpPacket];
    expect(echo.sequenceNumber).toBe(2);
    expect(echo.payload).toEqual(packet(1).payload);
  });

  it('unauthenticated packets are dropped and do not move the latch', async () => {
    const { a, b } = await pair(tagTransform);
    const atB = once(b, 'rtp');
    a.sendRtp(packet(1));
    await atB;
    const intruder = createSocket('udp4');
    await new Promise<void>((r) => intruder.bind(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise<void>((r) => intruder.close(() => r())));
    const dropped = once(b, 'dropped');
    intruder.send(serializeRtp(packet(5)), b.localPort, '127.0.0.1'); // no tag
    // The test transform throws a plain Error: the detail says the transform refused it.
    expect(await dropped).toEqual(['unprotect', 'rtp', { address: '127.0.0.1', port: intruder.address().port }, 'transform']);
    expect(b.remote).toEqual({ address: '127.0.0.1', port: a.localPort });
    expect(b.counters.dropped).toBe(1);
    const garbage = once(b, 'dropped');
    intruder.send(Uint8Array.of(1, 2, 3, 0xa5), b.localPort, '127.0.0.1'); // authenticates, but not RTP
    expect(await garbage).toMatchObject(['parse', 'rtp', {}, 'malformed']);
    expect(b.counters.drops).toMatchObject({ transform: 1, malformed: 1 });
  });

  it('carries compound RTCP on port + 1', async () => {
    const { a, b } = await pair();
    const atB = once(b, 'rtcp');
    a.setRemote({ address: '127.0.0.1', port: b.localPort });
    a.sendRtcp([{ type: 'rr', ssrc: 1, reports: [], profileExtension: new Uint8Array(0) }, { type: 'bye', ssrcs: [1] }]);
    const [packets] = (await atB) as [unknown[]];
    expect(packets).toEqual([{ type: 'rr', ssrc: 1, reports: [], profileExtension: new Uint8Array(0) }, { type: 'bye', ssrcs: [1] }]);
  });

  it('RFC 5761 §4: with rtcp-mux, RTCP travels on the RTP port and is told apart from RTP', async () => {
    const { a, b } = await pair();
    a.setRtcpMux(true);
    b.setRtcpMux(true);
    a.setRemote({ address: '127.0.0.1', port: b.localPort }, { address: '127.0.0.1', port: b.localPort });
    const rtcpAtB = once(b, 'rtcp');
    a.sendRtcp([{ type: 'rr', ssrc: 7, reports: [], profileExtension: new Uint8Array(0) }]);
    const [packets, from] = (await rtcpAtB) as [unknown[], TransportAddress];
    expect(packets).toEqual([{ type: 'rr', ssrc: 7, reports: [], profileExtension: new Uint8Array(0) }]);
    expect(from.port).toBe(a.localPort); // sent from the RTP socket
    const rtpAtB = once(b, 'rtp');
    a.sendRtp(packet(4));
    expect(((await rtpAtB) as [RtpPacket])[0].sequenceNumber).toBe(4);
    expect(b.counters).toMatchObject({ rtpReceived: 1, rtcpReceived: 1, dropped: 0 });
  });

  it('RFC 3264 §8.4: setRemote(undefined) (c=0.0.0.0 hold) sends nothing', async () => {
    const { a } = await pair();
    a.setRemote(undefined);
    expect(a.remote).toBeUndefined();
    expect(a.sendRtp(packet(1))).toBe(false);
    expect(a.sendRtcp([{ type: 'rr', ssrc: 1, reports: [], profileExtension: new Uint8Array(0) }])).toBe(false);
  });

  it('close() is idempotent, releases the ports, and sending after close is refused', async () => {
    const { a, allocator } = await pair();
    const port = a.localPort;
    await Promise.all([a.close(), a.close()]);
    expect(a.closed).toBe(true);
    expect(allocator.inUse.has(port)).toBe(false);
    expect(a.sendRtp(packet(1))).toBe(false);
  });

  it('the payload of a received packet is a view of the datagram', async () => {
    const { a, b } = await pair();
    const atB = once(b, 'rtp');
    a.sendRtp(packet(3));
    const [got] = (await atB) as [RtpPacket];
    expect(got.payload.byteOffset - parseRtp(serializeRtp(packet(3))).payload.byteOffset).toBeGreaterThanOrEqual(0);
    expect(got.payload.length).toBe(160);
  });
});
