import type { SrvRecord } from './dns-resolver.js';

/**
 * Order SRV records for use — RFC 2782 "Usage rules": ascending priority;
 * within one priority a weighted random permutation, each pick made with
 * probability proportional to weight, zero-weight records placed first so
 * they are chosen only rarely (when the random number is 0).
 *
 * @param random uniform in [0, 1); injected so tests are deterministic.
 */
export function orderSrvRecords(records: readonly SrvRecord[], random: () => number): SrvRecord[] {
  const byPriority = new Map<number, SrvRecord[]>();
  for (const r of records) {
    const group = byPriority.get(r.priority);
    if (group === undefined) byPriority.set(r.priority, [r]);
    else group.push(r);
  }
  const out: SrvRecord[] = [];
  for (const priority of [...byPriority.keys()].sort((a, b) => a - b)) {
    const group = byPriority.get(priority)!;
    // RFC 2782: "all those with weight 0 are placed at the beginning of the list".
    const pending = [...group.filter((r) => r.weight === 0), ...group.filter((r) => r.weight !== 0)];
    while (pending.length > 0) {
      let sum = 0;
      for (const r of pending) sum += r.weight;
      // "a uniform random number between 0 and the running sum (inclusive)".
      const pick = Math.min(sum, Math.floor(random() * (sum + 1)));
      let running = 0;
      let idx = pending.length - 1;
      for (let i = 0; i < pending.length; i++) {
        running += pending[i]!.weight;
        if (running >= pick) {
          idx = i;
          break;
        }
      }
      out.push(pending[idx]!);
      pending.splice(idx, 1);
    }
  }
  return out;
}
