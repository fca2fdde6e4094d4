import type { Decision } from '../decisions/decision.ts';
import { describeDecision } from '../decisions/describe-decision.ts';
import { trapChecker } from '../enforcement/spam-traps.ts';
import { addTicketEvent } from '../store/tickets-store.ts';
import type { WebhookEndpoint } from '../webhooks/emit-webhook.ts';
import type { Acknowledger } from './acknowledger.ts';
import { applyAcknowledgement } from './apply-acknowledgement.ts';
import type { ApplyContext } from './apply-context.ts';
import { applyReply } from './apply-reply.ts';
import { applySuppressions } from './apply-suppressions.ts';
import type { SuppressionRules } from '../suppress/suppression-rules.ts';
import { applyTickets } from './apply-tickets.ts';
import { planActions, type ActionPolicy } from './plan-actions.ts';

export interface ActionsOptions {
  policy: ActionPolicy;
  acknowledge?: Acknowledger | undefined;
  /** The global webhook endpoints (config `webhooks.endpoints`). */
  webhookEndpoints: readonly WebhookEndpoint[];
  /** Expiry, streams, the soft-bounce limit and the erasure hash (config `suppressions`, `privacy.hashKey`). */
  suppressionRules?: SuppressionRules | undefined;
}

/**
 * Plans the report's actions and applies them in order — suppressions, tickets, the reply, the acknowledgement —
 * each applier returning its decisions. Runs inside the message's savepoint: all of it or none of it.
 */
export function applyActions(
  c: ApplyContext,
  o: ActionsOptions,
): { decisions: Decision[]; ticketId: string | null } {
  // The ticket a reply names was found once, by classify, and is carried on the report.
  const replyTo = c.report.kind === 'reply' ? (c.report.replyTicketId ?? null) : null;
  const plan = planActions(c.report, c.attribution, o.policy, replyTo, c.isTrap ?? trapChecker(c.db));
  const decisions: Decision[] = [
    ...applySuppressions(c, plan.suppressions, o.suppressionRules),
    ...plan.skippedSuppressions,
    ...plan.notes,
  ];
  const tickets = applyTickets(c, plan, [...decisions]);
  decisions.push(...tickets.decisions);
  let ticketId = tickets.ticketId;
  if (plan.replyTo) {
    const reply = applyReply(c, plan.replyTo);
    decisions.push(...reply.decisions);
    ticketId = reply.ticketId;
  }
  decisions.push(...applyAcknowledgement(c, plan, ticketId, o.acknowledge));
  // The report's own ticket (not the incident, whose timeline stays one line per report) says what was suppressed.
  if (ticketId && ticketId !== tickets.incidentId) {
    for (const d of decisions) {
      if (d.kind === 'suppress' || d.kind === 'skip-suppress')
        addTicketEvent(c.db, ticketId, {
          type: 'action',
          text: describeDecision(d),
          data: d,
          reportId: c.reportId,
          now: c.now,
        });
    }
  }
  return { decisions, ticketId };
}
