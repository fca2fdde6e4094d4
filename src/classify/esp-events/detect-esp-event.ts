import type { MessageFacts } from '../../report/message-facts.ts';
import type { ReportKind } from '../../report/parsed-report.ts';
import type { Finding } from '../../report/finding.ts';
import { readAmazonSes } from './amazon-ses.ts';
import type { EspBatch, EspCategory, EspEvent } from './esp-event.ts';
import { jsonValues } from './json-values.ts';
import { readMailgun } from './mailgun.ts';
import { readPostmark } from './postmark.ts';
import { readSendgrid } from './sendgrid.ts';
import { readSparkpost } from './sparkpost.ts';

/** Each reader accepts only JSON with its ESP's required fields, so a pasted JSON snippet is never an event. */
const READERS: ((value: unknown) => EspBatch | null)[] = [
  readAmazonSes,
  readSendgrid,
  readMailgun,
  readPostmark,
  readSparkpost,
];

/** A cheap look before any JSON parsing: a field name one of the readers requires. */
const MARKER = /"(?:Type|notificationType|eventType|event|RecordType|msys|event-data)"\s*:/;

/** Kind by priority: a complaint outweighs a bounce, a bounce an unsubscribe, anything a delivery or open. */
const PRIORITY: [EspCategory, ReportKind][] = [
  ['complaint', 'fbl'],
  ['bounce', 'bounce'],
  ['unsubscribe', 'unsubscribe'],
  ['other', 'other'],
];

/**
 * ESP event notifications that arrive by mail — Amazon SES (SNS-wrapped or raw), SendGrid Event Webhook,
 * Mailgun, Postmark and SparkPost JSON in the body or a JSON attachment. A batch of events becomes one
 * report: the kind of its highest event (complaint > bounce > unsubscribe > other), every bounced
 * recipient kept whatever the kind, and the reason counting the events of each type. Delays are kind
 * bounce with action "delayed" and never hard, as DSN delay warnings are.
 */
export function detectEspEvent(facts: MessageFacts): Finding | null {
  for (const text of [facts.bodyText, facts.otherText]) {
    if (!MARKER.test(text)) continue;
    for (const value of jsonValues(text)) {
      for (const read of READERS) {
        const batch = read(value);
        if (batch) return findingOf(batch, facts.reporter);
      }
    }
  }
  return null;
}

function findingOf(batch: EspBatch, from: string | null): Finding {
  const [category, kind] = PRIORITY.find(([c]) => batch.events.some((e) => e.category === c)) ?? [
    'other',
    'other',
  ];
  const chosen = batch.events.filter((e) => e.category === category);
  const lead = chosen[0]!;
  const bounces = batch.events.flatMap((e) => e.bounces);
  const recipients = unique(chosen.flatMap((e) => e.recipients));
  const reason = reasonOf(batch, kind, lead, chosen);
  const common = {
    kind,
    reason,
    original: lead.original,
    provider: batch.provider,
    bounces,
    arrivalDate: lead.date ?? null,
    sourceIp: lead.sourceIp ?? null,
  };
  if (kind === 'fbl') {
    return {
      ...common,
      reporter: from,
      complainants: recipients,
      feedbackType: lead.feedbackType ?? 'abuse',
      userAgent: lead.userAgent ?? null,
    };
  }
  if (kind === 'unsubscribe') return { ...common, reporter: recipients[0] ?? from, complainants: recipients };
  return { ...common, reporter: from };
}

function reasonOf(batch: EspBatch, kind: ReportKind, lead: EspEvent, chosen: EspEvent[]): string {
  const counts = new Map<string, number>();
  for (const e of batch.events) counts.set(e.name, (counts.get(e.name) ?? 0) + 1);
  const tally = [...counts].map(([name, n]) => `${n} ${name}`).join(', ');
  const unread =
    batch.total > batch.events.length ? `; ${batch.total - batch.events.length} more not read` : '';
  const what = `${batch.label}: ${batch.events.length === 1 ? lead.name : `${batch.events.length} events (${tally})`}${unread}`;
  const note = lead.note ? `; ${lead.note}` : '';
  if (kind === 'fbl') return `${what}${note}`;
  if (kind === 'bounce') {
    const all = chosen.flatMap((e) => e.bounces);
    const delayedOnly = all.length > 0 && all.every((b) => b.action === 'delayed');
    return `${delayedOnly ? 'delayed delivery (warning only): ' : ''}${what}; ${all.length} recipient(s)${note}`;
  }
  if (kind === 'unsubscribe') return `${what}${note}`;
  return `${what}${note}: not a complaint, bounce or unsubscribe`;
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}
