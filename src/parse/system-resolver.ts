import { promises as dns } from 'node:dns';
import type { DnsAnswer, DnsResolver } from '../authenticate/dns-resolver.ts';

/** The operating system's resolver, in the shape mailauth expects (used by `serve`, never by tests). */
export const systemResolver: DnsResolver = (name, rrtype) => dns.resolve(name, rrtype) as Promise<DnsAnswer>;
