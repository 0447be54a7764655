import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

/**
 * A port free right now on loopback (bound, read, released), for peers such as
 * SIPp and Kamailio that cannot bind port 0 and report what they got.
 */
export async function freePort(protocol: 'udp' | 'tcp' = 'udp', host = '127.0.0.1'): Promise<number> {
  if (protocol === 'udp') {
    const socket = createSocket('udp4');
    await new Promise<void>((resolve) => socket.bind(0, host, resolve));
    const { port } = socket.address();
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    return port;
  }
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port was bound');
  return address.port;
}

/** The Debian peers interop tests drive: the command that proves each is installed, and its package. */
const PEERS = {
  sipp: { command: ['sipp', '-v'], debian: 'sip-tester' },
  baresip: { command: ['baresip', '-h'], debian: 'baresip-core' },
  kamailio: { command: ['kamailio', '-v'], debian: 'kamailio' },
  chromium: { command: ['chromium', '--version'], debian: 'chromium' },
} as const;

/**
 * Throws, with the command that installs it, when a Debian peer is missing:
 * interop tests fail rather than skip without their peer.
 */
export function requirePeer(peer: keyof typeof PEERS): void {
  const { command, debian } = PEERS[peer];
  try {
    execFileSync(command[0], command.slice(1), { stdio: 'ignore', timeout: 10_000 });
  } catch (e) {
    // Some print their version and exit non-zero (`sipp -v` exits 1); only a missing binary is ENOENT.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`${peer} is not installed: apt-get install -y ${debian} (or bash scripts/install-peers.sh)`, { cause: e });
    }
  }
}
