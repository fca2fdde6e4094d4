import { clientScope, type Decision } from '../decisions/decision.ts';
import { suppress } from '../store/suppressions-store.ts';
import type { ApplyContext } from './apply-context.ts';
import type { PlannedSuppression } from './plan-actions.ts';

/** Suppresses each planned address (globally or for the attributed client); a known suppression is refreshed. */
export function applySuppressions(c: ApplyContext, planned: readonly PlannedSuppression[]): Decision[] {
  return planned.map((s): Decision => {
    const r = suppress(c.db, {
      address: s.address,
      clientId: s.global ? null : c.attribution.clientId,
      reason: s.reason,
      reportId: c.reportId,
      now: c.now,
    });
    return {
      kind: 'suppress',
      target: s.address,
      scope: s.global ? 'global' : clientScope(c.attribution.client),
      rule: s.rule,
      reason: s.why,
      suppression: s.reason,
      refreshed: !r.created,
    };
  });
}
