/**
 * RFC 5626 §4.4.1 CRLF keep-alives through `createUserAgent({ crlfKeepAlive })`:
 * a TCP flow the user agent opened (an OPTIONS probe to a raw TCP server)
 * carries a CRLFCRLF ping at the interval; a peer that pongs keeps it, one
 * that does not makes the user agent close it and emit `flowFailed`.
 * Real time (the transport's timers), with a short interval and wide margins.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { FlowFailure, UserAgent } from '../../src/index.js';
import { testAgent } from '../support/ua.js';
import { rawTcpServer } from './support/tcp-server.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** A TCP server that records when each CRLFCRLF ping arrives and, when `pong`, answers each with CRLF. */
async function crlfServer(pong: boolean): Promise<{ port: number; pings: number[]; closed: Promise<void> }> {
  const pings: number[] = [];
  let closedResolve!: () => void;
  const closed = new Promise<void>((resolve) => (closedResolve = resolve));
  const server = await rawTcpServer((socket) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      // Drop complete SIP messages (the OPTIONS, headers only) so what is left at the front is keep-alive traffic.
      for (let end = text.indexOf('\r\n\r\n'); end > 0 && !text.startsWith('\r\n'); end = text.indexOf('\r\n\r\n')) text = text.slice(end + 4);
      while (text.startsWith('\r\n\r\n')) {
        pings.push(performance.now());
        text = text.slice(4);
        if (pong) socket.write('\r\n');
      }
    });
    socket.on('close', () => closedResolve());
  });
  cleanup.push(() => server.close());
  return { port: server.port, pings, closed };
}

/** A user agent with a TCP listener and CRLF keep-alives, probing `port` over TCP so it opens a flow there. */
async function agentWithFlow(port: number, intervalMs: number, pongTimeoutMs: number): Promise<{ ua: UserAgent; failures: FlowFailure[] }> {
  const ua = await testAgent({ transports: [{ protocol: 'tcp', port: 0 }], crlfKeepAlive: { intervalMs, pongTimeoutMs } });
  cleanup.push(() => ua.close());
  const failures: FlowFailure[] = [];
  ua.on('flowFailed', (f) => failures.push(f));
  // The OPTIONS probe opens the flow; the raw server never answers it (its retransmissions stop on TCP, Timer F is 64·T1).
  ua.keepAlive({ target: `sip:trunk@127.0.0.1:${port};transport=tcp`, intervalMs: 60_000 });
  return { ua, failures };
}

describe('RFC 5626 §4.4.1 CRLF keep-alive on TCP from createUserAgent', () => {
  it('a CRLFCRLF ping every intervalMs on the flow we opened; a peer that pongs keeps the flow (no flowFailed)', async () => {
    const server = await crlfServer(true);
    const { failures } = await agentWithFlow(server.port, 150, 1000);
    const start = performance.now();
    while (server.pings.length < 4 && performance.now() - start < 5000) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.pings.length).toBeGreaterThanOrEqual(4);
    const gaps = server.pings.slice(1).map((t, i) => t - server.pings[i]!);
    for (const g of gaps) {
      expect(g).toBeGreaterThanOrEqual(100); // never faster than the interval (socket timing slack)
      expect(g).toBeLessThan(1000); // and not stalled (loaded CI box)
    }
    expect(failures).toEqual([]);
  }, 10_000);

  it('no pong within pongTimeoutMs: the connection is closed and flowFailed names it (TRANSPORT_KEEPALIVE_TIMEOUT)', async () => {
    const server = await crlfServer(false);
    const { failures } = await agentWithFlow(server.port, 100, 200);
    await server.closed; // we closed it
    const start = performance.now();
    while (failures.length === 0 && performance.now() - start < 2000) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(server.pings.length).toBe(1); // §4.4.1: no second ping while one waits for its pong
    expect(failures).toHaveLength(1);
    expect(failures[0]!.protocol).toBe('tcp');
    expect(failures[0]!.remote).toBe(`127.0.0.1:${server.port}`);
    expect(failures[0]!.error.code).toBe('TRANSPORT_KEEPALIVE_TIMEOUT');
  }, 10_000);

  it('rejects a bad crlfKeepAlive with RangeError naming the option', async () => {
    await expect(testAgent({ crlfKeepAlive: { intervalMs: 0 } })).rejects.toThrow(/options\.crlfKeepAlive\.intervalMs/);
    await expect(testAgent({ crlfKeepAlive: { intervalMs: 1000, pongTimeoutMs: -1 } })).rejects.toThrow(/options\.crlfKeepAlive\.pongTimeoutMs/);
  });
});
