/**
 * Loopback UDP ceilings, one process, one core:
 *
 * - {@link measureUdpCeiling}: raw `node:dgram` send/receive rate for ~1 KB
 *   datagrams over one socket pair, pipelined with a bounded window — the
 *   most any SIP stack on Node can reach here.
 * - {@link measureOptionsTransactions}: OPTIONS→200 non-INVITE transactions/s
 *   through {@link SipTransport} and {@link TransactionManager} on both sides
 *   (parser, transport checks, RFC 3261 §17 machines and real sockets in the path).
 *
 * Run alone: `tsx bench/udp-ceiling.ts` (BENCH_MS sets the duration per measurement).
 */
import { createSocket } from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createRequest, createResponse, type SipRequest } from '@trunkline/sip-parser';
import type { Flow } from '../src/flow.js';
import { TransactionManager, type TransactionOutput } from '../src/transaction/transaction-manager.js';
import { SipTransport } from '../src/transport/sip-transport.js';

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
  let t1 = t0;
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
  t1 = performance.now();
  clearInterval(watchdog);
  await Promise.all([new Promise<void>((r) => rx.close(() => r())), new Promise<void>((r) => tx.close(() => r()))]);
  return { packetsPerSecond: received / ((t1 - t0) / 1000), sent, received, lost };
}

/** Options for {@link measureOptionsTransactions}. */
export interface OptionsBenchOptions {
  /** How long to measure (ms). Default 2000. */
  readonly durationMs?: number;
  /** Most client transactions outstanding at once. Default 64. */
  readonly window?: number;
}

/** Result of {@link measureOptionsTransactions}. */
export interface OptionsBenchResult {
  readonly transactionsPerSecond: number;
  /** Client transactions that got their 200. */
  readonly completed: number;
  /** Client transactions that ended in Timer F. */
  readonly timeouts: number;
  /** Request retransmissions the client's Timer E caused (losses on loopback). */
  readonly retransmissions: number;
}

/**
 * OPTIONS→200 transactions/s over UDP loopback: a client and a server, each a
 * SipTransport driven by a TransactionManager in this process; the server's
 * TU answers every OPTIONS with 200, the client keeps `window` transactions
 * outstanding.
 */
export async function measureOptionsTransactions(options: OptionsBenchOptions = {}): Promise<OptionsBenchResult> {
  const durationMs = options.durationMs ?? 2000;
  const window = options.window ?? 64;
  const server = await SipTransport.create({ listen: [{ protocol: 'udp', port: 0 }] });
  const client = await SipTransport.create({ listen: [{ protocol: 'udp', port: 0 }] });
  // RFC timers; Timers J/K keep finished transactions around, hence the high limit.
  const serverTm = new TransactionManager({ maxTransactions: 5_000_000 });
  const clientTm = new TransactionManager({ maxTransactions: 5_000_000 });
  const serverAddr = server.addresses[0]!;
  const to: Flow = { protocol: 'udp', address: serverAddr.address, port: serverAddr.port };
  const sentBy = client.viaSentBy('udp');
  const now = (): number => performance.now();

  let running = true;
  let n = 0;
  let outstanding = 0;
  let completed = 0;
  let timeouts = 0;
  let sends = 0;

  const drive = (transport: SipTransport, tm: TransactionManager, outputs: TransactionOutput[]): void => {
    for (const out of outputs) {
      switch (out.type) {
        case 'send':
          if (tm === clientTm) sends++;
          transport.send(out.message, out.flow).catch(() => {
            if (out.transactionId !== null) drive(transport, tm, tm.transportError(out.transactionId, now()));
          });
          break;
        case 'request':
          drive(transport, tm, tm.respond(out.transactionId, createResponse(out.request, 200, { toTag: 'uas' }), now()));
          break;
        case 'response':
          if (out.response.status >= 200) {
            completed++;
            outstanding--;
            fire();
          }
          break;
        case 'timeout':
        case 'transport-error':
          if (tm === clientTm) {
            timeouts++;
            outstanding--;
            fire();
          }
          break;
        default:
          break;
      }
    }
  };
  const fire = (): void => {
    while (running && outstanding < window) {
      outstanding++;
      const i = n++;
      const req: SipRequest = createRequest({
        method: 'OPTIONS',
        uri: `sip:bench@${to.address}:${to.port}`,
        headers: [
          ['Via', `SIP/2.0/UDP ${sentBy};branch=z9hG4bK-o${i}`],
          ['Max-Forwards', '70'],
          ['From', `<sip:client@${to.address}>;tag=c${i}`],
          ['To', `<sip:bench@${to.address}>`],
          ['Call-ID', `o${i}@bench`],
          ['CSeq', '1 OPTIONS'],
        ],
      });
      drive(client, clientTm, clientTm.sendRequest(req, to, now()).outputs);
    }
  };
  server.on('message', ({ message, flow }) => drive(server, serverTm, serverTm.receive(message, flow, now())));
  client.on('message', ({ message, flow }) => drive(client, clientTm, clientTm.receive(message, flow, now())));
  const ticker = setInterval(() => {
    drive(server, serverTm, serverTm.tick(now()));
    drive(client, clientTm, clientTm.tick(now()));
  }, 5);

  const t0 = now();
  fire();
  await new Promise<void>((r) => setTimeout(r, durationMs));
  running = false;
  const seconds = (now() - t0) / 1000;
  clearInterval(ticker);
  await Promise.all([server.close(), client.close()]);
  return { transactionsPerSecond: completed / seconds, completed, timeouts, retransmissions: Math.max(0, sends - n) };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const ms = Number(process.env['BENCH_MS'] ?? 3000);
  // Warm-up: let the JIT settle before anything is measured.
  await measureUdpCeiling({ durationMs: 500 });
  await measureOptionsTransactions({ durationMs: 1000 });
  const raw = await measureUdpCeiling({ durationMs: ms });
  console.log(`| raw UDP datagrams/s (1 KB, loopback, one socket pair) | ${Math.round(raw.packetsPerSecond).toLocaleString('en-US')} | lost ${raw.lost} |`);
  const tx = await measureOptionsTransactions({ durationMs: ms });
  console.log(
    `| OPTIONS→200 transactions/s (UDP loopback, SipTransport + TransactionManager both sides) | ${Math.round(tx.transactionsPerSecond).toLocaleString('en-US')} | timeouts ${tx.timeouts}, retransmissions ${tx.retransmissions} |`,
  );
}
