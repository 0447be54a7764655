import type { DnsResolver, NaptrRecord, SrvRecord } from '../src/resolver/dns-resolver.js';
export { seededRandom } from '@trunkline/test-support';

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

