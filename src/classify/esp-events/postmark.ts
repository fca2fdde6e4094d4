import type { BounceReason } from '../../report/bounce-reason.ts';
import type { BounceDetail } from '../../report/parsed-report.ts';
import {
  addressOf,
  BLOCK_FAMILY,
  DEAD_FAMILY,
  diagnosticReason,
  eventDate,
  failure,
  espBatch,
  metadataHeaders,
  originalOf,
  statusOf,
  type EspBatch,
  type EspEvent,
} from './esp-event.ts';
import { num, obj, str, text, type Json } from './json-values.ts';

/** Postmark bounce `Type` names by `TypeCode`, for records that carry only the code. */
const TYPE_BY_CODE: Record<number, string> = {
  1: 'HardBounce',
  2: 'Transient',
  16: 'Unsubscribe',
  32: 'Subscribe',
  64: 'AutoResponder',
  128: 'AddressChange',
  256: 'DnsError',
  512: 'SpamNotification',
  1024: 'OpenRelayTest',
  2048: 'Unknown',
  4096: 'SoftBounce',
  8192: 'VirusNotification',
  16384: 'ChallengeVerification',
  100000: 'BadEmailAddress',
  100001: 'SpamComplaint',
  100002: 'ManuallyDeactivated',
  100003: 'Unconfirmed',
  100006: 'Blocked',
  100007: 'SMTPApiError',
  100008: 'InboundError',
  100009: 'DMARCPolicy',
  100010: 'TemplateRenderingFailed',
};

/** Bounce types that are no delivery failure of the recipient's: what they are instead. */
const NOT_FAILURES: Record<string, string> = {
  AutoResponder: 'an automatic reply, not a failure',
  Subscribe: 'a subscribe request',
  ChallengeVerification: 'a challenge-response verification request',
  OpenRelayTest: 'an open-relay test',
  InboundError: 'an inbound-processing error',
  TemplateRenderingFailed: 'a template rendering failure (nothing was sent)',
};

/**
 * Postmark webhook records (one object, or an array of them): `RecordType` Bounce, SpamComplaint,
 * SubscriptionChange, Delivery, Open or Click, with the fields each one requires (Bounce/SpamComplaint:
 * `Email` and `Type` or `TypeCode`; the others: `Recipient`) and Postmark's `MessageID`.
 */
export function readPostmark(value: unknown): EspBatch | null {
  const list = Array.isArray(value) ? value : [value];
  const isRecord = (e: unknown): e is Json => {
    const o = obj(e);
    if (!o || typeof o.RecordType !== 'string' || typeof o.MessageID !== 'string') return false;
    if (o.RecordType === 'Bounce' || o.RecordType === 'SpamComplaint')
      return typeof o.Email === 'string' && (typeof o.Type === 'string' || typeof o.TypeCode === 'number');
    if (o.RecordType === 'SubscriptionChange')
      return typeof o.Recipient === 'string' && typeof o.SuppressSending === 'boolean';
    return ['Delivery', 'Open', 'Click'].includes(o.RecordType) && typeof o.Recipient === 'string';
  };
  return espBatch(list, isRecord, postmarkEvent, 'postmark', 'Postmark webhook');
}

function postmarkEvent(e: Json): EspEvent[] {
  const record = str(e.RecordType) ?? '';
  const recipient = addressOf(e.Email) ?? addressOf(e.Recipient);
  if (!recipient) return [];
  const original = originalOf([
    ['From', text(e.From)],
    ['To', recipient],
    ['Subject', text(e.Subject)],
    ...metadataHeaders(e.Metadata),
  ]);
  const base = { name: record, recipients: [recipient], bounces: [] as BounceDetail[], original };
  if (record === 'Bounce' || record === 'SpamComplaint') {
    const type = text(e.Type) ?? TYPE_BY_CODE[num(e.TypeCode) ?? -1] ?? 'Unknown';
    const date = eventDate(e.BouncedAt);
    const name = record === type ? record : `${record}/${type}`;
    if (record === 'SpamComplaint' || type === 'SpamComplaint')
      return [{ ...base, name, category: 'complaint', feedbackType: 'abuse', date }];
    if (type === 'Unsubscribe') return [{ ...base, name, category: 'unsubscribe', date }];
    const not = NOT_FAILURES[type];
    if (not) return [{ ...base, name, category: 'other', date, note: not }];
    // Details holds the receiving server's answer; Description is Postmark's text for the type.
    const diagnostic = text(e.Details);
    const status = statusOf(diagnostic);
    const [reason, permanent, delayed] = bounceReason(type, diagnostic, status);
    const inactive = e.Inactive === true ? '; Postmark deactivated the address' : '';
    return [
      {
        ...base,
        name,
        category: 'bounce',
        date,
        note: `Type ${type}${inactive}`,
        bounces: [
          failure({
            recipient,
            reason,
            permanent,
            status,
            diagnostic,
            action: delayed ? 'delayed' : 'failed',
          }),
        ],
      },
    ];
  }
  if (record === 'SubscriptionChange') {
    const date = eventDate(e.ChangedAt);
    const why = text(e.SuppressionReason);
    const origin = text(e.Origin);
    // ManualSuppression with origin Recipient is the recipient unsubscribing (link or List-Unsubscribe);
    // HardBounce and SpamComplaint suppressions follow a Bounce or SpamComplaint record of their own.
    const unsubscribed =
      e.SuppressSending === true &&
      why === 'ManualSuppression' &&
      origin !== 'Customer' &&
      origin !== 'Admin';
    const note =
      e.SuppressSending === true
        ? `suppressed (${why ?? 'no reason'}, origin ${origin ?? 'unknown'})`
        : `reactivated (origin ${origin ?? 'unknown'})`;
    return [{ ...base, category: unsubscribed ? 'unsubscribe' : 'other', date, note }];
  }
  return [{ ...base, category: 'other', date: eventDate(e.DeliveredAt ?? e.ReceivedAt) }];
}

/** Postmark's bounce `Type` in our reasons: [reason, permanent per Postmark, a delay rather than a failure]. */
function bounceReason(
  type: string,
  diagnostic: string | null,
  status: string | null,
): [BounceReason, boolean, boolean] {
  switch (type) {
    case 'HardBounce':
      return [diagnosticReason(diagnostic, status, false, 'userunknown', DEAD_FAMILY), true, false];
    case 'BadEmailAddress':
      return ['userunknown', true, false];
    case 'Transient':
      return [diagnosticReason(diagnostic, status, true), false, true];
    case 'DnsError':
      return [
        diagnosticReason(
          diagnostic,
          status,
          false,
          'networkerror',
          new Set<BounceReason>(['hostunknown', 'networkerror', 'notaccept']),
        ),
        false,
        false,
      ];
    case 'SpamNotification':
      return ['spamdetected', false, false];
    case 'VirusNotification':
      return ['virusdetected', false, false];
    case 'Blocked':
      return [diagnosticReason(diagnostic, status, false, 'blocked', BLOCK_FAMILY), false, false];
    case 'ManuallyDeactivated':
      return ['suppressed', false, false];
    case 'Unconfirmed':
      return ['rejected', false, false];
    case 'AddressChange':
      return ['hasmoved', false, false];
    case 'DMARCPolicy':
      return ['authfailure', false, false];
    case 'SMTPApiError':
      return ['mailererror', false, false];
    default: // SoftBounce, Unknown and types Postmark may add
      return [diagnosticReason(diagnostic, status, false), false, false];
  }
}
