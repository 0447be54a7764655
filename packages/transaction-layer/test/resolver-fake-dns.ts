import type { DnsResolver, NaptrRecord, SrvRecord } from '../src/resolver/dns-resolver.js';

/** Zone data for {@link FakeDns}; names without the trailing dot. */
export interface FakeZone {
  naptr?: Record<string, NaptrRecord[]>;
  srv?: Record<string, SrvRecord[]>;
  a?: Record<string, string[]>;
  aaaa?: Record<string, string[]>;
  /** Names whose queries (any type) reject, as a SERVFAIL would. */
  failing?: string[];
}

/** An in-memory {@link DnsResolver} recording every question asked. */
export class FakeDns implements DnsResolver {
  readonly queries: string[] = [];
  constructor(private readonly zone: FakeZone) {}

  private answer<T>(type: string, name: string, table: Record<string, T[]> | undefined): Promise<T[]> {
    this.queries.push(`${type} ${name}`);
    if (this.zone.failing?.includes(name) === true) return Promise.reject(Object.assign(new Error('SERVFAIL'), { code: 'ESERVFAIL' }));
    return Promise.resolve(table?.[name] ?? []);
  }

  resolveNaptr(name: string): Promise<NaptrRecord[]> {
    return this.answer('NAPTR', name, this.zone.naptr);
  }
  resolveSrv(name: string): Promise<SrvRecord[]> {
    return this.answer('SRV', name, this.zone.srv);
  }
  resolve4(name: string): Promise<string[]> {
    return this.answer('A', name, this.zone.a);
  }
  resolve6(name: string): Promise<string[]> {
    return this.answer('AAAA', name, this.zone.aaaa);
  }
}

/** A NAPTR record with the SIP defaults filled in. */
export function naptr(order: number, preference: number, service: string, replacement: string): NaptrRecord {
  return { flags: 's', service, regexp: '', replacement, order, preference };
}

/** A seeded uniform generator in [0, 1) (mulberry32), for reproducible weighted selection. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
