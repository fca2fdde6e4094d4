import type { Database } from 'better-sqlite3';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { clientStatuses } from '../enforcement/enforcement-types.ts';
import { clientCountsByStatus, clientScores } from '../store/clients-store.ts';
import { claimsByNode, messageCountsByState } from '../store/messages-store.ts';
import { listLeases } from '../store/job-leases-store.ts';
import { clusterOverview, leaseHolds, type NodeStatus } from '../cluster/cluster-overview.ts';
import { DEFAULT_CLUSTER_LEASE_MS } from '../config/config-schema.ts';
import { readClusterFacts } from '../store/cluster-nodes-store.ts';
import { outboxDepth } from '../store/outbox-store.ts';
import { attributionOutcomesSince } from '../store/reports-store.ts';
import { acknowledgementCounts } from '../store/tickets-store.ts';
import { retentionTotals, retentionTypes } from '../store/retention-store.ts';
import { countErasures } from '../store/erasure-store.ts';
import { lastSuppressionChangeId, suppressionAdditionsAfter } from '../store/suppression-changes-store.ts';
import { batchPhases, type BatchTimings } from '../worker/batch-timings.ts';
import type { ProcessorOptions } from '../worker/processor.ts';

export interface Metrics {
  registry: Registry;
  /** SmtpIntakeOptions.onOutcome: accepted, duplicate, or the reason a message or recipient was refused. */
  onOutcome: (outcome: string) => void;
  /** ProcessorOptions.onProcessed: latency, and the report the message became. */
  onProcessed: NonNullable<ProcessorOptions['onProcessed']>;
  /** An IMAP source stored a message (duplicate: it was stored before). */
  onImapTaken: (source: string, duplicate: boolean) => void;
  /** ProcessorOptions.onBatch: where a committed batch's time went. */
  onBatch: (timings: BatchTimings) => void;
}

/** Unmatched ratio window: recent enough to alert on, long enough not to flap. */
const UNMATCHED_WINDOW_MS = 24 * 3600_000;

const nodeStatuses: readonly NodeStatus[] = ['up', 'down', 'stopped'];

/**
 * The Prometheus metrics of `serve`, in a registry of their own. Events (intake outcomes, processing) are
 * counted as they happen; depths and ratios are read from the database when scraped. With `node` (this node's
 * id) every metric carries a `node` label, so the series of nodes sharing one database stay apart, and the
 * node's claims and leases are shown, with the cluster's nodes by status and its singleton jobs no node runs
 * (`clusterLeaseMs`: how long a node may go without reporting itself before it counts as down).
 */
export function createMetrics(
  db: Database,
  now: () => Date = () => new Date(),
  node?: string,
  clusterLeaseMs = DEFAULT_CLUSTER_LEASE_MS,
): Metrics {
  const registry = new Registry();
  if (node !== undefined) {
    registry.setDefaultLabels({ node });
    new Gauge({
      name: 'abusedesk_node_claims',
      help: 'Messages this node has claimed for processing now (a dead node keeps them until cluster.claimTimeoutMs)',
      registers: [registry],
      collect() {
        this.set(claimsByNode(db).get(node) ?? 0);
      },
    });
    new Gauge({
      name: 'abusedesk_node_leases',
      help: 'Singleton jobs by lease: 1 when this node holds the job (runs it), 0 when another node does; summed over nodes, 1 per job',
      labelNames: ['job'],
      registers: [registry],
      collect() {
        this.reset();
        const at = new Date().toISOString(); // leases run on the wall clock (NodeLeases)
        for (const l of listLeases(db))
          this.set({ job: l.name }, l.holder === node && leaseHolds(l, at) ? 1 : 0);
      },
    });
    // The same on every node: what the node list shows, for alerting (a node down, a job that runs nowhere).
    new Gauge({
      name: 'abusedesk_cluster_nodes',
      help: 'Nodes sharing the database by status: up, down (stopped reporting without stopping: a crash or a lost network), stopped (cleanly)',
      labelNames: ['status'],
      registers: [registry],
      collect() {
        const { nodes } = clusterOverview(readClusterFacts(db), new Date(), clusterLeaseMs);
        for (const status of nodeStatuses)
          this.set({ status }, nodes.filter((n) => n.status === status).length);
      },
    });
    new Gauge({
      name: 'abusedesk_cluster_jobs_waiting',
      help: 'Singleton jobs whose lease ran out with no node taking it over (every node that could run it is down or stopped)',
      registers: [registry],
      collect() {
        const at = new Date().toISOString();
        this.set(listLeases(db).filter((l) => !leaseHolds(l, at)).length);
      },
    });
  }
  const accepted = new Counter({
    name: 'abusedesk_messages_accepted_total',
    help: 'Messages stored and answered 250 (duplicate: a retry of a stored message)',
    labelNames: ['duplicate'],
    registers: [registry],
  });
  const rejected = new Counter({
    name: 'abusedesk_messages_rejected_total',
    help: 'Connections, recipients or messages refused at intake, by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  const reports = new Counter({
    name: 'abusedesk_reports_total',
    help: 'Reports made from processed messages, by kind and provider',
    labelNames: ['kind', 'provider'],
    registers: [registry],
  });
  const processed = new Counter({
    name: 'abusedesk_messages_processed_total',
    help: 'Processing attempts by resulting state (done, queued for retry, quarantined)',
    labelNames: ['state'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'abusedesk_processing_seconds',
    help: 'Time to run the pipeline over one message',
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  // Counters of seconds, not a histogram: rate() of each phase is the share of the pipeline's time it took, and
  // the phases of a busy pipeline add up to about one second per second.
  const pipelineSeconds = new Counter({
    name: 'abusedesk_pipeline_seconds_total',
    help: 'Time the pipeline spent per phase: claim (taking a batch), think (the stages reading and understanding), wait (for the write lock, or on PostgreSQL for other nodes committing), commit (writing the outcomes)',
    labelNames: ['phase'],
    registers: [registry],
  });
  for (const phase of batchPhases) pipelineSeconds.inc({ phase }, 0);
  const batches = new Counter({
    name: 'abusedesk_pipeline_batches_total',
    help: 'Batches the pipeline committed (abusedesk_messages_processed_total counts their messages)',
    registers: [registry],
  });
  // Suppressions are counted from the change log when scraped (every path writes it, the worker or not).
  let lastSuppressionChange = lastSuppressionChangeId(db);
  const suppressionsAdded = new Counter({
    name: 'abusedesk_suppressions_added_total',
    help: 'Suppressions added since start, by reason and scope (global, client, stream: one client and stream)',
    labelNames: ['reason', 'scope'],
    registers: [registry],
    collect: () => catchUpSuppressions(),
  });
  const timeToSuppression = new Histogram({
    name: 'abusedesk_report_to_suppression_seconds',
    help: 'Time from a report arriving (SMTP or ingest) to the suppression it caused being committed',
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 3600],
    registers: [registry],
    collect: () => catchUpSuppressions(),
  });
  const catchUpSuppressions = (): void => {
    for (;;) {
      const rows = suppressionAdditionsAfter(db, lastSuppressionChange, 5000);
      for (const r of rows) {
        suppressionsAdded.inc({ reason: r.reason, scope: r.scope });
        if (r.receivedAt)
          timeToSuppression.observe(Math.max(0, (Date.parse(r.at) - Date.parse(r.receivedAt)) / 1000));
        lastSuppressionChange = r.id;
      }
      if (rows.length < 5000) return;
    }
  };
  new Gauge({
    name: 'abusedesk_queue_messages',
    help: 'Messages in the intake log by state (queued: waiting for processing; quarantined: failed, kept for staff)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      for (const [state, n] of Object.entries(messageCountsByState(db))) this.set({ state }, n);
    },
  });
  new Gauge({
    name: 'abusedesk_outbox_rows',
    help: 'Outbox rows waiting for delivery (pending) or given up on (failed)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const d = outboxDepth(db);
      this.set({ state: 'pending' }, d.pending);
      this.set({ state: 'failed' }, d.failed);
    },
  });
  new Gauge({
    name: 'abusedesk_outbox_oldest_pending_seconds',
    help: 'Age of the oldest pending outbox row (0 when none): a stuck relay shows here first',
    registers: [registry],
    collect() {
      const oldest = outboxDepth(db).oldestPendingAt;
      this.set(oldest ? Math.max(0, (now().getTime() - Date.parse(oldest)) / 1000) : 0);
    },
  });
  new Gauge({
    name: 'abusedesk_unmatched_ratio',
    help: 'Share of reports of the last 24 h that went through attribution and were charged to no client',
    registers: [registry],
    collect() {
      const r = attributionOutcomesSince(db, new Date(now().getTime() - UNMATCHED_WINDOW_MS));
      this.set(r.total > 0 ? r.unmatched / r.total : 0);
    },
  });
  new Gauge({
    name: 'abusedesk_clients',
    help: 'Clients per enforcement status (active, watch, warned, suspended): alert on a rise in suspended',
    labelNames: ['status'],
    registers: [registry],
    collect() {
      const rows = clientCountsByStatus(db);
      for (const status of clientStatuses)
        this.set({ status }, rows.find((r) => r.status === status)?.n ?? 0);
    },
  });
  new Gauge({
    name: 'abusedesk_client_score',
    help: 'Reputation score (0–100) of each assessed client',
    labelNames: ['client'],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of clientScores(db)) this.set({ client: r.slug }, r.score);
    },
  });
  // Acknowledgements are recorded on ticket timelines with their decision record as the event's data: a `mail`
  // event (kind ack-queued) when queued, an `action` event (kind ack-skipped) naming the rule that stopped it.
  new Gauge({
    name: 'abusedesk_acknowledgements',
    help: 'Acknowledgements queued (outcome sent) or stopped by a rule (outcome skipped, with the rule), all time',
    labelNames: ['outcome', 'rule'],
    registers: [registry],
    collect() {
      const rows = acknowledgementCounts(db);
      this.reset();
      this.set({ outcome: 'sent', rule: '' }, 0);
      for (const r of rows) this.set({ outcome: r.outcome, rule: r.rule }, r.n);
    },
  });

  const imapTaken = new Counter({
    name: 'abusedesk_imap_messages_taken_total',
    help: 'Messages taken from IMAP mailboxes, by source (duplicate: stored before, taken again after a restart or a UIDVALIDITY change)',
    labelNames: ['source', 'duplicate'],
    registers: [registry],
  });

  // Purges and erasures also run in `abusedesk db purge` / `abusedesk erase`: counted from the database, so every
  // run counts and the totals survive a restart.
  new Counter({
    name: 'abusedesk_retention_purged_total',
    help: 'Rows removed by retention purges, by data type (raw-messages, reports, resolved-tickets, audit-log, outbox, sessions, login-failures, nodes)',
    labelNames: ['type'],
    registers: [registry],
    collect() {
      this.reset();
      const totals = retentionTotals(db);
      for (const type of retentionTypes) this.inc({ type }, totals.find((t) => t.type === type)?.purged ?? 0);
    },
  });
  new Counter({
    name: 'abusedesk_erasures_total',
    help: "Erasures of a person's address (abusedesk erase, POST /api/v1/erasures, the admin page)",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(countErasures(db));
    },
  });

  return {
    registry,
    onImapTaken(source, duplicate) {
      imapTaken.inc({ source, duplicate: String(duplicate) });
    },
    onBatch(timings) {
      batches.inc();
      for (const phase of batchPhases) pipelineSeconds.inc({ phase }, timings.ms[phase] / 1000);
    },
    onOutcome(outcome) {
      if (outcome === 'accepted' || outcome === 'duplicate')
        accepted.inc({ duplicate: String(outcome === 'duplicate') });
      else rejected.inc({ reason: outcome });
    },
    onProcessed(message, ms, report) {
      latency.observe(ms / 1000);
      processed.inc({ state: message.state });
      if (report) reports.inc({ kind: report.kind, provider: report.provider ?? 'none' });
    },
  };
}
