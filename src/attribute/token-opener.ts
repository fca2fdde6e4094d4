import type { Config } from '../config/config-schema.ts';
import type { OpenedToken } from './attribution-lookups.ts';
import { keyringFromConfig } from './token-keyring.ts';
import { openTraceToken } from './trace-token.ts';

/** Opens trace tokens with the configured keys, in the shape attribution uses (either token form). */
export function tokenOpener(config: Pick<Config, 'tokens'>): (token: string) => OpenedToken | null {
  const keyring = keyringFromConfig(config);
  return (token) => {
    const c = openTraceToken(token, keyring);
    if (!c) return null;
    return c.form === 'full'
      ? { client: c.client, campaign: c.campaign, recipient: c.recipient, sentAt: c.sentAt }
      : {
          clientId: c.clientId,
          ...(c.campaignId !== null ? { campaignId: c.campaignId } : {}),
          sendId: c.sendId,
          sentAt: c.sentAt,
        };
  };
}
