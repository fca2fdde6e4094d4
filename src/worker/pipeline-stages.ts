import type { Config } from '../config/config-schema.ts';
import { actionsStage } from '../actions/actions-stage.ts';
import type { Acknowledger } from '../actions/acknowledger.ts';
import { tokenOpener } from '../attribute/token-opener.ts';
import { headersStage } from '../headers/headers-stage.ts';
import { parseStage } from '../parse/parse-stage.ts';
import type { Stage } from './stage.ts';

/**
 * The pipeline, in order. Each stage's name is used in the database, logs and UI:
 * headers → parse (authenticate, classify, extract) → actions (attribute, actions).
 */
export function pipelineStages(config: Config, acknowledge?: Acknowledger): Stage[] {
  return [
    headersStage,
    parseStage(config),
    actionsStage({
      policy: { globalReasons: config.actions.globalSuppressionReasons, untrustedMaxSuppressions: config.actions.untrustedMaxSuppressions },
      ticketIdPattern: new RegExp(config.parse.ticketIdPattern),
      openToken: tokenOpener(config),
      acknowledge,
    }),
  ];
}
