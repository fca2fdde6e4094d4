import type { BounceReason } from '../../report/bounce-reason.ts';
import type { BounceDetail } from '../../report/parsed-report.ts';
import {
  addressOf,
  attachmentReason,
  BLOCK_FAMILY,
  DEAD_FAMILY,
  diagnosticReason,
  eventDate,
  failure,
  MAX_EVENTS,
  metadataHeaders,
  originalOf,
  statusOf,
  type EspBatch,
  type EspCategory,
  type EspEvent,
} from './esp-event.ts';
import { num, obj, str, text, type Json } from './json-values.ts';

/** The `msys` members that hold one event each. */
const EVENT_GROUPS = [
  'message_event',
  'track_event',
  'unsubscribe_event',
  'gen_event',
  'relay_event',
  'ab_test_event',
  'ingest_event',
];

const CATEGORY: Record<string, EspCategory> = {
  bounce: 'bounce',
  out_of_band: 'bounce',
  delay: 'bounce',
  policy_rejection: 'bounce',
  spam_complaint: 'complaint',
  list_unsubscribe: 'unsubscribe',
  link_unsubscribe: 'unsubscribe',
  delivery: 'other',
  injection: 'other',
  open: 'other',
  initial_open: 'other',
  click: 'other',
  amp_open: 'other',
  amp_initial_open: 'other',
  amp_click: 'other',
  generation_failure: 'other',
  generation_rejection: 'other',
  sms_status: 'other',
};

/**
 * SparkPost webhook batches: an array of `{"msys": {"<group>_event": {"type": …}}}` (or one such object).
 * Each event needs its `type` and `event_id`; recipient events their `rcpt_to`.
 */
export function readSparkpost(value: unknown): EspBatch | null {
  const list = Array.isArray(value) ? value : [value];
  const inner = (e: unknown): Json | null => {
    const msys = obj(obj(e)?.msys);
    if (!msys) return null;
    for (const g of EVENT_GROUPS) {
      const ev = obj(msys[g]);
      if (ev)
        return typeof ev.type === 'string' &&
          (typeof ev.event_id === 'string' || typeof ev.event_id === 'number')
          ? ev
          : null;
    }
    return null;
  };
  const found = list.map(inner);
  if (list.length === 0 || found.some((e) => e === null)) return null;
  const events = (found as Json[]).slice(0, MAX_EVENTS).flatMap(sparkpostEvent);
  return events.length > 0
    ? { provider: 'sparkpost', label: 'SparkPost webhook', events, total: list.length }
    : null;
}

function sparkpostEvent(e: Json): EspEvent[] {
  const type = str(e.type) ?? '';
  let category = CATEGORY[type];
  const recipient = addressOf(e.rcpt_to) ?? addressOf(e.raw_rcpt_to);
  if (!category || !recipient) return [];
  const original = originalOf([
    ['From', text(e.friendly_from) ?? text(e.msg_from)],
    ['To', recipient],
    ['Subject', text(e.subject)],
    ...metadataHeaders(e.rcpt_meta),
  ]);
  const date = eventDate(e.timestamp);
  const base = {
    name: type,
    recipients: [recipient],
    bounces: [] as BounceDetail[],
    original,
    date,
    sourceIp: text(e.sending_ip),
  };
  if (category === 'bounce') {
    const cls = num(e.bounce_class);
    const diagnostic = text(e.raw_reason) ?? text(e.reason);
    const status = statusOf(diagnostic);
    const delayed = type === 'delay';
    const mapped = bounceClass(cls, diagnostic, status);
    // Classes 60, 80, 90 and 100 are replies the bounce processor recognised, not failures.
    if (typeof mapped === 'string' && !delayed) {
      category = mapped === 'unsubscribe' ? 'unsubscribe' : 'other';
      return [{ ...base, name: `${type} (bounce_class ${cls})`, category, note: `bounce_class ${cls}` }];
    }
    // A delay keeps the class's reason (21 DNS failure, 22 mailbox full …) but is never permanent.
    const [reason, permanent] =
      typeof mapped === 'string' || (delayed && cls === null)
        ? [diagnosticReason(diagnostic, status, true), false]
        : [mapped[0], mapped[1] && !delayed];
    // ip_address is the host SparkPost delivered to (the remote MTA) in message events.
    const bounce = failure({
      recipient,
      reason,
      permanent,
      status,
      diagnostic,
      action: delayed ? 'delayed' : 'failed',
      remoteMta: text(e.ip_address),
    });
    return [
      {
        ...base,
        name: cls === null ? type : `${type} (bounce_class ${cls})`,
        category,
        note: text(e.error_code) ? `error_code ${text(e.error_code)}` : null,
        bounces: [bounce],
      },
    ];
  }
  if (category === 'complaint')
    return [
      {
        ...base,
        category,
        feedbackType: (text(e.fbtype) ?? 'abuse').toLowerCase(),
        userAgent: text(e.user_agent) ?? text(e.report_by),
      },
    ];
  return [{ ...base, category }];
}

/**
 * SparkPost's bounce classification codes in our reasons, with SparkPost's own hard/soft verdict (10 and 30
 * are its hard bounces). Generic classes (1, 20, 40, 70 and codes it may add) leave the reason to the
 * diagnostic; 60, 80, 90 and 100 are no failures and come back as what they are instead.
 */
function bounceClass(
  cls: number | null,
  diagnostic: string | null,
  status: string | null,
): [BounceReason, boolean] | 'autoreply' | 'subscribe' | 'unsubscribe' | 'challenge' {
  const d = (fallback: BounceReason, family?: ReadonlySet<BounceReason>): BounceReason =>
    diagnosticReason(diagnostic, status, false, fallback, family);
  switch (cls) {
    case 10:
      return [d('userunknown', DEAD_FAMILY), true]; // Invalid Recipient
    case 30:
      return [d('userunknown', DEAD_FAMILY), true]; // Generic Bounce: No RCPT
    case 21:
      return [d('networkerror', new Set<BounceReason>(['hostunknown', 'networkerror', 'notaccept'])), false]; // DNS Failure
    case 22:
      return ['mailboxfull', false];
    case 23:
      return ['mesgtoobig', false];
    case 24:
      return ['expired', false]; // Timeout
    case 25:
      return ['suppressed', false]; // Admin Failure: SparkPost's own policy (suppression list)
    case 50:
      return [d('blocked', BLOCK_FAMILY), false]; // Mail Block
    case 51:
      return [d('badreputation', new Set<BounceReason>(['blocklisted', 'badreputation'])), false]; // Spam Block: a known spam source
    case 52:
      return ['spamdetected', false]; // Spam Content
    case 53:
      return [attachmentReason(diagnostic), false]; // Prohibited Attachment
    case 54:
      return ['norelaying', false]; // Relaying Denied
    case 60:
      return 'autoreply';
    case 80:
      return 'subscribe';
    case 90:
      return 'unsubscribe';
    case 100:
      return 'challenge';
    default:
      return [diagnosticReason(diagnostic, status, false), false]; // 1 Undetermined, 20 Soft, 40 Generic, 70 Transient, unknown
  }
}
