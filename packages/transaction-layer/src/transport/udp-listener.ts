/**
 * A bound UDP socket — RFC 3261 §18: each datagram carries one message.
 */
import { createSocket, type RemoteInfo, type Socket, type SocketOptions } from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns';
import { isIP } from 'node:net';
import { TransportError } from './transport-error.js';

/** Largest UDP payload over IPv4 (65,535 − 8 − 20). */
export const MAX_UDP_PAYLOAD = 65_507;

/**
 * `dgram` resolves every destination through `lookup`, and `dns.lookup`
 * answers even an IP literal on a later tick. Destinations are almost always
 * IP literals (flows come from sockets and RFC 3263), so they are answered at
 * once and the datagram goes out within `send`; names still go to `dns.lookup`.
 */
const lookup: NonNullable<SocketOptions['lookup']> = (hostname, options, callback) => {
  const family = isIP(hostname);
  if (family !== 0) callback(null, hostname, family);
  else dnsLookup(hostname, options, callback);
};

/** @internal A bound UDP socket and the callbacks it feeds. */
export class UdpListener {
  readonly family: 4 | 6;
  private readonly socket: Socket;
  private isClosed = false;
  private closing: Promise<void> | null = null;

  private constructor(socket: Socket, family: 4 | 6) {
    this.socket = socket;
    this.family = family;
  }

  /**
   * Binds `host:port` (port 0: ephemeral) with the socket buffers asked for
   * (`buffers`, bytes; the kernel caps them). Rejects with
   * TRANSPORT_SOCKET_ERROR when the bind fails (address in use, not local).
   */
  static bind(
    host: string,
    port: number,
    buffers: { readonly recvBufferSize: number; readonly sendBufferSize: number },
    onDatagram: (bytes: Buffer, from: RemoteInfo) => void,
    onError: (error: TransportError) => void,
  ): Promise<UdpListener> {
    const family = isIP(host) === 6 ? 6 : 4;
    const socket = createSocket({
      type: family === 6 ? 'udp6' : 'udp4',
      ipv6Only: family === 6,
      lookup,
      recvBufferSize: buffers.recvBufferSize,
      sendBufferSize: buffers.sendBufferSize,
    });
    const listener = new UdpListener(socket, family);
    return new Promise((resolve, reject) => {
      const onBindError = (e: Error): void => {
        socket.close();
        reject(new TransportError('TRANSPORT_SOCKET_ERROR', `cannot bind udp ${host}:${port}: ${e.message}`, { cause: e }));
      };
      socket.once('error', onBindError);
      socket.bind(port, host, () => {
        socket.off('error', onBindError);
        socket.on('error', (e) => onError(new TransportError('TRANSPORT_SOCKET_ERROR', `udp ${host}:${port}: ${e.message}`, { cause: e })));
        socket.on('message', onDatagram);
        resolve(listener);
      });
    });
  }

  /** The socket buffers the kernel granted (bytes, as it reports them: Linux counts its bookkeeping too, doubling the size asked for). */
  get bufferSizes(): { recvBufferSize: number; sendBufferSize: number } {
    return { recvBufferSize: this.socket.getRecvBufferSize(), sendBufferSize: this.socket.getSendBufferSize() };
  }

  /** Bound address and port. */
  get address(): { address: string; port: number } {
    const a = this.socket.address();
    return { address: a.address, port: a.port };
  }

  /**
   * Sends one datagram. `done` is called on a later tick with null once the
   * socket took it, or with TRANSPORT_SOCKET_ERROR (e.g. EMSGSIZE, unreachable).
   *
   * @throws TransportError TRANSPORT_CLOSED when the socket is closed.
   */
  send(bytes: Uint8Array, address: string, port: number, done: (error: TransportError | null) => void): void {
    if (this.isClosed) throw new TransportError('TRANSPORT_CLOSED', 'the UDP socket is closed');
    this.socket.send(bytes, port, address, (e) => {
      done(e ? new TransportError('TRANSPORT_SOCKET_ERROR', `udp send to ${address}:${port} failed: ${e.message}`, { cause: e }) : null);
    });
  }

  /** Closes the socket (idempotent). */
  close(): Promise<void> {
    if (this.closing !== null) return this.closing;
    this.isClosed = true;
    this.closing = new Promise((resolve) => this.socket.close(() => resolve()));
    return this.closing;
  }
}
