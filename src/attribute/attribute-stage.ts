import { required } from '../pipeline/pipeline-state.ts';
import { storedAttribution } from '../store/reports-store.ts';
import type { Stage } from '../worker/stage.ts';
import { attributeReport } from './attribute-report.ts';
import type { OpenedToken } from './attribution-lookups.ts';
import { batchSends } from './batch-sends.ts';
import { databaseLookups } from './database-lookups.ts';

/**
 * attribute: the client and campaign of the report by the ladder (trace token → send log → VERP → Feedback-ID →
 * campaign headers → sender domain → unmatched), stored on the report with the actions' decisions (one write of
 * the report row, see the actions stage). A report acted on before keeps the attribution it was acted on with.
 */
export function attributeStage(openToken: (token: string) => OpenedToken | null): Stage {
  return {
    name: 'attribute',
    commit(ctx) {
      const { reportId, actedBefore } = required(ctx.state, 'stored', 'attribute');
      const before = actedBefore ? storedAttribution(ctx.db, reportId) : null;
      if (before)
        return {
          outcome: before.method,
          reason: `attributed when first processed: ${before.reason} (confidence ${before.confidence})`,
          state: { attribution: before },
        };
      const attribution = attributeReport(
        required(ctx.state, 'report', 'attribute'),
        databaseLookups(ctx.db, openToken, batchSends(ctx)),
      );
      return {
        outcome: attribution.method,
        reason: `${attribution.reason} (confidence ${attribution.confidence})`,
        state: { attribution },
      };
    },
  };
}
