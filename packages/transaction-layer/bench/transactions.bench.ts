/**
 * `pnpm --filter @trunkline/transaction-layer bench` (after `pnpm build`).
 *
 * Side by side in one process, interleaved rounds, medians:
 *  - the raw Node UDP datagram rate on loopback (the ceiling),
 *  - OPTIONS→200 transactions/s over UDP loopback through SipEndpoint on both sides,
 *  - INVITE transactions/s (INVITE/180/200/ACK) on the in-memory simulator.
 * Env: BENCH_ROUNDS (default 5), BENCH_MS per measurement (default 2000), BENCH_TX (default 20000).
 */
import { runInviteTransactions } from './invite-sim.js';
import { BENCH_MAX_TRANSACTIONS, measureOptionsTransactions } from './options-udp.js';
import { measureUdpCeiling } from './udp-ceiling.js';

const rounds = Number(process.env['BENCH_ROUNDS'] ?? 5);
const ms = Number(process.env['BENCH_MS'] ?? 2000);
const invites = Number(process.env['BENCH_TX'] ?? 20_000);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

// Warm-up.
await measureUdpCeiling({ durationMs: 300 });
await measureOptionsTransactions({ durationMs: 500 });
runInviteTransactions(2000);

const ceiling: number[] = [];
const options: number[] = [];
const invite: number[] = [];
let failures = 0;
for (let r = 0; r < rounds; r++) {
  ceiling.push((await measureUdpCeiling({ durationMs: ms })).packetsPerSecond);
  const o = await measureOptionsTransactions({ durationMs: ms });
  options.push(o.transactionsPerSecond);
  failures += o.failed;
  const { seconds } = runInviteTransactions(invites);
  invite.push(invites / seconds);
}
const c = median(ceiling);
const o = median(options);
console.log(`node ${process.version}, ${rounds} interleaved rounds of ${ms} ms, medians`);
console.log(`settings: both SipEndpoints maxTransactions ${BENCH_MAX_TRANSACTIONS.toLocaleString('en-US')}, other options default (validation on); window 64; INVITE sim ${invites} transactions\n`);
console.log('| measurement | per second | vs UDP ceiling |');
console.log('| --- | ---: | ---: |');
console.log(`| raw UDP datagrams, 1 KB, loopback (ceiling) | ${fmt(c)} | 1.00 |`);
console.log(`| OPTIONS→200 transactions over UDP (2 datagrams each) | ${fmt(o)} | ${(o / c).toFixed(2)} (datagrams ${((2 * o) / c).toFixed(2)}) |`);
console.log(`| INVITE transactions on the simulator (4 messages, parse+serialize each) | ${fmt(median(invite))} | — |`);
console.log(`\nfailed OPTIONS transactions: ${failures}`);
