/**
 * Issue 9 defects 1, 2 and 5 on loopback with small limits: one source
 * cannot take the connection budget (idle sockets, a byte now and then,
 * never-finished TLS handshakes, reconnects towards a tarpit), while a
 * legitimate OPTIONS client on 127.0.0.1 keeps opening fresh connections.
 * Attackers bind other loopback addresses (127.0.0.x) so that they are
 * other sources.
 */
import { connect as tcpConnect, createServer, type Server, type Socket } from 'node:net';
import { createResponse } from '@trunkline/sip-parser';
import { connect as tlsConnect } from 'node:tls';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testPki, type TestPki } from '../helpers/certs.js';
import { autoClose, closeAll } from '../helpers/transport-harness.js';
import { eventually, fdCount, heapAfterGc, optionsServer, startProbe } from './probe.js';

afterEach(closeAll);

let pki: TestPki;
beforeAll(() => {
  pki = testPki();
});

/** Opens `n` raw TCP connections from `localAddress` (spread over 127.0.0.x when an array), resolving when each has connected or failed. */
async function flood(port: number, n: number, localAddress: string | readonly string[]): Promise<Socket[]> {
  const sockets = await Promise.all(
    Array.from(
      { length: n },
      (_, i) =>
        new Promise<Socket>((resolve) => {
          const s = tcpConnect({ host: '127.0.0.1', port, localAddress: typeof localAddress === 'string' ? localAddress : localAddress[i % localAddress.length]! });
          s.on('error', () => undefined);
          s.once('connect', () => resolve(s));
          s.once('close', () => resolve(s));
        }),
    ),
  );
  autoClose({ close: () => sockets.forEach((s) => s.destroy()) });
  return sockets;
}

const alive = (sockets: readonly Socket[]): number => sockets.filter((s) => !s.destroyed && s.readyState === 'open').length;

function report(name: string, r: { sent: number; answered: number; rate: number }): void {
  console.log(`[hostile] ${name}: probe ${r.answered}/${r.sent} answered (${(100 * r.rate).toFixed(0)}%)`);
}

describe('issue 9 defect 1: one source cannot exhaust the TCP connection budget', () => {
  it('RFC 5923 §11: 60 idle connections from one address — per-source cap; the probe from another address gets in', async () => {
    const server = await optionsServer({
      listen: [{ protocol: 'tcp', port: 0 }],
      limits: { maxConnections: 20, maxConnectionsPerSource: 10, firstMessageTimeoutMs: 1_000 },
    });
    const port = server.port('tcp');
    const fds = fdCount();
    const idle = await flood(port, 60, '127.0.0.2');
    const probe = startProbe('tcp', port, { intervalMs: 50 });
    await new Promise((r) => setTimeout(r, 1_500));
    const r = await probe.stop();
    report('defect 1, one-source idle flood', r);
    expect(r.rate).toBeGreaterThanOrEqual(0.9);
    expect(server.transport.stats.connectionsRefusedPerSource).toBeGreaterThanOrEqual(50);
    // The idle ones that got in never sent a message: closed after firstMessageTimeoutMs.
    expect(await eventually(() => alive(idle) === 0, 5_000)).toBe(true);
    expect(await eventually(() => server.transport.connectionCount === 0 && fdCount() <= fds + 2, 5_000)).toBe(true);
  });

  it('RFC 3261 §18.3: slow senders from many addresses (a byte every 100 ms, never a whole message) are cut by the message deadline; idle ones are evicted for new clients', async () => {
    const server = await optionsServer({
      listen: [{ protocol: 'tcp', port: 0 }],
      limits: { maxConnections: 20, maxConnectionsPerSource: 10, messageTimeoutMs: 600, firstMessageTimeoutMs: 60_000 },
    });
    const port = server.port('tcp');
    const fds = fdCount();
    const heap = heapAfterGc();
    const sources = Array.from({ length: 15 }, (_, i) => `127.0.1.${i + 1}`);
    const slow = await flood(port, 15, sources); // 15 slow senders
    const idle = await flood(port, 15, sources.map((s) => s.replace('127.0.1.', '127.0.2.'))); // and 15 silent ones
    const text = 'OPTIONS sip:x@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.9;branch=z9hG4bK-slow\r\n';
    let i = 0;
    const drip = setInterval(() => {
      for (const s of slow) if (!s.destroyed) s.write(text[i % text.length]!);
      i++;
    }, 100);
    const probe = startProbe('tcp', port, { intervalMs: 50 });
    await new Promise((r) => setTimeout(r, 2_000));
    const r = await probe.stop();
    clearInterval(drip);
    report('defect 1, slow senders + idle from 30 addresses', r);
    expect(r.rate).toBeGreaterThanOrEqual(0.9);
    expect(alive(slow)).toBe(0); // the message deadline closed every slow sender
    expect(server.transport.stats.connectionsEvicted).toBeGreaterThan(0);
    for (const s of idle) s.destroy();
    expect(await eventually(() => server.transport.connectionCount === 0 && fdCount() <= fds + 2, 5_000)).toBe(true);
    expect(heapAfterGc() - heap).toBeLessThan(8 * 1024 * 1024);
  });
});

describe('issue 9 defect 2: TLS connections that never finish the handshake', () => {
  it('RFC 5246 handshake: never-finished handshakes from 10 addresses (100/s) are counted in admission, evicted oldest first and destroyed at handshakeTimeoutMs', async () => {
    const server = await optionsServer({
      listen: [{ protocol: 'tls', port: 0, tls: { cert: pki.serverCert, key: pki.serverKey } }],
      limits: { maxConnections: 20, maxConnectionsPerSource: 4, handshakeTimeoutMs: 400 },
    });
    const port = server.port('tls');
    const fds = fdCount();
    const sources = Array.from({ length: 10 }, (_, i) => `127.0.3.${i + 1}`);
    const stuck: Socket[] = [];
    let maxHandshakes = 0;
    const probe = startProbe('tls', port, { intervalMs: 50, ca: pki.caCert });
    for (let i = 0; i < 150; i++) {
      stuck.push(...(await flood(port, 1, sources[i % sources.length]!)));
      maxHandshakes = Math.max(maxHandshakes, server.transport.handshakeCount);
      await new Promise((r) => setTimeout(r, 10));
    }
    const r = await probe.stop();
    report('defect 2, never-finished TLS handshakes at 100/s', r);
    console.log(`[hostile] defect 2: at most ${maxHandshakes} handshakes held; ${alive(stuck)} of ${stuck.length} attacker sockets still open when the attack ends`);
    expect(r.rate).toBeGreaterThanOrEqual(0.8);
    expect(maxHandshakes).toBeLessThanOrEqual(20);
    // The server closed them (the attacker still holds its ends open).
    expect(await eventually(() => alive(stuck) === 0, 3_000)).toBe(true);
    expect(server.transport.stats.tlsHandshakeFailures).toBeGreaterThan(0);
    expect(await eventually(() => server.transport.handshakeCount === 0 && fdCount() <= fds + 2, 5_000)).toBe(true);
  });
});

describe('issue 9 defect 5: reconnects towards dead peers do not consume the inbound budget', () => {
  it('RFC 3261 §18.2.2: responses after the peer hung up open connections to a tarpit; capped per address, never counted against inbound admission', async () => {
    // A tarpit: accepts TCP and never answers the TLS handshake, so each connect stays pending.
    const held: Socket[] = [];
    const tarpits: Server[] = [];
    for (let i = 0; i < 30; i++) {
      const t = createServer((s) => held.push(s));
      await new Promise<void>((r) => t.listen(0, '127.0.0.4', () => r()));
      tarpits.push(t);
    }
    autoClose({ close: () => (held.forEach((s) => s.destroy()), tarpits.forEach((t) => t.close())) });
    const server = await optionsServer({
      listen: [
        { protocol: 'tls', port: 0, tls: { cert: pki.serverCert, key: pki.serverKey } },
        { protocol: 'tcp', port: 0 },
      ],
      limits: { maxConnections: 20, connectTimeoutMs: 3_000 },
    });
    server.endpoint.on('request', (inc) => {
      // The application answers a moment later, when the caller has hung up.
      if (inc.request.method === 'INVITE') setTimeout(() => inc.respond(createResponse(inc.request, 486, { toTag: 'busy' })), 100);
    });
    const tlsPort = server.port('tls');
    const fds = fdCount();
    for (let i = 0; i < tarpits.length; i++) {
      const tarpitPort = (tarpits[i]!.address() as { port: number }).port;
      const s = tlsConnect({ host: '127.0.0.1', port: tlsPort, ca: pki.caCert, servername: 'localhost', ...{ localAddress: '127.0.0.4' } });
      s.on('error', () => undefined);
      const connected = await new Promise<boolean>((r) => {
        s.once('secureConnect', () => r(true));
        s.once('close', () => r(false));
      });
      if (!connected) continue; // refused: the budget is gone (what the probe measures)
      s.end(
        [
          `INVITE sip:b@127.0.0.1 SIP/2.0`,
          `Via: SIP/2.0/TLS 127.0.0.4:${tarpitPort};branch=z9hG4bK-tarpit-${i}`,
          'Max-Forwards: 70',
          `From: <sip:a@127.0.0.4>;tag=t${i}`,
          'To: <sip:b@127.0.0.1>',
          `Call-ID: tarpit-${i}@hostile`,
          'CSeq: 1 INVITE',
          'Contact: <sip:a@127.0.0.4>',
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
      );
    }
    const probe = startProbe('tcp', server.port('tcp'), { intervalMs: 50 });
    await new Promise((r) => setTimeout(r, 1_500));
    const r = await probe.stop();
    report('defect 5, reconnects towards a tarpit', r);
    console.log(`[hostile] defect 5: ${held.length} connections reached the tarpit, ${server.transport.stats.connectsRefused} refused by the outbound budgets`);
    expect(r.rate).toBeGreaterThanOrEqual(0.9);
    expect(held.length).toBeLessThanOrEqual(4); // limits.maxPendingConnectsPerAddress
    expect(server.transport.stats.connectsRefused).toBeGreaterThan(0);
    // connectTimeoutMs ends the pending connects: connections and descriptors back to baseline.
    expect(await eventually(() => server.transport.connectionCount === 0 && fdCount() <= fds + held.length, 5_000)).toBe(true);
  });
});
