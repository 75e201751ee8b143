import { isIP } from 'node:net';

/**
 * The broadest range TRUST_PROXY may name. IPv4 /8 is the largest block ever allocated to one
 * network (and the size of 10.0.0.0/8, the broadest private range a proxy tier sits in); IPv6
 * /32 is the usual allocation to one provider. A broader entry trusts peers the operator does not
 * run, and entries such as 0.0.0.0/1 plus 128.0.0.0/1 together trust everyone: the same as
 * trusting every hop, where a client writes its own address into X-Forwarded-For.
 */
export const MIN_IPV4_PREFIX = 8;
export const MIN_IPV6_PREFIX = 32;
/** All IPv4 entries together may cover at most this many addresses: four /8 blocks. */
export const MAX_IPV4_ADDRESSES = 4 * 2 ** 24;

/** True for an IPv6 address in ::ffff:0:0/96 (IPv4-mapped), in any of its spellings. */
export function isIpv4Mapped(address: string): boolean {
  if (isIP(address) !== 6) return false;
  let text = address.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail === undefined ? [] : tail ? tail.split(':') : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return (
    groups.slice(0, 5).every((g) => Number.parseInt(g, 16) === 0) &&
    Number.parseInt(groups[5], 16) === 0xffff
  );
}

/**
 * Why a TRUST_PROXY list of addresses and CIDRs trusts too much, or undefined when it does not.
 * IPv4-mapped IPv6 ranges (`::ffff:0.0.0.0/96`) count as the IPv4 ranges they map, as
 * Fastify's proxy-addr matches them.
 */
export function trustProxyBreadthProblem(entries: readonly string[]): string | undefined {
  let ipv4Addresses = 0;
  for (const entry of entries) {
    const [rawAddress, rawPrefix] = entry.split('/');
    const mapped = isIpv4Mapped(rawAddress);
    const family = mapped ? 4 : isIP(rawAddress);
    if (family === 0) return `TRUST_PROXY: "${entry}" is not an IP address or CIDR range`;
    let prefix = rawPrefix === undefined ? (family === 4 && !mapped ? 32 : 128) : Number(rawPrefix);
    if (mapped) {
      if (prefix < 96) return `TRUST_PROXY: "${entry}" is broader than the IPv4 addresses it maps`;
      prefix -= 96;
    }
    const min = family === 4 ? MIN_IPV4_PREFIX : MIN_IPV6_PREFIX;
    if (prefix < min) {
      return `TRUST_PROXY: "${entry}" trusts too many peers; list your proxies' addresses or ranges no broader than /${MIN_IPV4_PREFIX} (IPv4) or /${MIN_IPV6_PREFIX} (IPv6)`;
    }
    if (family === 4) ipv4Addresses += 2 ** (32 - prefix);
  }
  if (ipv4Addresses > MAX_IPV4_ADDRESSES) {
    return `TRUST_PROXY: the IPv4 ranges together cover more than four /8 blocks; list only your proxies`;
  }
  return undefined;
}
