import { dnsError } from './dns-resolver.ts';
import type { DnsAnswer, DnsResolver, MxRecord } from './dns-resolver.ts';

/** Records of one name in a fake zone; an absent or empty type answers ENODATA. */
export interface FakeZoneRecords {
  TXT?: string[][];
  A?: string[];
  AAAA?: string[];
  MX?: MxRecord[];
  PTR?: string[];
  CNAME?: string[];
  NS?: string[];
}

/** Names (case-insensitive, trailing dot optional) to their records; an absent name answers ENOTFOUND. */
export type FakeZone = Record<string, FakeZoneRecords>;

export interface FakeResolverOptions {
  /** Delay every answer by this many milliseconds (for benchmarks and timeout tests). */
  latencyMs?: number;
}

export interface FakeResolver extends DnsResolver {
  /** Every query asked, in order, so tests can assert what was (not) looked up. */
  readonly queries: { name: string; rrtype: string }[];
}

function normaliseName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * A declarative DNS zone with mailauth's resolver signature: answers like node:dns, including its
 * NXDOMAIN (`ENOTFOUND`) and NODATA (`ENODATA`) errors, and never touches the network.
 */
export function createFakeResolver(zone: FakeZone, options: FakeResolverOptions = {}): FakeResolver {
  const records = new Map(Object.entries(zone).map(([name, rr]) => [normaliseName(name), rr]));
  const queries: { name: string; rrtype: string }[] = [];

  const answer = (name: string, rrtype: string): DnsAnswer => {
    const type = rrtype.toUpperCase() as keyof FakeZoneRecords;
    const entry = records.get(normaliseName(name));
    if (!entry) throw dnsError('ENOTFOUND', name, rrtype);
    const found = Object.hasOwn(entry, type) ? entry[type] : undefined;
    if (!found || found.length === 0) throw dnsError('ENODATA', name, rrtype);
    // Copies, so a caller mutating an answer cannot change the zone.
    return structuredClone(found);
  };

  const resolver = async (name: string, rrtype: string): Promise<DnsAnswer> => {
    queries.push({ name, rrtype });
    if (options.latencyMs !== undefined && options.latencyMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    }
    return answer(name, rrtype);
  };

  return Object.assign(resolver, { queries });
}
