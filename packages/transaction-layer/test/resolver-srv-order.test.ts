import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { SrvRecord } from '../src/resolver/dns-resolver.js';
import { orderSrvRecords } from '../src/resolver/srv-order.js';
import { seededRandom } from './resolver-fake-dns.js';

const rec = (name: string, priority: number, weight: number): SrvRecord => ({ name, port: 5060, priority, weight });

describe('RFC 2782 SRV ordering (RFC 3263 §4.2)', () => {
  it('RFC 2782: lower priority first; priorities never interleave', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ priority: fc.integer({ min: 0, max: 5 }), weight: fc.integer({ min: 0, max: 100 }) }), { maxLength: 12 }),
        fc.integer(),
        (specs, seed) => {
          const records = specs.map((s, i) => rec(`h${i}`, s.priority, s.weight));
          const out = orderSrvRecords(records, seededRandom(seed));
          expect(out).toHaveLength(records.length);
          expect(new Set(out)).toEqual(new Set(records)); // a permutation
          for (let i = 1; i < out.length; i++) expect(out[i]!.priority).toBeGreaterThanOrEqual(out[i - 1]!.priority);
        },
      ),
    );
  });

  it('RFC 2782: within a priority, the first pick follows the weights (seeded, generous bounds)', () => {
    const records = [rec('a', 10, 60), rec('b', 10, 30), rec('c', 10, 10), rec('z', 20, 100)];
    const random = seededRandom(42);
    const counts: Record<string, number> = { a: 0, b: 0, c: 0, z: 0 };
    const n = 10_000;
    for (let i = 0; i < n; i++) counts[orderSrvRecords(records, random)[0]!.name]!++;
    expect(counts.z).toBe(0);
    expect(counts.a! / n).toBeGreaterThan(0.55);
    expect(counts.a! / n).toBeLessThan(0.65);
    expect(counts.b! / n).toBeGreaterThan(0.25);
    expect(counts.b! / n).toBeLessThan(0.35);
    expect(counts.c! / n).toBeGreaterThan(0.07);
    expect(counts.c! / n).toBeLessThan(0.13);
  });

  it('RFC 2782: zero-weight records are chosen first only when the random number is 0', () => {
    const records = [rec('heavy', 1, 10), rec('zero', 1, 0)];
    expect(orderSrvRecords(records, () => 0).map((r) => r.name)).toEqual(['zero', 'heavy']);
    expect(orderSrvRecords(records, () => 0.5).map((r) => r.name)).toEqual(['heavy', 'zero']);
  });

  it('RFC 2782: all-zero weights still order every record', () => {
    const out = orderSrvRecords([rec('a', 1, 0), rec('b', 1, 0), rec('c', 0, 0)], () => 0.99);
    expect(out.map((r) => r.name)[0]).toBe('c');
    expect(out).toHaveLength(3);
  });
});
