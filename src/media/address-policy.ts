// Which IP addresses the gateway refuses to fetch client-given URLs from (SSRF protection):
// loopback, private, link-local (cloud metadata 169.254.169.254 included), CGNAT, unspecified,
// multicast and reserved ranges. IPv6 addresses that carry an IPv4 address (IPv4-mapped and
// -translated, IPv4-compatible, NAT64 64:ff9b::/96, 6to4 2002::/16, Teredo 2001::/32) are judged by
// the IPv4 address(es) inside them too: 2002:7f00:1:: reaches 127.0.0.1 through a 6to4 relay.
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
  { net: '192.88.99.0', prefix: 24, family: 'ipv4', label: 'reserved (6to4 relay)' },
  { net: '192.168.0.0', prefix: 16, family: 'ipv4', label: 'private' },
  { net: '198.18.0.0', prefix: 15, family: 'ipv4', label: 'reserved' },
  { net: '198.51.100.0', prefix: 24, family: 'ipv4', label: 'reserved' },
  { net: '203.0.113.0', prefix: 24, family: 'ipv4', label: 'reserved' },
  { net: '224.0.0.0', prefix: 4, family: 'ipv4', label: 'multicast' },
  { net: '240.0.0.0', prefix: 4, family: 'ipv4', label: 'reserved' },
  { net: '::', prefix: 128, family: 'ipv6', label: 'unspecified' },
  { net: '::1', prefix: 128, family: 'ipv6', label: 'loopback' },
  { net: '::', prefix: 96, family: 'ipv6', label: 'reserved' },
  // 64:ff9b::/96 (well-known NAT64) is judged by its embedded IPv4 below; the local-use prefix
  // (RFC 8215) may embed it at several positions, so it is refused whole.
  { net: '64:ff9b:1::', prefix: 48, family: 'ipv6', label: 'NAT64 (local use)' },
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

function ipv4(hi: number, lo: number): string {
  return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
}

/** The IPv4 addresses an IPv6 address carries, and in which form; empty for other addresses. */
function embeddedIpv4(groups: readonly number[]): Array<{ address: string; form: string }> {
  const [g0, g1, g2, g3, g4, g5, g6, g7] = groups as [number, number, number, number, number, number, number, number];
  const zero4 = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0;
  // ::ffff:a.b.c.d, the same host as a.b.c.d (dual-stack sockets connect to it directly).
  if (zero4 && g4 === 0 && g5 === 0xffff) return [{ address: ipv4(g6, g7), form: 'IPv4-mapped' }];
  // ::ffff:0:a.b.c.d (SIIT, RFC 2765).
  if (zero4 && g4 === 0xffff && g5 === 0) return [{ address: ipv4(g6, g7), form: 'IPv4-translated' }];
  // ::a.b.c.d (deprecated, RFC 4291); :: and ::1 (g6 = 0) are IPv6's own unspecified and loopback.
  if (zero4 && g4 === 0 && g5 === 0 && g6 !== 0) return [{ address: ipv4(g6, g7), form: 'IPv4-compatible' }];
  // 64:ff9b::a.b.c.d: a NAT64 gateway connects to a.b.c.d (RFC 6052).
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return [{ address: ipv4(g6, g7), form: 'NAT64' }];
  // 2002:AABB:CCDD::/48: the 6to4 site behind IPv4 AA.BB.CC.DD (RFC 3056).
  if (g0 === 0x2002) return [{ address: ipv4(g1, g2), form: '6to4' }];
  // 2001:0:SSSS:SSSS:flags:port:CCCC:CCCC: Teredo server S, client C stored inverted (RFC 4380).
  if (g0 === 0x2001 && g1 === 0) {
    return [
      { address: ipv4(g2, g3), form: 'Teredo (server)' },
      { address: ipv4(~g6 & 0xffff, ~g7 & 0xffff), form: 'Teredo (client)' },
    ];
  }
  return [];
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
    const groups = ipv6Groups(bare);
    if (!groups) return 'invalid';
    for (const { address: v4, form } of embeddedIpv4(groups)) {
      const why = blockedAddressReason(v4);
      if (why === undefined) continue;
      // A mapped address is that IPv4 host itself; for the others, say where the IPv4 was found.
      return form === 'IPv4-mapped' ? why : `${why} (${v4} inside ${form})`;
    }
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const { list, r } of LISTS) {
    if (r.family === type && list.check(bare, type)) return r.label;
  }
  return undefined;
}
