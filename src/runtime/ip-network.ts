import { isIP } from 'node:net';

/**
 * The network an IP address belongs to: its IPv4 /24 (also for an IPv4-mapped IPv6 address), or its IPv6
 * prefix of `v6Bits` (48: the usual smallest allocation to one site, RFC 6177 §3; 64: one subnet), written
 * `192.0.2.0/24` or `2001:db8:abcd::/48`. Accepts `[…]` and `IPv6:` forms; null when it is not an IP address.
 */
export function ipNetwork(ip: string | null | undefined, v6Bits: 48 | 64): string | null {
  const bare = String(ip ?? '')
    .trim()
    .replace(/^\[|\]$/g, '')
    .replace(/^ipv6:/i, '')
    .replace(/^::ffff:(?=\d+\.)/i, '');
  const family = isIP(bare);
  if (family === 4) return `${bare.split('.').slice(0, 3).join('.')}.0/24`;
  if (family !== 6) return null;
  // Expand "::" so the leading groups are all there.
  const [head = '', tail = ''] = bare.toLowerCase().split('::');
  const left = head === '' ? [] : head.split(':');
  const right = bare.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, v6Bits / 16)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(':')}::/${v6Bits}`;
}
