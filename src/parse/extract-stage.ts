import { storeReport, reportSlots, writeReportOutcome } from '../store/reports-store.ts';
import { required } from '../pipeline/pipeline-state.ts';
import type { Stage } from '../worker/stage.ts';
import type { StoredMessage } from '../worker/stored-message.ts';
import { withAuth } from '../authenticate/authenticate-parsed.ts';
import { extractReport } from './extract-report.ts';
import type { ParsedReport } from '../report/parsed-report.ts';
import type { ParseOptions } from './parse-options.ts';

/** What the trail shows of the extraction. */
function extractReason(r: ParsedReport): string {
  const parts: string[] = [];
  if (r.original)
    parts.push(
      `original ${r.original.messageId ?? '(no Message-ID)'}${r.original.headersOnly ? ' (headers only)' : ''}`,
    );
  if (r.complainants.length) parts.push(`complainant ${r.complainants.join(', ')}`);
  if (r.redacted) parts.push('complainant redacted');
  if (r.bounces.length)
    parts.push(
      `${r.bounces.length} bounced recipient(s): ${r.bounces.map((b) => `${b.recipient} ${b.status ?? '?'} ${b.hard ? 'hard' : 'soft'}`).join(', ')}`,
    );
  const ids = r.identifiers;
  const found = [
    ids.traceToken && 'trace token',
    ids.feedbackId && 'Feedback-ID',
    ids.cfblFeedbackId && 'CFBL-Feedback-ID',
    ids.verp && 'VERP',
    ids.listUnsubscribe.length && 'List-Unsubscribe',
    Object.keys(ids.headers).length && 'campaign headers',
  ].filter(Boolean);
  if (found.length) parts.push(`identifiers: ${found.join(', ')}`);
  return parts.join('; ') || 'nothing to extract';
}

/**
 * extract: the original, complainants, reporter, bounce details and campaign identifiers of the classified
 * message, with the authenticate stage's results — what `abusedesk parse` prints — stored as the message's
 * report (replaced when the message is processed again; its decisions are kept).
 */
export function extractStage(options: (message: StoredMessage, now: () => Date) => ParseOptions): Stage {
  return {
    name: 'extract',
    run(ctx) {
      const classification = required(ctx.state, 'classification', 'extract');
      const auth = required(ctx.state, 'auth', 'extract');
      const extracted = ctx.state.extracted ?? extractReport(classification, options(ctx.message, ctx.now));
      const report = withAuth(extracted, auth);
      return { outcome: 'extracted', reason: extractReason(report), state: { report } };
    },
    commit(ctx) {
      const report = required(ctx.state, 'report', 'extract');
      const slots = ctx.batch.once('report-slots', (messages) =>
        reportSlots(
          ctx.db,
          messages.map((m) => m.message.id),
        ),
      );
      const { id: reportId, ...stored } = storeReport(
        ctx.db,
        ctx.message.id,
        report,
        ctx.now(),
        slots.get(ctx.message.id),
      );
      return {
        outcome: 'extracted',
        reason: extractReason(report),
        state: { stored: { reportId, ...stored } },
      };
    },
    // The report row is written once, when every stage of the message committed: its attribution, the actions'
    // decisions and the enforcement's signal decisions (each stage writing it again would update a row with many
    // indexes three times) — on PostgreSQL with the row itself (see storeReport).
    finishMessage(ctx) {
      const stored = ctx.state.stored;
      if (!stored) return;
      const actions = ctx.state.actions;
      writeReportOutcome(
        ctx.db,
        stored.reportId,
        stored.unwritten,
        actions && actions.status !== 'already-done'
          ? {
              attribution: required(ctx.state, 'attribution', 'extract'),
              decisions: [...actions.decisions, ...(ctx.state.enforcement?.decisions ?? [])],
              ticketId: actions.ticketId,
            }
          : null,
      );
    },
  };
}
