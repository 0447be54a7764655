/**
 * The loopback UDP ceiling, one process, one core: raw `node:dgram`
 * send/receive rate for ~1 KB datagrams over one socket pair, pipelined with a
 * bounded window — the most any SIP stack on Node can reach here.
 */
import { createSocket } from 'node:dgram';
import { performance } from 'node:perf_hooks';

/** Options for {@link measureUdpCeiling}. */
export interface UdpCeilingOptions {
  /** How long to measure (ms). Default 2000. */
  readonly durationMs?: number;
  /** Datagram payload (bytes). Default 1024. */
  readonly payloadBytes?: number;
  /** Most datagrams in flight (sent, not yet received). Default 64. */
  readonly window?: number;
}

/** Result of {@link measureUdpCeiling}. */
export interface UdpCeilingResult {
  readonly packetsPerSecond: number;
  readonly sent: number;
  readonly received: number;
  /** Datagrams given up as lost (the window is refilled after a quiet 20 ms). */
  readonly lost: number;
}

/** Raw Node UDP datagrams/s received on loopback (one socket pair, bounded window). */
export async function measureUdpCeiling(options: UdpCeilingOptions = {}): Promise<UdpCeilingResult> {
  const durationMs = options.durationMs ?? 2000;
  const window = options.window ?? 64;
  const payload = Buffer.alloc(options.payloadBytes ?? 1024, 0x61);
  const rx = createSocket('udp4');
  const tx = createSocket('udp4');
  await Promise.all([
    new Promise<void>((r) => rx.bind(0, '127.0.0.1', () => r())),
    new Promise<void>((r) => tx.bind(0, '127.0.0.1', () => r())),
  ]);
  const port = rx.address().port;
  let sent = 0;
  let received = 0;
  let lost = 0;
  let running = true;
  let lastProgress = received;
  const fill = (): void => {
    while (running && sent - received - lost < window) {
      sent++;
      tx.send(payload, port, '127.0.0.1');
    }
  };
  const t0 = performance.now();
  rx.on('message', () => {
    if (!running) return;
    received++;
    fill();
  });
  // Loss recovery: a window that made no progress for 20 ms is written off.
  const watchdog = setInterval(() => {
    if (running && received === lastProgress) {
      lost = sent - received;
      fill();
    }
    lastProgress = received;
  }, 20);
  fill();
  await new Promise<void>((r) => setTimeout(r, durationMs));
  running = false;
  const t1 = performance.now();
  clearInterval(watchdog);
  await Promise.all([new Promise<void>((r) => rx.close(() => r())), new Promise<void>((r) => tx.close(() => r()))]);
  return { packetsPerSecond: received / ((t1 - t0) / 1000), sent, received, lost };
}
