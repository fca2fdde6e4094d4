import type { BounceReason } from '../../report/bounce-reason.ts';
import type { BounceDetail } from '../../report/parsed-report.ts';
import {
  addressOf,
  BLOCK_FAMILY,
  CONTENT_FAMILY,
  DEAD_FAMILY,
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
import { obj, str, text, type Json } from './json-values.ts';

const CATEGORY: Record<string, EspCategory> = {
  bounce: 'bounce',
  dropped: 'bounce',
  deferred: 'bounce',
  spamreport: 'complaint',
  unsubscribe: 'unsubscribe',
  group_unsubscribe: 'unsubscribe',
  group_resubscribe: 'other',
  delivered: 'other',
  processed: 'other',
  open: 'other',
  click: 'other',
};

/** Event Webhook fields that are SendGrid's own, never a sender's custom argument. */
const OWN_FIELDS = new Set(['smtp-id']);

/**
 * A SendGrid Event Webhook POST body: an array of events, each with `event`, `email` and a numeric
 * `timestamp`, plus SendGrid's ids (`sg_event_id`, `sg_message_id` or `smtp-id`). Every element must be
 * such an event.
 */
export function readSendgrid(value: unknown): EspBatch | null {
  const list = Array.isArray(value) ? value : obj(value) ? [value] : [];
  if (list.length === 0) return null;
  const isEvent = (e: unknown): e is Json => {
    const o = obj(e);
    return (
      o !== null &&
      typeof o.event === 'string' &&
      typeof o.email === 'string' &&
      typeof o.timestamp === 'number' &&
      (typeof o.sg_event_id === 'string' ||
        typeof o.sg_message_id === 'string' ||
        typeof o['smtp-id'] === 'string')
    );
  };
  return espBatch(list, isEvent, sendgridEvent, 'sendgrid', 'SendGrid Event Webhook');
}

function sendgridEvent(e: Json): EspEvent[] {
  const name = str(e.event) ?? '';
  const category = CATEGORY[name];
  const recipient = addressOf(e.email);
  if (!category || !recipient) return [];
  const original = originalOf([
    ['Message-ID', text(e['smtp-id'])],
    ['To', recipient],
    ...metadataHeaders(e, OWN_FIELDS),
  ]);
  const date = eventDate(e.timestamp);
  const base = { category, name, recipients: [recipient], bounces: [] as BounceDetail[], original, date };
  if (name === 'bounce') {
    const type = str(e.type) ?? 'bounce';
    const diagnostic = text(e.reason);
    const status = text(e.status) ?? statusOf(diagnostic);
    const classification = text(e.bounce_classification);
    // type "bounce": the server refused the address for good; "blocked": it refused this message or sender.
    const permanent = type !== 'blocked' && !(status ?? '').startsWith('4');
    const reason = bounceReason(classification, diagnostic, status);
    return [
      {
        ...base,
        name: `bounce (${type})`,
        note: classification ? `bounce_classification ${classification}` : null,
        sourceIp: text(e.ip),
        bounces: [failure({ recipient, reason, permanent, status, diagnostic })],
      },
    ];
  }
  if (name === 'dropped') {
    const why = text(e.reason);
    const diagnostic = why ? `dropped by SendGrid: ${why}` : 'dropped by SendGrid';
    const [reason, permanent] = droppedReason(why);
    return [
      {
        ...base,
        note: why,
        bounces: [failure({ recipient, reason, permanent, status: text(e.status), diagnostic })],
      },
    ];
  }
  if (name === 'deferred') {
    const diagnostic = text(e.response);
    const status = statusOf(diagnostic);
    return [
      {
        ...base,
        note: text(e.attempt) ? `attempt ${text(e.attempt)}` : null,
        bounces: [
          failure({
            recipient,
            reason: diagnosticReason(diagnostic, status, true),
            permanent: false,
            action: 'delayed',
            status,
            diagnostic,
          }),
        ],
      },
    ];
  }
  if (name === 'spamreport') return [{ ...base, feedbackType: 'abuse' }];
  if (category === 'other' && (name === 'delivered' || name === 'processed'))
    return [{ ...base, sourceIp: text(e.ip) }];
  return [base];
}

/**
 * SendGrid's `bounce_classification` (Invalid Address, Mailbox Unavailable, Reputation, Content, Frequency or
 * Volume, Technical, Unclassified) narrows what the diagnostic may say; without one the diagnostic decides.
 */
function bounceReason(
  classification: string | null,
  diagnostic: string | null,
  status: string | null,
): BounceReason {
  switch (classification?.toLowerCase()) {
    case 'invalid address':
      return diagnosticReason(diagnostic, status, false, 'userunknown', DEAD_FAMILY);
    case 'mailbox unavailable':
      return diagnosticReason(
        diagnostic,
        status,
        false,
        'suspend',
        new Set<BounceReason>([...DEAD_FAMILY, 'mailboxfull', 'exceedlimit']),
      );
    case 'reputation':
      return diagnosticReason(diagnostic, status, false, 'badreputation', BLOCK_FAMILY);
    case 'content':
      return diagnosticReason(diagnostic, status, false, 'spamdetected', CONTENT_FAMILY);
    case 'frequency or volume':
      return diagnosticReason(
        diagnostic,
        status,
        false,
        'ratelimited',
        new Set<BounceReason>(['ratelimited', 'toomanyconn']),
      );
    case 'technical':
      return diagnosticReason(diagnostic, status, false, 'systemerror');
    default:
      return diagnosticReason(diagnostic, status, false);
  }
}

/**
 * Why SendGrid dropped a message without sending: its suppression lists (an earlier bounce, unsubscribe or
 * spam report) → suppressed; "Invalid" is its invalid-address list (permanent: a dead address).
 */
function droppedReason(why: string | null): [BounceReason, boolean] {
  const w = (why ?? '').toLowerCase();
  if (w === 'invalid' || w === 'invalid address') return ['userunknown', true];
  if (/spam content/.test(w)) return ['spamdetected', false];
  if (/smtpapi|header/.test(w)) return ['mailererror', false];
  if (/quota|package/.test(w)) return ['ratelimited', false];
  return ['suppressed', false];
}
