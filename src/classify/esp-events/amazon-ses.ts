import type { BounceReason } from '../../report/bounce-reason.ts';
import type { ReportedOriginal } from '../../report/reported-original.ts';
import type { BounceDetail } from '../../report/parsed-report.ts';
import {
  addressOf,
  attachmentReason,
  contentReason,
  diagnosticReason,
  eventDate,
  failure,
  MAX_RECIPIENTS,
  originalOf,
  type EspBatch,
  type EspEvent,
} from './esp-event.ts';
import { arr, obj, str, text, type Json } from './json-values.ts';

/** SES event types, as `notificationType` (notifications) or `eventType` (event publishing) name them. */
const SES_TYPES = new Set([
  'bounce',
  'complaint',
  'delivery',
  'send',
  'reject',
  'open',
  'click',
  'rendering failure',
  'deliverydelay',
  'subscription',
]);

/**
 * Amazon SES notifications and event records: the SES JSON itself (an SNS "email" subscription, an event
 * destination relayed by mail) or wrapped in an SNS envelope (`Type: Notification`, `Message` a JSON
 * string). It must name a known type and carry the `mail` object with the message's SES id.
 */
export function readAmazonSes(value: unknown): EspBatch | null {
  let v = obj(value);
  let wrapped = false;
  if (v && str(v.Type) === 'Notification' && typeof v.Message === 'string' && v.Message.length < 256 * 1024) {
    try {
      v = obj(JSON.parse(v.Message));
      wrapped = true;
    } catch {
      return null;
    }
  }
  if (!v) return null;
  const rawType = str(v.notificationType) ?? str(v.eventType);
  const mail = obj(v.mail);
  if (!rawType || !mail || !text(mail.messageId) || !SES_TYPES.has(rawType.toLowerCase())) return null;
  const type = rawType.toLowerCase();
  const label = `Amazon SES ${v.eventType !== undefined ? 'event' : 'notification'}${wrapped ? ' (SNS)' : ''}`;
  const event = sesEvent(type, rawType, v, mail);
  return event ? { provider: 'amazon-ses', label, events: [event], total: 1 } : null;
}

function sesEvent(type: string, rawType: string, v: Json, mail: Json): EspEvent | null {
  const original = sesOriginal(mail);
  const destination = arr(mail.destination)
    .slice(0, MAX_RECIPIENTS)
    .map(addressOf)
    .filter((a): a is string => a !== null);
  const base = { name: rawType, original, bounces: [] as BounceDetail[], recipients: [] as string[] };
  if (type === 'complaint') {
    const c = obj(v.complaint);
    if (!c || !Array.isArray(c.complainedRecipients)) return null;
    const recipients = c.complainedRecipients
      .slice(0, MAX_RECIPIENTS)
      .map((r) => addressOf(obj(r)?.emailAddress))
      .filter((a): a is string => a !== null);
    const feedback = text(c.complaintFeedbackType);
    // SES accepted the message but sent nothing: the address is on the account-level suppression list
    // after an earlier complaint. A suppression, not a new complaint.
    if (str(c.complaintSubType) === 'OnAccountSuppressionList') {
      return {
        ...base,
        category: 'bounce',
        note: 'complaintSubType OnAccountSuppressionList (not sent; no new complaint)',
        bounces: recipients.map((recipient) =>
          failure({
            recipient,
            reason: 'suppressed',
            permanent: false,
            diagnostic: 'on the SES account-level suppression list (earlier complaint)',
          }),
        ),
      };
    }
    return {
      ...base,
      category: 'complaint',
      recipients,
      feedbackType: (feedback ?? 'abuse').toLowerCase(),
      userAgent: text(c.userAgent),
      date: eventDate(str(c.arrivalDate) ?? str(c.timestamp)),
      sourceIp: text(mail.sourceIp),
      note: `complaintFeedbackType: ${feedback ?? '(none)'}`,
    };
  }
  if (type === 'bounce') {
    const b = obj(v.bounce);
    if (!b || !Array.isArray(b.bouncedRecipients)) return null;
    const bounceType = str(b.bounceType) ?? '';
    const subType = str(b.bounceSubType);
    const permanent = bounceType === 'Permanent';
    const bounces = b.bouncedRecipients.slice(0, MAX_RECIPIENTS).flatMap((r): BounceDetail[] => {
      const o = obj(r);
      const recipient = addressOf(o?.emailAddress);
      if (!o || !recipient) return [];
      const status = text(o.status);
      const diagnostic = text(o.diagnosticCode);
      // remoteMtaIp is the bounce object's (one remote per notification); reportingMTA is SES's own host.
      const remoteMta = text(o.remoteMtaIp) ?? text(b.remoteMtaIp);
      return [
        failure({
          recipient,
          status,
          diagnostic,
          action: text(o.action) ?? 'failed',
          permanent,
          remoteMta,
          reason: sesBounceReason(bounceType, subType, diagnostic, status),
        }),
      ];
    });
    return {
      ...base,
      category: 'bounce',
      bounces,
      date: eventDate(b.timestamp),
      note: `bounceType ${bounceType || '(none)'}/${subType ?? ''}`,
    };
  }
  if (type === 'deliverydelay') {
    const d = obj(v.deliveryDelay);
    if (!d || !Array.isArray(d.delayedRecipients)) return null;
    const delayType = str(d.delayType);
    const bounces = d.delayedRecipients.slice(0, MAX_RECIPIENTS).flatMap((r): BounceDetail[] => {
      const o = obj(r);
      const recipient = addressOf(o?.emailAddress);
      if (!o || !recipient) return [];
      const status = text(o.status);
      const diagnostic = text(o.diagnosticCode);
      return [
        failure({
          recipient,
          status,
          diagnostic,
          action: 'delayed',
          permanent: false,
          remoteMta: text(d.remoteMtaIp),
          reason: sesDelayReason(delayType, diagnostic, status),
        }),
      ];
    });
    return {
      ...base,
      category: 'bounce',
      bounces,
      date: eventDate(d.timestamp),
      note: `delayType ${delayType ?? '(none)'}`,
    };
  }
  if (type === 'subscription') {
    // The recipient changed preferences through SES subscription management (a contact list's unsubscribe
    // link): unsubscribing from everything or opting out of a topic is an unsubscribe.
    const s = obj(v.subscription);
    const prefs = obj(s?.newTopicPreferences);
    const optOut =
      prefs?.unsubscribeAll === true ||
      arr(prefs?.topicSubscriptionStatus).some((t) => str(obj(t)?.subscriptionStatus) === 'OptOut');
    return {
      ...base,
      category: optOut ? 'unsubscribe' : 'other',
      recipients: destination,
      date: eventDate(s?.timestamp),
      note: optOut ? 'subscription preferences: opted out' : 'subscription preferences changed (no opt-out)',
    };
  }
  if (type === 'reject')
    return {
      ...base,
      category: 'other',
      note: `SES did not send it: ${text(obj(v.reject)?.reason) ?? 'rejected'}`,
    };
  if (type === 'rendering failure')
    return {
      ...base,
      category: 'other',
      note: `template rendering failed: ${text(obj(v.failure)?.errorMessage) ?? ''}`.trim(),
    };
  // Delivery, Send, Open, Click: each carries its own object (delivery, send, open, click) with a timestamp.
  return { ...base, category: 'other', recipients: destination, date: eventDate(obj(v[type])?.timestamp) };
}

/**
 * SES's own classification mapped into our reasons. Permanent/General is a dead address unless the
 * diagnostic says otherwise; NoEmail is SES's "no address could be read" permanent failure; the
 * suppression subtypes are SES refusing to send; Transient subtypes say what they are; Transient/General
 * and Undetermined leave it to the diagnostic (and are soft whatever it says).
 */
export function sesBounceReason(
  bounceType: string,
  subType: string | null,
  diagnostic: string | null,
  status: string | null,
): BounceReason {
  if (subType === 'Suppressed' || subType === 'OnAccountSuppressionList') return 'suppressed';
  if (bounceType === 'Permanent') {
    if (subType === 'NoEmail') return 'userunknown';
    return diagnosticReason(diagnostic, status, false, 'userunknown');
  }
  if (subType === 'MailboxFull') return 'mailboxfull';
  if (subType === 'MessageTooLarge') return 'mesgtoobig';
  if (subType === 'ContentRejected') return contentReason(diagnostic, status);
  if (subType === 'AttachmentRejected') return attachmentReason(diagnostic);
  return diagnosticReason(diagnostic, status, false);
}

/** SES DeliveryDelay `delayType` in our reasons; General, Undetermined and unknown types: the diagnostic. */
function sesDelayReason(
  delayType: string | null,
  diagnostic: string | null,
  status: string | null,
): BounceReason {
  const fixed: Record<string, BounceReason> = {
    MailboxFull: 'mailboxfull',
    SpamDetected: 'spamdetected',
    IPFailure: 'blocked',
    RecipientServerError: 'systemerror',
    TransientCommunicationFailure: 'networkerror',
    BYOIPHostNameLookupUnavailable: 'networkerror',
    InternalFailure: 'mailererror',
  };
  return (delayType ? fixed[delayType] : undefined) ?? diagnosticReason(diagnostic, status, true);
}

/** The original's headers: `mail.headers` when SES kept them, else `commonHeaders`; Message-ID falls back to SES's id. */
function sesOriginal(mail: Json): ReportedOriginal | null {
  const common = obj(mail.commonHeaders);
  const raw = arr(mail.headers)
    .slice(0, 200)
    .flatMap((h): [string, string][] => {
      const o = obj(h);
      const name = str(o?.name);
      const value = str(o?.value);
      return name && value !== null ? [[name, value]] : [];
    });
  const pairs: [string, string | null][] =
    raw.length > 0
      ? raw
      : [
          ['From', arr(common?.from).map(String).join(', ')],
          ['To', arr(common?.to).map(String).join(', ')],
          ['Subject', str(common?.subject)],
          ['Date', str(common?.date)],
        ];
  const has = (name: string): boolean => pairs.some(([n, v]) => n.toLowerCase() === name && v);
  if (!has('message-id')) pairs.push(['Message-ID', text(common?.messageId) ?? text(mail.messageId)]);
  if (!has('return-path')) pairs.push(['Return-Path', str(mail.source)]);
  return originalOf(pairs);
}
