import { type BounceReason } from './bounce-reason.ts';
import { bounceReasons, type BounceReasonTable } from './bounce-reason-rules.ts';

export interface DiagnosticClass {
  reason: BounceReason;
  /** The status this reason implies when the bounce carries none (e.g. "5.1.1" for userunknown). */
  impliedStatus: string | null;
  /** How it was decided, for the trail: "rule #7 (…)", "status 5.1.1", "rule #7; status 5.7.1 alone would say blocked". */
  basis: string;
}

/** Longest diagnostic text worth matching: real diagnostics are short; this bounds regex time per recipient. */
const MAX_TEXT = 2000;

/** The reason an RFC 3463 status states by itself: exact "subject.detail" first, then the subject alone. */
export function reasonOfStatus(status: string, table: BounceReasonTable = bounceReasons): BounceReason | null {
  if (status.startsWith('2.')) return 'delivered';
  const [, subject, detail] = status.split('.');
  if (subject === undefined) return null;
  return table.status.get(`${subject}.${detail ?? ''}`) ?? table.status.get(subject) ?? null;
}

/**
 * Decides one failed recipient's reason from its diagnostic text and RFC 3463 status. The text decides
 * where a rule recognises it (providers send 5.1.1 for a full mailbox and 5.7.1 for an unknown user), and
 * the basis then says what the status alone would have meant; otherwise the status table decides; a delay
 * with nothing else is `expired`, a text nobody recognises `onhold`, and no information at all `undefined`.
 */
export function classifyDiagnostic(text: string, status: string | null, delayed = false, table: BounceReasonTable = bounceReasons): DiagnosticClass {
  const sample = text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
  const fromStatus = status === null ? null : reasonOfStatus(status, table);
  const rule = sample.trim() === '' ? undefined : table.rules.find((candidate) => candidate.regex.test(sample));
  if (rule !== undefined) {
    const note = rule.note === null ? '' : ` (${rule.note})`;
    const disagreement = fromStatus !== null && fromStatus !== rule.reason ? `; status ${status} alone would say ${fromStatus}` : '';
    return { reason: rule.reason, impliedStatus: rule.status, basis: `rule #${rule.index}${note}${disagreement}` };
  }
  if (fromStatus !== null) return { reason: fromStatus, impliedStatus: null, basis: `status ${status}` };
  if (delayed) return { reason: 'expired', impliedStatus: '4.4.7', basis: 'delayed, no rule matched' };
  if (sample.trim() !== '') return { reason: 'onhold', impliedStatus: null, basis: status === null ? 'no rule matched' : `status ${status} names no reason, no rule matched` };
  return { reason: 'undefined', impliedStatus: null, basis: 'no diagnostic and no status' };
}
