/** A raw TCP server on loopback for the RFC 5626 keep-alive tests: the test handles each socket's bytes. */
import { createServer, type Socket } from 'node:net';

/** A listening raw TCP server. */
export interface RawTcpServer {
  readonly port: number;
  /** Sockets open now. */
  readonly sockets: ReadonlySet<Socket>;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Destroys every socket and stops listening. */
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 (ephemeral port); `onSocket` gets each connection (socket errors are swallowed). */
export async function rawTcpServer(onSocket: (socket: Socket) => void): Promise<RawTcpServer> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onSocket(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    sockets,
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
