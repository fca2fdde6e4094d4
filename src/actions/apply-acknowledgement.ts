import { describeDecision } from '../decisions/describe-decision.ts';
import { addTicketEvent } from '../store/tickets-store.ts';
import type { AckDecision, Acknowledger } from './acknowledger.ts';
import type { ApplyContext } from './apply-context.ts';
import type { ActionPlan } from './plan-actions.ts';

/**
 * Acknowledges a human reporter on the report's own ticket (never on an incident); when nothing is sent the
 * ticket's timeline names the rule that stopped it. A reply is never acknowledged and needs no entry. The
 * acknowledgement is optional: when it fails, the failure is recorded as its decision (rule `ack-error`) and
 * the report's suppressions and ticket stand (the message is not retried, nor quarantined, for it).
 */
export function applyAcknowledgement(
  c: ApplyContext,
  plan: ActionPlan,
  ticketId: string | null,
  acknowledge: Acknowledger | undefined,
): AckDecision[] {
  if (!ticketId || plan.ticket?.type === 'incident') return [];
  let d: AckDecision;
  if (plan.acknowledge && acknowledge) {
    const input = {
      db: c.db,
      ticketId,
      report: c.report,
      reportId: c.reportId,
      message: c.message,
      headers: c.headerBlock,
      suppressed: plan.suppressions.length > 0,
      now: c.now,
    };
    try {
      // A nested better-sqlite3 transaction is a SAVEPOINT: a failing acknowledgement rolls back only its
      // own writes (outbox row, counters), never the report's suppressions and ticket.
      d = c.db.transaction(() => acknowledge(input))();
    } catch (e) {
      d = {
        kind: 'ack-skipped',
        target: c.report.reporter,
        scope: null,
        ticketId,
        rule: 'ack-error',
        reason: `the acknowledgement could not be queued: ${e instanceof Error ? e.message.replace(/\s+/g, ' ').slice(0, 300) : String(e)}`,
      };
    }
  } else if (c.report.kind === 'reply') return [];
  else if (c.report.kind === 'complaint') {
    d = {
      kind: 'ack-skipped',
      target: c.report.reporter,
      scope: null,
      ticketId,
      rule: 'acknowledgements-off',
      reason: 'acknowledgements are not configured',
    };
  } else
    d = {
      kind: 'ack-skipped',
      target: c.report.reporter,
      scope: null,
      ticketId,
      rule: 'kind-not-complaint',
      reason: `kind ${c.report.kind} is never acknowledged`,
    };
  addTicketEvent(c.db, ticketId, {
    type: d.kind === 'ack-queued' ? 'mail' : 'action',
    text: describeDecision(d),
    data: d,
    reportId: c.reportId,
    now: c.now,
  });
  return [d];
}
