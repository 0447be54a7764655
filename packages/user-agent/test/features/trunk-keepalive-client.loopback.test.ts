/**
 * TrunkKeepAliveClient on loopback: OPTIONS to a trunk that answers, fails
 * and recovers; a silent trunk; and a TCP trunk that never answers the
 * transport's RFC 5626 CRLF pings, whose flow failure counts at once.
 */
import { createResponse, parseMessage, serializeMessage, type SipRequest } from '@trunkline/sip-parser';
import { SipEndpoint, SipTransport } from '@trunkline/transaction-layer';
import { afterEach, describe, expect, it } from 'vitest';
import { FeatureScheduler } from '../../src/features/node/feature-scheduler.js';
import { TrunkKeepAliveClient, type TrunkKeepAliveClientEvents } from '../../src/features/node/trunk-keepalive-client.js';
import { rawTcpServer } from './support/tcp-server.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function endpointOn(protocol: 'udp' | 'tcp', keepAlive?: { crlfIntervalMs: number; pongTimeoutMs: number }): Promise<SipEndpoint> {
  const transport = await SipTransport.create({ listen: [{ protocol, host: '127.0.0.1', port: 0 }], ...(keepAlive === undefined ? {} : { keepAlive }) });
  const endpoint = new SipEndpoint(transport, { timers: { T1: 100, T2: 400, T4: 500 } });
  cleanups.push(async () => {
    await endpoint.close();
    await transport.close();
  });
  return endpoint;
}

function next<K extends keyof TrunkKeepAliveClientEvents>(c: TrunkKeepAliveClient, event: K, timeoutMs = 5000): Promise<TrunkKeepAliveClientEvents[K][0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    c.once(event, ((v: TrunkKeepAliveClientEvents[K][0]) => {
      clearTimeout(timer);
      resolve(v);
    }) as never);
  });
}

describe('RFC 3261 §11 TrunkKeepAliveClient on loopback', () => {
  it('trunkUp on the first 200 (with RTT), trunkDown after K 503s, trunkUp again when it answers; one timer for all', async () => {
    const trunk = await endpointOn('udp');
    let status = 200;
    const seen: SipRequest[] = [];
    trunk.on('request', ({ request, respond }) => {
      seen.push(request);
      respond(createResponse(request, status, { toTag: 'trunk' }));
    });
    const us = await endpointOn('udp');
    const scheduler = new FeatureScheduler();
    cleanups.push(() => scheduler.close());
    const port = trunk.transport.addresses[0]!.port;
    const ka = new TrunkKeepAliveClient({
      endpoint: us,
      scheduler,
      target: `sip:127.0.0.1:${port}`,
      flow: { protocol: 'udp', address: '127.0.0.1', port },
      intervalMs: 100,
      failuresBeforeDown: 2,
    });
    cleanups.push(() => ka.close());
    const up = next(ka, 'trunkUp');
    ka.start();
    const first = await up;
    expect(first.status).toBe(200);
    expect(first.rttMs).toBeGreaterThanOrEqual(0);
    expect(first.rttMs).toBeLessThan(1000);
    status = 503;
    const down = await next(ka, 'trunkDown');
    expect(down).toEqual({ failures: 2, failure: { kind: 'status', status: 503 } });
    status = 404; // a live trunk that does not know the user: alive
    expect((await next(ka, 'trunkUp')).status).toBe(404);
    expect(scheduler.size).toBe(1);
    // RFC 3261 §11.1: OPTIONS, one Call-ID per trunk, CSeq counting up.
    expect(seen.every((r) => r.method === 'OPTIONS' && r.callId === seen[0]!.callId)).toBe(true);
    expect(seen.map((r) => r.cseq!.seq)).toEqual(seen.map((_, i) => i + 1));
  });

  it('a silent trunk: each probe fails after responseTimeoutMs (its transaction abandoned), trunkDown after K', async () => {
    const silent = await endpointOn('udp'); // no request listener: the endpoint answers nothing
    const us = await endpointOn('udp');
    const port = silent.transport.addresses[0]!.port;
    const ka = new TrunkKeepAliveClient({
      endpoint: us,
      target: `sip:127.0.0.1:${port}`,
      flow: { protocol: 'udp', address: '127.0.0.1', port },
      intervalMs: 50,
      responseTimeoutMs: 150,
      failuresBeforeDown: 3,
    });
    cleanups.push(() => ka.close());
    const started = performance.now();
    ka.start();
    expect(await next(ka, 'trunkDown')).toEqual({ failures: 3, failure: { kind: 'timeout' } });
    // 3 × 150 ms timeouts + 2 × 50 ms gaps, with room for a loaded CI box.
    expect(performance.now() - started).toBeGreaterThanOrEqual(500);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('RFC 5626 §4.4.1: a TCP trunk that answers OPTIONS but not the CRLF pings — the flow failure counts at once', async () => {
    // A raw TCP "trunk": answers each OPTIONS with 200, ignores CRLFCRLF pings.
    let options = 0;
    const server = await rawTcpServer((socket) => {
      let buffer = '';
      socket.on('data', (data) => {
        buffer += data.toString('latin1');
        for (;;) {
          buffer = buffer.replace(/^(\r\n)+/, ''); // pings: no pong
          const end = buffer.indexOf('\r\n\r\n');
          if (end < 0) return;
          const text = buffer.slice(0, end + 4);
          buffer = buffer.slice(end + 4);
          const request = parseMessage(new TextEncoder().encode(text));
          if (!request.isRequest) continue;
          options++;
          socket.write(serializeMessage(createResponse(request, 200, { toTag: 'raw' })));
        }
      });
    });
    cleanups.push(() => server.close());
    const us = await endpointOn('tcp', { crlfIntervalMs: 150, pongTimeoutMs: 150 });
    const ka = new TrunkKeepAliveClient({
      endpoint: us,
      target: `sip:127.0.0.1:${server.port};transport=tcp`,
      flow: { protocol: 'tcp', address: '127.0.0.1', port: server.port },
      intervalMs: 60_000, // only the flow failure can cause the next OPTIONS
      failuresBeforeDown: 1,
    });
    cleanups.push(() => ka.close());
    const up = next(ka, 'trunkUp');
    ka.start();
    await up;
    expect(await next(ka, 'trunkDown', 5000)).toEqual({ failures: 1, failure: { kind: 'flow' } });
    // …and the OPTIONS sent at once over a new connection proves it alive again.
    expect((await next(ka, 'trunkUp', 5000)).status).toBe(200);
    expect(options).toBe(2);
    expect(server.connections).toBe(2);
  });
});
