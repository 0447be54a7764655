/**
 * OPTIONS→200 non-INVITE transactions/s over UDP loopback, one process: two
 * {@link SipEndpoint}s (SipTransport + TransactionManager + real timers), the
 * server's TU answering every OPTIONS with 200, the client keeping `window`
 * transactions outstanding. Parser, transport checks, RFC 3261 §17 machines
 * and real sockets are all in the path.
 */
import { performance } from 'node:perf_hooks';
import { createRequest, createResponse } from '@trunkline/sip-parser';
import { SipEndpoint, SipTransport, type Flow } from '@trunkline/transaction-layer';

/** `maxTransactions` of both endpoints in this benchmark. */
export const BENCH_MAX_TRANSACTIONS = 5_000_000;

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
  readonly completed: number;
  /** Transactions that failed (Timer F or transport error). */
  readonly failed: number;
}

export async function measureOptionsTransactions(options: OptionsBenchOptions = {}): Promise<OptionsBenchResult> {
  const durationMs = options.durationMs ?? 2000;
  const window = options.window ?? 64;
  const serverTransport = await SipTransport.create({ listen: [{ protocol: 'udp', port: 0 }] });
  const clientTransport = await SipTransport.create({ listen: [{ protocol: 'udp', port: 0 }] });
  // Settings (printed by transactions.bench.ts): Timer K keeps each client transaction live for T4 = 5 s,
  // about 75,000 at this rate, so the client needs a large maxTransactions; the server keeps the same
  // setting as the benchmark always had, so runs before and after compare (its completed transactions no
  // longer count against it: maxCompletedTransactions, default 100,000, bounds them).
  const server = new SipEndpoint(serverTransport, { maxTransactions: BENCH_MAX_TRANSACTIONS });
  const client = new SipEndpoint(clientTransport, { maxTransactions: BENCH_MAX_TRANSACTIONS });
  server.on('request', (inc) => inc.respond(createResponse(inc.request, 200, { toTag: 'uas' })));
  const addr = serverTransport.addresses[0]!;
  const to: Flow = { protocol: 'udp', address: addr.address, port: addr.port };
  const sentBy = clientTransport.viaSentBy('udp');

  let running = true;
  let n = 0;
  let completed = 0;
  let failed = 0;
  const loop = async (): Promise<void> => {
    while (running) {
      const i = n++;
      const req = createRequest({
        method: 'OPTIONS',
        uri: `sip:bench@${to.address}:${to.port}`,
        headers: [
          ['Via', `SIP/2.0/UDP ${sentBy};branch=z9hG4bK-o${i};rport`],
          ['Max-Forwards', '70'],
          ['From', `<sip:client@${to.address}>;tag=c${i}`],
          ['To', `<sip:bench@${to.address}>`],
          ['Call-ID', `o${i}@bench`],
          ['CSeq', '1 OPTIONS'],
        ],
      });
      try {
        await client.request(req, to);
        completed++;
      } catch {
        failed++;
      }
    }
  };
  const t0 = performance.now();
  const workers = Array.from({ length: window }, loop);
  await new Promise<void>((r) => setTimeout(r, durationMs));
  const seconds = (performance.now() - t0) / 1000;
  const done = completed;
  running = false;
  await Promise.all(workers);
  client.close();
  server.close();
  await Promise.all([serverTransport.close(), clientTransport.close()]);
  return { transactionsPerSecond: done / seconds, completed: done, failed };
}
