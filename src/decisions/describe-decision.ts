import type { Decision } from './decision.ts';

const scopeText = (d: Decision): string =>
  d.scope === 'global' ? 'global' : d.scope ? `client ${d.scope.slice('client:'.length)}` : 'no client';

/** One line for staff, built from the record (stage trail, ticket timeline, CLI). */
export function describeDecision(d: Decision): string {
  switch (d.kind) {
    case 'suppress':
      return `suppressed ${d.target} (${d.suppression}, ${scopeText(d)})${d.refreshed ? ' — already suppressed, refreshed' : ''}: ${d.reason}`;
    case 'skip-suppress':
      return `not suppressed ${d.target}: ${d.reason}`;
    case 'open-ticket':
      return `opened ${d.ticketType} ticket ${d.target}${d.parentId ? ` (linked to incident ${d.parentId})` : ''}: ${d.reason}`;
    case 'reopen-ticket':
      return `reopened ticket ${d.target}: ${d.reason}`;
    case 'append-ticket':
      return `${d.change === 'reply' ? 'appended reply to' : 'added report to'} ticket ${d.target}: ${d.reason}`;
    case 'ack-queued':
      return `acknowledgement queued to ${d.target} in ${d.language} (outbox #${d.outboxId}): ${d.reason}`;
    case 'ack-skipped':
      return `no acknowledgement: ${d.reason} (rule ${d.rule})`;
    case 'signal-counted':
    case 'signal-recorded':
      return `signal ${d.signal}${d.target ? ` (${d.target})` : ''}: ${d.kind === 'signal-counted' ? 'counts toward enforcement' : 'recorded'} — ${d.reason}`;
    case 'duplicate':
      return `duplicate of report #${d.duplicateOf}: ${d.reason}`;
    case 'note':
      return d.reason;
  }
}

const LABELS: Record<Decision['kind'], string> = {
  suppress: 'why suppressed',
  'skip-suppress': 'why not suppressed',
  'open-ticket': 'ticket',
  'reopen-ticket': 'ticket',
  'append-ticket': 'ticket',
  'ack-queued': 'acknowledgement',
  'ack-skipped': 'acknowledgement',
  'signal-counted': 'enforcement signal',
  'signal-recorded': 'enforcement signal',
  duplicate: 'duplicate',
  note: 'decision',
};

/** A short heading for a decision, from its kind. */
export function decisionLabel(d: Decision): string {
  return LABELS[d.kind];
}
