import { prepared } from '../db/prepared.ts';
import type { Database } from 'better-sqlite3';

import type { SuppressionReason } from './vocabulary.ts';
import { domainPatternsOf, storedSuppressionAddress } from './suppression-target.ts';
import { recordSuppressionChange, scrubChangeAddress } from './suppression-changes-store.ts';

export { suppressionReasons, type SuppressionReason } from './vocabulary.ts';

export interface Suppression {
  id: number;
  /** The address or `@domain` / `@*.domain` pattern; `erased:<id>` once the address was erased. */
  address: string;
  /** Erased rows: the keyed hash of the address (privacy.hashKey); null otherwise. */
  addressHash: string | null;
  client: string | null;
  /** The mail stream the suppression is limited to (null: every stream of its scope). */
  stream: string | null;
  reason: SuppressionReason;
  evidenceReportId: number | null;
  /** Every report behind the suppression (the soft-bounce limit's bounces), JSON array text or null. */
  evidence: string | null;
  firstSeen: string;
  lastSeen: string;
  /** When the suppression stops counting (null: never). */
  expiresAt: string | null;
  count: number;
  note: string | null;
  createdBy: string;
  /** One-click unsubscribes: ms from request received to suppression committed (null otherwise). */
  timeToSuppressionMs: number | null;
}

export interface SuppressInput {
  address: string;
  clientId: number | null;
  reason: SuppressionReason;
  reportId?: number | null;
  note?: string | null;
  createdBy?: string;
  now: Date;
  /** Limit to one mail stream of the scope (null / absent: every stream). */
  stream?: string | null;
  /** When it stops counting (null / absent: never); a refresh moves it to this value. */
  expiresAt?: Date | null;
  /** Reports behind the suppression besides `reportId` (stored as evidence). */
  evidenceReportIds?: readonly number[];
  /** The keyed hash of the address: an erased row of the same scope and reason is refreshed instead of added. */
  hash?: string | null;
  /** Why it was added (stored in the change log; default the note). */
  why?: string | null;
  /** The caller's transaction queues the webhook events announcing an addition itself (the relay skips it). */
  webhookQueued?: boolean;
  /** The suppressions of the caller's batch, read ahead: when they cover the address, nothing is read here. */
  known?: KnownSuppressions | undefined;
}

interface KnownRow {
  id: number;
  address: string;
  addressHash: string | null;
  clientId: number | null;
  stream: string | null;
  reason: string;
}

/**
 * The suppressions of some addresses and hashes, read in one statement: what suppress() would look each of them
 * up for. An address it inserts is dropped from `addresses` (its new row's id is not known here), so that a
 * second suppression of it in the same batch reads the row again.
 */
export interface KnownSuppressions {
  addresses: Set<string>;
  hashes: ReadonlySet<string>;
  rows: readonly KnownRow[];
}

/** Every suppression row of the given (stored-form) addresses or address hashes. */
export function knownSuppressions(
  db: Database,
  addresses: readonly string[],
  hashes: readonly string[],
): KnownSuppressions {
  const known = { addresses: new Set(addresses), hashes: new Set(hashes) };
  if (known.addresses.size === 0) return { ...known, rows: [] };
  const rows = prepared(
    db,
    `SELECT id, address, address_hash AS addressHash, client_id AS clientId, stream, reason FROM suppressions
      WHERE address IN (SELECT value FROM json_each(?))
      UNION SELECT id, address, address_hash, client_id, stream, reason FROM suppressions
      WHERE address_hash IN (SELECT value FROM json_each(?))`,
  ).all(JSON.stringify([...known.addresses]), JSON.stringify([...known.hashes])) as KnownRow[];
  return { ...known, rows };
}

/** The row suppress() matches for this key, from what was read ahead; undefined when it does not cover it. */
function knownMatch(
  k: KnownSuppressions,
  key: {
    address: string;
    hash: string | null;
    clientId: number | null;
    stream: string | null;
    reason: string;
  },
): { id: number } | null | undefined {
  if (!k.addresses.has(key.address) || (key.hash !== null && !k.hashes.has(key.hash))) return undefined;
  const matches = k.rows.filter(
    (r) =>
      (r.address === key.address || (key.hash !== null && r.addressHash === key.hash)) &&
      (r.clientId ?? 0) === (key.clientId ?? 0) &&
      (r.stream ?? '') === (key.stream ?? '') &&
      r.reason === key.reason,
  );
  // As the statement's ORDER BY: a row that still holds its address before an erased one.
  return matches.find((r) => r.addressHash === null) ?? matches[0] ?? null;
}

/** Runs fn in a transaction (a savepoint when the caller already has one). */
function atomically<T>(db: Database, fn: () => T): T {
  return db.inTransaction ? fn() : db.transaction(fn)();
}

const normStream = (s: string | null | undefined): string | null => {
  const t = s?.trim().toLowerCase();
  return t ? t : null;
};

/**
 * Adds (or refreshes) a suppression and records the addition in the change log; `created` is false when the
 * address was already suppressed for that scope, stream and reason (then last_seen, count and expiry move).
 */
export function suppress(db: Database, s: SuppressInput): { id: number; created: boolean } {
  const address = storedSuppressionAddress(s.address);
  const stream = normStream(s.stream);
  const at = s.now.toISOString();
  const expiresAt = s.expiresAt ? s.expiresAt.toISOString() : null;
  return atomically(db, () => {
    const key = { address, hash: s.hash ?? null, clientId: s.clientId, stream, reason: s.reason };
    const ahead = s.known && knownMatch(s.known, key);
    const existing =
      ahead !== undefined
        ? ahead
        : (prepared(
            db,
            `SELECT id FROM suppressions WHERE (address = @address OR (@hash IS NOT NULL AND address_hash = @hash))
         AND coalesce(client_id, 0) = coalesce(@clientId, 0) AND coalesce(stream, '') = coalesce(@stream, '') AND reason = @reason
       ORDER BY address_hash IS NOT NULL LIMIT 1`,
          ).get(key) as { id: number } | undefined);
    if (existing) {
      prepared(
        db,
        `UPDATE suppressions SET last_seen = @at, count = count + 1,
           expires_at = CASE WHEN expires_at IS NULL OR @expiresAt IS NULL THEN expires_at ELSE max(expires_at, @expiresAt) END
         WHERE id = @id`,
      ).run({ at, expiresAt, id: existing.id });
      return { id: existing.id, created: false };
    }
    const evidence =
      s.evidenceReportIds && s.evidenceReportIds.length > 0 ? JSON.stringify([...s.evidenceReportIds]) : null;
    const actor = s.createdBy ?? 'system';
    const r = prepared(
      db,
      `INSERT INTO suppressions (address, client_id, stream, reason, evidence_report_id, evidence, first_seen, last_seen, expires_at, note, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      address,
      s.clientId,
      stream,
      s.reason,
      s.reportId ?? null,
      evidence,
      at,
      at,
      expiresAt,
      s.note ?? null,
      actor,
    );
    recordSuppressionChange(db, {
      change: 'added',
      suppressionId: 'inserted',
      address,
      clientId: s.clientId,
      stream,
      reason: s.reason,
      why: s.why ?? s.note ?? null,
      actor,
      at,
      webhookQueued: s.webhookQueued === true,
    });
    s.known?.addresses.delete(address);
    // Read only by a caller that asks (on PostgreSQL that waits for the insert's answer).
    return {
      get id() {
        return Number(r.lastInsertRowid);
      },
      created: true,
    };
  });
}

const columns = `s.id, s.address, s.address_hash AS addressHash, c.slug AS client, s.stream, s.reason,
  s.evidence_report_id AS evidenceReportId, s.evidence, s.first_seen AS firstSeen, s.last_seen AS lastSeen,
  s.expires_at AS expiresAt, s.count, s.note, s.created_by AS createdBy,
  (SELECT min(u.time_to_suppression_ms) FROM unsubscribe_requests u WHERE u.suppression_id = s.id) AS timeToSuppressionMs`;

export interface ListSuppressionsOptions {
  address?: string | undefined;
  client?: string | undefined;
  reason?: string | undefined;
  stream?: string | undefined;
  limit?: number;
}

const listFrom = `FROM suppressions s LEFT JOIN clients c ON c.id = s.client_id
       WHERE (@address IS NULL OR s.address LIKE @address) AND (@client IS NULL OR c.slug = @client OR (@client = '*' AND s.client_id IS NULL))
         AND (@reason IS NULL OR s.reason = @reason) AND (@stream IS NULL OR s.stream = @stream)`;
const listSql = `SELECT ${columns} ${listFrom}
         AND (@afterSeen IS NULL OR s.last_seen < @afterSeen OR (s.last_seen = @afterSeen AND s.id < @afterId))
       ORDER BY s.last_seen DESC, s.id DESC LIMIT @limit`;

const listParams = (
  o: ListSuppressionsOptions,
  after: { lastSeen: string; id: number } | null = null,
): Record<string, string | number | null> => ({
  address: o.address ? o.address.toLowerCase().replace(/\*/g, '%') : null,
  client: o.client ?? null,
  reason: o.reason ?? null,
  stream: normStream(o.stream),
  afterSeen: after?.lastSeen ?? null,
  afterId: after?.id ?? null,
  limit: o.limit ?? 1000,
});

export function listSuppressions(db: Database, o: ListSuppressionsOptions = {}): Suppression[] {
  return prepared(db, listSql).all(listParams(o)) as Suppression[];
}

/**
 * The same list, most recent first, read one row at a time from the database: the rows after `after` (the last
 * row of the previous page), at most `limit` (null: every row).
 */
export function iterateSuppressions(
  db: Database,
  o: Omit<ListSuppressionsOptions, 'limit'> & {
    after?: { lastSeen: string; id: number } | null;
    limit: number | null;
  },
): IterableIterator<Suppression> {
  return prepared(db, listSql).iterate(
    listParams({ ...o, limit: o.limit ?? -1 }, o.after),
  ) as IterableIterator<Suppression>;
}

/** How many suppressions match the filters. */
export function countSuppressions(db: Database, o: Omit<ListSuppressionsOptions, 'limit'> = {}): number {
  return prepared(db, `SELECT count(*) ${listFrom}`).pluck().get(listParams(o)) as number;
}

export interface CheckOptions {
  /** The mail stream about to be sent (absent: rows of every stream count, the cautious answer). */
  stream?: string | null;
  /** The keyed hash of the address (privacy.hashKey): rows of an erased address match by it. */
  hash?: string | null;
  /** Rows that expired by then do not count (default: the current time). */
  now?: Date;
}

// The check reads only the row's own columns (no correlated sub-select): it is the hot path of the batch API.
const checkColumns = `s.id, s.address, s.address_hash AS addressHash, c.slug AS client, s.stream, s.reason,
  s.evidence_report_id AS evidenceReportId, s.evidence, s.first_seen AS firstSeen, s.last_seen AS lastSeen,
  s.expires_at AS expiresAt, s.count, s.note, s.created_by AS createdBy, NULL AS timeToSuppressionMs`;
// `+s.client_id`: the client index would otherwise win (MULTI-INDEX OR) and scan a client's whole list.
const checkScope = `AND (+s.client_id IS NULL OR +s.client_id = @client)
      AND (@stream IS NULL OR s.stream IS NULL OR s.stream = @stream)
      AND (s.expires_at IS NULL OR s.expires_at > @now)`;

const checkSqlCache: string[] = [];
function checkSql(patterns: number): string {
  const cached = checkSqlCache[patterns];
  if (cached) return cached;
  const inList = Array.from({ length: patterns + 1 }, (_, i) => `@p${i}`).join(', ');
  return (checkSqlCache[patterns] =
    `SELECT ${checkColumns} FROM suppressions s LEFT JOIN clients c ON c.id = s.client_id
    WHERE s.address IN (${inList}) ${checkScope}`);
}
const checkHashSql = `SELECT ${checkColumns} FROM suppressions s LEFT JOIN clients c ON c.id = s.client_id
    WHERE s.address_hash = @hash ${checkScope}`;

/**
 * Is this address suppressed for this client (client scope or global)? The fast path the ESP checks before
 * sending: rows for the address itself, its erased hash, the whole-domain rows (`@domain`) of its domain and the
 * subdomain rows (`@*.parent`) of each parent, all by index; expired rows do not count.
 */
export function isSuppressed(
  db: Database,
  address: string,
  clientId: number | null,
  o: CheckOptions = {},
): Suppression[] {
  const a = address.trim().toLowerCase();
  const patterns = domainPatternsOf(a);
  const params: Record<string, string | number | null> = {
    p0: a,
    client: clientId,
    stream: normStream(o.stream),
    now: (o.now ?? new Date()).toISOString(),
  };
  patterns.forEach((p, i) => (params[`p${i + 1}`] = p));
  // The rows by address and by erased hash in one statement: on PostgreSQL each statement is a round trip that
  // holds the HTTP thread. Sorted here: an ORDER BY s.id lets the planner walk the table in rowid order instead
  // of using the index.
  const sql = o.hash ? `${checkSql(patterns.length)} UNION ALL ${checkHashSql}` : checkSql(patterns.length);
  const rows = prepared(db, sql).all(o.hash ? { ...params, hash: o.hash } : params) as Suppression[];
  return rows.length > 1 ? rows.sort((a, b) => a.id - b.id) : rows;
}

/** What a check needs of a matching row (the batch API's answer): no note, evidence list or counters. */
export type SuppressionMatchRow = Pick<
  Suppression,
  | 'id'
  | 'address'
  | 'addressHash'
  | 'client'
  | 'stream'
  | 'reason'
  | 'evidenceReportId'
  | 'firstSeen'
  | 'expiresAt'
>;

const matchColumns = `s.id, s.address, s.address_hash AS addressHash, c.slug AS client, s.stream, s.reason,
  s.evidence_report_id AS evidenceReportId, s.first_seen AS firstSeen, s.expires_at AS expiresAt`;
const batchScope = `(+s.client_id IS NULL OR +s.client_id = @client)
      AND (@stream IS NULL OR s.stream IS NULL OR s.stream = @stream)
      AND (s.expires_at IS NULL OR s.expires_at > @now)`;
// One statement for a whole batch: every distinct key (addresses and the domain patterns covering them) probes
// the address index once, every hash the erased-hash index once. CROSS JOIN keeps the key list as the outer loop;
// the lists are sorted so the probes walk each index in order and neighbouring keys reuse the pages just read.
const batchCheckSql = `SELECT ${matchColumns} FROM json_each(@keys) j CROSS JOIN suppressions s ON s.address = j.value
      LEFT JOIN clients c ON c.id = s.client_id WHERE ${batchScope}
    UNION ALL
    SELECT ${matchColumns} FROM json_each(@hashes) j CROSS JOIN suppressions s ON s.address_hash = j.value
      LEFT JOIN clients c ON c.id = s.client_id WHERE ${batchScope}`;
const anyErasedSql = 'SELECT 1 FROM suppressions WHERE address_hash IS NOT NULL LIMIT 1';

/**
 * Many checks at once (the batch API), in one statement and so one snapshot; answers in input order, each sorted
 * by id. An item's `hash` is used as given; without one, `hashOf` computes it, and only when the list holds an
 * erased row at all (otherwise no hash can match, and keyed hashing is the larger part of a batch's cost).
 */
export function checkSuppressions(
  db: Database,
  items: ReadonlyArray<{ address: string; hash?: string | null }>,
  clientId: number | null,
  o: Omit<CheckOptions, 'hash'> & { hashOf?: ((address: string) => string) | null } = {},
): SuppressionMatchRow[][] {
  const addresses = items.map((it) => it.address.trim().toLowerCase());
  const keys = new Set<string>(addresses);
  // The patterns of each domain once: a batch mostly shares a few large mailbox providers' domains.
  const byDomain = new Map<string, string[]>();
  const patternsOf = addresses.map((a) => {
    const domain = a.slice(a.lastIndexOf('@') + 1);
    let ps = byDomain.get(domain);
    if (!ps) {
      byDomain.set(domain, (ps = domainPatternsOf(a)));
      for (const p of ps) keys.add(p);
    }
    return ps;
  });
  return atomically(db, () => {
    const hashOf = o.hashOf && prepared(db, anyErasedSql).get() !== undefined ? o.hashOf : null;
    const hashes = items.map((it, i) => it.hash ?? (hashOf ? hashOf(addresses[i]!) : null));
    const rows = prepared(db, batchCheckSql).all({
      keys: JSON.stringify([...keys].sort()),
      hashes: JSON.stringify([...new Set(hashes.filter((h): h is string => !!h))].sort()),
      client: clientId,
      stream: normStream(o.stream),
      now: (o.now ?? new Date()).toISOString(),
    }) as SuppressionMatchRow[];
    // An erased row is found by its hash only (its address is a placeholder), every other row by its address.
    const byKey = new Map<string, SuppressionMatchRow[]>();
    for (const r of rows) {
      const k = r.addressHash ?? r.address;
      const list = byKey.get(k);
      if (list) list.push(r);
      else byKey.set(k, [r]);
    }
    const answers = new Array<SuppressionMatchRow[]>(addresses.length);
    for (let i = 0; i < addresses.length; i++) {
      // A fresh array for each answer (callers may change it), sorted by id like isSuppressed's.
      const out: SuppressionMatchRow[] = [];
      const own = byKey.get(addresses[i]!);
      if (own) for (const r of own) out.push(r);
      for (const p of patternsOf[i]!) {
        const hit = byKey.get(p);
        if (hit) for (const r of hit) out.push(r);
      }
      const h = hashes[i];
      const byHash = h ? byKey.get(h) : undefined;
      if (byHash) for (const r of byHash) out.push(r);
      answers[i] = out.length > 1 ? out.sort((x, y) => x.id - y.id) : out;
    }
    return answers;
  });
}

export interface RemoveOptions {
  /** Only the rows of this stream (undefined: every stream; null: only the rows for every stream). */
  stream?: string | null;
  /** Who removed it (change log). */
  actor?: string;
  /** Why (change log); staff removals of complaints and unsubscribes need one. */
  why?: string | null;
  now?: Date;
  /** The keyed hash of the address: the rows of its erased form are removed too. */
  hash?: string | null;
}

type RowForChange = {
  id: number;
  address: string;
  addressHash: string | null;
  clientId: number | null;
  stream: string | null;
  reason: SuppressionReason;
};
const rowForChangeCols = 'id, address, address_hash AS addressHash, client_id AS clientId, stream, reason';

/** Deletes rows by id, recording one change each (kind 'removed' or 'expired'). */
function deleteRows(
  db: Database,
  rows: readonly RowForChange[],
  change: 'removed' | 'expired',
  o: { actor: string; why: string | null; at: string },
): number {
  for (const r of rows) {
    prepared(db, 'DELETE FROM suppressions WHERE id = ?').run(r.id);
    recordSuppressionChange(db, {
      change,
      suppressionId: r.id,
      address: r.addressHash ? null : r.address,
      hash: r.addressHash,
      clientId: r.clientId,
      stream: r.stream,
      reason: r.reason,
      why: o.why,
      actor: o.actor,
      at: o.at,
    });
  }
  return rows.length;
}

/** The rows removeSuppression would remove (to check them first, e.g. for reasons that need a staff reason). */
export function suppressionsToRemove(
  db: Database,
  address: string,
  clientId: number | null | undefined,
  reason?: string,
  o: Pick<RemoveOptions, 'stream' | 'hash'> = {},
): RowForChange[] {
  return prepared(
    db,
    `SELECT ${rowForChangeCols} FROM suppressions
      WHERE (address = @address OR (@hash IS NOT NULL AND address_hash = @hash))
        AND (@all = 1 OR coalesce(client_id, 0) = coalesce(@clientId, 0)) AND (@reason IS NULL OR reason = @reason)
        AND (@anyStream = 1 OR coalesce(stream, '') = coalesce(@stream, ''))`,
  ).all({
    address: storedSuppressionAddress(address),
    hash: o.hash ?? null,
    all: clientId === undefined ? 1 : 0,
    clientId: clientId ?? null,
    reason: reason ?? null,
    anyStream: o.stream === undefined ? 1 : 0,
    stream: normStream(o.stream),
  }) as RowForChange[];
}

/**
 * Removes suppressions of an address (one client, or every scope with `clientId` undefined), recording each
 * removal in the change log; returns how many.
 */
export function removeSuppression(
  db: Database,
  address: string,
  clientId: number | null | undefined,
  reason?: string,
  o: RemoveOptions = {},
): number {
  return atomically(db, () =>
    deleteRows(db, suppressionsToRemove(db, address, clientId, reason, o), 'removed', {
      actor: o.actor ?? 'system',
      why: o.why ?? null,
      at: (o.now ?? new Date()).toISOString(),
    }),
  );
}

/** Suppressions whose evidence is one of the given reports, oldest first. */
export function suppressionsByEvidence(db: Database, reportIds: readonly number[]): Suppression[] {
  if (reportIds.length === 0) return [];
  return prepared(
    db,
    `SELECT ${columns} FROM suppressions s LEFT JOIN clients c ON c.id = s.client_id
      WHERE s.evidence_report_id IN (SELECT value FROM json_each(@ids))
         OR (s.evidence IS NOT NULL AND EXISTS (SELECT 1 FROM json_each(s.evidence) e WHERE e.value IN (SELECT value FROM json_each(@ids))))
      ORDER BY s.id`,
  ).all({ ids: JSON.stringify(reportIds) }) as Suppression[];
}

export interface SuppressionById {
  address: string;
  /** Erased rows: the keyed hash (`address` is then a placeholder). */
  addressHash: string | null;
  reason: SuppressionReason;
  client: string | null;
  stream: string | null;
}

/** One suppression's address, reason and client slug (null: global), or null when it does not exist. */
export function suppressionById(db: Database, id: number): SuppressionById | null {
  return (
    (prepared(
      db,
      'SELECT s.address, s.address_hash AS addressHash, s.reason, c.slug AS client, s.stream FROM suppressions s LEFT JOIN clients c ON c.id = s.client_id WHERE s.id = ?',
    ).get(id) as SuppressionById | undefined) ?? null
  );
}

/** Deletes one suppression by id, recording the removal; false when it does not exist. */
export function deleteSuppression(
  db: Database,
  id: number,
  o: { actor?: string; why?: string | null; now?: Date } = {},
): boolean {
  return atomically(db, () => {
    const rows = prepared(db, `SELECT ${rowForChangeCols} FROM suppressions WHERE id = ?`).all(
      id,
    ) as RowForChange[];
    return (
      deleteRows(db, rows, 'removed', {
        actor: o.actor ?? 'system',
        why: o.why ?? null,
        at: (o.now ?? new Date()).toISOString(),
      }) === 1
    );
  });
}

/** Whether the address (already normalized) is suppressed for exactly this client and reason (any stream, not expired). */
export function hasClientSuppression(
  db: Database,
  address: string,
  clientId: number,
  reason: SuppressionReason,
  o: { hash?: string | null; now?: Date; stream?: string | null } = {},
): boolean {
  // With a stream: a row for that stream or for every stream (NULL) holds; without: a row of any stream.
  return (
    prepared(
      db,
      `SELECT 1 FROM suppressions WHERE (address = @address OR (@hash IS NOT NULL AND address_hash = @hash))
         AND +client_id = @clientId AND reason = @reason AND (expires_at IS NULL OR expires_at > @now)
         AND (@anyStream = 1 OR stream IS NULL OR stream = @stream)`,
    ).get({
      address,
      hash: o.hash ?? null,
      clientId,
      reason,
      anyStream: o.stream === undefined ? 1 : 0,
      stream: o.stream ?? null,
      now: (o.now ?? new Date()).toISOString(),
    }) !== undefined
  );
}

/**
 * Erasure of a person's address: every suppression row of it keeps only the keyed hash (address becomes
 * `erased:<id>`, address_hash the hash), so the address stays suppressed without being stored; earlier change-log
 * entries lose the address too, and each row gets an 'erased' change carrying the hash. Returns how many rows.
 */
export function eraseSuppressionAddress(
  db: Database,
  o: { address: string; hash: string; now: Date },
): number {
  const address = storedSuppressionAddress(o.address);
  const at = o.now.toISOString();
  return atomically(db, () => {
    const rows = prepared(
      db,
      `SELECT ${rowForChangeCols} FROM suppressions WHERE address = ? ORDER BY id`,
    ).all(address) as RowForChange[];
    scrubChangeAddress(db, address, o.hash);
    for (const r of rows) {
      prepared(db, `UPDATE suppressions SET address = 'erased:' || id, address_hash = ? WHERE id = ?`).run(
        o.hash,
        r.id,
      );
      recordSuppressionChange(db, {
        change: 'erased',
        suppressionId: r.id,
        address: null,
        hash: o.hash,
        clientId: r.clientId,
        stream: r.stream,
        reason: r.reason,
        why: 'erasure',
        actor: 'system',
        at,
      });
    }
    return rows.length;
  });
}

/**
 * Expiry: deletes up to `limit` rows whose expires_at has passed, each with an 'expired' change; returns how
 * many (call again while it returns `limit`).
 */
export function expireSuppressions(db: Database, now: Date, limit = 500): number {
  const at = now.toISOString();
  return atomically(db, () => {
    const rows = prepared(
      db,
      `SELECT ${rowForChangeCols} FROM suppressions WHERE expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at LIMIT ?`,
    ).all(at, limit) as RowForChange[];
    return deleteRows(db, rows, 'expired', { actor: 'system', why: 'expired', at });
  });
}

export interface SuppressionExportRow {
  id: number;
  address: string;
  addressHash: string | null;
  client: string | null;
  stream: string | null;
  reason: SuppressionReason;
  firstSeen: string;
  lastSeen: string;
  expiresAt: string | null;
  count: number;
  evidenceReportId: number | null;
  createdBy: string;
  note: string | null;
}

/** Suppressions (of one client, when given) in id order after `afterId`, at most `limit`: one chunk of an export. */
export function suppressionsAfter(
  db: Database,
  o: { client: string | null; afterId: number; limit: number },
): SuppressionExportRow[] {
  return prepared(
    db,
    `SELECT s.id, s.address, s.address_hash AS addressHash, c.slug AS client, s.stream, s.reason, s.first_seen AS firstSeen,
       s.last_seen AS lastSeen, s.expires_at AS expiresAt, s.count, s.evidence_report_id AS evidenceReportId,
       s.created_by AS createdBy, s.note
     FROM suppressions s LEFT JOIN clients c ON c.id = s.client_id WHERE (@client IS NULL OR c.slug = @client) AND s.id > @after ORDER BY s.id LIMIT @limit`,
  ).all({ client: o.client, after: o.afterId, limit: o.limit }) as SuppressionExportRow[];
}

/**
 * Removes every suppression of one client (the client is being deleted), recording a `removed` change for each so
 * a platform mirroring the list through the sync API drops them too. Run it before the client row goes: the
 * change log names the client by slug.
 */
export function removeClientSuppressions(
  db: Database,
  clientId: number,
  o: { actor: string; why: string; now: Date },
): number {
  return atomically(db, () => {
    const rows = prepared(db, `SELECT ${rowForChangeCols} FROM suppressions WHERE client_id = ?`).all(
      clientId,
    ) as RowForChange[];
    return deleteRows(db, rows, 'removed', { actor: o.actor, why: o.why, at: o.now.toISOString() });
  });
}
