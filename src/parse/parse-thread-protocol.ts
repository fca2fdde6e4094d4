import type { ParsedAuth } from '../authenticate/authenticate-parsed.ts';
import type { DnsAnswer } from '../authenticate/dns-resolver.ts';
import type { HeaderMap } from '../mime/header-map.ts';
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

/**
 * A stored message, by reference: the thread reads its raw bytes from the database itself (read only), so a
 * large message is never loaded on the event loop. `queueId` names the stored message: a thread reuses the last message it
 * read only when both match.
 */
export interface StoredRawRef {
  messageId: number;
  queueId: string;
}

/** A message's bytes for a thread: shared memory posted by the pool, or a stored message the thread reads. */
export type ThreadRaw = Uint8Array | StoredRawRef;

export type ThreadJob =
  | { seq: number; task: 'parse'; raw: ThreadRaw; options: PortableOptions }
  | { seq: number; task: 'authenticate'; raw: ThreadRaw; options: PortableOptions }
  | { seq: number; task: 'headers'; raw: ThreadRaw; options: PortableOptions };

/** classify and extract of one message, before authentication. */
export interface PooledParse {
  classification: { kind: ReportKind; reason: string; message: null };
  report: ParsedReport;
}

export type ThreadMessage =
  | { ready: true }
  | { seq: number; ok: true; parse: PooledParse }
  | { seq: number; ok: true; auth: ParsedAuth }
  | { seq: number; ok: true; headerBlock: HeaderMap }
  | { seq: number; ok: false; error: string }
  | { dns: number; name: string; rrtype: string };

export type DnsReply =
  | { dnsReply: number; ok: true; answer: DnsAnswer }
  | { dnsReply: number; ok: false; code: string; message: string };

/** The thread's workerData: the database file stored messages are read from (none: jobs carry the bytes). */
export interface ParseThreadData {
  databaseFile?: string | undefined;
  busyTimeoutMs?: number | undefined;
}
