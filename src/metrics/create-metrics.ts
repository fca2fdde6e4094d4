import type { Database } from 'better-sqlite3';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { clientStatuses } from '../enforcement/enforcement-types.ts';
import { clientCountsByStatus, clientScores } from '../store/clients-store.ts';
import { messageCountsByState, type StoredMessage } from '../store/messages-store.ts';
import { outboxDepth } from '../store/outbox-store.ts';
import { attributionOutcomesSince, reportKindOfMessage } from '../store/reports-store.ts';
import { acknowledgementCounts } from '../store/tickets-store.ts';

export interface Metrics {
  registry: Registry;
  /** SmtpIntakeOptions.onOutcome: accepted, duplicate, or the reason a message or recipient was refused. */
  onOutcome: (outcome: string) => void;
  /** ProcessorOptions.onProcessed: latency, and the report the message became. */
  onProcessed: (message: StoredMessage, ms: number) => void;
}

/** Unmatched ratio window: recent enough to alert on, long enough not to flap. */
const UNMATCHED_WINDOW_MS = 24 * 3600_000;

/**
 * The Prometheus metrics of `serve`, in a registry of their own. Events (intake outcomes, processing) are
 * counted as they happen; depths and ratios are read from the database when scraped.
 */
export function createMetrics(db: Database, now: () => Date = () => new Date()): Metrics {
  const registry = new Registry();
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

  return {
    registry,
    onOutcome(outcome) {
      if (outcome === 'accepted' || outcome === 'duplicate')
        accepted.inc({ duplicate: String(outcome === 'duplicate') });
      else rejected.inc({ reason: outcome });
    },
    onProcessed(message, ms) {
      latency.observe(ms / 1000);
      processed.inc({ state: message.state });
      if (message.state !== 'done') return;
      const r = reportKindOfMessage(db, message.id);
      if (r) reports.inc({ kind: r.kind, provider: r.provider ?? 'none' });
    },
  };
}
