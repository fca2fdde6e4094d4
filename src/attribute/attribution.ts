/** How a report was tied to a client and campaign: the rung of the attribution ladder that decided. */
export type AttributionMethod =
  | 'trace-token'
  | 'send-log'
  | 'feedback-id'
  | 'cfbl-feedback-id'
  | 'campaign-header'
  | 'verp'
  | 'sender-domain'
  /** A staff member tied an unmatched report to a client by hand (the reason names who, and why). */
  | 'staff'
  | 'unmatched';

/** One rung of the ladder that found something. */
export interface AttributionHit {
  method: AttributionMethod;
  confidence: number;
  clientId: number;
  client: string;
  campaignId: number | null;
  campaign: string | null;
  recipient: string | null;
  sendId: number | null;
  reason: string;
}

export interface Attribution {
  method: AttributionMethod;
  /** 0–1: 1 for an authenticated trace token, lower for unsigned declarations and guesses. */
  confidence: number;
  clientId: number | null;
  client: string | null;
  campaignId: number | null;
  campaign: string | null;
  /** The original recipient, when a token or the send log knows it (recovers redacted complainants). */
  recipient: string | null;
  sendId: number | null;
  reason: string;
  /** Every rung that found something, best first (staff see the whole ladder). */
  hits: AttributionHit[];
  /** Token-shaped strings that did not open: evidence of nothing, but worth showing. */
  rejectedToken: boolean;
}
