/**
 * The source-address allow list: which peers may send us requests at all.
 * Built on `node:net` BlockList (CIDR matching done by Node).
 */
import { BlockList, isIP } from 'node:net';

/**
 * CIDR prefixes (`198.51.100.0/24`, `2001:db8::/32`) or single addresses.
 * IPv4-mapped IPv6 sources (`::ffff:198.51.100.7`) match the IPv4 entries.
 */
export class AllowList {
  readonly #list = new BlockList();

  /** @throws TypeError naming the entry that is not an address or CIDR prefix. */
  constructor(entries: readonly string[]) {
    if (!Array.isArray(entries)) throw new TypeError('allow must be an array of CIDR strings');
    for (const [i, raw] of entries.entries()) {
      if (typeof raw !== 'string') throw new TypeError(`allow[${i}] must be a string`);
      const [address = '', prefix, extra] = raw.trim().split('/');
      const family = isIP(address);
      if (family === 0 || extra !== undefined) throw new TypeError(`allow[${i}] is not an IP address or CIDR prefix: ${JSON.stringify(raw)}`);
      const type = family === 4 ? 'ipv4' : 'ipv6';
      if (prefix === undefined) {
        this.#list.addAddress(address, type);
        continue;
      }
      const bits = Number(prefix);
      if (!/^\d{1,3}$/.test(prefix) || bits > (family === 4 ? 32 : 128)) {
        throw new TypeError(`allow[${i}] has a bad prefix length: ${JSON.stringify(raw)}`);
      }
      this.#list.addSubnet(address, bits, type);
    }
  }

  /** True when `address` (an IP literal as the socket reports it) is allowed. */
  allows(address: string): boolean {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    const a = mapped?.[1] ?? address;
    const family = isIP(a);
    if (family === 0) return false;
    return this.#list.check(a, family === 4 ? 'ipv4' : 'ipv6');
  }
}
