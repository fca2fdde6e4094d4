import { bounceRules, type BounceCategory } from './bounce-rules.ts';

export interface DiagnosticClass {
  category: BounceCategory;
  hard: boolean;
  /** The status this class implies when the bounce carries none (e.g. "5.1.1" for user-unknown). */
  impliedStatus: string | null;
  /** How it was decided, for the reason: "rule #7", "status 5.1.1", "rule #7, soft because 4.x.x is transient". */
  basis: string;
}

/** Longest diagnostic text worth matching: real diagnostics are short; this bounds regex time per recipient. */
const MAX_TEXT = 2000;

/** RFC 3463 codes that by themselves say the address (or its domain) is gone. */
const HARD_STATUS: ReadonlyMap<string, BounceCategory> = new Map([
  ['5.1.0', 'user-unknown'],
  ['5.1.1', 'user-unknown'],
  ['5.1.3', 'user-unknown'],
  ['5.1.6', 'user-unknown'],
  ['5.1.2', 'domain-unknown'],
  ['5.1.10', 'domain-unknown'],
  ['5.2.1', 'disabled'],
]);

function classifyStatus(status: string): DiagnosticClass | null {
  const basis = `status ${status}`;
  const hardCategory = HARD_STATUS.get(status);
  if (hardCategory !== undefined) return { category: hardCategory, hard: true, impliedStatus: null, basis };
  const [klass, subject] = status.split('.');
  // RFC 3463 §3.3: X.2.2 mailbox full — soft by PRODUCT.md even when permanent.
  if (subject === '2' && status.endsWith('.2.2')) return { category: 'mailbox-full', hard: false, impliedStatus: null, basis };
  // X.7.x is security/policy: about the sender, never the address.
  if (subject === '7') return { category: 'policy', hard: false, impliedStatus: null, basis };
  if (klass === '4') return { category: 'temporary', hard: false, impliedStatus: null, basis };
  return null;
}

/**
 * Classifies a bounce diagnostic (SMTP reply, NDR text) and its RFC 3463 status, if any, into a category and
 * hard/soft. The rules in data/bounce-rules.json are tried in order; the status decides when no rule matches,
 * and a status always wins where PRODUCT.md is categorical: 4.x.x is temporary and 5.7.x is a policy block,
 * so neither can be hard whatever the text says.
 */
export function classifyDiagnostic(text: string, status: string | null): DiagnosticClass {
  const sample = text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text;
  const rule = sample === '' ? undefined : bounceRules.find((candidate) => candidate.regex.test(sample));
  const fromStatus = status === null ? null : classifyStatus(status);
  if (rule === undefined) {
    return fromStatus ?? { category: 'other', hard: false, impliedStatus: null, basis: status === null ? 'no rule matched' : `status ${status}, no rule matched` };
  }
  const result: DiagnosticClass = { category: rule.category, hard: rule.hard, impliedStatus: rule.status, basis: `rule #${rule.index}` };
  if (status === null) return result;
  if (status.startsWith('4.')) {
    if (result.hard) return { ...result, hard: false, basis: `${result.basis}, soft because ${status} is transient` };
    return result;
  }
  if (status.startsWith('5.7.') && result.hard) {
    return { category: 'policy', hard: false, impliedStatus: null, basis: `${result.basis} overruled by policy status ${status}` };
  }
  // A vague text ("temporary", "other") does not weaken a status that names the problem precisely.
  if ((result.category === 'temporary' || result.category === 'other') && fromStatus !== null && status.startsWith('5.')) {
    return { ...fromStatus, basis: `${fromStatus.basis} (text only matched rule #${rule.index})` };
  }
  return result;
}
