import type { ParsedAuth } from '../authenticate/authenticate-parsed.ts';
import type { DnsAnswer } from '../authenticate/dns-resolver.ts';
import type { ParsedReport, ReportKind } from '../report/parsed-report.ts';
import type { ParseOptions } from './parse-options.ts';

/**
 * The messages between the parse pool (src/parse/parse-pool.ts) and its threads (parse-thread.ts). Options
 * travel without functions: the clock as a time, the DNS resolver as a flag (the thread asks the pool for each
 * lookup), the provider registry not at all (the thread loads the default one, as messageParseOptions does).
 */
export type PortableOptions = Omit<ParseOptions, 'resolver' | 'now' | 'providers'> & {
  nowMs: number | null;
  dns: boolean;
};

export type ThreadJob =
  | { seq: number; task: 'parse'; raw: Uint8Array; options: PortableOptions }
  | { seq: number; task: 'authenticate'; raw: Uint8Array; options: PortableOptions };

/** classify and extract of one message, before authentication. */
export interface PooledParse {
  classification: { kind: ReportKind; reason: string; message: null };
  report: ParsedReport;
}

export type ThreadMessage =
  | { ready: true }
  | { seq: number; ok: true; parse: PooledParse }
  | { seq: number; ok: true; auth: ParsedAuth }
  | { seq: number; ok: false; error: string }
  | { dns: number; name: string; rrtype: string };

export type DnsReply =
  | { dnsReply: number; ok: true; answer: DnsAnswer }
  | { dnsReply: number; ok: false; code: string; message: string };
