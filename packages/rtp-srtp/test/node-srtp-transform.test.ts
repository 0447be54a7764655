import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { MediaSocket, PortAllocator, SrtpContext, serializeRtp, srtpTransform, type RtpPacket } from '../src/index.js';

const BASE = 33000 + ((process.pid * 53) % 1500) * 10;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const keys = () => ({ profile: 'AES_CM_128_HMAC_SHA1_80' as const, masterKey: randomBytes(16), masterSalt: randomBytes(14) });
const packet = (seq: number): RtpPacket => ({
  marker: false, payloadType: 0, sequenceNumber: seq, timestamp: seq * 160, ssrc: 0xabc, csrc: [], padding: 0, payload: new Uint8Array(160).fill(seq),
});

describe('RFC 3711 §3.2.3 SRTP on a media socket (one context per direction)', () => {
  it('media protected by one side is unprotected by the other; forged packets are dropped without latching', async () => {
    const aliceKeys = keys();
    const bobKeys = keys();
    const allocator = new PortAllocator({ minPort: BASE, maxPort: BASE + 9, address: '127.0.0.1' });
    const bob = await MediaSocket.open({
      allocator,
      transform: srtpTransform({ outbound: new SrtpContext(bobKeys), inbound: new SrtpContext(aliceKeys) }),
    });
    const alice = await MediaSocket.open({
      allocator,
      remote: { address: '127.0.0.1', port: bob.localPort },
      transform: srtpTransform({ outbound: new SrtpContext(aliceKeys), inbound: new SrtpContext(bobKeys) }),
    });
    cleanups.push(() => alice.close(), () => bob.close());

    const latched: number[] = [];
    bob.on('latched', (from) => latched.push(from.port));

    // A forged (plain RTP) packet from a third address is dropped and does not move the latch.
    const intruder = createSocket('udp4');
    cleanups.push(() => new Promise<void>((r) => intruder.close(() => r())));
    const dropped = once(bob, 'dropped');
    intruder.send(serializeRtp(packet(1)), bob.localPort, '127.0.0.1');
    expect((await dropped)[0]).toBe('unprotect');

    const got = once(bob, 'rtp');
    alice.sendRtp(packet(7));
    const [rtp] = (await got) as [RtpPacket];
    expect(rtp.sequenceNumber).toBe(7);
    expect([...rtp.payload]).toEqual([...packet(7).payload]);

    // Bob answers symmetrically (to where authenticated media came from) and Alice can read it.
    const back = once(alice, 'rtp');
    bob.sendRtp({ ...packet(9), ssrc: 0xdef });
    expect(((await back) as [RtpPacket])[0].sequenceNumber).toBe(9);
    expect(bob.counters.dropped).toBe(1);
    expect(latched).toEqual([alice.localPort]);
  });
});
