import { PgConnection, PgError, type PgResult, type PipelineItem } from './pg-connection.ts';
import { translateSql, type ParamRef } from './translate-sql.ts';

type RunResult = { changes: number; lastInsertRowid: number };

/** better-sqlite3's run() result from a statement's rows: an INSERT's RETURNING key is the lastInsertRowid. */
function runResult(r: PgResult): RunResult {
  const last = r.rows[r.rows.length - 1];
  const first = (row: unknown): unknown =>
    Array.isArray(row) ? (row as unknown[])[0] : Object.values(row as Record<string, unknown>)[0];
  const id: unknown = last === undefined ? 0 : first(last);
  return { changes: r.changes, lastInsertRowid: typeof id === 'number' ? id : 0 };
}

/**
 * The result of a write sent without waiting for it, read with the next read, savepoint release or commit (one
 * round trip for all): reading `changes` or `lastInsertRowid` waits for it at once.
 */
class DeferredRun implements RunResult {
  private settled: RunResult | null = null;
  constructor(private readonly db: PgDatabase) {}
  settle(r: RunResult): void {
    this.settled = r;
  }
  private result(): RunResult {
    if (!this.settled) this.db.flush();
    return this.settled ?? { changes: 0, lastInsertRowid: 0 };
  }
  get changes(): number {
    return this.result().changes;
  }
  get lastInsertRowid(): number {
    return this.result().lastInsertRowid;
  }
}

interface Pending {
  item: PipelineItem;
  deferred?: DeferredRun;
}

/**
 * Reference tables: rows a batch reads again and again (a client's webhook URL, a campaign by slug, the trap
 * list) and that the pipeline rarely writes. Inside a transaction their reads are answered from memory until a
 * write to one of them, a rollback or the transaction's end.
 */
const REFERENCE_TABLES = new Set(['clients', 'campaigns', 'client_domains', 'spam_traps']);
const WRITE = /^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?/i;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' &&
  v !== null &&
  !Buffer.isBuffer(v) &&
  !(v instanceof Uint8Array) &&
  !Array.isArray(v);

/** A bound value as libpq takes it (text, or a Buffer for bytea); better-sqlite3's rules for what is bindable. */
function bindValue(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'string') return v;
  // Parameters go to libpq as text: bytes in bytea's hex form (a Buffer would be cut at its first NUL).
  if (v instanceof Uint8Array)
    return `\\x${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}`;
  if (typeof v === 'boolean')
    throw new TypeError('SQLite3 can only bind numbers, strings, bigints, buffers, and null');
  throw new TypeError('SQLite3 can only bind numbers, strings, bigints, buffers, and null');
}

function bind(refs: ParamRef[], args: unknown[]): unknown[] {
  const named =
    args.length && isPlainObject(args[args.length - 1])
      ? (args[args.length - 1] as Record<string, unknown>)
      : null;
  const positional = named ? args.slice(0, -1) : args;
  const flat =
    positional.length === 1 && Array.isArray(positional[0]) ? (positional[0] as unknown[]) : positional;
  return refs.map((r) => {
    if (r.kind === 'index') {
      if (r.index >= flat.length) throw new RangeError('Too few parameter values were provided');
      return bindValue(flat[r.index]);
    }
    if (!named || !(r.name in named)) throw new RangeError(`Missing named parameter "${r.name}"`);
    return bindValue(named[r.name]);
  });
}

let statementSeq = 0;

/** A statement translated once and prepared once per connection (server-side, by name). */
class Compiled {
  text: string;
  readonly refs: ParamRef[];
  readonly name = `s${++statementSeq}`;
  preparedIn = -1;
  /** The table an INSERT, UPDATE or DELETE writes (it may wait for the next round trip), else null. */
  readonly writes: string | null;
  /** A plain SELECT of reference tables only (its result may be reused inside the transaction). */
  readonly reference: boolean;

  constructor(db: PgDatabase, source: string) {
    const t = translateSql(
      source,
      (operand, tables) => db.columnType(operand, tables),
      (table, column) => db.hasColumn(table, column),
    );
    this.refs = t.params;
    this.text = db.withReturning(t.text);
    this.writes = WRITE.exec(this.text)?.[1]?.toLowerCase() ?? null;
    const tables = [...this.text.matchAll(/\b(?:FROM|JOIN)\s+"?(\w+)"?/gi)].map((m) => m[1]!.toLowerCase());
    this.reference =
      /^\s*SELECT\b/i.test(this.text) &&
      !/\bFOR\s+(?:UPDATE|SHARE)\b/i.test(this.text) &&
      tables.length > 0 &&
      tables.every((table) => REFERENCE_TABLES.has(table));
  }
}

/** A statement with better-sqlite3's interface (run/get/all/iterate, pluck/raw), run on PostgreSQL. */
export class PgStatement {
  private pluckMode = false;
  private rawMode = false;

  constructor(
    private readonly db: PgDatabase,
    private readonly compiled: Compiled,
  ) {}

  get source(): string {
    return this.compiled.text;
  }

  pluck(on = true): this {
    this.pluckMode = on;
    if (on) this.rawMode = false;
    return this;
  }

  raw(on = true): this {
    this.rawMode = on;
    if (on) this.pluckMode = false;
    return this;
  }

  /** The arguments bound, the statement prepared on the current connection. */
  private bound(args: unknown[]): unknown[] {
    const c = this.compiled;
    const values = bind(c.refs, args);
    if (c.preparedIn !== this.db.conn.generation) {
      this.db.prepareOnServer(c);
      c.preparedIn = this.db.conn.generation;
    }
    return values;
  }

  private shape(rows: unknown[]): unknown[] {
    return this.pluckMode ? rows.map((r) => (r as unknown[])[0]) : rows;
  }

  private rows(args: unknown[]): unknown[] {
    this.db.assertUsable();
    return this.shape(this.db.read(this.compiled, this.bound(args), this.pluckMode || this.rawMode));
  }

  run(...args: unknown[]): RunResult {
    this.db.assertUsable();
    const values = this.bound(args);
    if (this.compiled.writes && this.db.inTransaction) return this.db.defer(this.compiled, values);
    return runResult(this.db.execute(this.compiled, values, this.pluckMode || this.rawMode));
  }

  get(...args: unknown[]): unknown {
    return this.rows(args)[0];
  }

  all(...args: unknown[]): unknown[] {
    return this.rows(args);
  }

  iterate(...args: unknown[]): IterableIterator<unknown> {
    return this.all(...args)[Symbol.iterator]();
  }

  columns(): Array<{ name: string }> {
    throw new Error('Statement.columns() is not available on PostgreSQL');
  }
}

type TransactionFn<F extends (...args: never[]) => unknown> = F & { deferred: F; immediate: F; exclusive: F };

/**
 * The PostgreSQL engine behind better-sqlite3's Database interface, so that the store (written once, in
 * SQLite's dialect; see translateSql) runs unchanged on either engine. Transactions nest as savepoints, as
 * better-sqlite3's do.
 */
export class PgDatabase {
  readonly engine = 'postgres' as const;
  /** The connection, for this module: what is written through it must come after the pending writes. */
  conn: PgConnection;
  readonly name: string;
  readonly readonly = false;
  private statements = new Map<string, Compiled>();
  private savepoints = 0;
  /** Tables whose primary key PostgreSQL assigns (identity): an INSERT returns it as lastInsertRowid. */
  private identity = new Map<string, string>();
  /** Column types by column name, then table. */
  private columns = new Map<string, Map<string, string>>();
  /** The connection generation a transaction began in: a reconnect inside it must fail the transaction. */
  private txGeneration = -1;
  private busyTimeoutMs = 0;
  /**
   * Writes inside a transaction whose results nobody read yet, in order. Each goes into the connection's
   * pipeline without waiting (out to the server with the next statement that needs an answer, or every 64 KB),
   * and their results are read in one go with whatever needs an answer next (a read, a savepoint's release, the
   * commit): the statements of a report's actions cost one round trip instead of one each.
   */
  private pending: Pending[] = [];
  /** How many of `pending`, from the first, were sent (a savepoint is sent with the first write inside it). */
  private sent = 0;
  /** Reference-table reads of the current transaction (see REFERENCE_TABLES). */
  private cache = new Map<string, unknown[]>();

  constructor(url: string) {
    this.conn = new PgConnection(url);
    this.name = url;
    this.loadIdentityColumns();
  }

  /** The connection, after the pending writes are sent (a caller's own statements see them). */
  get connection(): PgConnection {
    this.flush();
    return this.conn;
  }

  /** Sends the pending writes (one round trip); the first failure is thrown. */
  flush(): void {
    if (this.pending.length === 0) return;
    this.pipeline([]);
  }

  /** The pending writes, then `items`, in one round trip: the results of `items`. */
  private pipeline(items: PipelineItem[]): PgResult[] {
    const pending = this.pending;
    const sent = this.sent;
    [this.pending, this.sent] = [[], 0];
    const all = [...pending.slice(sent).map((p) => p.item), ...items];
    let results: PgResult[];
    if (sent > 0 || all.length !== 1) results = this.conn.pipeline(all);
    else if ('name' in all[0]!) results = [this.conn.execute(all[0].name, all[0].values, all[0].arrayMode)];
    else {
      this.conn.exec(all[0]!.sql);
      results = [{ rows: [], columns: [], changes: 0 }];
    }
    pending.forEach((p, i) => p.deferred?.settle(runResult(results[i]!)));
    return results.slice(pending.length);
  }

  /** Forgets the pending writes, reading and dropping the results of those sent (a rollback undoes them). */
  private drop(): void {
    [this.pending, this.sent] = [[], 0];
    this.conn.discard();
  }

  /** Queues a write of the current transaction; its result is read on demand. */
  defer(c: Compiled, values: unknown[]): RunResult {
    this.forgetReferences(c);
    const deferred = new DeferredRun(this);
    this.pending.push({ item: { name: c.name, values, arrayMode: false }, deferred });
    for (; this.sent < this.pending.length; this.sent++) this.conn.send(this.pending[this.sent]!.item);
    // A long run of writes has its results read in bounded pipelines.
    if (this.pending.length >= 256) this.flush();
    return deferred;
  }

  /** Runs a statement now (with the pending writes before it). */
  execute(c: Compiled, values: unknown[], arrayMode: boolean): PgResult {
    this.forgetReferences(c);
    return this.pipeline([{ name: c.name, values, arrayMode }])[0]!;
  }

  /** A statement that writes a reference table makes this transaction's reads of them stale. */
  private forgetReferences(c: Compiled): void {
    if (c.writes && REFERENCE_TABLES.has(c.writes)) this.cache.clear();
  }

  /** A read: from this transaction's reference cache when it may be, else now. */
  read(c: Compiled, values: unknown[], arrayMode: boolean): unknown[] {
    if (!c.reference || !this.inTransaction) return this.execute(c, values, arrayMode).rows;
    const key = `${c.name}\u0000${arrayMode ? 1 : 0}\u0000${JSON.stringify(values)}`;
    let rows = this.cache.get(key);
    if (!rows) this.cache.set(key, (rows = this.execute(c, values, arrayMode).rows));
    // Copies: a caller changing its row must not change the next caller's.
    return rows.map((r) => (Array.isArray(r) ? [...(r as unknown[])] : { ...(r as object) }));
  }

  get open(): boolean {
    return this.conn.open;
  }

  get inTransaction(): boolean {
    return this.conn.inTransaction;
  }

  /** Reads the schema's columns: identity keys and types (again after migrations add tables). */
  loadIdentityColumns(): void {
    const rows = this.conn.query(
      `SELECT table_name, column_name, data_type, (is_identity = 'YES' OR column_default LIKE 'nextval(%') AS ident
         FROM information_schema.columns WHERE table_schema = current_schema()`,
    ).rows as Array<{ table_name: string; column_name: string; data_type: string; ident: number }>;
    this.identity = new Map(rows.filter((r) => r.ident).map((r) => [r.table_name, r.column_name]));
    this.columns = new Map();
    for (const r of rows) {
      let byTable = this.columns.get(r.column_name);
      if (!byTable) this.columns.set(r.column_name, (byTable = new Map<string, string>()));
      byTable.set(r.table_name, r.data_type);
    }
    this.statements.clear();
  }

  hasColumn(table: string, column: string): boolean {
    return this.columns.get(column)?.has(table) ?? false;
  }

  /** The type of a column a statement names: unique across the schema, or among the statement's own tables. */
  columnType(operand: string, tables: string[]): string | null {
    const byTable = this.columns.get(operand.split('.').pop()!.toLowerCase());
    if (!byTable) return null;
    const own = tables.flatMap((t) => (byTable.has(t) ? [byTable.get(t)!] : []));
    const types = new Set(own.length ? own : byTable.values());
    return types.size === 1 ? [...types][0]! : null;
  }

  /**
   * Prepares a statement on the server. A parameter PostgreSQL cannot type from its context is bound as text;
   * inside a transaction the attempt runs in a savepoint, since a failed prepare would abort the transaction.
   */
  prepareOnServer(c: { name: string; text: string; refs: unknown[] }): void {
    const conn = this.connection;
    for (let attempt = 0; ; attempt++) {
      const guard = conn.inTransaction;
      if (guard) conn.exec('SAVEPOINT prepare_statement');
      try {
        conn.prepare(c.name, c.text, c.refs.length);
        if (guard) conn.exec('RELEASE SAVEPOINT prepare_statement');
        return;
      } catch (e) {
        if (guard) conn.exec('ROLLBACK TO SAVEPOINT prepare_statement; RELEASE SAVEPOINT prepare_statement');
        const m = /could not determine data type of parameter \$(\d+)/.exec((e as Error).message);
        if (!m || attempt > c.refs.length) throw e;
        // Only where it is tested for NULL: elsewhere its context gives it a type.
        c.text = c.text.replace(
          new RegExp(`\\$${m[1]}(?=\\s+IS\\s+(NOT\\s+)?NULL)`, 'gi'),
          `$$${m[1]}::text`,
        );
      }
    }
  }

  /** `INSERT INTO t …` into a table with an identity key gets `RETURNING key` (better-sqlite3's lastInsertRowid). */
  withReturning(sql: string): string {
    if (/\bRETURNING\b/i.test(sql)) return sql;
    const m = /^\s*INSERT\s+INTO\s+"?(\w+)"?/i.exec(sql);
    const key = m && this.identity.get(m[1]!.toLowerCase());
    return key ? `${sql.replace(/\s*;?\s*$/, '')} RETURNING ${key}` : sql;
  }

  assertUsable(): void {
    if (this.txGeneration !== -1 && this.txGeneration !== this.conn.generation)
      throw new PgError('the connection to PostgreSQL broke inside a transaction', 'PG_CONNECTION');
  }

  prepare(sql: string): PgStatement {
    let compiled = this.statements.get(sql);
    if (!compiled) this.statements.set(sql, (compiled = new Compiled(this, sql)));
    // A new object per prepare() call, like better-sqlite3: pluck()/raw() on one does not change another.
    return new PgStatement(this, compiled);
  }

  exec(sql: string): this {
    const t = sql.trim().replace(/;$/, '').toUpperCase();
    if (/^BEGIN\b/.test(t)) {
      this.flush();
      this.conn.exec('BEGIN');
      this.txGeneration = this.conn.generation;
    } else if (t === 'COMMIT' || t === 'END' || t === 'ROLLBACK') {
      this.cache.clear();
      if (t === 'ROLLBACK') {
        // Writes not answered yet are simply dropped with the rest.
        this.drop();
        try {
          if (this.txGeneration === this.conn.generation) this.conn.exec(t);
        } finally {
          this.txGeneration = -1;
        }
      } else {
        try {
          this.pipeline([{ sql: 'COMMIT' }]);
        } finally {
          // A write that failed on its way out left the transaction open (aborted): the caller's ROLLBACK ends it.
          if (!this.conn.inTransaction) this.txGeneration = -1;
        }
      }
    } else {
      this.flush();
      this.cache.clear();
      this.conn.exec(translateSql(sql).text);
      // A new table's identity key is what its INSERTs return as lastInsertRowid.
      if (/^\s*(?:CREATE|ALTER)\s+TABLE\b/im.test(sql)) this.loadIdentityColumns();
    }
    return this;
  }

  transaction<F extends (...args: never[]) => unknown>(fn: F): TransactionFn<F> {
    const run = ((...args: Parameters<F>) => {
      if (!this.inTransaction) {
        this.exec('BEGIN');
        try {
          const result = fn(...args);
          this.exec('COMMIT');
          return result;
        } catch (e) {
          if (this.inTransaction) this.exec('ROLLBACK');
          else {
            this.txGeneration = -1;
            this.drop();
          }
          throw e;
        }
      }
      this.assertUsable();
      const sp = `sp${++this.savepoints}`;
      // The savepoint goes out with the first statement that needs an answer; its release is sent at once, so
      // a failed write inside it is thrown here, where only this savepoint is undone.
      const marker: Pending = { item: { sql: `SAVEPOINT ${sp}` } };
      this.pending.push(marker);
      try {
        const result = fn(...args);
        // A savepoint that nothing was written in never needs to reach the server.
        if (this.pending.at(-1) === marker) this.pending.pop();
        else this.pipeline([{ sql: `RELEASE SAVEPOINT ${sp}` }]);
        return result;
      } catch (e) {
        this.cache.clear();
        const at = this.pending.indexOf(marker);
        // Nothing of it reached the server (nor anything after it, which would have sent it): drop it.
        if (at >= this.sent) this.pending.length = at;
        else {
          this.drop();
          if (this.conn.generation === this.txGeneration) {
            this.conn.exec(`ROLLBACK TO SAVEPOINT ${sp}`);
            this.conn.exec(`RELEASE SAVEPOINT ${sp}`);
          }
        }
        throw e;
      } finally {
        this.savepoints--;
      }
    }) as F;
    return Object.assign(run, { deferred: run, immediate: run, exclusive: run });
  }

  /**
   * The few PRAGMAs the store reads have PostgreSQL equivalents (user_version: the newest applied migration);
   * the rest are SQLite's tuning and do nothing here.
   */
  pragma(source: string, options?: { simple?: boolean }): unknown {
    this.flush();
    const m = /^\s*(\w+)\s*(?:=\s*(.+)|\((.+)\))?\s*$/.exec(source);
    const name = m?.[1]?.toLowerCase() ?? '';
    if (name === 'user_version' && !m?.[2]) {
      const v = (
        this.conn.query('SELECT coalesce(max(version), 0) AS user_version FROM schema_migrations')
          .rows[0] as {
          user_version: number;
        }
      ).user_version;
      return options?.simple ? v : [{ user_version: v }];
    }
    if (name === 'busy_timeout') {
      // SQLite's busy timeout is a wait for a lock: PostgreSQL's lock_timeout.
      if (m?.[2] === undefined)
        return options?.simple ? this.busyTimeoutMs : [{ timeout: this.busyTimeoutMs }];
      const ms = Number(m[2]);
      if (Number.isFinite(ms) && ms !== this.busyTimeoutMs && this.conn.open) {
        this.conn.exec(`SET lock_timeout = ${Math.max(0, Math.trunc(ms))}`);
        this.busyTimeoutMs = ms;
      }
      return [];
    }
    if (name === 'query_only') {
      // SQLite's query_only (this connection refuses writes): PostgreSQL's read-only transactions, which refuse
      // them with SQLSTATE 25006 as a hot standby does.
      if (m?.[2] === undefined) {
        const on = (this.conn.query('SHOW default_transaction_read_only').rows[0] as Record<string, string>)
          .default_transaction_read_only;
        const v = on === 'on' ? 1 : 0;
        return options?.simple ? v : [{ query_only: v }];
      }
      const on = /^(1|on|true|yes)$/i.test(m[2].trim());
      this.conn.exec(`SET default_transaction_read_only = ${on ? 'on' : 'off'}`);
      return [];
    }
    if (name === 'table_info' && m?.[3]) {
      const table = m[3].replace(/['"`]/g, '').trim();
      return this.conn.query(
        `SELECT column_name AS name, data_type AS type, (is_nullable = 'NO')::int AS notnull
           FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1
          ORDER BY ordinal_position`,
        [table],
      ).rows;
    }
    return options?.simple ? undefined : [];
  }

  function(): this {
    throw new Error('user-defined SQL functions are SQLite-only: write this query per engine');
  }

  backup(): Promise<never> {
    return Promise.reject(new Error('backup is SQLite-only: use pg_dump for PostgreSQL'));
  }

  close(): this {
    [this.pending, this.sent] = [[], 0];
    this.conn.close();
    return this;
  }
}

/** The engine behind a connection. */
export const isPostgres = (db: unknown): db is PgDatabase => db instanceof PgDatabase;
