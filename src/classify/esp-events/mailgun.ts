import type { BounceReason } from '../../report/bounce-reason.ts';
import type { BounceDetail } from '../../report/parsed-report.ts';
import {
  addressOf,
  BLOCK_FAMILY,
  diagnosticReason,
  eventDate,
  failure,
  espBatch,
  metadataHeaders,
  originalOf,
  statusOf,
  type EspBatch,
  type EspCategory,
  type EspEvent,
} from './esp-event.ts';
import { num, obj, str, text, type Json } from './json-values.ts';

const CATEGORY: Record<string, EspCategory> = {
  failed: 'bounce',
  complained: 'complaint',
  unsubscribed: 'unsubscribe',
  delivered: 'other',
  accepted: 'other',
  rejected: 'other',
  opened: 'other',
  clicked: 'other',
  stored: 'other',
};

/**
 * Mailgun webhook bodies (`{"signature": …, "event-data": {…}}`), a bare event-data object, or an Events
 * API page (`{"items": […]}`). An event needs `event`, `recipient`, a numeric `timestamp` and its `id`.
 */
export function readMailgun(value: unknown): EspBatch | null {
  const v = obj(value);
  if (!v) return null;
  let list: unknown[];
  if (obj(v['event-data'])) list = [v['event-data']];
  else if (Array.isArray(v.items) && obj(v.paging)) list = v.items;
  else list = [v];
  const isEvent = (e: unknown): e is Json => {
    const o = obj(e);
    return (
      o !== null &&
      typeof o.event === 'string' &&
      typeof o.recipient === 'string' &&
      num(o.timestamp) !== null &&
      typeof o.id === 'string'
    );
  };
  return espBatch(list, isEvent, mailgunEvent, 'mailgun', 'Mailgun webhook');
}

function mailgunEvent(e: Json): EspEvent[] {
  const name = str(e.event) ?? '';
  const category = CATEGORY[name];
  const recipient = addressOf(e.recipient);
  if (!category || !recipient) return [];
  const message = obj(e.message);
  const headers = obj(message?.headers);
  const original = originalOf([
    ['Message-ID', text(headers?.['message-id'])],
    ['From', text(headers?.from)],
    ['To', text(headers?.to) ?? recipient],
    ['Subject', text(headers?.subject)],
    ...metadataHeaders(e['user-variables']),
  ]);
  const date = eventDate(num(e.timestamp));
  const base = { category, name, recipients: [recipient], bounces: [] as BounceDetail[], original, date };
  if (name === 'failed') {
    const severity = str(e.severity) ?? 'permanent';
    const why = text(e.reason);
    const ds = obj(e['delivery-status']);
    const code = text(ds?.code);
    const said = text(ds?.message) ?? text(ds?.description);
    const diagnostic = said
      ? code && !said.startsWith(code)
        ? `${code} ${said}`
        : said
      : (text(ds?.description) ?? null);
    const status = text(ds?.['enhanced-code']) ?? statusOf(diagnostic);
    const delayed = severity === 'temporary';
    const reason = failedReason(why, diagnostic, status, delayed);
    return [
      {
        ...base,
        name: `failed (${severity}${why ? `, ${why}` : ''})`,
        note: `severity ${severity}`,
        bounces: [
          failure({
            recipient,
            reason,
            permanent: severity === 'permanent',
            action: delayed ? 'delayed' : 'failed',
            status,
            diagnostic,
            remoteMta: text(ds?.['mx-host']),
          }),
        ],
      },
    ];
  }
  if (name === 'complained') return [{ ...base, feedbackType: 'abuse' }];
  return [base];
}

/**
 * Mailgun's failure `reason`: suppress-bounce / suppress-unsubscribe / suppress-complaint are Mailgun refusing
 * to send to a suppressed address; "old" is a message retried until it expired; "espblock" a block by the
 * mailbox provider; otherwise ("bounce", "generic", "greylisted") the diagnostic decides.
 */
function failedReason(
  why: string | null,
  diagnostic: string | null,
  status: string | null,
  delayed: boolean,
): BounceReason {
  if (/^suppress-/.test(why ?? '')) return 'suppressed';
  if (why === 'old') return 'expired';
  if (why === 'espblock') return diagnosticReason(diagnostic, status, delayed, 'blocked', BLOCK_FAMILY);
  return diagnosticReason(diagnostic, status, delayed);
}
