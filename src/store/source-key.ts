import { ipNetwork } from '../runtime/ip-network.ts';

/**
 * The source a message is scheduled and limited by: its client's IPv4 /24 (`192.0.2.0/24`, also for an
 * IPv4-mapped IPv6 address) or IPv6 /64 (`2001:db8:0:1::/64`); without a client IP (ingest), `source:<source>`.
 */
export function sourceKey(clientIp: string | null, source = 'smtp'): string {
  return ipNetwork(clientIp, 64) ?? `source:${source}`;
}
