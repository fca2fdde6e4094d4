import type { ActionPolicy } from '../actions/plan-actions.ts';
import { deskMailSettings, type DeskMailSettings } from '../answer/desk-mail-settings.ts';
import type { Config } from '../config/config-schema.ts';
import type { EnforcementContext } from './enforce-client.ts';
import { enforcementPolicy } from './enforcement-policy.ts';
import { loadMailboxProviders } from './mailbox-providers.ts';

/** What client status changes need from config: the policy, the mailbox providers, the refused consent methods, the global webhook endpoints. */
export interface EnforcementSettings extends EnforcementContext {
  refusedConsentMethods: readonly string[];
  /** Window of cross-client list intelligence (config `enforcement.sharedListDays`). */
  sharedListDays: number;
  /** The actions policy (config `actions`): staff attribution runs the pipeline's actions with it. */
  actions: ActionPolicy;
  /** Config `enforcement.countTokenProvenSignals`, for signals of reports staff attribute by hand. */
  countTokenProvenSignals: boolean;
  /** Staff answers and client status notices (config `outbox.from`, `smtp`, `desk`). */
  desk: DeskMailSettings;
}

export function enforcementSettings(
  config: Pick<Config, 'enforcement' | 'webhooks' | 'actions' | 'smtp' | 'outbox' | 'desk'>,
): EnforcementSettings {
  return {
    policy: enforcementPolicy(config),
    providers: loadMailboxProviders(),
    refusedConsentMethods: config.enforcement.refusedConsentMethods,
    sharedListDays: config.enforcement.sharedListDays,
    webhookEndpoints: config.webhooks.endpoints,
    actions: {
      globalReasons: config.actions.globalSuppressionReasons,
      untrustedMaxSuppressions: config.actions.untrustedMaxSuppressions,
    },
    countTokenProvenSignals: config.enforcement.countTokenProvenSignals,
    desk: deskMailSettings(config),
  };
}
