import { isHardBounce, type BounceReason } from '../extract/bounce/bounce-reason.ts';
import { classifyDiagnostic } from '../extract/bounce/classify-diagnostic.ts';
import { headerMapOf, type ReportedOriginal } from '../extract/reported-original.ts';
import { firstAddress, parseAddresses } from '../extract/parse-addresses.ts';
import { toIsoDate } from '../extract/to-iso-date.ts';
import type { BounceDetail } from '../parse/parsed-report.ts';
import type { MessageFacts } from '../parse/message-facts.ts';
import type { Finding } from './finding.ts';

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * Amazon SES notifications delivered as mail by an SNS email subscription: the body is the SNS
 * envelope (`Type: Notification`, `Message` a JSON string) or the SES notification JSON itself.
 * Complaint → fbl, Bounce → bounce, Delivery → other (not a bounce).
 */
export function detectSesNotification(facts: MessageFacts): Finding | null {
  const text = `${facts.bodyText}\n${facts.otherText}`;
  if (!text.includes('notificationType') && !text.includes('eventType')) return null;
  const note = sesJson(text);
  if (!note) return null;
  const type = (str(note.notificationType) ?? str(note.eventType) ?? '').toLowerCase();
  const mail = obj(note.mail) ?? {};
  const original = sesOriginal(mail);
  const reporter = firstAddress(facts.from);
  if (type === 'complaint') {
    const c = obj(note.complaint) ?? {};
    return {
      kind: 'fbl',
      reason: `Amazon SES complaint notification (SNS JSON); complaintFeedbackType: ${str(c.complaintFeedbackType) ?? '(none)'}`,
      feedbackType: (str(c.complaintFeedbackType) ?? 'abuse').toLowerCase(),
      userAgent: str(c.userAgent),
      reporter,
      complainants: arr(c.complainedRecipients).flatMap((r) => parseAddresses(str(obj(r)?.emailAddress))),
      original,
      sourceIp: str(mail.sourceIp),
      arrivalDate: toIsoDate(str(c.arrivalDate) ?? str(c.timestamp)),
      provider: 'amazon-ses',
    };
  }
  if (type === 'bounce') {
    const b = obj(note.bounce) ?? {};
    const permanent = str(b.bounceType) === 'Permanent';
    const bounces: BounceDetail[] = arr(b.bouncedRecipients).flatMap((r): BounceDetail[] => {
      const o = obj(r);
      const recipient = firstAddress(str(o?.emailAddress));
      if (!o || !recipient) return [];
      const status = str(o.status);
      const diagnostic = str(o.diagnosticCode);
      const reason = sesBounceReason(permanent, str(b.bounceSubType), diagnostic ?? '', status);
      return [{ recipient, status, action: str(o.action), reason, hard: isHardBounce(reason, status, !permanent), diagnostic, remoteMta: str(o.remoteMtaIp) }];
    });
    return { kind: 'bounce', reason: `Amazon SES bounce notification (SNS JSON); bounceType: ${str(b.bounceType) ?? '(none)'}/${str(b.bounceSubType) ?? ''}`, bounces, reporter, original, provider: 'amazon-ses' };
  }
  if (type === 'delivery' || type === 'send' || type === 'open' || type === 'click') {
    return { kind: 'other', reason: `Amazon SES ${type} notification: not a complaint or bounce`, reporter, original, provider: 'amazon-ses' };
  }
  return null;
}

/**
 * SES's own classification: Permanent/General|NoEmail is a dead address, Permanent/Suppressed is SES's
 * suppression list, MailboxFull and MessageTooLarge say what they are; otherwise the diagnostic decides.
 */
function sesBounceReason(permanent: boolean, subType: string | null, diagnostic: string, status: string | null): BounceReason {
  if (subType === 'Suppressed' || subType === 'OnAccountSuppressionList') return 'suppressed';
  if (subType === 'MailboxFull') return 'mailboxfull';
  if (subType === 'MessageTooLarge') return 'mesgtoobig';
  if (subType === 'ContentRejected') return 'spamdetected';
  if (subType === 'AttachmentRejected') return 'virusdetected';
  const klass = classifyDiagnostic(diagnostic, status, !permanent);
  if (klass.reason !== 'onhold' && klass.reason !== 'undefined') return klass.reason;
  return permanent && subType === 'NoEmail' ? 'userunknown' : klass.reason;
}

function sesJson(text: string): Json | null {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return null;
  let parsed: Json | null;
  try {
    parsed = obj(JSON.parse(text.slice(start, end + 1)));
  } catch {
    return null;
  }
  // SNS envelope: the SES notification is a JSON string in Message.
  if (parsed && str(parsed.Type) === 'Notification' && typeof parsed.Message === 'string') {
    try {
      parsed = obj(JSON.parse(parsed.Message));
    } catch {
      return null;
    }
  }
  return parsed;
}

function sesOriginal(mail: Json): ReportedOriginal | null {
  const common = obj(mail.commonHeaders);
  const raw = arr(mail.headers).flatMap((h): [string, string][] => {
    const o = obj(h);
    const name = str(o?.name);
    const value = str(o?.value);
    return name && value !== null ? [[name, value]] : [];
  });
  if (!common && raw.length === 0 && !mail.messageId) return null;
  const pairs: [string, string | null][] = raw.length > 0 ? raw : [
    ['Message-ID', str(common?.messageId)],
    ['From', arr(common?.from).map(String).join(', ')],
    ['To', arr(common?.to).map(String).join(', ')],
    ['Subject', str(common?.subject)],
    ['Date', str(common?.date)],
  ];
  if (!pairs.some(([n]) => n.toLowerCase() === 'return-path')) pairs.push(['Return-Path', str(mail.source)]);
  const headers = headerMapOf(pairs);
  return { headers, rawHeaders: pairs.map(([n, v]) => `${n}: ${v ?? ''}`).join('\n'), bodyText: '', html: '', headersOnly: true };
}
