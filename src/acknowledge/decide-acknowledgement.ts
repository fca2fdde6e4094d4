import type { ReportKind } from '../report/parsed-report.ts';
import { isMailAddress } from '../mime/mail-address.ts';
import { ipNetwork } from '../runtime/ip-network.ts';

export interface AcknowledgementInput {
  kind: ReportKind;
  /** The human reporter's address (the one mailbox of From, RFC 5322 §3.4), or null when none was found. */
  reporter: string | null;
  /** Why From names no single reporter (a group, several mailboxes, an address in the display name…), else null. */
  reporterIssue: string | null;
  /** RFC 5321 envelope sender of the report; '' for the null sender `<>`. */
  mailFrom: string;
  /** Top-level header fields of the inbound message, by lower-case name. */
  headers: Map<string, string[]>;
  /** DMARC result for the report's From domain ('pass', 'fail', 'none', 'temperror', …). */
  fromDmarc: string;
  /**
   * How the reporter's domain authenticated (reporterAuthentication: an aligned DKIM signature or SPF pass),
   * or null when it did not.
   */
  reporterAuthenticated: string | null;
  /** Acknowledge only authenticated reporters (`outbox.ackRequireAuthentication`). */
  requireAuthentication: boolean;
  /** Our own mailboxes (abuse@esp.example, …) and domains: never write to ourselves (loops). */
  ourAddresses: string[];
  ourDomains: string[];
  /** An acknowledgement to this reporter already exists on this ticket. */
  alreadyAcknowledged: boolean;
  /** Acknowledgements already queued to this address today. */
  sentTodayToAddress: number;
  dailyCap: number;
  /** Acknowledgements queued in the current UTC hour: in all, to the reporter's source network, to the reporter's domain. */
  sentThisHour: { total: number; network: number; domain: number };
  /** `outbox.ackHourlyCap`, `outbox.ackHourlyCapPerNetwork`, `outbox.ackHourlyCapPerDomain`. */
  hourlyCaps: { total: number; network: number; domain: number };
  /** The SMTP client's network (/24 IPv4, /48 IPv6), as sourceNetwork() names it; null when unknown. */
  sourceNetwork: string | null;
  /** Language of the reporter's own words (detectLanguage). */
  language: string;
}

export type AcknowledgementDecision =
  { send: true; to: string; language: string } | { send: false; rule: AckRule; reason: string };

/** A conservative default for the per-address daily cap (callers usually take it from config). */
export const DEFAULT_ACK_DAILY_CAP = 3;

/**
 * The network an SMTP client address belongs to for the per-network cap: its /24 for IPv4, its /48 for IPv6
 * (the usual smallest allocations to one site, RFC 6177 §3), an IPv4-mapped IPv6 address as IPv4.
 * Null when the address is not an IP address.
 */
export function sourceNetwork(ip: string | null | undefined): string | null {
  return ipNetwork(ip, 48);
}

const localPart = (a: string): string => a.slice(0, a.lastIndexOf('@')).toLowerCase();
const domainOf = (a: string): string =>
  a
    .slice(a.lastIndexOf('@') + 1)
    .toLowerCase()
    .replace(/\.$/, '');
const values = (h: Map<string, string[]>, name: string): string[] => h.get(name) ?? [];

/**
 * Senders that are programs, not people (RFC 3834 §2: don't respond to MAILER-DAEMON, owner-*, *-request;
 * RFC 2142 role mailboxes for mail systems; the no-reply family by convention).
 */
const ROBOT_LOCAL_PART =
  /^(mailer-daemon|mailerdaemon|postmaster|hostmaster|mail-daemon|no-?reply|do-?not-?reply|noreply-.*|.*-noreply|bounces?|bounce[-+.].*|listserv|majordomo|owner-.*|.*-owner|.*-request|fbl|feedback-?loop)$/;

/** RFC 3834 §5: `Auto-Submitted: no` is the only value that marks a message written by a person. */
const autoSubmitted = (h: Map<string, string[]>): string | null => {
  for (const v of values(h, 'auto-submitted')) {
    const token = v.split(';')[0]!.trim().toLowerCase();
    if (token !== 'no') return token || '(empty)';
  }
  return null;
};

interface RuleRow {
  rule: string;
  description: string;
  /** Returns why the rule blocks the acknowledgement, or null when it does not apply. */
  blocks(i: AcknowledgementInput): string | null;
}

/**
 * Every reason not to acknowledge, in the order they are checked.
 * The first rule that blocks is stored on the ticket, so staff see which one stopped the mail.
 */
export const ACK_RULES = [
  {
    rule: 'kind-not-complaint',
    description:
      'only human complaints are acknowledged: never fbl (provider agreements forbid contacting the complainant), bounce, autoreply, auth-failure, unsubscribe, reply or other',
    blocks: (i) =>
      i.kind === 'complaint'
        ? null
        : i.kind === 'fbl'
          ? 'FBL report: provider agreements forbid contacting the complainant'
          : `kind ${i.kind} is never acknowledged (human complaints only)`,
  },
  {
    rule: 'reporter-ambiguous',
    description:
      'From is a group, lists several mailboxes or angle-addrs, or its display name or a comment contains an address (RFC 5322 §3.4): the person to write to cannot be told apart from a third party named in it',
    blocks: (i) => (i.reporter === null && i.reporterIssue ? i.reporterIssue : null),
  },
  {
    rule: 'no-reporter',
    description: 'no single valid reporter address to write to',
    blocks: (i) =>
      i.reporter === null || i.reporter.trim() === ''
        ? 'no reporter address was found'
        : isMailAddress(i.reporter.trim())
          ? null
          : `reporter ${JSON.stringify(i.reporter.slice(0, 80))} is not one valid address`,
  },
  {
    rule: 'null-sender',
    description: 'the envelope sender is <> (a notification; RFC 5321 §4.5.5, RFC 3834 §2)',
    blocks: (i) =>
      i.mailFrom.trim() === '' || i.mailFrom.trim() === '<>'
        ? 'the report came with the null envelope sender <>'
        : null,
  },
  {
    rule: 'robot-sender',
    description: 'MAILER-DAEMON, postmaster-style, list-robot or no-reply senders (RFC 3834 §2)',
    blocks: (i) => {
      for (const [what, a] of [
        ['reporter', i.reporter!.trim()],
        ['envelope sender', i.mailFrom.trim()],
      ] as const) {
        if (a.includes('@') ? ROBOT_LOCAL_PART.test(localPart(a)) : ROBOT_LOCAL_PART.test(a.toLowerCase()))
          return `${what} ${a} is a mail system or no-reply address`;
      }
      return null;
    },
  },
  {
    rule: 'auto-submitted',
    description: 'Auto-Submitted other than "no" (RFC 3834 §5: never answer automatic mail)',
    blocks: (i) => {
      const t = autoSubmitted(i.headers);
      return t ? `Auto-Submitted: ${t}` : null;
    },
  },
  {
    rule: 'precedence-bulk',
    description: 'Precedence: bulk, list or junk (RFC 3834 §2, common practice)',
    blocks: (i) => {
      const v = values(i.headers, 'precedence')
        .map((x) => x.trim().toLowerCase())
        .find((x) => /^(bulk|list|junk)\b/.test(x));
      return v ? `Precedence: ${v}` : null;
    },
  },
  {
    rule: 'list-mail',
    description: 'List-Id or List-Unsubscribe present: mail from a list (RFC 2919, RFC 2369)',
    blocks: (i) => {
      const name = ['list-id', 'list-unsubscribe'].find((n) => values(i.headers, n).length > 0);
      return name ? `${name === 'list-id' ? 'List-Id' : 'List-Unsubscribe'} header present: list mail` : null;
    },
  },
  {
    rule: 'auto-response-suppressed',
    description:
      'X-Auto-Response-Suppress asks for no automatic reply (All, AutoReply or OOF; Microsoft [MS-OXCMAIL] 2.2.3.2.20)',
    blocks: (i) => {
      const tokens = values(i.headers, 'x-auto-response-suppress')
        .flatMap((v) => v.split(/[,;\s]+/))
        .map((t) => t.trim().toLowerCase());
      const hit = tokens.find((t) => t === 'all' || t === 'autoreply' || t === 'oof');
      return hit ? `X-Auto-Response-Suppress: ${hit}` : null;
    },
  },
  {
    rule: 'own-address',
    description: 'the reporter or envelope sender is one of our addresses or domains (mail loop)',
    blocks: (i) => {
      const ours = new Set(i.ourAddresses.map((a) => a.toLowerCase()));
      const domains = i.ourDomains.map((d) => d.toLowerCase().replace(/\.$/, ''));
      for (const a of [i.reporter!.trim(), i.mailFrom.trim()]) {
        if (!a.includes('@')) continue;
        const d = domainOf(a);
        if (ours.has(a.toLowerCase()) || domains.some((o) => d === o || d.endsWith(`.${o}`)))
          return `${a} is our own address: acknowledging would loop`;
      }
      return null;
    },
  },
  {
    rule: 'dmarc-fail',
    description: "the report's From fails DMARC: the address may be forged, so we do not write to it",
    blocks: (i) =>
      i.fromDmarc.trim().toLowerCase() === 'fail'
        ? `From ${i.reporter} fails DMARC: possibly forged, not contacted`
        : null,
  },
  {
    rule: 'unauthenticated-reporter',
    description:
      "the reporter's domain does not authenticate the report (no DKIM signature or SPF pass aligned with it, RFC 7489 §3.1): the From may be forged, and an acknowledgement would be backscatter to a third party",
    blocks: (i) =>
      i.requireAuthentication && i.reporterAuthenticated === null
        ? `${i.reporter} is not authenticated (no DKIM signature or SPF pass aligned with its domain; DMARC ${i.fromDmarc}): possibly forged, not contacted`
        : null,
  },
  {
    rule: 'already-acknowledged',
    description: 'at most one acknowledgement per reporter per ticket',
    blocks: (i) => (i.alreadyAcknowledged ? `${i.reporter} was already acknowledged on this ticket` : null),
  },
  {
    rule: 'daily-cap',
    description: 'at most dailyCap acknowledgements per address per day',
    blocks: (i) =>
      i.sentTodayToAddress >= i.dailyCap
        ? `${i.reporter} already got ${i.sentTodayToAddress} acknowledgement(s) today (cap ${i.dailyCap})`
        : null,
  },
  {
    rule: 'hourly-cap',
    description:
      'at most ackHourlyCap acknowledgements in all per hour (a flood of reports cannot turn us into a mail cannon)',
    blocks: (i) =>
      i.sentThisHour.total >= i.hourlyCaps.total
        ? `${i.sentThisHour.total} acknowledgement(s) already queued this hour (cap ${i.hourlyCaps.total})`
        : null,
  },
  {
    rule: 'network-cap',
    description:
      'at most ackHourlyCapPerNetwork acknowledgements per hour for reports from one SMTP client network (/24 IPv4, /48 IPv6)',
    blocks: (i) =>
      i.sourceNetwork !== null && i.sentThisHour.network >= i.hourlyCaps.network
        ? `${i.sentThisHour.network} acknowledgement(s) already queued this hour for reports from ${i.sourceNetwork} (cap ${i.hourlyCaps.network})`
        : null,
  },
  {
    rule: 'domain-cap',
    description: 'at most ackHourlyCapPerDomain acknowledgements per hour to one reporter domain',
    blocks: (i) =>
      i.sentThisHour.domain >= i.hourlyCaps.domain
        ? `${i.sentThisHour.domain} acknowledgement(s) already queued this hour to @${domainOf(i.reporter!)} (cap ${i.hourlyCaps.domain})`
        : null,
  },
] as const satisfies readonly RuleRow[];

export type AckRule = (typeof ACK_RULES)[number]['rule'];

/**
 * Whether to acknowledge a report's human reporter, and if not, which rule stopped it and why. Pure: the
 * caller looks up the ticket history and today's count. The rules run in ACK_RULES order; the first that
 * blocks decides.
 */
export function decideAcknowledgement(input: AcknowledgementInput): AcknowledgementDecision {
  for (const r of ACK_RULES as readonly RuleRow[]) {
    const reason = r.blocks(input);
    if (reason !== null) return { send: false, rule: r.rule as AckRule, reason };
  }
  return { send: true, to: input.reporter!.trim(), language: input.language };
}
