import type { ParsedReport } from '../report/parsed-report.ts';

const list = (values: readonly string[], max = 5): string =>
  values.length === 0
    ? '-'
    : `${values.slice(0, max).join(', ')}${values.length > max ? `, … (${values.length} in all)` : ''}`;

/** What a report offers attribution: the identifiers found, in the order the ladder tries them. */
function hints(r: ParsedReport): string[] {
  const id = r.identifiers;
  const out: string[] = [];
  if (id.traceToken) out.push('trace token');
  if (r.original?.messageId) out.push(`Message-ID ${r.original.messageId} (send log)`);
  if (id.feedbackId) out.push(`Feedback-ID ${id.feedbackId}`);
  if (id.cfblFeedbackId) out.push(`CFBL-Feedback-ID ${id.cfblFeedbackId}`);
  for (const [name, value] of Object.entries(id.headers)) out.push(`${name}: ${value}`);
  if (id.verp)
    out.push(
      `VERP ${Object.entries(id.verp)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`,
    );
  if (r.original?.returnPath) out.push(`Return-Path ${r.original.returnPath}`);
  if (r.original?.from) out.push(`From ${r.original.from}`);
  return out;
}

/**
 * `abusedesk parse --summary`: a few lines a person reads at a glance — kind and why, who complained,
 * each bounced recipient with its reason, and what attribution has to go on.
 */
export function reportSummary(file: string, r: ParsedReport): string {
  const lines = [
    `${file}: ${r.kind}${r.feedbackType ? ` (${r.feedbackType})` : ''}${r.provider ? ` from ${r.provider}` : ''}`,
  ];
  lines.push(`  why:          ${r.reason}`);
  if (r.reporter) lines.push(`  reporter:     ${r.reporter}`);
  if (r.complainants.length > 0 || r.redacted) {
    lines.push(`  complainants: ${list(r.complainants)}${r.redacted ? ' (redacted by the provider)' : ''}`);
  }
  for (const b of r.bounces.slice(0, 10)) {
    const where = b.remoteMta ? ` via ${b.remoteMta}` : '';
    lines.push(
      `  bounce:       ${b.recipient} ${b.status ?? '?'} ${b.reason} ${b.hard ? 'hard' : 'soft'}${where}`,
    );
  }
  if (r.bounces.length > 10) lines.push(`  bounce:       … ${r.bounces.length - 10} more`);
  if (r.original)
    lines.push(
      `  original:     ${r.original.subject ?? '(no subject)'}${r.original.date ? `, ${r.original.date}` : ''}`,
    );
  lines.push(`  attribution:  ${list(hints(r), 6)}`);
  return `${lines.join('\n')}\n`;
}
