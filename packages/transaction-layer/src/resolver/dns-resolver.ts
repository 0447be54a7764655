/**
 * The DNS questions RFC 3263 asks, as an injectable interface, so server
 * location is testable without a network and usable with any DNS client.
 */

/** A NAPTR record (RFC 3403 §4.1), shaped like `node:dns` returns it. */
export interface NaptrRecord {
  readonly flags: string;
  readonly service: string;
  readonly regexp: string;
  readonly replacement: string;
  readonly order: number;
  readonly preference: number;
}

/** An SRV record (RFC 2782), shaped like `node:dns` returns it. */
export interface SrvRecord {
  /** Target host name; `.` means "service decidedly not available" (RFC 2782). */
  readonly name: string;
  readonly port: number;
  readonly priority: number;
  readonly weight: number;
}

/**
 * DNS lookups used by {@link locateSipServer}.
 *
 * Contract: a name with no records of the asked type (NXDOMAIN, NODATA)
 * resolves to an empty array; any other failure rejects.
 */
export interface DnsResolver {
  resolveNaptr(name: string): Promise<readonly NaptrRecord[]>;
  resolveSrv(name: string): Promise<readonly SrvRecord[]>;
  resolve4(name: string): Promise<readonly string[]>;
  resolve6(name: string): Promise<readonly string[]>;
}
