/**
 * The relay on loopback sockets: learning, forwarding both ways, loss and
 * delay counted, order kept, foreign sources and cuts, lifecycle.
 */
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { UdpImpairmentRelay, type RelayAddress, type RelayEvent } from '../src/index.js';

const sockets: Socket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});

async function peer(): Promise<{ socket: Socket; address: RelayAddress; got: Buffer[] }> {
  const socket = createSocket('udp4');
  sockets.push(socket);
  const got: Buffer[] = [];
  socket.on('message', (m) => got.push(m));
  socket.bind(0, '127.0.0.1');
  await once(socket, 'listening');
  return { socket, address: { address: '127.0.0.1', port: socket.address().port }, got };
}

const send = (s: Socket, to: RelayAddress, data: Uint8Array | string): void => s.send(data, to.port, to.address);

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('UdpImpairmentRelay', () => {
  it('learns A from its first datagram and forwards both ways on a perfect link', async () => {
    const a = await peer();
    const b = await peer();
    await using relay = await UdpImpairmentRelay.open({ seed: 1, peerB: b.address });
    send(a.socket, relay.sideA, 'hello');
    await until(() => b.got.length === 1);
    expect(relay.peerA).toEqual(a.address);
    send(b.socket, relay.sideB, 'back');
    await until(() => a.got.length === 1);
    expect(a.got[0]!.toString()).toBe('back');
    expect(relay.counters('aToB')).toMatchObject({ received: 1, sent: 1, forwarded: 1, dropped: 0 });
    expect(relay.counters('bToA')).toMatchObject({ received: 1, sent: 1, forwarded: 1, dropped: 0 });
  });

  it('drops as the model says, counts it, and keeps the order under jitter', async () => {
    const a = await peer();
    const b = await peer();
    const events: RelayEvent[] = [];
    await using relay = await UdpImpairmentRelay.open({
      seed: 20240,
      peerA: a.address,
      peerB: b.address,
      aToB: { loss: 0.3, delay: { fixedMs: 20, jitterMs: 15 } },
      observe: (e) => events.push(e),
    });
    for (let i = 0; i < 200; i++) send(a.socket, relay.sideA, Uint8Array.of(i));
    await until(() => relay.counters('aToB').received === 200);
    await until(() => relay.queued('aToB') === 0);
    await until(() => b.got.length === relay.counters('aToB').forwarded);
    const c = relay.counters('aToB');
    expect(c.dropped + c.forwarded).toBe(200);
    expect(c.dropped).toBeGreaterThan(30); // 60 expected
    expect(c.dropped).toBeLessThan(95);
    const order = b.got.map((m) => m[0]!);
    expect(order).toEqual([...order].sort((x, y) => x - y));
    expect(c.maxDelayMs).toBeLessThanOrEqual(35 + 1e-9 + 200); // at most fixed + jitter, plus waiting behind earlier ones
    expect(events.filter((e) => e.type === 'dropped' && e.reason === 'loss')).toHaveLength(c.dropped);
    expect(events.filter((e) => e.type === 'sent')).toHaveLength(c.forwarded);
  });

  it('the same seed drops the same datagrams', async () => {
    const dropped = async (seed: number): Promise<number[]> => {
      const a = await peer();
      const b = await peer();
      const out: number[] = [];
      await using relay = await UdpImpairmentRelay.open({ seed, peerB: b.address, aToB: { loss: 0.2 }, observe: (e) => e.type === 'dropped' && out.push(e.datagram[0]!) });
      for (let i = 0; i < 100; i++) send(a.socket, relay.sideA, Uint8Array.of(i));
      await until(() => relay.counters('aToB').received === 100);
      return out;
    };
    expect(await dropped(77)).toEqual(await dropped(77));
  });

  it('drops datagrams from a foreign source, and everything while cut', async () => {
    const a = await peer();
    const b = await peer();
    const stranger = await peer();
    await using relay = await UdpImpairmentRelay.open({ seed: 3, peerA: a.address, peerB: b.address, aToB: { delay: { fixedMs: 200 } } });
    send(stranger.socket, relay.sideA, 'x');
    await until(() => relay.counters('aToB').foreign === 1);
    send(a.socket, relay.sideA, 'queued');
    await until(() => relay.queued('aToB') === 1);
    relay.cut();
    expect(relay.isCut('aToB') && relay.isCut('bToA')).toBe(true);
    send(b.socket, relay.sideB, 'lost');
    await until(() => relay.counters('bToA').cut === 1);
    expect(relay.counters('aToB').cut).toBe(1); // the queued one
    relay.restore('bToA');
    send(b.socket, relay.sideB, 'through');
    await until(() => a.got.length === 1);
    expect(b.got).toHaveLength(0);
  });

  it('unimpaired datagrams (impairs → false) pass at once; a throwing observer changes nothing', async () => {
    const a = await peer();
    const b = await peer();
    await using relay = await UdpImpairmentRelay.open({
      seed: 4,
      peerB: b.address,
      aToB: { loss: 1 },
      impairs: (d) => d[0] !== 0,
      observe: () => {
        throw new Error('observer bug');
      },
    });
    send(a.socket, relay.sideA, Uint8Array.of(0));
    send(a.socket, relay.sideA, Uint8Array.of(1));
    await until(() => relay.counters('aToB').received === 2);
    await until(() => b.got.length === 1);
    expect(relay.counters('aToB')).toMatchObject({ unimpaired: 1, dropped: 1 });
  });

  it('a transform rewrites in arrival order, even when async; null or a throw drops (counted)', async () => {
    const a = await peer();
    const b = await peer();
    await using relay = await UdpImpairmentRelay.open({
      seed: 5,
      peerB: b.address,
      transform: async (d) => {
        if (d[0] === 1) await new Promise((r) => setTimeout(r, 30)); // the slow one must not be overtaken
        if (d[0] === 2) return null;
        if (d[0] === 3) throw new Error('bad');
        return Uint8Array.of(d[0]! + 100);
      },
    });
    for (const i of [1, 2, 3, 4]) send(a.socket, relay.sideA, Uint8Array.of(i));
    await until(() => b.got.length === 2);
    expect(b.got.map((m) => m[0])).toEqual([101, 104]);
    expect(relay.counters('aToB').transformDropped).toBe(2);
  });

  it('refuses bad options by name; close() is idempotent and nothing is sent after it', async () => {
    await expect(UdpImpairmentRelay.open({ seed: 1.5 })).rejects.toThrow(/options\.seed/);
    await expect(UdpImpairmentRelay.open({ seed: 1, host: 'localhost' })).rejects.toThrow(/options\.host/);
    await expect(UdpImpairmentRelay.open({ seed: 1, peerB: { address: '127.0.0.1', port: 0 } })).rejects.toThrow(/options\.peerB\.port/);
    await expect(UdpImpairmentRelay.open({ seed: 1, aToB: { loss: 2 } })).rejects.toThrow(/options\.loss/);
    const b = await peer();
    const a = await peer();
    const relay = await UdpImpairmentRelay.open({ seed: 1, peerB: b.address, aToB: { delay: { fixedMs: 50 } } });
    send(a.socket, relay.sideA, 'late');
    await until(() => relay.queued('aToB') === 1);
    const p = relay.close();
    expect(relay.close()).toBe(p);
    await p;
    expect(relay.closed).toBe(true);
    expect(relay.queued('aToB')).toBe(0);
    await new Promise((r) => setTimeout(r, 80));
    expect(b.got).toHaveLength(0);
  });
});
