/**
 * `pnpm --filter @trunkline/transaction-layer bench` (after `pnpm build`).
 *
 * Side by side in one process, interleaved rounds, medians:
 *  - the raw Node UDP datagram rate on loopback (the ceiling),
 *  - OPTIONS→200 transactions/s over UDP loopback through SipEndpoint on both sides,
 *  - INVITE transactions/s (INVITE/180/200/ACK) on the in-memory simulator, the UAS keeping
 *    Accepted transactions as records (default) and as full machines (`maxAcceptedTransactions: 0`,
 *    as before issue 14), with the heap each Accepted transaction holds and the most live ones.
 * Env: BENCH_ROUNDS (default 5), BENCH_MS per measurement (default 2000), BENCH_TX (default 20000).
 */
import { acceptedFootprint, runInviteTransactions } from './invite-sim.js';
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
const inviteFull: number[] = [];
let peakLive = 0;
let peakLiveFull = 0;
let failures = 0;
for (let r = 0; r < rounds; r++) {
  ceiling.push((await measureUdpCeiling({ durationMs: ms })).packetsPerSecond);
  const o = await measureOptionsTransactions({ durationMs: ms });
  options.push(o.transactionsPerSecond);
  failures += o.failed;
  const records = runInviteTransactions(invites);
  invite.push(invites / records.seconds);
  peakLive = Math.max(peakLive, records.peakLive);
  const full = runInviteTransactions(invites, { maxAcceptedTransactions: 0 });
  inviteFull.push(invites / full.seconds);
  peakLiveFull = Math.max(peakLiveFull, full.peakLive);
}
const footprint = acceptedFootprint(10_000);
const footprintFull = acceptedFootprint(10_000, { maxAcceptedTransactions: 0 });
const c = median(ceiling);
const o = median(options);
console.log(`node ${process.version}, ${rounds} interleaved rounds of ${ms} ms, medians`);
console.log(`settings: both SipEndpoints maxTransactions ${BENCH_MAX_TRANSACTIONS.toLocaleString('en-US')}, other options default (validation on); window 64; INVITE sim ${invites} transactions\n`);
console.log('| measurement | per second | vs UDP ceiling |');
console.log('| --- | ---: | ---: |');
console.log(`| raw UDP datagrams, 1 KB, loopback (ceiling) | ${fmt(c)} | 1.00 |`);
console.log(`| OPTIONS→200 transactions over UDP (2 datagrams each) | ${fmt(o)} | ${(o / c).toFixed(2)} (datagrams ${((2 * o) / c).toFixed(2)}) |`);
console.log(`| INVITE transactions on the simulator (4 messages, parse+serialize each), Accepted as records | ${fmt(median(invite))} | — |`);
console.log(`| the same, Accepted as full machines inside maxTransactions (maxAcceptedTransactions: 0) | ${fmt(median(inviteFull))} | — |`);
console.log('\nRFC 6026 §7.1 Accepted INVITE server transactions (10,000 answered, waiting for Timer L):\n');
console.log('| UAS keeps Accepted as | heap per transaction | live (maxTransactions) | accepted records | most live in the simulator run |');
console.log('| --- | ---: | ---: | ---: | ---: |');
console.log(`| records (default) | ${fmt(footprint.bytesPerTransaction)} B | ${fmt(footprint.live)} | ${fmt(footprint.accepted)} | ${fmt(peakLive)} |`);
console.log(`| full machines | ${fmt(footprintFull.bytesPerTransaction)} B | ${fmt(footprintFull.live)} | ${fmt(footprintFull.accepted)} | ${fmt(peakLiveFull)} |`);
console.log(`\nfailed OPTIONS transactions: ${failures}`);
