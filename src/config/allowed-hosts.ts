import { BlockList, isIP } from 'node:net';

/** A DNS name as a target may give it: letters, digits and hyphens in dot-separated labels. */
const HOST_NAME =
  /^(?=.{1,253}\.?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?$/;

export const isHostName = (name: string): boolean => HOST_NAME.test(name);

/** IPv4-mapped IPv6 (`::ffff:10.0.0.1`) is the IPv4 address it maps, for matching. */
export function normalizeAddress(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1], family: 'ipv4' };
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

/**
 * The hosts discovery may connect to, set by the operator (PII_VAULT_DISCOVERY_ALLOWED_HOSTS):
 * host names, matched by name before any DNS lookup, and IP addresses and CIDR ranges, matched
 * against every address a name resolves to. Empty allows nothing.
 */
export class AllowedHosts {
  private constructor(
    private readonly names: ReadonlySet<string>,
    private readonly addresses: BlockList,
    readonly hasAddresses: boolean,
    private readonly everything: boolean,
  ) {}

  /** Parses the comma-separated list; throws naming the first entry that is not valid. */
  static parse(list: string | undefined): AllowedHosts {
    const names = new Set<string>();
    const addresses = new BlockList();
    let hasAddresses = false;
    for (const raw of (list ?? '').split(',')) {
      const entry = raw.trim().toLowerCase();
      if (entry === '') continue;
      const slash = entry.indexOf('/');
      const ip = slash === -1 ? entry : entry.slice(0, slash);
      const family = isIP(ip);
      if (family !== 0) {
        const type = family === 6 ? 'ipv6' : 'ipv4';
        if (slash === -1) addresses.addAddress(ip, type);
        else {
          const prefix = entry.slice(slash + 1);
          if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > (family === 6 ? 128 : 32))
            throw new Error(`"${entry}" has no valid prefix length`);
          addresses.addSubnet(ip, Number(prefix), type);
        }
        hasAddresses = true;
      } else if (slash === -1 && isHostName(entry)) {
        names.add(entry.replace(/\.$/, ''));
      } else {
        throw new Error(`"${entry}" is not a host name, an IP address or a CIDR range`);
      }
    }
    return new AllowedHosts(names, addresses, hasAddresses, false);
  }

  /** Every host: the command line, where the operator types the URL themselves. */
  static any(): AllowedHosts {
    return new AllowedHosts(new Set(), new BlockList(), true, true);
  }

  get empty(): boolean {
    return !this.everything && this.names.size === 0 && !this.hasAddresses;
  }

  allowsName(name: string): boolean {
    return this.everything || this.names.has(name.toLowerCase().replace(/\.$/, ''));
  }

  allowsAddress(address: string): boolean {
    if (this.everything) return true;
    const { address: a, family } = normalizeAddress(address);
    try {
      return this.addresses.check(a, family);
    } catch {
      return false; // not an address BlockList understands: never allowed
    }
  }
}
