import type { Stage } from '../worker/stage.ts';
import type { StoredMessage } from '../worker/stored-message.ts';
import { classifyMessage } from './classification.ts';
import type { ParseOptions } from './parse-options.ts';

/** classify: exactly one kind with its reason (the detectors of src/classify/ over the message's MIME structure). */
export function classifyStage(options: (message: StoredMessage, now: () => Date) => ParseOptions): Stage {
  return {
    name: 'classify',
    run(ctx) {
      const classification = classifyMessage(ctx.raw, options(ctx.message, ctx.now));
      return { outcome: classification.kind, reason: classification.reason, state: { classification } };
    },
  };
}
