import type { BounceSource } from './bounce-source.ts';

/** Senders that are delivery systems, not people. */
export const DELIVERY_SYSTEM_SENDER =
  /mailer[-_]?daemon|postmaster@|mail delivery (?:subsystem|system|service)|mail administrator|\bmaildelivery\b|\bmail ?system\b/i;

/** Subjects MTAs give to bounces and delay warnings (EN, DE, FR, IT, ES, plus provider variants). */
export const BOUNCE_SUBJECT =
  /undeliver|returned mail|fail(?:ure|ed) delivery|delivery status notification|failure notice|mail delivery (?:failed|failure|problem|delayed)|delivery (?:failure|failed|problem|notification|delayed|report)|undelivered mail|non-?deliver|could not be delivered|message not delivered|delivery has failed|returned to sender|warning: (?:could not send|message .*(?:still undelivered|delayed))|delayed mail|mail system error|mail failure|unzustellbar|nicht zustellbar|non remis|non recapitabile|no se puede entregar|no entregado/i;

/** Sentences only delivery systems write (Postfix, Exim, Sendmail, qmail, Exchange, Gmail, Yahoo, SES…). */
const BODY_MARKERS =
  /This is the qmail-send program|Unable to deliver message to the following (?:address|recipient)|could not be delivered to the following recipients|The following recipient\(s\) (?:could not|cannot) be reached|did not reach the following recipient|Delivery to the following recipients failed|Transcript of session follows|This is the (?:Postfix program|mail system) at host|This message was created automatically by mail delivery software|The following addresses had (?:permanent fatal|transient non-fatal) errors|Delivery to the following recipients? (?:failed permanently|has been delayed)|Sorry, we were unable to deliver your message|Delivery has failed to these recipients|Remote Server returned '|could not be delivered to one or more (?:of its )?recipients|The following message to <[^>]+> was undeliverable|An error has occurred while attempting to deliver|This is an automatically generated Delivery Status Notification|I'm afraid I wasn't able to deliver your message|Your message (?:to \S+ couldn't be delivered|wasn't delivered to)|was not delivered to:|\*\* (?:Address not found|Message not delivered|Message blocked) \*\*/i;

/** Forwards of a bounce by a person are complaints or questions, not bounces. */
export const FORWARD_SUBJECT = /^\s*(?:fwd?|fw|tr|wg|rv|i)\s*:/i;

/** The X-Failed-Recipients header (Exim, Gmail): comma-separated addresses. */
export function failedRecipientsHeader(headers: Map<string, string[]>): string[] {
  return (headers.get('x-failed-recipients') ?? [])
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value.includes('@'));
}

/**
 * Why a message without per-recipient DSN fields is nevertheless a bounce, or null when it is not one.
 * A delivery-system sender (or the null reverse-path, RFC 5321 §4.5.5) must come with a bounce subject or
 * a sentence only MTAs write, so that a person's mail about a bounce is not taken for one.
 */
export function textBounceEvidence(source: BounceSource, failedHeader: readonly string[]): string | null {
  const reportType = source.reportType?.toLowerCase() ?? null;
  if (reportType === 'delivery-status' || reportType === 'global-delivery-status')
    return `multipart/report; report-type=${reportType}`;
  if (failedHeader.length > 0) return 'X-Failed-Recipients header';
  const fromSystem = DELIVERY_SYSTEM_SENDER.test(source.from);
  if (!fromSystem && FORWARD_SUBJECT.test(source.subject)) return null;
  if (!fromSystem && !source.returnPathEmpty) return null;
  const who = fromSystem ? 'delivery-system sender' : 'null Return-Path';
  if (BOUNCE_SUBJECT.test(source.subject)) return `${who} and bounce subject`;
  const marker = BODY_MARKERS.exec(
    source.bodyText.length > 16_384 ? source.bodyText.slice(0, 16_384) : source.bodyText,
  );
  if (marker !== null) return `${who} and "${marker[0]}"`;
  return null;
}
