/**
 * `pnpm --filter @trunkline/transaction-layer bench` (after `pnpm build`).
 * INVITE transactions/s on the simulator, interleaved rounds, median.
 */
import { runInviteTransactions } from './invite-sim.js';

const rounds = Number(process.env['BENCH_ROUNDS'] ?? 7);
const perRound = Number(process.env['BENCH_TX'] ?? 20_000);
runInviteTransactions(2000); // warm-up
const rates: number[] = [];
for (let r = 0; r < rounds; r++) {
  const { seconds, messages } = runInviteTransactions(perRound);
  rates.push(perRound / seconds);
  if (r === 0) console.log(`messages per INVITE transaction: ${messages / perRound}`);
}
rates.sort((a, b) => a - b);
const median = rates[Math.floor(rates.length / 2)]!;
console.log(`| INVITE transactions/s (simulator, parse+serialize in path, one core) | ${Math.round(median).toLocaleString('en-US')} | min ${Math.round(rates[0]!)} max ${Math.round(rates.at(-1)!)} |`);
