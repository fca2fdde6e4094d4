import { suppressionRules } from '../suppress/suppression-rules.ts';
import type { Config } from '../config/config-schema.ts';
import type { Acknowledger } from '../actions/acknowledger.ts';
import { reportActionsStage } from '../actions/report-actions-stage.ts';
import { attributeStage } from '../attribute/attribute-stage.ts';
import { tokenOpener } from '../attribute/token-opener.ts';
import { authenticateStage } from '../authenticate/authenticate-stage.ts';
import type { DnsResolver } from '../authenticate/dns-resolver.ts';
import { enforcementSettings } from '../enforcement/enforcement-settings.ts';
import { enforcementStage } from '../enforcement/enforcement-stage.ts';
import { headersStageWith } from '../headers/headers-stage.ts';
import { classifyStage } from '../parse/classify-stage.ts';
import { extractStage } from '../parse/extract-stage.ts';
import { messageParseOptions } from '../parse/message-parse-options.ts';
import type { ParsePool } from '../parse/parse-pool.ts';
import type { Stage } from './stage.ts';

/**
 * The pipeline, in order — the stage table of the README. Each stage's name is used in the database, logs and UI:
 * headers → authenticate → classify → extract → attribute → actions → enforcement. With `io.parsePool`,
 * authenticate, classify and extract do their CPU work on its threads.
 */
export function pipelineStages(
  config: Config,
  acknowledge?: Acknowledger,
  io: { resolver?: DnsResolver | undefined; parsePool?: ParsePool | undefined } = {},
): Stage[] {
  const parseOptions = messageParseOptions(config, io.resolver);
  return [
    headersStageWith(io.parsePool),
    authenticateStage(parseOptions, io.parsePool),
    classifyStage(parseOptions, io.parsePool),
    extractStage(parseOptions),
    attributeStage(tokenOpener(config)),
    reportActionsStage({
      policy: {
        globalReasons: config.actions.globalSuppressionReasons,
        untrustedMaxSuppressions: config.actions.untrustedMaxSuppressions,
      },
      acknowledge,
      webhookEndpoints: config.webhooks.endpoints,
      suppressionRules: suppressionRules(config),
    }),
    enforcementStage({
      ctx: enforcementSettings(config),
      signals: { countTokenProven: config.enforcement.countTokenProvenSignals },
    }),
  ];
}
