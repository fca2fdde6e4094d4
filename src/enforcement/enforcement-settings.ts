import type { Config } from '../config/config-schema.ts';
import type { EnforcementContext } from './enforce-client.ts';
import { enforcementPolicy } from './enforcement-policy.ts';
import { loadMailboxProviders } from './mailbox-providers.ts';

/** What client status changes need from config: the policy, the mailbox providers, the refused consent methods, the global webhook endpoints. */
export interface EnforcementSettings extends EnforcementContext {
  refusedConsentMethods: readonly string[];
  /** Window of cross-client list intelligence (config `enforcement.sharedListDays`). */
  sharedListDays: number;
}

export function enforcementSettings(config: Pick<Config, 'enforcement' | 'webhooks'>): EnforcementSettings {
  return {
    policy: enforcementPolicy(config),
    providers: loadMailboxProviders(),
    refusedConsentMethods: config.enforcement.refusedConsentMethods,
    sharedListDays: config.enforcement.sharedListDays,
    webhookEndpoints: config.webhooks.endpoints,
  };
}
