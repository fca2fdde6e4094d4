import { type BounceReason } from '../../report/bounce-reason.ts';
import { bounceReasons, type BounceReasonTable, type TextReasonRule } from './bounce-reason-rules.ts';

export interface DiagnosticClass {
  reason: BounceReason;
  /** The status this reason implies when the bounce carries none (e.g. "5.1.1" for userunknown). */
  impliedStatus: string | null;
  /** How it was decided, for the trail: "rule #7 (…)", "status 5.1.1", "rule #7 (…); status 5.7.1 alone would say securityerror". */
  basis: string;
}

/** Longest diagnostic text worth matching: real diagnostics are short; this bounds regex time per recipient. */
const MAX_TEXT = 2000;

/** The reason an RFC 3463 status states by itself: "class.subject.detail", then "subject.detail", then "subject". */
export function reasonOfStatus(
  status: string,
  table: BounceReasonTable = bounceReasons,
): BounceReason | null {
  if (status.startsWith('2.')) return 'delivered';
  const [klass, subject, detail] = status.split('.');
  if (subject === undefined) return null;
  return (
    table.status.get(`${klass}.${subject}.${detail ?? ''}`) ??
    table.status.get(`${subject}.${detail ?? ''}`) ??
    table.status.get(subject) ??
    null
  );
}

function ruleLabel(rule: TextReasonRule): string {
  return `rule #${rule.index}${rule.note === null ? '' : ` (${rule.note})`}`;
}

/**
 * Decides one failed recipient's reason from its diagnostic text and RFC 3463 status. The data file orders
 * text rules and status checkpoints: specific texts come first (providers send 5.1.1 for a full mailbox and
 * 5.7.1 for an unknown user), a checkpoint lets a status that names a specific reason decide before generic
 * texts, and generic texts decide only where the status is vague (X.0.0, X.7.1…). Where the text and the
 * status disagree the basis says what the other would have said. With nothing decided: the status's own
 * (vague) reason, a delay `expired`, a text nobody recognises `onhold`, and no information `undefined`.
 */
export function classifyDiagnostic(
  text: string,
  status: string | null,
  delayed = false,
  table: BounceReasonTable = bounceReasons,
): DiagnosticClass {
  const sample = text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
  const hasText = sample.trim() !== '';
  const fromStatus = status === null ? null : reasonOfStatus(status, table);
  if (fromStatus === 'delivered')
    return { reason: 'delivered', impliedStatus: null, basis: `status ${status}` };
  for (const rule of table.rules) {
    if (rule.kind === 'status') {
      if (fromStatus === null || !rule.reasons.has(fromStatus)) continue;
      const other = hasText
        ? table.rules.find(
            (candidate): candidate is TextReasonRule =>
              candidate.kind === 'text' && candidate.regex.test(sample),
          )
        : undefined;
      const disagreement =
        other !== undefined && other.reason !== fromStatus
          ? `; the text alone would say ${other.reason} (rule #${other.index})`
          : '';
      return {
        reason: fromStatus,
        impliedStatus: null,
        basis: `status ${status} (checkpoint #${rule.index})${disagreement}`,
      };
    }
    if (!hasText || !rule.regex.test(sample)) continue;
    const disagreement =
      fromStatus !== null && fromStatus !== rule.reason
        ? `; status ${status} alone would say ${fromStatus}`
        : '';
    return { reason: rule.reason, impliedStatus: rule.status, basis: `${ruleLabel(rule)}${disagreement}` };
  }
  if (fromStatus !== null) return { reason: fromStatus, impliedStatus: null, basis: `status ${status}` };
  if (delayed) return { reason: 'expired', impliedStatus: '4.4.7', basis: 'delayed, no rule matched' };
  if (hasText)
    return {
      reason: 'onhold',
      impliedStatus: null,
      basis: status === null ? 'no rule matched' : `status ${status} names no reason, no rule matched`,
    };
  return { reason: 'undefined', impliedStatus: null, basis: 'no diagnostic and no status' };
}
