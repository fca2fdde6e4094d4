/** What attribution needs from the database, injected so the ladder itself stays pure. */
export interface ClientRef {
  id: number;
  slug: string;
}
export interface CampaignRef {
  id: number;
  slug: string;
  clientId: number;
}
export interface SendRef {
  id: number;
  recipient: string;
  clientId: number;
  campaignId: number | null;
  sentAt: string;
}
/** What a trace token says once opened (either form). */
export interface OpenedToken {
  client?: string;
  campaign?: string;
  recipient?: string;
  clientId?: number;
  campaignId?: number;
  sendId?: number;
  sentAt?: Date;
}

export interface AttributionLookups {
  openToken(token: string): OpenedToken | null;
  clientBySlug(slug: string): ClientRef | null;
  clientById(id: number): ClientRef | null;
  campaignBySlug(slug: string): CampaignRef | null;
  campaignById(id: number): CampaignRef | null;
  sendById(id: number): SendRef | null;
  sendByMessageId(messageId: string): SendRef | null;
  clientByDomain(domain: string): ClientRef | null;
  /** The client's campaign running at that time (latest started at or before it). */
  campaignAt(clientId: number, at: Date): CampaignRef | null;
}
