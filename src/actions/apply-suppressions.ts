import { clientScope, type Decision } from '../decisions/decision.ts';
import { getSend } from '../store/sends-store.ts';
import { recordSoftBounce, softBounceHistory } from '../store/soft-bounces-store.ts';
import { suppress } from '../store/suppressions-store.ts';
import { softBounceLimitReached } from '../suppress/soft-bounce-limit.ts';
import { daysBefore, expiresAtFor, type SuppressionRules } from '../suppress/suppression-rules.ts';
import type { SuppressionReason } from '../store/vocabulary.ts';
import type { ApplyContext } from './apply-context.ts';
import type { PlannedSuppression } from './plan-actions.ts';

/** The stream of the reported send, when the send log names one. */
function streamOf(c: ApplyContext): string | null {
  const id = c.attribution.sendId;
  if (!id) return null;
  const ahead = c.sends?.byId.get(id);
  return ahead ? ahead.stream : (getSend(c.db, id)?.stream ?? null);
}

function applyOne(
  c: ApplyContext,
  s: PlannedSuppression & { evidenceReportIds?: number[] },
  rules: SuppressionRules | undefined,
  stream: string | null,
): Decision {
  const scoped = stream !== null && !s.global && (rules?.streamReasons.includes(s.reason) ?? false);
  const r = suppress(c.db, {
    address: s.address,
    clientId: s.global ? null : c.attribution.clientId,
    reason: s.reason,
    reportId: c.reportId,
    now: c.now,
    stream: scoped ? stream : null,
    expiresAt: rules ? expiresAtFor(rules, s.reason, c.now) : null,
    hash: rules?.hash(s.address) ?? null,
    why: `${s.rule}: ${s.why}`,
    ...(s.evidenceReportIds ? { evidenceReportIds: s.evidenceReportIds } : {}),
    // The report's own webhook events (report-webhooks) announce this one, in order with the report's others.
    webhookQueued: true,
    known: c.suppressions,
  });
  return {
    kind: 'suppress',
    target: s.address,
    scope: s.global ? 'global' : clientScope(c.attribution.client),
    rule: s.rule,
    reason: scoped ? `${s.why} (stream ${stream} only)` : s.why,
    suppression: s.reason,
    refreshed: !r.created,
  };
}

/**
 * Soft bounces of an attributed report are recorded per address; an address that reaches the soft-bounce limit
 * (rules.softBounceLimit within the window, no delivery since) is suppressed for the client, the bounces as evidence.
 */
function softBounceLimit(c: ApplyContext, rules: SuppressionRules | undefined): Decision[] {
  const clientId = c.attribution.clientId;
  if (!rules || clientId === null || c.report.kind !== 'bounce') return [];
  const out: Decision[] = [];
  for (const b of c.report.bounces) {
    if (b.hard) continue;
    const address = b.recipient.trim().toLowerCase();
    recordSoftBounce(c.db, {
      clientId,
      address,
      reportId: c.reportId,
      sendId: c.attribution.sendId,
      originalMessageId: c.report.original?.messageId ?? null,
      at: c.now,
    });
    const history = softBounceHistory(c.db, {
      clientId,
      address,
      since: daysBefore(c.now, rules.softBounceWindowDays),
      now: c.now,
    });
    const why = softBounceLimitReached(history, rules);
    if (why)
      out.push(
        applyOne(
          c,
          {
            address,
            reason: 'soft-bounce-limit' satisfies SuppressionReason,
            global: false,
            rule: 'soft-bounce-limit',
            why,
            evidenceReportIds: history.reportIds,
          },
          rules,
          null,
        ),
      );
  }
  return out;
}

/**
 * Suppresses each planned address (globally or for the attributed client; for the reported stream only when the
 * reason is stream-scoped and the send log names the stream), with the expiry its reason has, then applies the
 * soft-bounce limit. A known suppression is refreshed.
 */
export function applySuppressions(
  c: ApplyContext,
  planned: readonly PlannedSuppression[],
  rules?: SuppressionRules,
): Decision[] {
  const stream = planned.length > 0 ? streamOf(c) : null;
  return [...planned.map((s) => applyOne(c, s, rules, stream)), ...softBounceLimit(c, rules)];
}
