import type { Attribution } from '../attribute/attribution.ts';
import type { ParsedReport } from '../report/parsed-report.ts';
import type { SuppressionReason } from '../store/suppressions-store.ts';
import type { TicketType } from '../store/tickets-store.ts';
import { note, type Decision } from '../decisions/decision.ts';

/** Policy for the actions stage; from config (`actions` section). */
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
  /** Which rule asks for it (stored with the decision). */
  rule: string;
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

/** Everything the actions stage will do for one report, each with its reason (stored and shown to staff). */
export interface ActionPlan {
  suppressions: PlannedSuppression[];
  /** Suppressions the policy refused, as decisions. */
  skippedSuppressions: Decision[];
  ticket: PlannedTicket | null;
  /** Ticket id named by a reply (subject or In-Reply-To/References). */
  replyTo: string | null;
  acknowledge: boolean;
  flags: string[];
  /** What the report only records, as decisions. */
  notes: Decision[];
}

/** FBL feedback types that suppress (RFC 5965 §7.3 plus `opt-out`); `not-spam` never does. */
const SUPPRESSING_FEEDBACK: Record<string, SuppressionReason> = {
  abuse: 'complaint',
  fraud: 'complaint',
  virus: 'complaint',
  other: 'complaint',
  'opt-out': 'opt-out',
};

/** Policy flags about the reported original: List-Unsubscribe, one-click (RFC 8058), a link in the body. */
export function policyFlags(r: ParsedReport): string[] {
  const u = r.identifiers.unsubscribe;
  if (!r.original || !u) return [];
  const flags: string[] = [];
  if (u.header === false) flags.push('no-list-unsubscribe');
  if (u.header !== false && u.oneClick === false) flags.push('no-one-click-unsubscribe');
  if (!u.bodyLink && !r.original.headersOnly) flags.push('no-unsubscribe-link-in-body');
  return flags;
}

const who = (a: Attribution): string =>
  a.client ? `${a.client}${a.campaign ? ` / ${a.campaign}` : ''}` : 'unmatched';

/** What the per-kind planners share: the report, its attribution, the plan being built and the rule-checked `add`. */
interface Planning {
  r: ParsedReport;
  a: Attribution;
  plan: ActionPlan;
  add: (address: string | null | undefined, reason: SuppressionReason, rule: string, why: string) => void;
  incident: (why: string) => PlannedTicket;
}

function planning(r: ParsedReport, a: Attribution, policy: ActionPolicy): Planning {
  const plan: ActionPlan = {
    suppressions: [],
    skippedSuppressions: [],
    ticket: null,
    replyTo: null,
    acknowledge: false,
    flags: [],
    notes: [],
  };
  const trusted = r.auth?.trusted === true;
  const skip = (target: string, rule: string, reason: string): void =>
    void plan.skippedSuppressions.push({ kind: 'skip-suppress', target, scope: null, rule, reason });
  const incidentKey = a.clientId ? `${a.clientId}:${a.campaignId ?? 0}` : null;
  return {
    r,
    a,
    plan,
    add: (address, reason, rule, why) => {
      if (!address) return;
      const lower = address.toLowerCase();
      if (plan.suppressions.some((s) => s.address === lower && s.reason === reason)) return;
      if (!a.clientId && !policy.globalReasons.includes(reason))
        return skip(lower, 'no-client', `no client attributed, so no list to remove it from (${why})`);
      if (!trusted && plan.suppressions.length >= policy.untrustedMaxSuppressions) {
        return skip(
          lower,
          'untrusted-cap',
          `report not verified, at most ${policy.untrustedMaxSuppressions} suppression(s) per unverified report`,
        );
      }
      plan.suppressions.push({
        address: lower,
        reason,
        global: policy.globalReasons.includes(reason),
        rule,
        why,
      });
    },
    incident: (why) => ({
      type: 'incident',
      subject: `Complaints and bounces: ${who(a)}`,
      incidentKey,
      alsoIncident: false,
      why,
    }),
  };
}

function planFbl({ r, a, plan, add, incident }: Planning): void {
  const reason = SUPPRESSING_FEEDBACK[r.feedbackType ?? 'abuse'];
  const recipients = r.complainants.length ? r.complainants : a.recipient ? [a.recipient] : [];
  if (!reason)
    plan.notes.push(note('fbl-never-suppresses', `feedback type ${r.feedbackType}: never suppresses`));
  else if (recipients.length === 0)
    plan.notes.push(
      note('fbl-redacted', 'complainant redacted and not recoverable from a trace token or the send log'),
    );
  else {
    for (const c of recipients) {
      if (r.complainants.includes(c))
        add(
          c,
          reason,
          `fbl-${r.feedbackType ?? 'abuse'}`,
          `FBL ${r.feedbackType ?? 'abuse'} report names ${c}`,
        );
      else add(c, reason, 'fbl-recovered-complainant', `complainant redacted; recovered from ${a.method}`);
    }
  }
  plan.ticket = a.clientId
    ? incident(`FBL report for ${who(a)}`)
    : {
        type: 'unmatched',
        subject: `Unmatched FBL report${r.provider ? ` from ${r.provider}` : ''}`,
        incidentKey: null,
        alsoIncident: false,
        why: a.reason,
      };
  plan.notes.push(
    note('fbl-no-reply', 'FBL report: no reply (provider agreements forbid contacting the complainant)'),
  );
}

function planComplaint({ r, a, plan, add }: Planning): void {
  // A reporting service (SpamCop) redacts the recipient and writes from its own per-report address: that
  // address is not the person who got the mail, so without a recovered recipient nothing is suppressed.
  const target = a.recipient ?? r.complainants[0] ?? (r.redacted ? null : r.reporter);
  if (target)
    add(
      target,
      'complaint',
      'complaint-recipient',
      a.recipient
        ? `original recipient from ${a.method}`
        : r.complainants[0]
          ? 'original recipient quoted in the forward'
          : "the reporter's own address (no original recipient found)",
    );
  else
    plan.notes.push(
      note(
        'complaint-redacted',
        'recipient redacted by the reporting service and not recoverable from a trace token or the send log: nothing to suppress',
      ),
    );
  const subject = `Spam complaint${r.reporter ? ` from ${r.reporter}` : ''}${r.original?.subject ? `: ${r.original.subject}` : ''}`;
  plan.ticket = {
    type: a.clientId ? 'complaint' : 'unmatched',
    subject,
    incidentKey: null,
    alsoIncident: a.clientId !== null,
    why: a.clientId ? `human complaint about ${who(a)}` : a.reason,
  };
  plan.acknowledge = true;
}

function planBounce({ r, a, plan, add, incident }: Planning): void {
  for (const b of r.bounces) {
    if (b.hard)
      add(
        b.recipient,
        'bounce',
        'hard-bounce',
        `hard bounce (${b.reason}) ${b.status ?? ''}${b.diagnostic ? `: ${b.diagnostic.slice(0, 120)}` : ''}`.trim(),
      );
    else
      plan.notes.push(
        note(
          'soft-bounce',
          `${b.recipient}: soft bounce (${b.reason}) ${b.status ?? ''} (counted, not suppressed)`,
        ),
      );
  }
  plan.ticket = a.clientId
    ? incident(`bounces for ${who(a)}`)
    : {
        type: 'incident',
        subject: 'Unmatched bounces',
        incidentKey: 'unmatched:bounce',
        alsoIncident: false,
        why: a.reason,
      };
}

function planUnsubscribe({ r, a, plan, add }: Planning): void {
  add(
    a.recipient ?? r.complainants[0] ?? r.reporter,
    'unsubscribe',
    'unsubscribe-request',
    a.recipient
      ? `unsubscribe request; recipient from ${a.method}`
      : 'unsubscribe request from the sender of this mail',
  );
  if (!a.clientId)
    plan.ticket = {
      type: 'unsubscribe',
      subject: `Unsubscribe request${r.reporter ? ` from ${r.reporter}` : ''} (client unknown)`,
      incidentKey: null,
      alsoIncident: false,
      why: a.reason,
    };
}

const KIND_PLANNERS: Record<ParsedReport['kind'], (p: Planning, replyTicketId: string | null) => void> = {
  fbl: planFbl,
  complaint: planComplaint,
  bounce: planBounce,
  unsubscribe: planUnsubscribe,
  'auth-failure': ({ r, plan }) => {
    plan.ticket = {
      type: 'auth-failure',
      subject: `Authentication failure report${r.original?.from ? ` for ${r.original.from}` : ''}`,
      incidentKey: null,
      alsoIncident: false,
      why: 'someone may be spoofing the ESP or a client: staff review; never suppresses',
    };
  },
  reply: ({ plan }, replyTicketId) => {
    if (replyTicketId) plan.replyTo = replyTicketId;
    else
      plan.ticket = {
        type: 'other',
        subject: 'Reply naming an unknown ticket',
        incidentKey: null,
        alsoIncident: false,
        why: 'the ticket id it names does not exist',
      };
  },
  autoreply: ({ plan }) =>
    void plan.notes.push(note('autoreply', 'auto-reply: recorded only, never a complaint, never answered')),
  other: ({ r, plan }) => {
    plan.ticket = {
      type: 'other',
      subject: r.original?.subject ?? 'Message for staff triage',
      incidentKey: null,
      alsoIncident: false,
      why: 'not a report the pipeline can act on: staff triage',
    };
  },
};

/**
 * The addresses a report names that enforcement records a trap hit for when they are listed traps: an FBL's
 * complainant (not for `not-spam` or `opt-out`), a human complaint's original recipient, every bounced recipient
 * (hard or soft). Only for an attributed report, as enforcement only records signals for a known client.
 */
function trapCandidates(r: ParsedReport, a: Attribution): Array<string | null> {
  if (a.clientId === null) return [];
  const complainant = a.recipient ?? r.complainants[0] ?? null;
  if (r.kind === 'fbl')
    return r.feedbackType === 'not-spam' || r.feedbackType === 'opt-out' ? [] : [complainant];
  if (r.kind === 'complaint') return [complainant];
  if (r.kind === 'bounce') return r.bounces.map((b) => b.recipient);
  return [];
}

/** A listed spam trap is never mailed again by anyone: suppressed with reason `trap`, whatever the cap for unverified reports. */
function planTrapSuppressions(
  r: ParsedReport,
  a: Attribution,
  policy: ActionPolicy,
  plan: ActionPlan,
  isTrap: (address: string) => boolean,
): void {
  for (const candidate of trapCandidates(r, a)) {
    const address = candidate?.toLowerCase();
    if (
      !address ||
      !isTrap(address) ||
      plan.suppressions.some((s) => s.address === address && s.reason === 'trap')
    )
      continue;
    plan.suppressions.push({
      address,
      reason: 'trap',
      global: policy.globalReasons.includes('trap'),
      rule: 'spam-trap',
      why: 'the address is a listed spam trap',
    });
  }
}

/**
 * Decides what to do with one understood and attributed report — each kind's default actions (README "What each
 * kind does"). Pure: `isTrap` is the only lookup; the actions stage applies the plan in one transaction.
 */
export function planActions(
  r: ParsedReport,
  a: Attribution,
  policy: ActionPolicy,
  replyTicketId: string | null,
  isTrap: (address: string) => boolean = () => false,
): ActionPlan {
  const p = planning(r, a, policy);
  KIND_PLANNERS[r.kind](p, replyTicketId);
  planTrapSuppressions(r, a, policy, p.plan, isTrap);
  if (r.kind === 'fbl' || r.kind === 'complaint') p.plan.flags = policyFlags(r);
  return p.plan;
}
