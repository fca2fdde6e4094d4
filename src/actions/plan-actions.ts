import type { Attribution } from '../attribute/attribution.ts';
import type { ParsedReport } from '../parse/parsed-report.ts';
import type { SuppressionReason } from '../suppressions/suppression-store.ts';
import type { TicketType } from '../tickets/ticket-store.ts';

/** Policy for the decide-and-act stage; from config (`actions` section). */
export interface ActionPolicy {
  /** Reasons suppressed in every client's scope (e.g. `trap`), not just the attributed client's. */
  globalReasons: SuppressionReason[];
  /** A report that is not DKIM-verified for a known provider suppresses at most this many addresses (forged reports must not suppress at scale). */
  untrustedMaxSuppressions: number;
}

export interface PlannedSuppression {
  address: string;
  reason: SuppressionReason;
  global: boolean;
  why: string;
}

export interface PlannedTicket {
  type: TicketType;
  subject: string;
  /** Incident tickets aggregate per key; others are one per report. */
  incidentKey: string | null;
  /** A human complaint also lands on its (client, campaign) incident. */
  alsoIncident: boolean;
  why: string;
}

/** Everything the stage will do for one report, each with its reason (stored and shown to staff). */
export interface ActionPlan {
  suppressions: PlannedSuppression[];
  skippedSuppressions: string[];
  ticket: PlannedTicket | null;
  /** Ticket id named by a reply (subject or In-Reply-To/References). */
  replyTo: string | null;
  acknowledge: boolean;
  flags: string[];
  notes: string[];
}

/** FBL feedback types that suppress (RFC 5965 §7.3 plus `opt-out`); `not-spam` never does. */
const SUPPRESSING_FEEDBACK: Record<string, SuppressionReason> = { abuse: 'complaint', fraud: 'complaint', virus: 'complaint', other: 'complaint', 'opt-out': 'opt-out' };

/** Policy flags about the reported original (issue 4 §4). */
export function policyFlags(r: ParsedReport): string[] {
  const u = r.identifiers.unsubscribe;
  if (!r.original || !u) return [];
  const flags: string[] = [];
  if (u.header === false) flags.push('no-list-unsubscribe');
  if (u.header !== false && u.oneClick === false) flags.push('no-one-click-unsubscribe');
  if (!u.bodyLink && !r.original.headersOnly) flags.push('no-unsubscribe-link-in-body');
  return flags;
}

const who = (a: Attribution): string => (a.client ? `${a.client}${a.campaign ? ` / ${a.campaign}` : ''}` : 'unmatched');

/**
 * Decides what to do with one understood and attributed report — the vocabulary's default actions
 * (PRODUCT.md). Pure: the caller applies the plan in one transaction.
 */
export function planActions(r: ParsedReport, a: Attribution, policy: ActionPolicy, replyTicketId: string | null): ActionPlan {
  const plan: ActionPlan = { suppressions: [], skippedSuppressions: [], ticket: null, replyTo: null, acknowledge: false, flags: [], notes: [] };
  const trusted = r.auth?.trusted === true;
  const add = (address: string | null | undefined, reason: SuppressionReason, why: string): void => {
    if (!address) return;
    const lower = address.toLowerCase();
    if (plan.suppressions.some((s) => s.address === lower && s.reason === reason)) return;
    if (!a.clientId && !policy.globalReasons.includes(reason)) {
      plan.skippedSuppressions.push(`${lower}: no client attributed, so no list to remove it from (${why})`);
      return;
    }
    if (!trusted && plan.suppressions.length >= policy.untrustedMaxSuppressions) {
      plan.skippedSuppressions.push(`${lower}: report not verified, at most ${policy.untrustedMaxSuppressions} suppression(s) per unverified report`);
      return;
    }
    plan.suppressions.push({ address: lower, reason, global: policy.globalReasons.includes(reason), why });
  };
  const incidentKey = a.clientId ? `${a.clientId}:${a.campaignId ?? 0}` : null;
  const incident = (why: string): PlannedTicket => ({ type: 'incident', subject: `Complaints and bounces: ${who(a)}`, incidentKey, alsoIncident: false, why });

  switch (r.kind) {
    case 'fbl': {
      const reason = SUPPRESSING_FEEDBACK[r.feedbackType ?? 'abuse'];
      const recipients = r.complainants.length ? r.complainants : a.recipient ? [a.recipient] : [];
      if (!reason) plan.notes.push(`feedback type ${r.feedbackType}: never suppresses`);
      else if (recipients.length === 0) plan.notes.push('complainant redacted and not recoverable from a trace token or the send log');
      else for (const c of recipients) add(c, reason, r.complainants.includes(c) ? `FBL ${r.feedbackType ?? 'abuse'} report names ${c}` : `complainant redacted; recovered from ${a.method}`);
      plan.ticket = a.clientId ? incident(`FBL report for ${who(a)}`) : { type: 'unmatched', subject: `Unmatched FBL report${r.provider ? ` from ${r.provider}` : ''}`, incidentKey: null, alsoIncident: false, why: a.reason };
      plan.notes.push('FBL report: no reply (provider agreements forbid contacting the complainant)');
      break;
    }
    case 'complaint': {
      const target = a.recipient ?? r.complainants[0] ?? r.reporter;
      add(target, 'complaint', a.recipient ? `original recipient from ${a.method}` : r.complainants[0] ? 'original recipient quoted in the forward' : "the reporter's own address (no original recipient found)");
      const subject = `Spam complaint${r.reporter ? ` from ${r.reporter}` : ''}${r.original?.subject ? `: ${r.original.subject}` : ''}`;
      plan.ticket = { type: a.clientId ? 'complaint' : 'unmatched', subject, incidentKey: null, alsoIncident: a.clientId !== null, why: a.clientId ? `human complaint about ${who(a)}` : a.reason };
      plan.acknowledge = true;
      break;
    }
    case 'bounce': {
      for (const b of r.bounces) {
        if (b.hard) add(b.recipient, 'bounce', `hard bounce ${b.status ?? ''}${b.diagnostic ? `: ${b.diagnostic.slice(0, 120)}` : ''}`.trim());
        else plan.notes.push(`${b.recipient}: soft bounce ${b.status ?? ''} (counted, not suppressed)`);
      }
      plan.ticket = a.clientId ? incident(`bounces for ${who(a)}`) : { type: 'incident', subject: 'Unmatched bounces', incidentKey: 'unmatched:bounce', alsoIncident: false, why: a.reason };
      break;
    }
    case 'unsubscribe': {
      add(a.recipient ?? r.complainants[0] ?? r.reporter, 'unsubscribe', a.recipient ? `unsubscribe request; recipient from ${a.method}` : 'unsubscribe request from the sender of this mail');
      if (!a.clientId) plan.ticket = { type: 'unsubscribe', subject: `Unsubscribe request${r.reporter ? ` from ${r.reporter}` : ''} (client unknown)`, incidentKey: null, alsoIncident: false, why: a.reason };
      break;
    }
    case 'auth-failure':
      plan.ticket = { type: 'auth-failure', subject: `Authentication failure report${r.original?.from ? ` for ${r.original.from}` : ''}`, incidentKey: null, alsoIncident: false, why: 'someone may be spoofing the ESP or a client: staff review; never suppresses' };
      break;
    case 'reply':
      if (replyTicketId) plan.replyTo = replyTicketId;
      else plan.ticket = { type: 'other', subject: 'Reply naming an unknown ticket', incidentKey: null, alsoIncident: false, why: 'the ticket id it names does not exist' };
      break;
    case 'autoreply':
      plan.notes.push('auto-reply: recorded only, never a complaint, never answered');
      break;
    case 'other':
      plan.ticket = { type: 'other', subject: r.original?.subject ?? 'Message for staff triage', incidentKey: null, alsoIncident: false, why: 'not a report the pipeline can act on: staff triage' };
      break;
  }
  if (r.kind === 'fbl' || r.kind === 'complaint') plan.flags = policyFlags(r);
  return plan;
}
