import type { Decision } from '../decisions/decision.ts';
import { describeDecision } from '../decisions/describe-decision.ts';
import { required } from '../pipeline/pipeline-state.ts';
import { batchSends } from '../attribute/batch-sends.ts';
import { batchTrapChecker } from '../enforcement/spam-traps.ts';
import { batchTickets } from './batch-tickets.ts';
import { batchSuppressions } from './batch-suppressions.ts';
import { actedMessageIds, earlierActedReport } from '../store/reports-store.ts';
import { emitReportWebhooks } from '../webhooks/report-webhooks.ts';
import type { Stage, StageContext } from '../worker/stage.ts';
import { applyActions, type ActionsOptions } from './apply-actions.ts';

const outcomeOf = (decisions: readonly Decision[], duplicate: boolean, ticketId: string | null): string =>
  duplicate
    ? 'duplicate'
    : decisions.some((d) => d.kind === 'suppress')
      ? 'suppressed'
      : ticketId
        ? 'ticketed'
        : 'recorded';

const duplicateOf = (twin: number, messageId: string | null): Decision => ({
  kind: 'duplicate',
  target: `report:${twin}`,
  scope: null,
  rule: 'same-message-id',
  reason: `same Message-ID ${messageId}: no second effect`,
  duplicateOf: twin,
});

/**
 * Whether the message may repeat a report acted on before (earlierActedReport then says which): some report of
 * its Message-ID was acted on, or another message of the batch has the same one. Read once for the batch, inside
 * its transaction, before any of its messages acted (commits of other nodes wait for this one's).
 */
function mayRepeatActedReport(ctx: StageContext): boolean {
  const id = ctx.message.messageId;
  if (!id) return false;
  const { known, possible } = ctx.batch.once('acted-message-ids', (messages) => {
    const ids = messages.flatMap((m) => (m.message.messageId ? [m.message.messageId] : []));
    const possible = actedMessageIds(ctx.db, ids);
    const known = new Set<string>();
    for (const i of ids) (known.has(i) ? possible : known).add(i);
    return { known, possible };
  });
  return !known.has(id) || possible.has(id);
}

/**
 * actions: in the message's transaction, suppressions, tickets and timeline, the acknowledgement and the webhook
 * events, every decision stored on the report as a record (with the enforcement stage's, in one write).
 * Idempotent: a report whose decisions are stored is never acted on again, nor is a second copy of the same
 * report (same Message-ID), which is recorded as a duplicate.
 */
export function reportActionsStage(options: ActionsOptions): Stage {
  return {
    name: 'actions',
    commit(ctx) {
      const { reportId, actedBefore } = required(ctx.state, 'stored', 'actions');
      if (actedBefore)
        return {
          outcome: 'already-done',
          reason: 'processed before: no second effect',
          state: { actions: { status: 'already-done', decisions: [], ticketId: null } },
        };
      const { db, message } = ctx;
      const c = {
        db,
        reportId,
        message,
        headerBlock: required(ctx.state, 'headerBlock', 'actions'),
        now: ctx.now(),
        subject: ctx.state.headers?.subject ?? null,
        report: required(ctx.state, 'report', 'actions'),
        attribution: required(ctx.state, 'attribution', 'actions'),
        sends: batchSends(ctx),
        isTrap: batchTrapChecker(ctx),
        tickets: batchTickets(ctx),
        suppressions: batchSuppressions(ctx, options.suppressionRules?.hash),
      };
      const twin = mayRepeatActedReport(ctx) ? earlierActedReport(db, message.messageId, message.id) : null;
      const { decisions, ticketId } =
        twin === null
          ? applyActions(c, options)
          : { decisions: [duplicateOf(twin, message.messageId)], ticketId: null };
      emitReportWebhooks(db, decisions, { ...c, duplicateOf: twin, endpoints: options.webhookEndpoints });
      return {
        outcome: outcomeOf(decisions, twin !== null, ticketId),
        reason: decisions.map(describeDecision).join('; ') || 'nothing to do',
        state: { actions: { status: twin === null ? 'acted' : 'duplicate', decisions, ticketId } },
      };
    },
  };
}
