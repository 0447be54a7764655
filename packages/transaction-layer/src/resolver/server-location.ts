/**
 * Locating SIP servers — RFC 3263 §4: from a SIP or SIPS URI to an ordered
 * list of (transport, address, port) targets to try in turn.
 *
 * ```
 *  URI ──§4.1──▶ transport ──§4.2──▶ SRV (RFC 2782 order) ──▶ A / AAAA ──▶ Target[]
 *        transport param │ numeric IP │ port │ NAPTR │ SRV probes │ defaults
 * ```
 */
import { isIP } from 'node:net';
import type { SipUri } from '@trunkline/sip-parser';
import type { SipProtocol } from '../flow.js';
import type { DnsResolver, NaptrRecord, SrvRecord } from './dns-resolver.js';
import { createNodeDnsResolver } from './node-dns-resolver.js';
import { ResolverError } from './resolver-error.js';
import { orderSrvRecords } from './srv-order.js';

/** One place to send a request. */
export interface Target {
  /** `tls` is TLS over TCP; `ws`/`wss` are RFC 7118. */
  readonly transport: SipProtocol;
  /** IPv4 or IPv6 address (no brackets). */
  readonly address: string;
  readonly port: number;
  readonly family: 4 | 6;
  /** The host name the address was resolved from (for TLS server name checks, RFC 5922); null for a numeric URI host. */
  readonly hostname: string | null;
}

/** Options for {@link locateSipServer}. */
export interface LocateOptions {
  /** DNS client. Default: {@link createNodeDnsResolver}(). */
  resolver?: DnsResolver;
  /**
   * Transports this client supports, most preferred first; decides which NAPTR
   * services are usable and the order of the SRV probes when there is no NAPTR
   * (§4.1). Default `['tls', 'tcp', 'udp']` (probes `_sips._tcp`, `_sip._tcp`, `_sip._udp`).
   */
  preferTransports?: readonly SipProtocol[];
  /** Address families to look up, in the order their addresses are tried. Default `[4, 6]`. */
  addressFamilies?: readonly (4 | 6)[];
  /** Uniform random in [0, 1) for RFC 2782 weighted selection. Default `Math.random`. */
  random?: () => number;
  /** Aborts between DNS queries; rejects with the signal's reason. Default: none. */
  signal?: AbortSignal;
}

/**
 * Port when neither the URI nor SRV gives one — RFC 3261 §19.1.2: 5060, and
 * 5061 for TLS. RFC 7118 names none for WebSocket; the same pair is used, as
 * in transport/address.ts.
 */
function defaultTargetPort(transport: SipProtocol): number {
  return transport === 'tls' || transport === 'wss' ? 5061 : 5060;
}

const SECURE: ReadonlySet<SipProtocol> = new Set(['tls', 'wss']);

/** NAPTR services of RFC 3263 §4.1 (and RFC 7118's D2W for WebSocket), keyed upper-case. */
const NAPTR_SERVICES: ReadonlyMap<string, SipProtocol> = new Map([
  ['SIP+D2U', 'udp'],
  ['SIP+D2T', 'tcp'],
  ['SIPS+D2T', 'tls'],
  ['SIP+D2W', 'ws'],
  ['SIPS+D2W', 'wss'],
  // SIPS+D2U is deliberately absent: TLS over UDP is not a SIP transport (§4.1).
]);

/** SRV service/proto labels per transport — §4.1 ("_sips._tcp", "_sip._tcp", "_sip._udp"); `_ws` per RFC 7118. */
function srvPrefix(transport: SipProtocol): string {
  switch (transport) {
    case 'udp':
      return '_sip._udp';
    case 'tcp':
      return '_sip._tcp';
    case 'tls':
      return '_sips._tcp';
    case 'ws':
      return '_sip._ws';
    case 'wss':
      return '_sips._ws';
  }
}

function paramValue(uri: SipUri, name: string): string | null | undefined {
  for (const p of uri.params) if (p.name.toLowerCase() === name) return p.value;
  return undefined;
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw signal.reason;
}

/**
 * The transport named by a `transport=` parameter, mapped for the scheme — §4.1:
 * a SIPS URI over TCP means TLS; SIPS over UDP is not possible.
 */
function explicitTransport(uri: SipUri, value: string): SipProtocol {
  const v = value.toLowerCase();
  const secure = uri.scheme === 'sips';
  switch (v) {
    case 'udp':
      if (secure) throw new ResolverError('RESOLVER_UNSUPPORTED_TRANSPORT', 'a SIPS URI cannot use transport=udp (RFC 3263 §4.1)');
      return 'udp';
    case 'tcp':
    case 'tls':
      return secure || v === 'tls' ? 'tls' : 'tcp';
    case 'ws':
    case 'wss':
      return secure || v === 'wss' ? 'wss' : 'ws';
    default:
      throw new ResolverError('RESOLVER_UNSUPPORTED_TRANSPORT', `transport=${value} is not supported`);
  }
}

interface Ctx {
  readonly dns: DnsResolver;
  readonly families: readonly (4 | 6)[];
  readonly random: () => number;
  readonly signal: AbortSignal | undefined;
  /** The first DNS failure seen, reported if nothing at all is found. */
  failure: unknown;
}

async function query<T>(ctx: Ctx, run: () => Promise<readonly T[]>): Promise<readonly T[]> {
  checkAborted(ctx.signal);
  try {
    return await run();
  } catch (e) {
    // One failing query must not stop the rest of the procedure (other
    // transports, other SRV targets); the failure is kept for the error.
    ctx.failure ??= e;
    return [];
  } finally {
    checkAborted(ctx.signal);
  }
}

/** §4.2: A/AAAA for a host name, addresses in the configured family order. */
async function addresses(ctx: Ctx, host: string, transport: SipProtocol, port: number): Promise<Target[]> {
  const numeric = isIP(host);
  if (numeric !== 0) return [{ transport, address: host, port, family: numeric as 4 | 6, hostname: null }];
  const out: Target[] = [];
  for (const family of ctx.families) {
    const list = await query(ctx, () => (family === 4 ? ctx.dns.resolve4(host) : ctx.dns.resolve6(host)));
    for (const address of list) out.push({ transport, address, port, family, hostname: host });
  }
  return out;
}

/** Result of one SRV query: the targets, and how many records came back ("." ones included). */
interface SrvOutcome {
  readonly targets: Target[];
  readonly records: number;
}

/** §4.2: an SRV query, RFC 2782 ordering, then A/AAAA of each target in that order. */
async function srv(ctx: Ctx, name: string, transport: SipProtocol): Promise<SrvOutcome> {
  const records = await query<SrvRecord>(ctx, () => ctx.dns.resolveSrv(name));
  // RFC 2782: a target of "." means the service is decidedly not available.
  const usable = records.filter((r) => r.name !== '.' && r.name !== '');
  const targets: Target[] = [];
  for (const r of orderSrvRecords(usable, ctx.random)) {
    const host = r.name.endsWith('.') ? r.name.slice(0, -1) : r.name;
    for (const t of await addresses(ctx, host, transport, r.port)) targets.push(t);
  }
  return { targets, records: records.length };
}

/** §4.1: NAPTR records usable for this URI, in order/preference order (RFC 3403 §4.1). */
function usableNaptr(records: readonly NaptrRecord[], secure: boolean, supported: readonly SipProtocol[]): Array<{ record: NaptrRecord; transport: SipProtocol }> {
  const out: Array<{ record: NaptrRecord; transport: SipProtocol }> = [];
  for (const record of records) {
    if (record.flags.toLowerCase() !== 's') continue; // SIP NAPTRs point at SRV records
    const transport = NAPTR_SERVICES.get(record.service.toUpperCase());
    if (transport === undefined || !supported.includes(transport)) continue;
    // §4.1: for a SIPS URI, discard services that are not TLS.
    if (secure && !SECURE.has(transport)) continue;
    if (record.replacement === '' || record.replacement === '.') continue;
    out.push({ record, transport });
  }
  out.sort((a, b) => a.record.order - b.record.order || a.record.preference - b.record.preference);
  return out;
}

function dedupe(targets: readonly Target[]): Target[] {
  const seen = new Set<string>();
  const out: Target[] = [];
  for (const t of targets) {
    const key = `${t.transport}|${t.address}|${t.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(t);
  }
  return out;
}

function validateOptions(o: LocateOptions): { supported: readonly SipProtocol[]; families: readonly (4 | 6)[] } {
  const supported = o.preferTransports ?? ['tls', 'tcp', 'udp'];
  for (const t of supported) {
    if (!['udp', 'tcp', 'tls', 'ws', 'wss'].includes(t)) throw new TypeError(`unknown transport ${String(t)}`);
  }
  if (supported.length === 0) throw new TypeError('preferTransports must not be empty');
  const families = o.addressFamilies ?? [4, 6];
  for (const f of families) if (f !== 4 && f !== 6) throw new TypeError(`address family must be 4 or 6, got ${String(f)}`);
  if (families.length === 0) throw new TypeError('addressFamilies must not be empty');
  return { supported, families };
}

/**
 * Locate the servers for `uri` — RFC 3263 §4 — and return every target to
 * try, in order (§4.3 failover walks this list; see {@link TargetIterator}).
 *
 * TARGET is `maddr` if present, else the host (§4). Transport (§4.1): the
 * `transport` parameter; else UDP (SIP) / TLS (SIPS) for a numeric host or an
 * explicit port; else NAPTR; else SRV probes per supported transport; else
 * UDP / TLS. Port and address (§4.2): numeric hosts and explicit ports are
 * used as is (A/AAAA for a name); otherwise SRV ordered per RFC 2782, falling
 * back to A/AAAA with the default port.
 *
 * @throws ResolverError RESOLVER_NOT_FOUND when nothing resolves, RESOLVER_DNS_ERROR when nothing
 *   resolves and some query failed, RESOLVER_UNSUPPORTED_TRANSPORT for a transport the
 *   URI forbids or the client does not support.
 * @throws TypeError for invalid options.
 * @example
 * const targets = await locateSipServer(parseSipUri('sips:agent@voice.example.com'));
 */
export async function locateSipServer(uri: SipUri, options: LocateOptions = {}): Promise<Target[]> {
  if (uri === null || typeof uri !== 'object' || uri.kind !== 'sip') throw new TypeError('locateSipServer needs a sip: or sips: URI');
  const { supported: allSupported, families } = validateOptions(options);
  const secure = uri.scheme === 'sips';
  // §4.1 / RFC 5630: a SIPS URI is only ever reached over TLS.
  const supported = secure ? allSupported.filter((t) => SECURE.has(t)) : allSupported;
  if (supported.length === 0) throw new ResolverError('RESOLVER_UNSUPPORTED_TRANSPORT', 'a SIPS URI needs TLS, which is not in preferTransports');
  const ctx: Ctx = {
    dns: options.resolver ?? createNodeDnsResolver(),
    families,
    random: options.random ?? Math.random,
    signal: options.signal,
    failure: undefined,
  };
  checkAborted(ctx.signal);

  const maddr = paramValue(uri, 'maddr');
  const target = stripBrackets(maddr ?? uri.host);
  if (target === '') throw new ResolverError('RESOLVER_BAD_TARGET', 'the URI has no host to locate');
  const transportParam = paramValue(uri, 'transport');
  let transport: SipProtocol | null = null;
  if (transportParam !== undefined && transportParam !== null) {
    transport = explicitTransport(uri, transportParam);
    if (!supported.includes(transport)) {
      throw new ResolverError('RESOLVER_UNSUPPORTED_TRANSPORT', `transport ${transport} is not in preferTransports`);
    }
  }
  // §4.1: with no transport parameter, a numeric host or an explicit port
  // means UDP for SIP and TLS (over TCP) for SIPS.
  const fallbackTransport = (): SipProtocol => {
    const want: SipProtocol = secure ? 'tls' : 'udp';
    if (supported.includes(want)) return want;
    return supported[0]!;
  };
  const family = isIP(target);

  const finish = (targets: readonly Target[]): Target[] => {
    const out = dedupe(targets);
    if (out.length > 0) return out;
    if (ctx.failure !== undefined) {
      throw new ResolverError('RESOLVER_DNS_ERROR', `DNS lookups for ${target} failed`, { cause: ctx.failure });
    }
    throw new ResolverError('RESOLVER_NOT_FOUND', `no SIP server found for ${target}`);
  };

  if (family !== 0) {
    const t = transport ?? fallbackTransport();
    return [{ transport: t, address: target, port: uri.port ?? defaultTargetPort(t), family: family as 4 | 6, hostname: null }];
  }
  if (uri.port !== null) {
    // §4.2: a port in the URI means no SRV: A/AAAA of TARGET.
    const t = transport ?? fallbackTransport();
    return finish(await addresses(ctx, target, t, uri.port));
  }
  if (transport !== null) {
    // §4.2: transport given, no port: SRV for that transport, else A/AAAA.
    const s = await srv(ctx, `${srvPrefix(transport)}.${target}`, transport);
    if (s.targets.length > 0 || s.records > 0) return finish(s.targets);
    return finish(await addresses(ctx, target, transport, defaultTargetPort(transport)));
  }

  // §4.1: NAPTR, then SRV with the NAPTR replacement, in order/preference.
  const naptr = usableNaptr(await query(ctx, () => ctx.dns.resolveNaptr(target)), secure, supported);
  if (naptr.length > 0) {
    const found: Target[] = [];
    for (const { record, transport: t } of naptr) {
      const name = record.replacement.endsWith('.') ? record.replacement.slice(0, -1) : record.replacement;
      for (const x of (await srv(ctx, name, t)).targets) found.push(x);
    }
    if (found.length > 0) return finish(found);
  }

  // §4.1: no (usable) NAPTR: SRV probes per supported transport, in preference order.
  const probed: Target[] = [];
  let srvRecords = 0;
  for (const t of supported) {
    const s = await srv(ctx, `${srvPrefix(t)}.${target}`, t);
    srvRecords += s.records;
    for (const x of s.targets) probed.push(x);
  }
  if (probed.length > 0 || srvRecords > 0) return finish(probed);

  // §4.1/§4.2: nothing in SRV: UDP (SIP) or TLS (SIPS) to A/AAAA of TARGET, default port.
  const t = fallbackTransport();
  return finish(await addresses(ctx, target, t, defaultTargetPort(t)));
}
