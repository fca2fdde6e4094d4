import { expect } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { ClusterNode } from './cluster-nodes.ts';
import type { Outgoing } from './cluster-traffic.ts';

const count = (db: Database, sql: string, ...args: unknown[]): number =>
  Number(
    (db
      .prepare(sql)
      .pluck()
      .get(...args) as number | null) ?? 0,
  );

/**
 * Whether the pipeline is idle: nothing queued for processing and no mail waiting in the outbox. Webhooks are
 * queued in the same transactions as the actions they describe (their rows are counted); their delivery, a few
 * per report, is waited for only with `webhooks`.
 */
export function clusterIdle(
  db: Database,
  options: { webhooks?: boolean } = {},
): { queued: number; pending: number } | null {
  const queued = count(db, "SELECT count(*) FROM messages WHERE state = 'queued'");
  const pending = count(
    db,
    `SELECT count(*) FROM outbox WHERE state = 'pending'${options.webhooks ? '' : " AND kind = 'mail'"}`,
  );
  return queued + pending === 0 ? { queued, pending } : null;
}

/** Where the pipeline stands (for a timeout's message): messages and outbox rows by state, who holds what. */
export function clusterState(db: Database): string {
  const rows = (sql: string): string =>
    JSON.stringify(
      db
        .prepare(sql)
        .raw()
        .all()
        .map((r) => (r as unknown[]).join(' ')),
    );
  return [
    `messages ${rows('SELECT state, claimed_by, count(*) FROM messages GROUP BY state, claimed_by ORDER BY 1, 2')}`,
    `outbox ${rows("SELECT kind, state, count(*), min(CASE WHEN state = 'pending' THEN next_attempt_at END) FROM outbox GROUP BY kind, state ORDER BY 1, 2")}`,
    `leases ${rows('SELECT name, holder, expires_at FROM job_leases ORDER BY name')}`,
    `now ${new Date().toISOString()}`,
  ].join('; ');
}

/** What a run of the cluster did, counted in the shared database: the facts the exactly-once tests assert. */
export interface ClusterOutcome {
  messages: number;
  done: number;
  notDone: string[];
  /** Messages more than one run of which went through without a failure: their actions were written twice. */
  actedTwice: string[];
  /** Messages that took more than one run (a failed run, rolled back, then another): attempts and errors. */
  retried: string[];
  reports: number;
  /** Report rows per message above one. */
  duplicateReports: number;
  /** Incident tickets sharing one (client, campaign). */
  duplicateIncidents: string[];
  /** Tickets whose report_count differs from the reports filed on them and on their child tickets. */
  miscountedTickets: string[];
  complaintTickets: number;
  /** 'report' timeline events per report above one. */
  duplicateReportEvents: number;
  suppressions: number;
  /** (address, client) pairs with more than one row, or a row counted more than once. */
  duplicateSuppressions: string[];
  /** Each sent report's recipient, suppressed for its client: how many are missing. */
  missingSuppressions: string[];
  acks: number;
  /** Acknowledgement rows per report above one. */
  duplicateAcks: number;
  /** Human complaints with no acknowledgement queued. */
  unacknowledged: string[];
  /** .eml files the nodes' file transport wrote (each acknowledgement sent once). */
  ackFiles: number;
  webhooks: number;
  /** report.received webhook rows per report above one. */
  duplicateWebhooks: number;
  /** Webhook rows marked sent so far. */
  webhooksSent: number;
  /** Reports with no report.received webhook queued. */
  reportsWithoutWebhook: number;
  /** Mail rows not sent. */
  mailNotSent: number;
  /** Webhook rows not sent. */
  webhooksNotSent: number;
}

/** Counts everything the exactly-once property covers, for the messages the test sent. */
export function clusterOutcome(db: Database, sent: Outgoing[], nodes: ClusterNode[]): ClusterOutcome {
  const messages = db
    .prepare('SELECT queue_id AS queueId, state, attempts, stages FROM messages')
    .all() as Array<{ queueId: string; state: string; attempts: number; stages: string | null }>;
  const runsOf = (stages: string | null): Map<number, string[]> => {
    const runs = new Map<number, string[]>();
    for (const e of JSON.parse(stages ?? '[]') as Array<{ stage: string; outcome: string; run?: number }>)
      runs.set(e.run ?? 1, [...(runs.get(e.run ?? 1) ?? []), e.outcome]);
    return runs;
  };
  const done = messages.filter((m) => m.state === 'done');
  const actedTwice = done
    .filter((m) => [...runsOf(m.stages).values()].filter((o) => !o.includes('failed')).length > 1)
    .map((m) => `${m.queueId} trail ${m.stages}`);
  const retried = done
    .filter((m) => m.attempts !== 1 || runsOf(m.stages).size !== 1)
    .map((m) => `${m.queueId} attempts ${m.attempts}`);
  const rows = <T>(sql: string, ...args: unknown[]): T[] => db.prepare(sql).all(...args) as T[];
  const suppressed = new Set(
    rows<{ address: string; slug: string }>(
      `SELECT s.address, c.slug FROM suppressions s JOIN clients c ON c.id = s.client_id`,
    ).map((s) => `${s.address} ${s.slug}`),
  );
  const acknowledged = new Set(
    rows<{ reporter: string }>(
      `SELECT r.reporter FROM outbox o JOIN reports r ON r.id = o.report_id
        WHERE o.kind = 'mail' AND o.dedupe_key LIKE 'ack:%'`,
    ).map((r) => r.reporter.toLowerCase()),
  );
  /** What the report of a reporter decided about its acknowledgement (the rule that skipped it). */
  const ackDecision = (reporter: string): string => {
    const decisions = db
      .prepare('SELECT decisions FROM reports WHERE lower(reporter) = lower(?)')
      .pluck()
      .all(reporter) as Array<string | null>;
    return (
      decisions
        .flatMap((d) => JSON.parse(d ?? '[]') as Array<{ kind: string; rule?: string; reason?: string }>)
        .filter((d) => d.kind.startsWith('ack'))
        .map((d) => `${d.kind} ${d.rule ?? ''} ${d.reason ?? ''}`)
        .join('; ') || `no acknowledgement decision (${decisions.length} reports)`
    );
  };
  const ackFiles = nodes
    .map((n) => {
      try {
        return readdirSync(join(n.dataDir, 'outbox')).filter((f) => f.endsWith('.eml')).length;
      } catch {
        return 0;
      }
    })
    .reduce((a, b) => a + b, 0);
  return {
    messages: messages.length,
    done: messages.filter((m) => m.state === 'done').length,
    notDone: messages.filter((m) => m.state !== 'done').map((m) => `${m.queueId} ${m.state}`),
    actedTwice,
    retried,
    reports: count(db, 'SELECT count(*) FROM reports'),
    duplicateReports: count(
      db,
      'SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM reports GROUP BY message_id) AS per',
    ),
    duplicateIncidents: rows<{ k: string; n: number }>(
      `SELECT client_id || ':' || coalesce(campaign_id, 0) AS k, count(*) AS n FROM tickets
        WHERE type = 'incident' GROUP BY client_id, campaign_id HAVING count(*) > 1`,
    ).map((r) => `${r.k} x${r.n}`),
    miscountedTickets: rows<{ id: string; reportCount: number; n: number }>(
      `SELECT t.id, t.report_count AS reportCount, count(r.id) AS n FROM tickets t
         LEFT JOIN reports r ON r.ticket_id = t.id
           OR r.ticket_id IN (SELECT c.id FROM tickets c WHERE c.parent_id = t.id)
        GROUP BY t.id, t.report_count HAVING t.report_count <> count(r.id)`,
    ).map((r) => `${r.id} report_count ${r.reportCount}, reports ${r.n}`),
    complaintTickets: count(db, "SELECT count(*) FROM tickets WHERE type = 'complaint'"),
    duplicateReportEvents: count(
      db,
      `SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM ticket_events
         WHERE type = 'report' AND report_id IS NOT NULL GROUP BY ticket_id, report_id) AS per`,
    ),
    suppressions: count(db, 'SELECT count(*) FROM suppressions'),
    duplicateSuppressions: rows<{ address: string; client: number; n: number; total: number }>(
      `SELECT address, coalesce(client_id, 0) AS client, count(*) AS n, sum(count) AS total FROM suppressions
        GROUP BY address, coalesce(client_id, 0) HAVING count(*) > 1 OR sum(count) > 1`,
    ).map((r) => `${r.address} client ${r.client}: ${r.n} rows, count ${r.total}`),
    missingSuppressions: sent
      .filter((m) => !suppressed.has(`${m.recipient} ${m.client}`))
      .map((m) => `${m.index} ${m.recipient} ${m.client}`),
    acks: count(db, "SELECT count(*) FROM outbox WHERE kind = 'mail' AND dedupe_key LIKE 'ack:%'"),
    duplicateAcks: count(
      db,
      `SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM outbox
         WHERE kind = 'mail' AND dedupe_key LIKE 'ack:%' GROUP BY report_id) AS per`,
    ),
    unacknowledged: sent
      .filter((m) => m.reporter && !acknowledged.has(m.reporter.toLowerCase()))
      .map((m) => `${m.index} ${m.reporter}: ${ackDecision(m.reporter!)}`),
    ackFiles,
    webhooks: count(db, "SELECT count(*) FROM outbox WHERE kind = 'webhook'"),
    duplicateWebhooks: count(
      db,
      `SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM outbox
         WHERE kind = 'webhook' AND dedupe_key LIKE 'webhook:report.received:%' GROUP BY report_id) AS per`,
    ),
    webhooksSent: count(db, "SELECT count(*) FROM outbox WHERE kind = 'webhook' AND state = 'sent'"),
    reportsWithoutWebhook: count(
      db,
      `SELECT count(*) FROM reports r WHERE NOT EXISTS (SELECT 1 FROM outbox o
         WHERE o.kind = 'webhook' AND o.report_id = r.id AND o.dedupe_key LIKE 'webhook:report.received:%')`,
    ),
    mailNotSent: count(db, "SELECT count(*) FROM outbox WHERE kind = 'mail' AND state <> 'sent'"),
    webhooksNotSent: count(db, "SELECT count(*) FROM outbox WHERE kind = 'webhook' AND state <> 'sent'"),
  };
}

/** Queue ids each node's `worker.processed` log lines name. */
export function processedBy(nodes: ClusterNode[]): Map<string, string[]> {
  return new Map(nodes.map((n) => [n.name, n.events('worker.processed').map((l) => String(l.queueId))]));
}

/** The errors of every `worker.retry` line the nodes logged (a run that failed and was tried again), counted. */
export function retryErrors(nodes: ClusterNode[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const n of nodes)
    for (const l of n.events('worker.retry')) {
      const err = String(l.err).split('\n')[0]!.slice(0, 300);
      out[err] = (out[err] ?? 0) + 1;
    }
  return out;
}

/**
 * The checks both burst tests make after the cluster went idle: no message had two runs that both went
 * through, none needed a retry (a conflict between the nodes), and each report's actions happened once — one
 * report, one incident per incident key, one report event, one suppression, one acknowledgement per complaint,
 * one webhook row.
 */
export function expectActionsOnce(outcome: ClusterOutcome, sent: Outgoing[], nodes: ClusterNode[]): void {
  expect.soft(outcome.actedTwice.slice(0, 3)).toEqual([]);
  // A run that failed and was retried shows here with its error.
  expect.soft(retryErrors(nodes)).toEqual({});
  expect.soft(outcome.retried.length).toBe(0);
  expect.soft(outcome.reports).toBe(outcome.messages);
  expect.soft(outcome.duplicateReports).toBe(0);
  expect.soft(outcome.duplicateIncidents).toEqual([]);
  expect.soft(outcome.miscountedTickets).toEqual([]);
  expect.soft(outcome.duplicateReportEvents).toBe(0);
  expect.soft(outcome.duplicateSuppressions).toEqual([]);
  expect.soft(outcome.missingSuppressions).toEqual([]);
  expect.soft(outcome.acks).toBe(sent.filter((m) => m.kind === 'complaint').length);
  expect.soft(outcome.duplicateAcks).toBe(0);
  expect.soft(outcome.unacknowledged).toEqual([]);
  expect.soft(outcome.duplicateWebhooks).toBe(0);
  expect.soft(outcome.reportsWithoutWebhook).toBe(0);
}
