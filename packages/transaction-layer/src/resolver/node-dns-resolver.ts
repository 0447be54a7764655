import { Resolver } from 'node:dns/promises';
import type { DnsResolver, NaptrRecord, SrvRecord } from './dns-resolver.js';

/** Options for {@link createNodeDnsResolver}. */
export interface NodeDnsResolverOptions {
  /** DNS servers (`['192.0.2.53']`). Default: the system's. */
  servers?: readonly string[];
  /** Per-query timeout in ms, passed to `node:dns`. Default: 5000. */
  timeoutMs?: number;
  /** Retries per query, passed to `node:dns`. Default: 2. */
  tries?: number;
}

// c-ares codes meaning "no records of that type": an empty answer, not a failure.
const EMPTY_CODES = new Set(['ENOTFOUND', 'ENODATA', 'ENONAME', 'NXDOMAIN']);

async function orEmpty<T>(p: Promise<T[]>): Promise<T[]> {
  try {
    return await p;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && EMPTY_CODES.has(code)) return [];
    throw e;
  }
}

/**
 * The default {@link DnsResolver}: `node:dns/promises` with NXDOMAIN/NODATA
 * mapped to empty answers. The only module of the resolver doing I/O.
 */
export function createNodeDnsResolver(options: NodeDnsResolverOptions = {}): DnsResolver {
  const r = new Resolver({ timeout: options.timeoutMs ?? 5000, tries: options.tries ?? 2 });
  if (options.servers !== undefined) r.setServers([...options.servers]);
  return {
    resolveNaptr: (name): Promise<NaptrRecord[]> => orEmpty(r.resolveNaptr(name)),
    resolveSrv: (name): Promise<SrvRecord[]> => orEmpty(r.resolveSrv(name)),
    resolve4: (name): Promise<string[]> => orEmpty(r.resolve4(name)),
    resolve6: (name): Promise<string[]> => orEmpty(r.resolve6(name)),
  };
}
