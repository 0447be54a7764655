import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createResponse } from '@trunkline/sip-parser';
import { responseFlow } from '../src/transport/response-flow.js';
import type {
  SipTransport,
  TransportCloseEvent,
  TransportConnectionEvent,
  TransportMalformedEvent,
  TransportMessageEvent,
} from '../src/transport/sip-transport.js';
import type { TransportTraceEvent } from '../src/transport/transport-options.js';
import { autoClose, branch, closeAll, portOf, rawTcp, request, requestText, transport, waitFor } from './helpers/transport-harness.js';

afterEach(closeAll);

function answerAll(t: SipTransport): void {
  t.on('message', ({ message, flow }) => {
    if (message.isRequest && message.method !== 'ACK') {
      void t.send(createResponse(message, 200, { toTag: 'uas' }), responseFlow(message, flow));
    }
  });
}

/** A TCP server that accepts and never answers; reports its sockets. */
async function silentServer(): Promise<{ port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  autoClose({ close: () => { for (const s of sockets) s.destroy(); server.close(); } });
  return { port: (server.address() as AddressInfo).port, sockets };
}

/** `p`, or a rejection naming `what` after `ms`. */
function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no ${what} within ${ms} ms`)), ms)));
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** A port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('TCP transport', () => {
  it('RFC 3261 §18.2.2 / RFC 5923: request and response share one connection, and later requests reuse it', async () => {
    const a = await transport({ listen: [{ protocol: 'tcp', port: 0 }] });
    const b = await transport({ listen: [{ protocol: 'tcp', port: 0 }] });
    answerAll(b);
    const to = { protocol: 'tcp' as const, address: '127.0.0.1', port: portOf(b, 'tcp') };
    const got = waitFor<[TransportMessageEvent]>(b, 'message');
    const used = await a.send(request('OPTIONS', { via: `SIP/2.0/TCP ${a.viaSentBy('tcp')};branch=${branch()}` }), to);
    expect(used.connectionId).toMatch(/^tcp-\d+$/);
    const [{ flow }] = await got;
    expect(flow.protocol).toBe('tcp');
    expect(flow.connectionId).toMatch(/^tcp-\d+$/);
    const [{ message: res }] = await waitFor<[TransportMessageEvent]>(a, 'message');
    expect(!res.isRequest && res.status).toBe(200);
    const again = await a.send(request('OPTIONS', { via: `SIP/2.0/TCP ${a.viaSentBy('tcp')};branch=${branch()}`, cseq: 2 }), to);
    expect(again.connectionId).toBe(used.connectionId);
    await waitFor(a, 'message');
    expect(a.connectionCount).toBe(1);
    expect(b.connectionCount).toBe(1);
  });

  it('RFC 3261 §18.3: a message written one byte at a time is framed, with rport and received filled (RFC 3581 §4)', async () => {
    const b = await transport({ listen: [{ protocol: 'tcp', port: 0 }] });
    answerAll(b);
    const client = await rawTcp(portOf(b, 'tcp'));
    client.socket.setNoDelay(true);
    const got = waitFor<[TransportMessageEvent]>(b, 'message');
    const bytes = Buffer.from(requestText('OPTIONS', { via: `SIP/2.0/TCP client.invalid:9;rport;branch=${branch()}`, body: 'hello' }));
    for (const byte of bytes) await new Promise<void>((r) => client.socket.write(Buffer.from([byte]), () => r()));
    const [{ message, flow }] = await got;
    expect(Buffer.from(message.body).toString()).toBe('hello');
    expect(message.topVia?.rport).toBe(client.socket.localPort);
    expect(message.topVia?.received).toBe('127.0.0.1');
    expect(flow.port).toBe(client.socket.localPort);
    // The response goes back over this connection, not to port 9.
    const text = await client.until((s) => s.includes('\r\n\r\n'));
    expect(text.startsWith('SIP/2.0 200 OK\r\n')).toBe(true);
  });

  it('RFC 3261 §18.3: pipelined messages in one segment come out in order', async () => {
    const b = await transport({ listen: [{ protocol: 'tcp', port: 0 }] });
    const client = await rawTcp(portOf(b, 'tcp'));
    const seen: string[] = [];
    const three = new Promise<void>((resolve) => {
      b.on('message', ({ message }) => {
        seen.push(message.callId ?? '');
        if (seen.length === 3) resolve();
      });
    });
    const via = (): string => `SIP/2.0/TCP 127.0.0.1:9;branch=${branch()}`;
    client.socket.write(
      requestText('OPTIONS', { via: via(), callId: 'one' }) +
        '\r\n' + // a stray CRLF between messages is ignored (§7.5)
        requestText('MESSAGE', { via: via(), callId: 'two', body: 'body of two' }) +
        requestText('OPTIONS', { via: via(), callId: 'three' }),
    );
    await three;
    expect(seen).toEqual(['one', 'two', 'three']);
  });

  it('RFC 5626 §3.5.1: a CRLFCRLF ping is answered with a CRLF pong', async () => {
    const b = await transport({ listen: [{ protocol: 'tcp', port: 0 }] });
    const client = await rawTcp(portOf(b, 'tcp'));
    client.socket.write('\r\n\r\n');
    expect(await client.until((s) => s.length >= 2)).toBe('\r\n');
  });

  it('RFC 3261 §18.3: a message larger than maxMessageBytes closes the connection with MESSAGE_TOO_LARGE', async () => {
    const b = await transport({ listen: [{ protocol: 'tcp', port: 0 }], limits: { maxMessageBytes: 1000 } });
    const client = await rawTcp(portOf(b, 'tcp'));
    const closed = waitFor<[TransportCloseEvent]>(b, 'close');
    const malformed = waitFor<[TransportMalformedEvent]>(b, 'malformed');
    const peerGone = waitFor(client.socket, 'close');
    client.socket.write(requestText('MESSAGE', { via: `SIP/2.0/TCP 127.0.0.1:9;branch=${branch()}`, body: 'q'.repeat(2000) }));
    const [ev] = await closed;
    expect(ev.error?.code).toBe('TRANSPORT_MESSAGE_TOO_LARGE');
    expect((await malformed)[0].error.code).toBe('MESSAGE_TOO_LARGE');
    await peerGone;
    expect(b.connectionCount).toBe(0);
    expect(b.stats.malformed).toBe(1);
  });

  it('RFC 3261 §18.3: a stream message without Content-Length is a framing error that closes the connection', async () => {
    const b = await transport({ listen: [{ protocol: 'tcp', port: 0 }] });
    const client = await rawTcp(portOf(b, 'tcp'));
    const closed = waitFor<[TransportCloseEvent]>(b, 'close');
    client.socket.write(`OPTIONS sip:b@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1;branch=${branch()}\r\nCall-ID: x\r\n\r\n`);
    expect((await closed)[0].error?.code).toBe('TRANSPORT_FRAMING_ERROR');
  });

  it('RFC 3261 §18.2.1 / §8.2.6: a framed request missing Call-ID is answered 400 on the same connection, which stays open', async () => {
    const b = await transport({ listen: [{ protocol: 'tcp', port: 0 }] });
    const client = await rawTcp(portOf(b, 'tcp'));
    client.socket.write(requestText('OPTIONS', { via: `SIP/2.0/TCP 127.0.0.1:9;branch=${branch()}` }).replace('Call-ID: call-1@test\r\n', ''));
    const text = await client.until((s) => s.includes('\r\n\r\n'));
    expect(text.startsWith('SIP/2.0 400 Bad Request\r\n')).toBe(true);
    expect(b.connectionCount).toBe(1);
    expect(b.stats).toMatchObject({ malformed: 1, malformedAnswered: 1 });
  });

  it('RFC 5923 §5: concurrent sends to a new destination share one connection attempt', async () => {
    const a = await transport({ listen: [{ protocol: 'tcp', port: 0 }] });
    const b = await transport({ listen: [{ protocol: 'tcp', port: 0 }] });
    const got = new Promise<void>((resolve) => {
      let n = 0;
      b.on('message', () => {
        if (++n === 5) resolve();
      });
    });
    const dest = { protocol: 'tcp' as const, address: '127.0.0.1', port: portOf(b, 'tcp') };
    const used = await Promise.all(
      [1, 2, 3, 4, 5].map((i) => a.send(request('OPTIONS', { via: `SIP/2.0/TCP ${a.viaSentBy('tcp')};branch=${branch()}`, cseq: i }), dest)),
    );
    expect(new Set(used.map((f) => f.connectionId)).size).toBe(1);
    await got;
    expect(a.connectionCount).toBe(1);
    expect(b.connectionCount).toBe(1);
  });

  it('RFC 3261 §18.3: more than maxConnectionBufferBytes without a complete message closes the connection with BUFFER_OVERFLOW', async () => {
    const b = await transport({ listen: [{ protocol: 'tcp', port: 0 }], limits: { maxConnectionBufferBytes: 256 } });
    const client = await rawTcp(portOf(b, 'tcp'));
    const closed = waitFor<[TransportCloseEvent]>(b, 'close');
    // A header section that never ends, under maxMessageBytes but over the buffer limit.
    client.socket.write(`OPTIONS sip:b@127.0.0.1 SIP/2.0\r\nX-Filler: ${'f'.repeat(400)}\r\n`);
    expect((await closed)[0].error?.code).toBe('TRANSPORT_BUFFER_OVERFLOW');
  });

  it('RFC 5923 §11 (resource limits): inbound connections beyond maxConnections are refused when none can be evicted', async () => {
    const b = await transport({ listen: [{ protocol: 'tcp', port: 0 }], limits: { maxConnections: 2 } });
    const accepted: string[] = [];
    b.on('connection', (e: TransportConnectionEvent) => accepted.push(e.connectionId));
    const two = waitFor(b, 'connection', () => accepted.length === 2);
    const c1 = await rawTcp(portOf(b, 'tcp'));
    const c2 = await rawTcp(portOf(b, 'tcp'));
    await two;
    // A message in progress on each: neither is idle, so neither may be evicted.
    c1.socket.write('OPTIONS sip:b@127.0.0.1 SIP/2.0\r\n');
    c2.socket.write('OPTIONS sip:b@127.0.0.1 SIP/2.0\r\n');
    await new Promise((r) => setTimeout(r, 50));
    const third = await rawTcp(portOf(b, 'tcp'));
    await waitFor(third.socket, 'close');
    expect(b.connectionCount).toBe(2);
    expect(b.stats.connectionsRefused).toBe(1);
  });

  it('RFC 5923 §11: an outbound connection beyond maxConnections rejects with TOO_MANY_CONNECTIONS', async () => {
    const a = await transport({ listen: [{ protocol: 'tcp', port: 0 }], limits: { maxConnections: 1 } });
    const s1 = await silentServer();
    const s2 = await silentServer();
    const req = (): ReturnType<typeof request> => request('OPTIONS', { via: `SIP/2.0/TCP ${a.viaSentBy('tcp')};branch=${branch()}` });
    await a.send(req(), { protocol: 'tcp', address: '127.0.0.1', port: s1.port });
    await expect(a.send(req(), { protocol: 'tcp', address: '127.0.0.1', port: s2.port })).rejects.toMatchObject({
      name: 'TransportError',
      code: 'TOO_MANY_CONNECTIONS',
    });
  });

  it('RFC 3261 §18.1.1: a refused connect rejects with CONNECT_FAILED', async () => {
    const a = await transport({ listen: [{ protocol: 'tcp', port: 0 }] });
    const port = await closedPort();
    await expect(
      a.send(request('OPTIONS', { via: `SIP/2.0/TCP ${a.viaSentBy('tcp')};branch=${branch()}` }), { protocol: 'tcp', address: '127.0.0.1', port }),
    ).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
    expect(a.connectionCount).toBe(0);
  });

  it('RFC 5923 §9 (closing connections): a connection idle for idleTimeoutMs is closed with IDLE_TIMEOUT', async () => {
    const b = await transport({ listen: [{ protocol: 'tcp', port: 0 }], limits: { idleTimeoutMs: 100 } });
    const closed = waitFor<[TransportCloseEvent]>(b, 'close');
    const client = await rawTcp(portOf(b, 'tcp'));
    const [ev] = await closed;
    expect(ev.error?.code).toBe('TRANSPORT_IDLE_TIMEOUT');
    await waitFor(client.socket, 'close');
    expect(b.connectionCount).toBe(0);
  });

  it('RFC 5626 §4.4.1: outbound connections send CRLFCRLF pings at crlfIntervalMs and track the pongs', async () => {
    const trace: TransportTraceEvent[] = [];
    const isPong = (e: TransportTraceEvent): boolean => e.direction === 'in' && Buffer.from(e.bytes).toString() === '\r\n';
    const isPing = (e: TransportTraceEvent): boolean => e.direction === 'out' && Buffer.from(e.bytes).toString() === '\r\n\r\n';
    let threePongs!: () => void;
    const gotThree = new Promise<void>((r) => (threePongs = r));
    const a = await transport({
      listen: [{ protocol: 'tcp', port: 0 }],
      keepAlive: { crlfIntervalMs: 30 },
      trace: (e) => {
        trace.push(e);
        if (trace.filter(isPong).length === 3) threePongs();
      },
    });
    const b = await transport({ listen: [{ protocol: 'tcp', port: 0 }] });
    await a.send(request('OPTIONS', { via: `SIP/2.0/TCP ${a.viaSentBy('tcp')};branch=${branch()}` }), {
      protocol: 'tcp',
      address: '127.0.0.1',
      port: portOf(b, 'tcp'),
    });
    await withTimeout(gotThree, 5000, 'three pongs');
    const pings = (): number => trace.filter(isPing).length;
    expect(pings()).toBeGreaterThanOrEqual(3);
    expect(a.connectionCount).toBe(1);
  });

  it('RFC 5626 §4.4.1: a ping without a pong within pongTimeoutMs fails the flow with KEEPALIVE_TIMEOUT', async () => {
    const a = await transport({ listen: [{ protocol: 'tcp', port: 0 }], keepAlive: { crlfIntervalMs: 30, pongTimeoutMs: 60 } });
    const silent = await silentServer();
    const closed = waitFor<[TransportCloseEvent]>(a, 'close');
    await a.send(request('OPTIONS', { via: `SIP/2.0/TCP ${a.viaSentBy('tcp')};branch=${branch()}` }), {
      protocol: 'tcp',
      address: '127.0.0.1',
      port: silent.port,
    });
    expect((await closed)[0].error?.code).toBe('TRANSPORT_KEEPALIVE_TIMEOUT');
  });

  it('RFC 3261 §18.2.2: when the request connection is gone, the response opens a connection to received and the sent-by port', async () => {
    const a = await transport({ listen: [{ protocol: 'tcp', port: 0 }] });
    const b = await transport({ listen: [{ protocol: 'tcp', port: 0 }] });
    const got = waitFor<[TransportMessageEvent]>(b, 'message');
    await a.send(request('OPTIONS', { via: `SIP/2.0/TCP ${a.viaSentBy('tcp')};branch=${branch()}` }), {
      protocol: 'tcp',
      address: '127.0.0.1',
      port: portOf(b, 'tcp'),
    });
    const [{ message, flow }] = await got;
    const gone = waitFor(a, 'close');
    expect(b.closeConnection(flow.connectionId!)).toBe(true);
    await gone;
    expect(message.isRequest).toBe(true);
    if (!message.isRequest) return;
    const inbound = waitFor<[TransportConnectionEvent]>(a, 'connection', (e) => e.direction === 'inbound');
    const response = waitFor<[TransportMessageEvent]>(a, 'message');
    const used = await b.send(createResponse(message, 200, { toTag: 'x' }), responseFlow(message, flow));
    expect(used.connectionId).not.toBe(flow.connectionId);
    expect(used.port).toBe(portOf(a, 'tcp'));
    await inbound;
    const [{ message: res }] = await response;
    expect(!res.isRequest && res.status).toBe(200);
  });
});
