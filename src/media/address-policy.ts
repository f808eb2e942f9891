// Which IP addresses the gateway refuses to fetch client-given URLs from (SSRF protection):
// loopback, private, link-local (cloud metadata 169.254.169.254 included), CGNAT, unspecified,
// multicast and reserved ranges, IPv4-mapped / -compatible / NAT64 IPv6 forms of them included.
import { BlockList, isIP } from 'node:net';

interface Range {
  net: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
  label: string;
}

const RANGES: readonly Range[] = [
  { net: '0.0.0.0', prefix: 8, family: 'ipv4', label: 'unspecified' },
  { net: '10.0.0.0', prefix: 8, family: 'ipv4', label: 'private' },
  { net: '100.64.0.0', prefix: 10, family: 'ipv4', label: 'CGNAT (shared)' },
  { net: '127.0.0.0', prefix: 8, family: 'ipv4', label: 'loopback' },
  { net: '169.254.169.254', prefix: 32, family: 'ipv4', label: 'cloud metadata' },
  { net: '169.254.0.0', prefix: 16, family: 'ipv4', label: 'link-local' },
  { net: '172.16.0.0', prefix: 12, family: 'ipv4', label: 'private' },
  { net: '192.0.0.0', prefix: 24, family: 'ipv4', label: 'reserved' },
  { net: '192.0.2.0', prefix: 24, family: 'ipv4', label: 'reserved' },
  { net: '192.168.0.0', prefix: 16, family: 'ipv4', label: 'private' },
  { net: '198.18.0.0', prefix: 15, family: 'ipv4', label: 'reserved' },
  { net: '198.51.100.0', prefix: 24, family: 'ipv4', label: 'reserved' },
  { net: '203.0.113.0', prefix: 24, family: 'ipv4', label: 'reserved' },
  { net: '224.0.0.0', prefix: 4, family: 'ipv4', label: 'multicast' },
  { net: '240.0.0.0', prefix: 4, family: 'ipv4', label: 'reserved' },
  { net: '::', prefix: 128, family: 'ipv6', label: 'unspecified' },
  { net: '::1', prefix: 128, family: 'ipv6', label: 'loopback' },
  { net: '::', prefix: 96, family: 'ipv6', label: 'reserved' },
  { net: '64:ff9b::', prefix: 96, family: 'ipv6', label: 'NAT64' },
  { net: '64:ff9b:1::', prefix: 48, family: 'ipv6', label: 'NAT64' },
  { net: '100::', prefix: 64, family: 'ipv6', label: 'reserved' },
  { net: '2001:db8::', prefix: 32, family: 'ipv6', label: 'reserved' },
  { net: 'fc00::', prefix: 7, family: 'ipv6', label: 'private (unique local)' },
  { net: 'fe80::', prefix: 10, family: 'ipv6', label: 'link-local' },
  { net: 'fec0::', prefix: 10, family: 'ipv6', label: 'site-local' },
  { net: 'ff00::', prefix: 8, family: 'ipv6', label: 'multicast' },
];

const LISTS = RANGES.map((r) => {
  const list = new BlockList();
  list.addSubnet(r.net, r.prefix, r.family);
  return { list, r };
});

/** The 8 16-bit groups of an IPv6 address (no zone), or undefined when it does not parse. */
function ipv6Groups(address: string): number[] | undefined {
  let a = address.split('%')[0] ?? '';
  const lastColon = a.lastIndexOf(':');
  const tail = a.slice(lastColon + 1);
  if (tail.includes('.')) {
    // A dotted IPv4 tail (::ffff:1.2.3.4) becomes two hex groups.
    if (isIP(tail) !== 4) return undefined;
    const o = tail.split('.').map(Number);
    a = `${a.slice(0, lastColon + 1)}${(((o[0] ?? 0) << 8) | (o[1] ?? 0)).toString(16)}:${(((o[2] ?? 0) << 8) | (o[3] ?? 0)).toString(16)}`;
  }
  const parts = a.split('::');
  if (parts.length > 2) return undefined;
  const parse = (s: string): number[] => (s === '' ? [] : s.split(':').map((h) => Number.parseInt(h, 16)));
  const head = parse(parts[0] ?? '');
  const rest = parts.length === 2 ? parse(parts[1] ?? '') : [];
  const known = head.length + rest.length;
  if (known > 8 || (parts.length === 1 && known !== 8)) return undefined;
  const groups = [...head, ...Array<number>(8 - known).fill(0), ...rest];
  return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

/** `::ffff:a.b.c.d` (IPv4-mapped) → `a.b.c.d`; undefined for other IPv6 addresses. */
function mappedIpv4(address: string): string | undefined {
  const g = ipv6Groups(address);
  if (!g) return undefined;
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) {
    const hi = g[6] ?? 0;
    const lo = g[7] ?? 0;
    return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  return undefined;
}

/**
 * Why `address` may not be fetched ("loopback", "private", ...), or undefined when it is a public
 * address. Anything that is not an IP address at all is refused as "invalid".
 */
export function blockedAddressReason(address: string): string | undefined {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  const family = isIP(bare);
  if (family === 0) return 'invalid';
  if (family === 6) {
    const v4 = mappedIpv4(bare);
    if (v4 !== undefined) return blockedAddressReason(v4);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const { list, r } of LISTS) {
    if (r.family === type && list.check(bare, type)) return r.label;
  }
  return undefined;
}
