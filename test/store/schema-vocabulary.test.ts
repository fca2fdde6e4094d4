import { describe, expect, it } from 'vitest';
import type { Database } from 'better-sqlite3';
import { isPostgres } from '../../src/db/postgres/pg-database.ts';
import * as v from '../../src/store/vocabulary.ts';
import { eachTestDatabase } from '../helpers/test-service.ts';

/** Each CHECK (column IN (…)) of the schema, and the vocabulary the code writes there. */
const expected: Record<string, readonly (string | number)[]> = {
  'messages.state': v.messageStates,
  'clients.status': v.clientStatuses,
  'reports.kind': v.reportKinds,
  'sends.consent_method': v.consentMethods,
  'outbox.kind': v.outboxKinds,
  'outbox.state': v.outboxStates,
  'suppressions.reason': v.suppressionReasons,
  'suppression_changes.change': v.suppressionChangeKinds,
  'tickets.type': v.ticketTypes,
  'tickets.status': v.ticketStatuses,
  'ticket_events.type': v.ticketEventTypes,
  'api_tokens.role': v.staffRoles,
  'staff_users.role': v.staffRoles,
  'unsubscribe_requests.token_form': v.tokenForms,
  'client_signals.signal': v.signalKinds,
  'client_signals.counts': [0, 1],
  'client_signals.basis': v.signalBases,
  'client_status_changes.mode': v.statusChangeModes,
  'spam_traps.source': v.trapSources,
};

/** `column IN ('a', 'b')` lists of every table's CHECK constraints, keyed `table.column`. */
function schemaChecks(db: Database): Record<string, Array<string | number>> {
  if (isPostgres(db)) return pgSchemaChecks(db);
  const out: Record<string, Array<string | number>> = {};
  const tables = db
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL`)
    .all() as Array<{ name: string; sql: string }>;
  for (const t of tables) {
    for (const m of t.sql.matchAll(/CHECK\s*\(\s*(\w+)\s+IN\s*\(([^)]*)\)\s*\)/gi)) {
      out[`${t.name}.${m[1]!}`] = m[2]!.split(',').map((x) => {
        const s = x.trim();
        return s.startsWith("'") ? s.slice(1, -1) : Number(s);
      });
    }
  }
  return out;
}

/**
 * The same lists on PostgreSQL, read from the catalog of the connection's schema: PostgreSQL keeps each
 * `column IN (…)` as `CHECK ((column = ANY (ARRAY['a'::text, (0)::bigint])))`.
 */
function pgSchemaChecks(db: Database): Record<string, Array<string | number>> {
  const out: Record<string, Array<string | number>> = {};
  const checks = db
    .prepare(
      `SELECT t.relname AS name, pg_get_constraintdef(c.oid) AS def FROM pg_constraint c
       JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
       WHERE c.contype = 'c' AND n.nspname = current_schema()`,
    )
    .all() as Array<{ name: string; def: string }>;
  for (const c of checks) {
    const m = /^CHECK \(\((\w+) = ANY \(ARRAY\[(.*)\]\)\)\)$/.exec(c.def);
    if (!m) continue;
    out[`${c.name}.${m[1]!}`] = m[2]!.split(', ').map((x) => {
      const s = x.replace(/::\w+$/, '').replace(/^\((.*)\)$/, '$1');
      return s.startsWith("'") ? s.slice(1, -1) : Number(s);
    });
  }
  return out;
}

describe('the schema and the TypeScript vocabularies agree', () => {
  const t = eachTestDatabase();

  it('every CHECK list of the migrated schema has its vocabulary, with the same values', () => {
    const checks = schemaChecks(t.db);
    expect(Object.keys(checks).sort()).toEqual(Object.keys(expected).sort());
    for (const [column, values] of Object.entries(expected))
      expect([...checks[column]!].sort(), column).toEqual([...values].sort());
  });

  it('messages.source has no CHECK: each source the code writes is stored as spelled', () => {
    expect(v.messageSources).toEqual(['smtp', 'ingest', 'imap', 'http']);
    for (const source of v.messageSources) {
      t.db
        .prepare(
          `INSERT INTO messages (queue_id, received_at, source, mail_from, rcpt_to, size, sha256) VALUES (?, '2026-11-23T10:00:00Z', ?, '', '[]', 0, ?)`,
        )
        .run(`Q${source}`, source, source);
    }
    expect(t.db.prepare('SELECT source FROM messages ORDER BY id').pluck().all()).toEqual([
      ...v.messageSources,
    ]);
  });
});
