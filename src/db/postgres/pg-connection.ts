import { isMainThread } from 'node:worker_threads';
import pgTypes from 'pg-types';
import { requireOptional } from '../../runtime/project-root.ts';

/** The part of libpq's binding (node-postgres's `libpq` addon) this module uses: synchronous calls. */
interface PQ {
  connectSync(conninfo: string): void;
  finish(): void;
  connected: boolean;
  exec(sql: string): void;
  execParams(sql: string, values: unknown[]): void;
  prepare(name: string, sql: string, nParams: number): void;
  execPrepared(name: string, values: unknown[]): void;
  resultErrorMessage(): string;
  resultErrorFields(): Record<string, string> | null;
  errorMessage(): string;
  cmdTuples(): string;
  ntuples(): number;
  nfields(): number;
  fname(i: number): string;
  ftype(i: number): number;
  getvalue(row: number, col: number): string;
  getisnull(row: number, col: number): boolean;
  transactionStatus(): number;
  serverVersion(): number;
  enterPipelineMode(): boolean;
  exitPipelineMode(): boolean;
  pipelineSync(): boolean;
  sendQueryPrepared(name: string, values: unknown[]): boolean;
  sendQueryParams(sql: string, values: unknown[]): boolean;
  getResult(): boolean;
  resultStatus(): string;
}
type PQClass = new () => PQ;

/**
 * A failed statement: `code` is the SQLSTATE (`23505` unique violation, `40001` serialization failure…) or
 * `PG_CONNECTION` when the server could not be reached or the connection broke.
 */
export class PgError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'PgError';
  }
}

const identity = (v: string): string => v;
/**
 * Values come back as SQLite would give them: integers and numerics as numbers, booleans as 1/0, JSON, dates
 * and times as their text; bytea as a Buffer.
 */
const PARSERS: Record<number, (v: string) => unknown> = {
  20: Number,
  21: Number,
  23: Number,
  1700: Number,
  700: Number,
  701: Number,
  16: (v) => (v === 't' ? 1 : 0),
  114: identity,
  3802: identity,
  1082: identity,
  1114: identity,
  1184: identity,
};
const parserFor = (oid: number): ((v: string) => unknown) =>
  PARSERS[oid] ?? (pgTypes.getTypeParser(oid, 'text') as (v: string) => unknown);

/** One statement of a pipeline: a prepared statement by name, or SQL without parameters (SAVEPOINT, COMMIT…). */
export type PipelineItem =
  | { name: string; values: unknown[]; arrayMode: boolean }
  | { sql: string; values?: undefined; arrayMode?: undefined };

export interface PgResult {
  rows: unknown[];
  columns: string[];
  changes: number;
}

/**
 * libpq's binding registers each connection's socket with the event loop and frees that registration with the
 * object: a connection garbage-collected while registered, or before its close completed, corrupts the loop. So
 * every connection is referenced here until it is finished, and for a moment after.
 */
const live = new Set<PQ>();
function retire(pq: PQ): void {
  pq.finish();
  setTimeout(() => live.delete(pq), 1000).unref();
}

/** PQtransactionStatus: idle, active, in a transaction, in a failed transaction, unknown (connection bad). */
const PQTRANS_INTRANS = 2;
const PQTRANS_INERROR = 3;
const PQTRANS_UNKNOWN = 4;

/** abusedesk's own `schema` URL parameter: tables live in that schema (search_path), created if missing. */
export function splitSchema(url: string): { conninfo: string; schema: string | null } {
  const u = new URL(url);
  const schema = u.searchParams.get('schema');
  u.searchParams.delete('schema');
  // A server that does not answer fails a connection attempt in seconds, not after the system's TCP timeout.
  if (!u.searchParams.has('connect_timeout')) u.searchParams.set('connect_timeout', '5');
  return { conninfo: u.toString(), schema };
}

/**
 * One synchronous PostgreSQL connection. Synchronous like better-sqlite3, so the store's code is the same for
 * both engines: each call blocks its thread for one round trip, which is why intake, parsing and the pipeline
 * each use their own thread and connection. A broken connection is reopened on the next call (its prepared
 * statements with it); an open transaction is lost with it and the caller sees the error.
 */
export class PgConnection {
  private pq: PQ | null = null;
  /** Bumped on every (re)connect: statements prepared under an older generation are prepared again. */
  generation = 0;
  readonly url: string;
  /**
   * Statements sent in pipeline mode whose results are not read yet (see send): the server runs them while this
   * thread goes on, and the next pipeline() reads their results before its own.
   */
  private inFlight: PipelineItem[] = [];

  constructor(url: string) {
    this.url = url;
    this.connect();
  }

  private connect(): PQ {
    // libpq's binding registers its socket with the main thread's event loop, even when opened in a worker
    // thread, and closing it there corrupts that loop: threads use node-postgres (asynchronous) instead.
    if (!isMainThread) throw new Error('the synchronous PostgreSQL connection is for the main thread only');
    const PQ = requireOptional<PQClass>('libpq', 'database.url (PostgreSQL)');
    const pq = new PQ();
    live.add(pq);
    const { conninfo, schema } = splitSchema(this.url);
    try {
      pq.connectSync(conninfo);
    } catch (e) {
      retire(pq);
      throw new PgError(
        `cannot connect to PostgreSQL at ${redactUrl(this.url)}: ${(e as Error).message.trim()}`,
        'PG_CONNECTION',
      );
    }
    this.pq = pq;
    this.generation++;
    this.inFlight = [];
    // Timestamps are ISO text written by the application; the session's own time zone never enters.
    this.run(pq, "SET TIME ZONE 'UTC'");
    // libpq prints notices (`… already exists, skipping`) on stderr: only warnings and errors are news.
    this.run(pq, 'SET client_min_messages TO WARNING');
    if (schema) {
      const quoted = `"${schema.replaceAll('"', '""')}"`;
      this.run(pq, `CREATE SCHEMA IF NOT EXISTS ${quoted}`);
      this.run(pq, `SET search_path TO ${quoted}`);
    }
    return pq;
  }

  private live(): PQ {
    if (this.pq && this.pq.transactionStatus() !== PQTRANS_UNKNOWN) return this.pq;
    if (this.pq) retire(this.pq);
    this.pq = null;
    return this.connect();
  }

  private run(pq: PQ, sql: string): void {
    this.idle();
    pq.exec(sql);
    this.check(pq);
  }

  private check(pq: PQ): void {
    const error = this.errorOf(pq);
    if (error) throw error;
  }

  /** The error of the last result (or of the connection), if any. */
  private errorOf(pq: PQ): PgError | null {
    const message = pq.resultErrorMessage() || pq.errorMessage();
    if (!message) return null;
    const fields = pq.resultErrorFields();
    const broken = pq.transactionStatus() === PQTRANS_UNKNOWN;
    return new PgError(
      message.replace(/^ERROR:\s+/, '').trim(),
      broken || !fields?.sqlState ? 'PG_CONNECTION' : fields.sqlState,
      fields?.messageDetail,
    );
  }

  /** Runs one or more statements without parameters (DDL, BEGIN/COMMIT). */
  exec(sql: string): void {
    this.run(this.live(), sql);
  }

  /** Prepares a named statement on the current connection. */
  prepare(name: string, sql: string, nParams: number): void {
    const pq = this.live();
    this.idle();
    pq.prepare(name, sql, nParams);
    this.check(pq);
  }

  /** Runs a statement prepared under the current generation. */
  execute(name: string, values: unknown[], arrayMode: boolean): PgResult {
    const pq = this.live();
    this.idle();
    pq.execPrepared(name, values);
    this.check(pq);
    return this.result(pq, arrayMode);
  }

  /** A one-off query with parameters. */
  query(sql: string, values: unknown[] = [], arrayMode = false): PgResult {
    const pq = this.live();
    this.idle();
    pq.execParams(sql, values);
    this.check(pq);
    return this.result(pq, arrayMode);
  }

  /** One statement into the pipeline's output buffer; false when libpq could not queue it. */
  private sendItem(pq: PQ, it: PipelineItem): boolean {
    return 'name' in it ? pq.sendQueryPrepared(it.name, it.values) : pq.sendQueryParams(it.sql, []);
  }

  /** The connection the statements in flight went out on: a new one would not have them (nor their transaction). */
  private continued(): PQ {
    const [generation, inFlight] = [this.generation, this.inFlight.length];
    const pq = this.live();
    if (inFlight && generation !== this.generation)
      throw new PgError('the connection to PostgreSQL broke with statements in flight', 'PG_CONNECTION');
    return pq;
  }

  /** libpq's synchronous calls cannot run while pipelined statements wait for their results. */
  private idle(): void {
    if (this.inFlight.length)
      throw new Error('a synchronous statement was run while pipelined statements were unread');
  }

  /**
   * Queues `item` in pipeline mode without waiting for it: the server runs it once it goes out (below), while
   * the caller goes on. Its result is read, in order, by the next pipeline(); a failure is thrown there, and the
   * server skips the statements after a failed one up to that pipeline's Sync.
   */
  send(item: PipelineItem): void {
    const pq = this.continued();
    if (this.inFlight.length === 0 && !pq.enterPipelineMode()) this.check(pq);
    this.inFlight.push(item);
    // Left in libpq's output buffer, which goes out when it holds 64 KB or with the next statement that needs an
    // answer (pipeline()'s Sync). Sending each at once let the server start on it sooner, but woke the server for
    // every statement: in interleaved end-to-end bursts that cost the pipeline and the server about 5 % more CPU a
    // report and gave a lower rate.
    if (!this.sendItem(pq, item)) this.check(pq);
  }

  /**
   * Runs `items` in one round trip (libpq's pipeline mode, PostgreSQL 14+): all are sent, then one Sync, then
   * the results are read in order — first those of the statements already sent (see send), then those of
   * `items`. The server skips what follows a failed statement up to the Sync, so the first error is thrown once
   * every result is read (the connection is then ready for the caller's ROLLBACK).
   */
  pipeline(items: readonly PipelineItem[]): PgResult[] {
    const pq = this.continued();
    const all = this.inFlight.length ? [...this.inFlight, ...items] : items;
    this.inFlight = [];
    if (all.length === items.length && !pq.enterPipelineMode()) this.check(pq);
    const results: PgResult[] = [];
    let error: PgError | null = null;
    try {
      for (const it of items) if (!this.sendItem(pq, it)) this.check(pq);
      if (!pq.pipelineSync()) this.check(pq);
      for (const it of all) {
        if (!pq.getResult()) throw new PgError('pipeline: a result is missing', 'PG_CONNECTION');
        const status = pq.resultStatus();
        if (status === 'PGRES_FATAL_ERROR') {
          error ??= this.errorOf(pq);
          results.push({ rows: [], columns: [], changes: 0 });
        } else if (status === 'PGRES_PIPELINE_ABORTED') results.push({ rows: [], columns: [], changes: 0 });
        else results.push(this.result(pq, it.arrayMode ?? false));
        // A NULL ends each statement's results.
        if (pq.getResult())
          throw new PgError('pipeline: more than one result for a statement', 'PG_CONNECTION');
      }
      // The Sync's own result.
      pq.getResult();
    } finally {
      pq.exitPipelineMode();
    }
    if (error) throw error;
    return results;
  }

  /** Reads and drops the results of the statements in flight (before a ROLLBACK): their errors with them. */
  discard(): void {
    if (this.inFlight.length === 0) return;
    try {
      this.pipeline([]);
    } catch {
      // The rollback that follows undoes them, failed or not.
    }
  }

  private result(pq: PQ, arrayMode: boolean): PgResult {
    const nfields = pq.nfields();
    const columns: string[] = [];
    const parsers: Array<(v: string) => unknown> = [];
    for (let c = 0; c < nfields; c++) {
      columns.push(pq.fname(c));
      parsers.push(parserFor(pq.ftype(c)));
    }
    const n = pq.ntuples();
    const rows = new Array<unknown>(n);
    for (let r = 0; r < n; r++) {
      if (arrayMode) {
        const row = new Array<unknown>(nfields);
        for (let c = 0; c < nfields; c++) row[c] = pq.getisnull(r, c) ? null : parsers[c]!(pq.getvalue(r, c));
        rows[r] = row;
      } else {
        const row: Record<string, unknown> = {};
        for (let c = 0; c < nfields; c++)
          row[columns[c]!] = pq.getisnull(r, c) ? null : parsers[c]!(pq.getvalue(r, c));
        rows[r] = row;
      }
    }
    return { rows, columns, changes: Number(pq.cmdTuples() || 0) };
  }

  /** In a transaction (possibly a failed one) on the server. */
  get inTransaction(): boolean {
    // Only a transaction's writes are sent without waiting; meanwhile libpq reports the connection busy.
    if (this.inFlight.length) return true;
    const s = this.pq?.transactionStatus();
    return s === PQTRANS_INTRANS || s === PQTRANS_INERROR;
  }

  get open(): boolean {
    return this.pq !== null;
  }

  close(): void {
    this.inFlight = [];
    if (this.pq) retire(this.pq);
    this.pq = null;
  }
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable database.url)';
  }
}
