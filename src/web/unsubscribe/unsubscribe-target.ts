import type { AttributionLookups } from '../../attribute/attribution-lookups.ts';

/** Whom a one-click unsubscribe token names: the recipient and the client whose list it is. */
export interface UnsubscribeTarget {
  address: string;
  clientId: number;
  client: string;
  /** The campaign the token names, when known to us (the unsubscribe counts against it). */
  campaignId: number | null;
  tokenForm: 'full' | 'compact';
}

/**
 * Opens the token (either form) and resolves it to a known client and a recipient: the full form
 * carries both; the compact form names a send, whose row gives the recipient. Null when the token
 * does not open, or names a client or send we do not know (a forged or stale token suppresses nothing).
 */
export function unsubscribeTarget(lookups: AttributionLookups, token: string): UnsubscribeTarget | null {
  const opened = lookups.openToken(token);
  if (!opened) return null;
  if (opened.client !== undefined) {
    const client = lookups.clientBySlug(opened.client);
    if (!client || !opened.recipient) return null;
    const campaign = opened.campaign ? lookups.campaignBySlug(opened.campaign) : null;
    return {
      address: opened.recipient.trim().toLowerCase(),
      clientId: client.id,
      client: client.slug,
      campaignId: campaign?.clientId === client.id ? campaign.id : null,
      tokenForm: 'full',
    };
  }
  if (opened.clientId === undefined || opened.sendId === undefined) return null;
  const client = lookups.clientById(opened.clientId);
  const send = lookups.sendById(opened.sendId);
  if (!client || !send || send.clientId !== client.id || !send.recipient) return null;
  return {
    address: send.recipient.trim().toLowerCase(),
    clientId: client.id,
    client: client.slug,
    campaignId: send.campaignId ?? null,
    tokenForm: 'compact',
  };
}
