import type { SignalKind } from '../enforcement/plan-signals.ts';
import type { SuppressionReason } from '../store/suppressions-store.ts';
import type { TicketType } from '../store/tickets-store.ts';

/** Where a decision applies: every client (`global`), one client's list or record (`client:<slug>`), or only this report (null). */
export type DecisionScope = 'global' | `client:${string}` | null;

/** What every decision says: what it acted on, where it applies, which rule decided, and why (for staff). */
interface DecisionBase {
  /** An address (suppressions, signals, acknowledgements), a ticket id (tickets), a report id (duplicates); null for notes. */
  target: string | null;
  scope: DecisionScope;
  /** A stable id of the rule that decided, e.g. `fbl-complainant`, `untrusted-cap`, `daily-cap`. */
  rule: string;
  reason: string;
}

/**
 * One thing the pipeline did (or chose not to do) for a report. Stored as JSON in `reports.decisions` and as the
 * data of the ticket events it caused; the UI, CLI, API and webhooks all read these records.
 */
export type Decision =
  | (DecisionBase & { kind: 'suppress'; target: string; suppression: SuppressionReason; refreshed: boolean })
  | (DecisionBase & { kind: 'skip-suppress'; target: string })
  | (DecisionBase & { kind: 'open-ticket'; target: string; ticketType: TicketType; parentId: string | null })
  | (DecisionBase & { kind: 'reopen-ticket'; target: string })
  | (DecisionBase & { kind: 'append-ticket'; target: string; change: 'report' | 'reply' })
  | (DecisionBase & {
      kind: 'ack-queued';
      target: string;
      ticketId: string | null;
      outboxId: number;
      language: string;
    })
  | (DecisionBase & { kind: 'ack-skipped'; ticketId: string | null })
  | (DecisionBase & { kind: 'signal-counted' | 'signal-recorded'; signal: SignalKind })
  | (DecisionBase & { kind: 'duplicate'; target: string; duplicateOf: number })
  | (DecisionBase & { kind: 'note' });

export type DecisionKind = Decision['kind'];

export const decisionKinds: readonly DecisionKind[] = [
  'suppress',
  'skip-suppress',
  'open-ticket',
  'reopen-ticket',
  'append-ticket',
  'ack-queued',
  'ack-skipped',
  'signal-counted',
  'signal-recorded',
  'duplicate',
  'note',
];

/** A decision that only records a fact about the report. */
export const note = (rule: string, reason: string): Decision => ({
  kind: 'note',
  target: null,
  scope: null,
  rule,
  reason,
});

/** The scope of something done for one client (null when no client is known). */
export const clientScope = (client: string | null): DecisionScope => (client ? `client:${client}` : null);
