import type { BounceReason } from './bounce-reason.ts';

/**
 * What `parseMessage` makes of one inbound message: the `abusedesk parse` output contract, one JSON
 * object per file. Fields may be null; more fields are welcome.
 */
export const reportKinds = [
  'fbl',
  'complaint',
  'bounce',
  'auth-failure',
  'autoreply',
  'unsubscribe',
  'reply',
  'other',
] as const;
export type ReportKind = (typeof reportKinds)[number];

export interface BounceDetail {
  recipient: string;
  status: string | null;
  action: string | null;
  /** Why delivery failed, from one vocabulary (BOUNCE_REASONS); decides `hard`. */
  reason: BounceReason;
  /** The address is dead: reason userunknown, hostunknown, hasmoved or notaccept, and the failure permanent. */
  hard: boolean;
  diagnostic: string | null;
  /** The remote server that answered, when the bounce names it. */
  remoteMta: string | null;
}

export interface OriginalMessage {
  messageId: string | null;
  from: string | null;
  to: string[];
  subject: string | null;
  date: string | null;
  returnPath: string | null;
  headersOnly: boolean;
}

/**
 * Whether the reported original offered a way out, for the policy flags on tickets:
 * a `List-Unsubscribe` header (RFC 2369), one-click unsubscribe (RFC 8058: `List-Unsubscribe-Post:
 * List-Unsubscribe=One-Click` plus an https URI), and an unsubscribe link in the body.
 * `header`/`oneClick` are null when the original's headers did not survive (inline forwards).
 */
export interface UnsubscribePolicy {
  header: boolean | null;
  oneClick: boolean | null;
  bodyLink: boolean;
}

export interface Identifiers {
  traceToken: string | null;
  feedbackId: string | null;
  cfblFeedbackId: string | null;
  verp: Record<string, string> | null;
  listUnsubscribe: string[];
  headers: Record<string, string>;
  /** What the original offered to unsubscribe (policy flags on tickets). */
  unsubscribe?: UnsubscribePolicy;
}

export interface AuthSummary {
  dkim: string;
  dkimDomains: string[];
  spf: string;
  dmarc: string;
  trusted: boolean;
}

export interface ParsedReport {
  file?: string;
  kind: ReportKind;
  reason: string;
  feedbackType: string | null;
  provider: string | null;
  userAgent: string | null;
  /** The one mailbox of the report's From (RFC 5322 §3.4, parsed before decoding), or null. */
  reporter: string | null;
  /** Why From names no single reporter (a group, several mailboxes, an address in the display name…). */
  reporterIssue?: string;
  complainants: string[];
  redacted: boolean;
  /** Complainant placeholders a provider redacted or hashed: evidence only, never an address to suppress. */
  redactedComplainants?: string[];
  bounces: BounceDetail[];
  original: OriginalMessage | null;
  identifiers: Identifiers;
  sourceIp: string | null;
  arrivalDate: string | null;
  auth: AuthSummary | null;
  /** A human reporter's own words, before the forwarded original (complaints, replies, unsubscribes). */
  reporterText?: string;
  /** What authentication could not establish (e.g. no envelope or resolver for offline `parse`). */
  authNote?: string | null;
  /** The ticket a reply names (Subject, In-Reply-To or References), upper-cased; only on kind `reply`. */
  replyTicketId?: string;
}
