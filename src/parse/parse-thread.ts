import { parentPort, workerData } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';
import { authenticateParsed } from '../authenticate/authenticate-parsed.ts';
import type { DnsAnswer, DnsResolver } from '../authenticate/dns-resolver.ts';
import { loadProviderRegistry } from '../authenticate/provider-registry.ts';
import { openReadOnlyDatabase } from '../db/open-database.ts';
import { readHeaderBlock } from '../mime/read-header-block.ts';
import { getRaw } from '../store/messages-store.ts';
import { classifyMessage } from './classification.ts';
import { extractReport } from './extract-report.ts';
import type { ParseOptions } from './parse-options.ts';
import type {
  DnsReply,
  ParseThreadData,
  PortableOptions,
  ThreadJob,
  ThreadMessage,
  ThreadRaw,
} from './parse-thread-protocol.ts';

/**
 * A parse thread of the pool (parse-pool.ts): runs one job at a time — classify + extract, or authenticate —
 * with the same functions the in-process stages call, so the results are the same. DNS lookups of
 * authentication are sent to the pool, which runs them with the service's resolver. A job names either bytes
 * the pool posted or a stored message, which the thread reads from the database over its own read-only
 * connection; a job of `headers` reads the top-level header block, as the headers stage does in-process.
 */
const port = parentPort!;
const providers = loadProviderRegistry();
let dnsSeq = 0;
const dnsWaiters = new Map<number, { resolve: (a: DnsAnswer) => void; reject: (e: Error) => void }>();

const resolver: DnsResolver = (name, rrtype) =>
  new Promise((resolve, reject) => {
    const id = ++dnsSeq;
    dnsWaiters.set(id, { resolve, reject });
    port.postMessage({ dns: id, name, rrtype } satisfies ThreadMessage);
  });

function parseOptions(o: PortableOptions): ParseOptions {
  const { nowMs, dns, ...rest } = o;
  return {
    ...rest,
    providers,
    ...(dns ? { resolver } : {}),
    ...(nowMs !== null ? { now: () => new Date(nowMs) } : {}),
  };
}

const data = (workerData ?? {}) as ParseThreadData;
let db: Database | null = null;
/** The last stored message read: the headers, authenticate and parse jobs of one message read it once. */
let last: { messageId: number; queueId: string; raw: Buffer } | null = null;

function messageBytes(raw: ThreadRaw): Buffer {
  // A private copy of the shared bytes (some decoders refuse views of shared memory), made on this thread.
  if (raw instanceof Uint8Array) return Buffer.from(raw);
  if (last?.messageId === raw.messageId && last.queueId === raw.queueId) return last.raw;
  if (!data.databaseFile) throw new Error('the parse pool has no database file to read stored messages from');
  db ??= openReadOnlyDatabase(data.databaseFile, data.busyTimeoutMs ?? 5000);
  const bytes = getRaw(db, raw.messageId);
  if (!bytes) throw new Error('raw message is missing from message_raw');
  last = { ...raw, raw: bytes };
  return bytes;
}

async function run(job: ThreadJob): Promise<ThreadMessage> {
  const raw = messageBytes(job.raw);
  if (job.task === 'headers') return { seq: job.seq, ok: true, headerBlock: readHeaderBlock(raw) };
  const options = parseOptions(job.options);
  if (job.task === 'authenticate')
    return { seq: job.seq, ok: true, auth: await authenticateParsed(raw, options) };
  const c = classifyMessage(raw, options);
  const report = extractReport(c, options);
  return {
    seq: job.seq,
    ok: true,
    parse: { classification: { kind: c.kind, reason: c.reason, message: null }, report },
  };
}

port.on('message', (m: ThreadJob | DnsReply) => {
  if ('dnsReply' in m) {
    const w = dnsWaiters.get(m.dnsReply);
    dnsWaiters.delete(m.dnsReply);
    if (!w) return;
    if (m.ok) w.resolve(m.answer);
    else w.reject(Object.assign(new Error(m.message), { code: m.code }));
    return;
  }
  run(m).then(
    (reply) => port.postMessage(reply),
    (e: Error) => port.postMessage({ seq: m.seq, ok: false, error: e.message } satisfies ThreadMessage),
  );
});
port.postMessage({ ready: true } satisfies ThreadMessage);
