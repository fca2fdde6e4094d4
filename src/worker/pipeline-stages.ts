import type { Config } from '../config/config-schema.ts';
import { actionsStage } from '../actions/actions-stage.ts';
import type { Acknowledger } from '../actions/acknowledger.ts';
import { tokenOpener } from '../attribute/token-opener.ts';
import { headersStage } from '../headers/headers-stage.ts';
import { parseStage } from '../parse/parse-stage.ts';
import type { Stage } from './stage.ts';
import { enforcementSettings } from '../enforcement/enforcement-settings.ts';
import type { DnsResolver } from '../authenticate/dns-resolver.ts';

/**
 * The pipeline, in order. Each stage's name is used in the database, logs and UI:
 * headers → parse (authenticate, classify, extract) → actions (attribute, actions).
 */
export function pipelineStages(config: Config, acknowledge?: Acknowledger, io: { resolver?: DnsResolver | undefined } = {}): Stage[] {
  return [
    headersStage,
    parseStage(config, io.resolver),
    actionsStage({
      policy: { globalReasons: config.actions.globalSuppressionReasons, untrustedMaxSuppressions: config.actions.untrustedMaxSuppressions },
      enforcement: {
        ctx: enforcementSettings(config),
        signals: { countTokenProven: config.enforcement.countTokenProvenSignals },
      },
      ticketIdPattern: new RegExp(config.parse.ticketIdPattern),
      openToken: tokenOpener(config),
      acknowledge,
    }),
  ];
}
