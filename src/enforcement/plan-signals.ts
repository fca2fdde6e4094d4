import { BLOCKLISTING_REASONS } from '../report/bounce-reason.ts';
import type { Attribution, AttributionMethod } from '../attribute/attribution.ts';
import type { ParsedReport } from '../report/parsed-report.ts';
import type { MailboxProviders } from './mailbox-providers.ts';
import type { SignalSource } from './signal-source.ts';

import type { SignalBasis, SignalKind } from '../store/vocabulary.ts';

export type { SignalKind } from '../store/vocabulary.ts';

/**
 * Why a counted signal may be believed: the message is `authenticated` for the domain that sent it (or is a
 * DKIM-verified FBL), independent sources `corroborated` it, or it is `unauthenticated` (a one-click or mailed
 * unsubscribe proven by its token only) — an automatic step on unauthenticated evidence alone is capped.
 */
export type { SignalBasis } from '../store/vocabulary.ts';

/** The rule of a signal that waits for corroboration (unauthenticated mail whose trace token proves the send). */
export const UNAUTHENTICATED_RULE = 'not-counted:unauthenticated';

/** One signal a report adds to its client's record, and whether it may move the client automatically. */
export interface PlannedSignal {
  signal: SignalKind;
  recipient: string | null;
  mailboxProvider: string | null;
  counts: boolean;
  /**
   * The rule that let it count (`dkim-verified-fbl`, `dkim-aligned`, `spf-aligned`, `provider-registry`,
   * `corroborated-by-N-sources`, `token-proven`) or why it does not (`not-counted:…`).
   */
  rule: string;
  /** Null when it does not count. */
  basis: SignalBasis | null;
  reason: string;
}

export interface SignalOptions {
  /** Count human complaints, bounces and unsubscribes proven by a trace token or the send log. */
  countTokenProven: boolean;
  providers: MailboxProviders;
  isTrap: (address: string) => boolean;
  /** Who sent the report and whether its authentication ties it to that domain; absent: unauthenticated. */
  source?: SignalSource;
}

// A token opens only with our key, and the send log's Message-ID + recipient is known only to that recipient:
// either proves the reporter received this send. One signal per recipient keeps one person from counting twice.
const PROVING: ReadonlySet<AttributionMethod> = new Set(['trace-token', 'send-log', 'verp']);

interface Verdict {
  counts: boolean;
  rule: string;
  basis: SignalBasis | null;
  reason: string;
}

/**
 * The signals of one attributed report (pure). Only evidence that cannot be forged cheaply counts toward
 * automatic enforcement (reports are attacker-controlled; a forged one must not suspend a client): a
 * DKIM-verified FBL; or — when enabled — a complaint or bounce proven by a trace token or the send log AND
 * authenticated for the domain that sent it (signal-source). A proven but unauthenticated one is recorded
 * as `not-counted:unauthenticated` and counts once independent sources corroborate it (record-signals).
 * A mailed unsubscribe proven by its token counts as unauthenticated evidence. Everything else is recorded
 * with the reason it does not count.
 */
export function planSignals(r: ParsedReport, a: Attribution, o: SignalOptions): PlannedSignal[] {
  if (a.clientId === null) return [];
  const trusted = r.auth?.trusted === true;
  const proven = o.countTokenProven && PROVING.has(a.method);
  const provenWhy = `proven by ${a.method === 'trace-token' ? 'a trace token' : a.method === 'verp' ? 'the VERP return path' : 'the send log'}`;
  const source = o.source ?? {
    rule: null,
    reason: 'unauthenticated: no authentication results',
    domain: null,
    network: null,
  };
  const unproven: Verdict = {
    counts: false,
    rule: o.countTokenProven ? 'not-counted:unproven' : 'not-counted:token-proof-off',
    basis: null,
    reason: o.countTokenProven
      ? `not counted: neither a DKIM-verified FBL nor proven by a trace token or the send log (attributed by ${a.method})`
      : 'not counted: only DKIM-verified FBL reports count (enforcement.countTokenProvenSignals is off)',
  };
  /** A complaint or bounce from mail that is not an FBL: proof of the send and authentication of the sender. */
  const judged = (what: string): Verdict => {
    if (trusted)
      return {
        counts: true,
        rule: 'provider-registry',
        basis: 'authenticated',
        reason: `DKIM-verified ${r.provider ?? 'provider'} report`,
      };
    if (!proven) return unproven;
    if (source.rule !== null)
      return {
        counts: true,
        rule: source.rule,
        basis: 'authenticated',
        reason: `${what} ${provenWhy}; ${source.reason}`,
      };
    return {
      counts: false,
      rule: UNAUTHENTICATED_RULE,
      basis: null,
      reason: `not counted: ${what} ${provenWhy}, but ${source.reason} (counts once independent sources corroborate it)`,
    };
  };
  const out: PlannedSignal[] = [];
  const provider = (recipient: string | null): string | null => {
    if (recipient) return o.providers.of(recipient);
    return r.provider && o.providers.names().includes(r.provider) ? r.provider : null;
  };
  const add = (signal: SignalKind, recipient: string | null, v: Verdict, reason = v.reason): void => {
    const rcpt = recipient?.toLowerCase() ?? null;
    const { counts, rule, basis } = v;
    out.push({ signal, recipient: rcpt, mailboxProvider: provider(rcpt), counts, rule, basis, reason });
    if (rcpt && signal !== 'unsubscribe' && o.isTrap(rcpt))
      out.push({
        signal: 'trap-hit',
        recipient: rcpt,
        mailboxProvider: provider(rcpt),
        counts,
        rule,
        basis,
        reason: `${rcpt} is a listed spam trap; ${reason}`,
      });
  };
  const firstComplainant = a.recipient ?? r.complainants[0] ?? null;
  if (r.kind === 'fbl') {
    if (r.feedbackType === 'not-spam') return [];
    const signal = r.feedbackType === 'opt-out' ? 'unsubscribe' : 'complaint';
    // An FBL speaks for a provider: unless the provider's DKIM signature passes it is a forgery, token or not.
    if (trusted)
      add(signal, firstComplainant, {
        counts: true,
        rule: 'dkim-verified-fbl',
        basis: 'authenticated',
        reason: `DKIM-verified ${r.provider ?? 'provider'} feedback-loop report`,
      });
    else
      add(signal, firstComplainant, {
        counts: false,
        rule: 'not-counted:unverified-fbl',
        basis: null,
        reason: `not counted: feedback-loop report without a passing DKIM signature of ${r.provider ?? 'a known provider'} (unverified or forged)`,
      });
  } else if (r.kind === 'complaint') {
    add('complaint', firstComplainant, judged('human complaint'));
  } else if (r.kind === 'unsubscribe') {
    // An unsubscribe harms no one but its sender's rate; its token is evidence enough, marked as unauthenticated.
    const v: Verdict =
      trusted || (proven && source.rule !== null)
        ? {
            counts: true,
            rule: source.rule ?? 'provider-registry',
            basis: 'authenticated',
            reason: `unsubscribe ${proven ? provenWhy : 'from a DKIM-verified report'}; ${source.reason}`,
          }
        : proven
          ? {
              counts: true,
              rule: 'token-proven',
              basis: 'unauthenticated',
              reason: `unsubscribe ${provenWhy} (${source.reason})`,
            }
          : unproven;
    add('unsubscribe', a.recipient ?? r.reporter, v);
  } else if (r.kind === 'bounce') {
    const v = judged('bounce');
    for (const b of r.bounces) {
      if (b.hard)
        add('hard-bounce', b.recipient, v, `${v.reason}: ${b.status ?? ''} ${b.diagnostic ?? ''}`.trim());
      else if (BLOCKLISTING_REASONS.has(b.reason))
        add(
          'blocklisting',
          b.recipient,
          v,
          `${v.reason}: refused for a blocklisting (${b.reason}): ${b.diagnostic ?? ''}`,
        );
      else add('soft-bounce', b.recipient, v, `${v.reason}: ${b.status ?? ''} ${b.diagnostic ?? ''}`.trim());
    }
  }
  return out;
}
