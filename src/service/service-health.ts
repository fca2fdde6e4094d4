import type { Database } from 'better-sqlite3';
import type { Config } from '../config/config-schema.ts';
import { withBusyTimeout } from '../db/wal-checkpoint.ts';
import { writeHeartbeat } from '../store/heartbeat-store.ts';
import { claimsByNode, messageCountsByState, oldestQueuedAt } from '../store/messages-store.ts';
import { databaseEngine } from '../db/open-database.ts';
import type { ImapSourceStatus } from '../imap/imap-source-status.ts';

/** One health check: ok, or the one-line reason it failed, with the facts it judged. */
export interface HealthCheck {
  ok: boolean;
  reason?: string;
  [fact: string]: unknown;
}

export interface ServiceHealth {
  /** Names of the failed checks (empty: healthy); /healthz answers 503 when any failed. */
  failing: string[];
  /** The failed checks' reasons, joined into one line. */
  reason?: string;
  /** Checks that pass but report a degraded part (an IMAP source whose server fails); /healthz stays 200. */
  degraded?: string[];
  checks: Record<string, HealthCheck>;
}

/** A background loop as health sees it: rounds in a row that threw, and the last error. */
export interface LoopFailures {
  failures: { consecutive: number; lastError: string | null };
}

/**
 * Why the store refused the probe's write, in words: SQLite's result codes, or PostgreSQL's SQLSTATE (PgError's
 * code; PG_CONNECTION when the server cannot be reached or the connection broke).
 */
export function storeFailureReason(e: unknown, probeMs: number): string {
  const code = (e as { code?: string }).code ?? '';
  const message = ((e as Error).message ?? String(e)).split('\n')[0]!;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED')
    return `the database stayed locked for more than ${probeMs} ms`;
  if (code.startsWith('SQLITE_READONLY')) return `the database is read-only (${message})`;
  if (code === 'SQLITE_FULL') return `the disk is full (${message})`;
  // PostgreSQL: lock_not_available (lock_timeout passed), read_only_sql_transaction (a read-only session or a hot
  // standby), disk_full; connection exceptions (class 08) and a server shutting down or starting (57P01-57P03).
  if (code === '55P03') return `the database stayed locked for more than ${probeMs} ms`;
  if (code === '25006') return `the database is read-only (${message})`;
  if (code === '53100') return `the disk is full (${message})`;
  if (code === 'PG_CONNECTION' || code.startsWith('08') || /^57P0[123]$/.test(code))
    return `the database is unreachable (${message})`;
  return `the database rejected a write (${code || 'error'}: ${message})`;
}

/** The store takes a write within `storeProbeTimeoutMs`: updates the heartbeat row in `meta`. */
export function probeStore(db: Database, config: Config, now: Date): HealthCheck {
  const probeMs = config.health.storeProbeTimeoutMs;
  try {
    withBusyTimeout(db, probeMs, () => writeHeartbeat(db, now));
    return { ok: true, heartbeat: now.toISOString() };
  } catch (e) {
    return { ok: false, reason: `store: ${storeFailureReason(e, probeMs)}` };
  }
}

/** A loop is crash-looping when its rounds threw `health.maxConsecutiveFailures` times in a row. */
export function loopCheck(name: string, loop: LoopFailures, running: boolean, config: Config): HealthCheck {
  const { consecutive, lastError } = loop.failures;
  const limit = config.health.maxConsecutiveFailures;
  const ok = !running || consecutive < limit;
  return {
    ok,
    running,
    consecutiveFailures: consecutive,
    ...(lastError && consecutive > 0 ? { lastError } : {}),
    ...(ok ? {} : { reason: `${name}: ${consecutive} failures in a row (last: ${lastError})` }),
  };
}

/** The queue: how many messages wait for the worker and how long the oldest has waited, against the limits. */
export function backlogCheck(db: Database, config: Config, now: Date): HealthCheck {
  const { maxQueued, maxQueueAgeMs } = config.health;
  const queued = messageCountsByState(db).queued;
  const oldest = oldestQueuedAt(db);
  const oldestAgeMs = oldest ? Math.max(0, now.getTime() - new Date(oldest).getTime()) : 0;
  const reasons = [
    ...(queued > maxQueued ? [`${queued} messages queued (limit ${maxQueued})`] : []),
    ...(oldestAgeMs > maxQueueAgeMs
      ? [
          `the oldest queued message has waited ${Math.round(oldestAgeMs / 1000)} s (limit ${Math.round(maxQueueAgeMs / 1000)} s)`,
        ]
      : []),
  ];
  return {
    ok: reasons.length === 0,
    queued,
    oldestQueuedAt: oldest,
    oldestAgeMs,
    ...(reasons.length ? { reason: `backlog: ${reasons.join(', ')}` } : {}),
  };
}

/**
 * The IMAP sources (imap.sources): a source whose server fails is `degraded`, not failed — the server is
 * someone else's, SMTP intake and processing go on, and restarting abusedesk would not help — so /healthz
 * stays 200 and names it under `degraded`, with each source's state, last error, last success and next retry.
 */
export function imapCheck(sources: readonly ImapSourceStatus[]): HealthCheck {
  const failing = sources.filter((s) => s.state === 'failing');
  return {
    ok: true,
    degraded: failing.length > 0,
    sources: Object.fromEntries(
      sources.map((s) => [
        s.name,
        {
          state: s.state,
          host: s.host,
          mailbox: s.mailbox,
          idle: s.idle,
          taken: s.taken,
          consecutiveFailures: s.consecutiveFailures,
          lastError: s.lastError,
          lastErrorAt: s.lastErrorAt,
          lastSuccessAt: s.lastSuccessAt,
          nextRetryAt: s.nextRetryAt,
        },
      ]),
    ),
    ...(failing.length
      ? { note: `imap: ${failing.map((s) => `${s.name} failing (${s.lastError})`).join(', ')}` }
      : {}),
  };
}

/** This node as /healthz shows it (not a check): its id, engine, the messages it has claimed, the leases it holds. */
export interface NodeFacts {
  id: string;
  engine: 'sqlite' | 'postgres';
  /** Messages this node has claimed for processing now (null: the database did not answer). */
  claims: number | null;
  /** The singleton jobs this node runs now (it holds their lease). */
  leases: string[];
}

export function nodeFacts(db: Database, id: string, leases: string[]): NodeFacts {
  let claims: number | null;
  try {
    claims = claimsByNode(db).get(id) ?? 0;
  } catch {
    claims = null; // the database check reports why
  }
  return { id, engine: databaseEngine(db), claims, leases };
}

/** Every check at once; a check that throws counts as failed with its error. */
export function serviceHealth(checks: Record<string, () => HealthCheck>): ServiceHealth {
  const results: Record<string, HealthCheck> = {};
  for (const [name, check] of Object.entries(checks)) {
    try {
      results[name] = check();
    } catch (e) {
      results[name] = { ok: false, reason: `${name}: ${(e as Error).message}` };
    }
  }
  const failing = Object.keys(results).filter((n) => !results[n]!.ok);
  // Checks that pass but report trouble outside abusedesk (an IMAP server that is down).
  const degraded = Object.keys(results).filter((n) => results[n]!.ok && results[n]!.degraded === true);
  return {
    failing,
    ...(degraded.length ? { degraded } : {}),
    ...(failing.length ? { reason: failing.map((n) => results[n]!.reason ?? n).join('; ') } : {}),
    checks: results,
  };
}
