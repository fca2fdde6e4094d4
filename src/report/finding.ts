import type { BounceDetail, ReportKind } from './parsed-report.ts';
import type { ReportedOriginal } from './reported-original.ts';

/** One detector's verdict: the kind, why, and what it could read off the message on the way. */
export interface Finding {
  kind: ReportKind;
  reason: string;
  feedbackType?: string | null;
  userAgent?: string | null;
  reporter?: string | null;
  /** Complainant addresses as the message states them; redacted ones are sorted out later. */
  complainants?: string[];
  /** The provider said it redacted the recipient (RFC 6590 Redacted-Address, AOL, SpamCop munging). */
  redacted?: boolean;
  original?: ReportedOriginal | null;
  sourceIp?: string | null;
  arrivalDate?: string | null;
  bounces?: BounceDetail[];
  provider?: string | null;
  /** The ticket a reply names, upper-cased. */
  ticketId?: string | null;
}
