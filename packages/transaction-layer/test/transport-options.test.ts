import { describe, expect, it } from 'vitest';
import { SipTransport } from '../src/transport/sip-transport.js';
import { resolveTransportOptions, type SipTransportOptions } from '../src/transport/transport-options.js';

describe('SipTransport options', () => {
  it('RFC 3261 §18 / §19.1.2: defaults — loopback, 5060/5061, limits, verification on, 1300-byte threshold', () => {
    const o = resolveTransportOptions({ listen: [{ protocol: 'udp' }, { protocol: 'tls', tls: { cert: 'c', key: 'k' } }] });
    expect(o.listen.map((l) => [l.protocol, l.host, l.port])).toEqual([
      ['udp', '127.0.0.1', 5060],
      ['tls', '127.0.0.1', 5061],
    ]);
    expect(o).toMatchObject({
      maxConnections: 1024,
      maxConnectionsPerSource: 64,
      maxConnectionBufferBytes: 262_144,
      idleTimeoutMs: 300_000,
      firstMessageTimeoutMs: 10_000,
      messageTimeoutMs: 10_000,
      maxMessageBytes: 65_535,
      connectTimeoutMs: 5_000,
      handshakeTimeoutMs: 5_000,
      maxPendingConnects: 32,
      maxPendingConnectsPerAddress: 4,
      crlfIntervalMs: 0,
      pongTimeoutMs: 10_000,
      udpMtuThreshold: 1300,
    });
    expect(o.tlsClient.rejectUnauthorized).toBeUndefined(); // undefined means true (see tlsConnectOptions)
  });

  const bad: Record<string, [SipTransportOptions, typeof TypeError | typeof RangeError]> = {
    'no listeners': [{ listen: [] }, TypeError],
    'unknown protocol': [{ listen: [{ protocol: 'sctp' as 'udp' }] }, TypeError],
    'host that is not an IP': [{ listen: [{ protocol: 'udp', host: 'localhost' }] }, TypeError],
    'port out of range': [{ listen: [{ protocol: 'udp', port: 70000 }] }, RangeError],
    'tls without certificate': [{ listen: [{ protocol: 'tls' }] }, TypeError],
    'zero maxConnections': [{ listen: [{ protocol: 'udp' }], limits: { maxConnections: 0 } }, RangeError],
    'fractional idle timeout': [{ listen: [{ protocol: 'udp' }], limits: { idleTimeoutMs: 1.5 } }, RangeError],
    'client cert without key': [{ listen: [{ protocol: 'udp' }], tlsClient: { cert: 'c' } }, TypeError],
    'negative keep-alive interval': [{ listen: [{ protocol: 'udp' }], keepAlive: { crlfIntervalMs: -1 } }, RangeError],
  };
  for (const [name, [options, type]] of Object.entries(bad)) {
    it(`RFC 3261 §18: misuse is refused once, at construction — ${name}`, () => {
      expect(() => new SipTransport(options)).toThrow(type);
    });
  }

  it('RFC 3261 §18.1.1: viaSentBy names the advertised address and bound port, publicAddress first', async () => {
    const t = await SipTransport.create({ listen: [{ protocol: 'udp', port: 0 }], publicAddress: '203.0.113.10' });
    try {
      expect(t.viaSentBy('udp')).toBe(`203.0.113.10:${t.addresses[0]!.port}`);
      expect(() => t.viaSentBy('tcp')).toThrow(expect.objectContaining({ code: 'NO_TRANSPORT' }));
    } finally {
      await t.close();
    }
  });

  it('RFC 3261 §18: a listener that cannot bind rejects with SOCKET_ERROR and leaves nothing open', async () => {
    const first = await SipTransport.create({ listen: [{ protocol: 'tcp', port: 0 }] });
    try {
      const port = first.addresses[0]!.port;
      await expect(SipTransport.create({ listen: [{ protocol: 'udp', port: 0 }, { protocol: 'tcp', port }] })).rejects.toMatchObject({
        code: 'TRANSPORT_SOCKET_ERROR',
      });
    } finally {
      await first.close();
    }
  });
});
