import type { Stage } from '../worker/stage.ts';
import type { StoredMessage } from '../worker/stored-message.ts';
import { classifyMessage } from './classification.ts';
import type { ParseOptions } from './parse-options.ts';
import type { ParsePool } from './parse-pool.ts';

/**
 * classify: exactly one kind with its reason (the detectors of src/classify/ over the message's MIME structure).
 * With a parse pool, classify and extract run there together, off the event loop: the classification comes
 * back without its MIME tree and the extracted report is handed on as `extracted` for the extract stage.
 */
export function classifyStage(
  options: (message: StoredMessage, now: () => Date) => ParseOptions,
  pool?: ParsePool,
): Stage {
  return {
    name: 'classify',
    async run(ctx) {
      if (pool?.offloads(ctx.message.size)) {
        const { classification, report } = await pool.parse(
          pool.source(ctx.message, () => ctx.raw),
          options(ctx.message, ctx.now),
        );
        return {
          outcome: classification.kind,
          reason: classification.reason,
          state: { classification, extracted: report },
        };
      }
      const classification = classifyMessage(ctx.raw, options(ctx.message, ctx.now));
      return { outcome: classification.kind, reason: classification.reason, state: { classification } };
    },
  };
}
