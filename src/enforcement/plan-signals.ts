import { BLOCKLISTING_REASONS } from '../report/bounce-reason.ts';
import type { Attribution, AttributionMethod } from '../attribute/attribution.ts';
import type { ParsedReport } from '../report/parsed-report.ts';
import type { MailboxProviders } from './mailbox-providers.ts';

import type { SignalKind } from '../store/vocabulary.ts';

export type { SignalKind } from '../store/vocabulary.ts';

/** One signal a report adds to its client's record, and whether it may move the client automatically. */
export interface PlannedSignal {
  signal: SignalKind;
  recipient: string | null;
  mailboxProvider: string | null;
  counts: boolean;
  reason: string;
}

export interface SignalOptions {
  /** Count human complaints, bounces and unsubscribes proven by a trace token or the send log. */
  countTokenProven: boolean;
  providers: MailboxProviders;
  isTrap: (address: string) => boolean;
}

// A token opens only with our key, and the send log's Message-ID + recipient is known only to that recipient:
// either proves the reporter received this send. One signal per recipient keeps one person from counting twice.
const PROVING: ReadonlySet<AttributionMethod> = new Set(['trace-token', 'send-log', 'verp']);

/**
 * The signals of one attributed report (pure). Only trusted evidence counts toward automatic enforcement
 * (reports are attacker-controlled; a forged one must not suspend a client): a DKIM-verified FBL, or —
 * when enabled — a report proven by a trace token or the send log. Everything else is recorded
 * with the reason it does not count.
 */
export function planSignals(r: ParsedReport, a: Attribution, o: SignalOptions): PlannedSignal[] {
  if (a.clientId === null) return [];
  const trusted = r.auth?.trusted === true;
  const proven = o.countTokenProven && PROVING.has(a.method);
  const provenWhy = `proven by ${a.method === 'trace-token' ? 'a trace token' : a.method === 'verp' ? 'the VERP return path' : 'the send log'}`;
  const notProven = o.countTokenProven
    ? `not counted: neither a DKIM-verified FBL nor proven by a trace token or the send log (attributed by ${a.method})`
    : 'not counted: only DKIM-verified FBL reports count (enforcement.countTokenProvenSignals is off)';
  const out: PlannedSignal[] = [];
  const provider = (recipient: string | null): string | null => {
    if (recipient) return o.providers.of(recipient);
    return r.provider && o.providers.names().includes(r.provider) ? r.provider : null;
  };
  const add = (signal: SignalKind, recipient: string | null, counts: boolean, reason: string): void => {
    const rcpt = recipient?.toLowerCase() ?? null;
    out.push({ signal, recipient: rcpt, mailboxProvider: provider(rcpt), counts, reason });
    if (rcpt && signal !== 'unsubscribe' && o.isTrap(rcpt))
      out.push({
        signal: 'trap-hit',
        recipient: rcpt,
        mailboxProvider: provider(rcpt),
        counts,
        reason: `${rcpt} is a listed spam trap; ${reason}`,
      });
  };
  const firstComplainant = a.recipient ?? r.complainants[0] ?? null;
  if (r.kind === 'fbl') {
    if (r.feedbackType === 'not-spam') return [];
    const signal = r.feedbackType === 'opt-out' ? 'unsubscribe' : 'complaint';
    // An FBL speaks for a provider: unless the provider's DKIM signature passes it is a forgery, token or not.
    if (trusted)
      add(signal, firstComplainant, true, `DKIM-verified ${r.provider ?? 'provider'} feedback-loop report`);
    else
      add(
        signal,
        firstComplainant,
        false,
        `not counted: feedback-loop report without a passing DKIM signature of ${r.provider ?? 'a known provider'} (unverified or forged)`,
      );
  } else if (r.kind === 'complaint') {
    add(
      'complaint',
      firstComplainant,
      trusted || proven,
      trusted ? 'DKIM-verified report' : proven ? `human complaint ${provenWhy}` : notProven,
    );
  } else if (r.kind === 'unsubscribe') {
    add(
      'unsubscribe',
      a.recipient ?? r.reporter,
      trusted || proven,
      proven ? `unsubscribe ${provenWhy}` : notProven,
    );
  } else if (r.kind === 'bounce') {
    for (const b of r.bounces) {
      const counts = trusted || proven;
      const why = counts ? `bounce ${provenWhy}` : notProven;
      if (b.hard)
        add('hard-bounce', b.recipient, counts, `${why}: ${b.status ?? ''} ${b.diagnostic ?? ''}`.trim());
      else if (BLOCKLISTING_REASONS.has(b.reason))
        add(
          'blocklisting',
          b.recipient,
          counts,
          `${why}: refused for a blocklisting (${b.reason}): ${b.diagnostic ?? ''}`,
        );
      else add('soft-bounce', b.recipient, counts, `${why}: ${b.status ?? ''} ${b.diagnostic ?? ''}`.trim());
    }
  }
  return out;
}
