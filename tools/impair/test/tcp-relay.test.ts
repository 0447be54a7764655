/**
 * The TCP relay on loopback: bytes pass both ways, `reset()` aborts both ends
 * with a RST (ECONNRESET on each side), new connections are still relayed,
 * `close()` refuses them.
 */
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { TcpRelay } from '../src/index.js';

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function echoServer(): Promise<{ port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    s.on('error', () => undefined);
    s.pipe(s);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port: (server.address() as { port: number }).port, sockets };
}

async function client(port: number): Promise<Socket> {
  const s = connect({ host: '127.0.0.1', port });
  s.on('error', () => undefined); // the RST of reset()/close(), asserted where it matters
  await once(s, 'connect');
  cleanup.push(() => void s.destroy());
  return s;
}

it('relays bytes both ways; reset() sends a RST to both ends and keeps listening; close() stops', async () => {
  const target = await echoServer();
  const relay = await TcpRelay.open({ target: { address: '127.0.0.1', port: target.port } });
  cleanup.push(() => relay.close());
  const a = await client(relay.address.port);
  a.write('ping');
  const [echo] = (await once(a, 'data')) as [Buffer];
  expect(echo.toString()).toBe('ping');
  expect(relay.connections).toBe(1);

  const clientError = once(a, 'error');
  const serverError = once(target.sockets[0]!, 'error');
  expect(relay.reset()).toBe(1);
  expect(((await clientError) as [NodeJS.ErrnoException])[0].code).toBe('ECONNRESET');
  expect(((await serverError) as [NodeJS.ErrnoException])[0].code).toBe('ECONNRESET');
  expect(relay.connections).toBe(0);

  const b = await client(relay.address.port);
  b.write('again');
  const [again] = (await once(b, 'data')) as [Buffer];
  expect(again.toString()).toBe('again');
  expect(relay.counters).toEqual({ accepted: 2, reset: 1 });

  const { port } = relay.address;
  await relay.close();
  const refused = connect({ host: '127.0.0.1', port });
  const [e] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
  expect(e.code).toBe('ECONNREFUSED');
});
