import type { BounceDetail } from '../../report/parsed-report.ts';
import type { BounceExtraction, BounceSource } from './bounce-source.ts';
import { isHardBounce } from '../../report/bounce-reason.ts';
import { classifyDiagnostic, type DiagnosticClass } from './classify-diagnostic.ts';
import { findEnhancedStatus, findReplyCode, parseStatusField } from './enhanced-status.ts';
import { parseDeliveryStatus, type DeliveryStatusRecipient } from './parse-delivery-status.ts';
import { detectLayout, failureText, parseTextBounce, type TextBounce } from './parse-text-bounce.ts';
import { FORWARD_SUBJECT, failedRecipientsHeader, textBounceEvidence } from './text-bounce-evidence.ts';

/** One recipient's outcome before it becomes a BounceDetail; `statusNote` tells where the status came from. */
interface Outcome {
  detail: BounceDetail;
  basis: string;
  statusNote: string;
}

/** Report types that are reports but never bounces: ARF (RFC 5965), MDN (RFC 8098), auth failures… */
const DSN_REPORT_TYPES = new Set(['delivery-status', 'global-delivery-status']);

/** Delay warnings: Sendmail, Exim, Exchange, Gmail and Postfix wordings (subject or text). */
const DELAY_MARKERS =
  /Delivery Status Notification \(Delay\)|still undelivered|message (?:\S+ )?delayed|delayed mail|Mail Delivery Delayed|delivery (?:has been |is )?delayed|notification about a delay|Delivery to the following recipients? has been delayed|will (?:continue|keep) trying|There is no need to resend|could not send message for past|This is a warning message only/i;

/** Challenge-response notices dressed as DSNs (Boxbe sends multipart/report): autoreplies, not bounces. */
const CHALLENGE =
  /X-Boxbe-Notice|\bBoxbe\b|not pre-approved|Guest List|verify (?:that )?you are (?:a )?human|challenge[- ]response|Spam ?Arrest|protected by Bluebottle/i;

/** Final failures after temporary replies (qmail-send, Exim): the last reply was 4xx but delivery was abandoned. */
const GAVE_UP = /this message has been in the queue too long|retry timeout exceeded/i;

/** Where per-recipient DSN fields start when they sit in the body text. */
const EMBEDDED_FIELDS = /^(?:Original|Final)-Recipient:/im;

/** Actions that report success (RFC 3464 §2.3.3): such a DSN is not a bounce. */
const SUCCESS_ACTIONS = new Set(['delivered', 'relayed', 'expanded', 'deliverable']);

const MAX_LISTED = 5;

function domainOf(address: string): string | null {
  const at = address.lastIndexOf('@');
  if (at < 0) return null;
  return (
    address
      .slice(at + 1)
      .replace(/[>\s)].*$/, '')
      .toLowerCase() || null
  );
}

function looksLikeAddress(value: string | null): value is string {
  return value !== null && /^[^\s@]+@[^\s@]+$/.test(value);
}

/** Infers a status from the reason's implied status, the SMTP reply code and whether the failure is temporary. */
function inferStatus(klass: DiagnosticClass, text: string, temporary: boolean): string {
  const reply = findReplyCode(text);
  const first = temporary || reply?.startsWith('4') === true ? '4' : '5';
  if (klass.impliedStatus !== null) return `${first}${klass.impliedStatus.slice(1)}`;
  return `${first}.0.0`;
}

/** The remote server named in a diagnostic ("host mx.example.org[192.0.2.1] said:", Exim's "host … [ip]"). */
const REMOTE_HOST =
  /\bhost\s+([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+)\.?\s*\[/;

/** qmail names the remote server by address: "192.0.2.1 does not like recipient.", "Giving up on 192.0.2.1.". */
const QMAIL_REMOTE =
  /(?:^|\s)(?:Giving up on|Connected to)\s+([0-9A-Fa-f.:]{3,45}[0-9A-Fa-f])\b|(?:^|\s)([0-9]{1,3}(?:\.[0-9]{1,3}){3}) (?:does not like recipient|failed (?:on DATA command|after I sent the message))/;

function remoteMtaOf(stated: string | null | undefined, text: string): string | null {
  // "dns; mx.example.net (192.0.2.1)", "dns;mx.example.net (TCP|…)": the host name is the first word.
  if (stated)
    return (
      stated
        .replace(/^\s*dns\s*;\s*/i, '')
        .trim()
        .split(/[\s(]/)[0]
        ?.replace(/\.$/, '') || null
    );
  const bounded = text.slice(0, 2000);
  const host = REMOTE_HOST.exec(bounded)?.[1]?.toLowerCase();
  if (host !== undefined) return host;
  const qmail = QMAIL_REMOTE.exec(bounded);
  return qmail === null ? null : (qmail[1] ?? qmail[2] ?? null);
}

function outcome(
  recipient: string,
  action: string,
  explicitStatus: string | null,
  statusSource: string,
  diagnostic: string | null,
  remoteMta: string | null = null,
  warningOnly = false,
): Outcome {
  const text = diagnostic ?? '';
  const delayed = action === 'delayed';
  const klass = classifyDiagnostic(text, explicitStatus, delayed);
  let status = explicitStatus;
  let statusNote = statusSource;
  if (status === null) {
    status = inferStatus(klass, text, delayed);
    statusNote = `inferred from ${klass.reason} text`;
  }
  // Only a permanent failure of the address itself is hard: the reason decides; a delay — this recipient's,
  // or the whole message being a delay warning — never is. The one place hard is decided for a DSN.
  const hard = isHardBounce(klass.reason, status, delayed || warningOnly);
  return {
    detail: {
      recipient,
      status,
      action,
      reason: klass.reason,
      hard,
      diagnostic,
      remoteMta: remoteMtaOf(remoteMta, text),
    },
    basis: klass.basis,
    statusNote,
  };
}

function describe(outcomes: readonly Outcome[]): string {
  const listed = outcomes.slice(0, MAX_LISTED).map((item) => {
    const { recipient, action, status, hard } = item.detail;
    const source = item.statusNote === 'Status field' ? '' : `, status ${item.statusNote}`;
    return `${recipient} ${action ?? 'failed'} ${status ?? '?'} (${item.detail.reason}, ${item.basis}${source}) → ${hard ? 'hard' : 'soft'}`;
  });
  if (outcomes.length > MAX_LISTED) listed.push(`… and ${outcomes.length - MAX_LISTED} more`);
  return listed.join('; ');
}

function summarize(
  prefix: string,
  failing: readonly Outcome[],
  informational: readonly string[],
  delayed: boolean,
): BounceExtraction {
  const count = `${failing.length} recipient${failing.length === 1 ? '' : 's'} ${delayed ? 'delayed' : 'failed'}`;
  const extra =
    informational.length > 0 ? `; not bounces: ${informational.slice(0, MAX_LISTED).join(', ')}` : '';
  return {
    reason: `${prefix}; ${count}: ${describe(failing)}${extra}`,
    bounces: failing.map((item) => item.detail),
    delayed,
    notBounce: false,
  };
}

/** The status of one DSN recipient: its Status field, refined by the diagnostic when the field is only X.0.0. */
function dsnStatus(record: DeliveryStatusRecipient): { status: string | null; note: string } {
  const field = record.status === null ? null : parseStatusField(record.status);
  const fromText = record.diagnostic === null ? null : findEnhancedStatus(record.diagnostic);
  if (field !== null) {
    // RFC 3463 X.0.0 means "undefined"; the remote server's own code in Diagnostic-Code says more.
    if (field.endsWith('.0.0') && fromText !== null && fromText[0] === field[0] && fromText !== field) {
      return { status: fromText, note: `from Diagnostic-Code (Status field ${field})` };
    }
    return { status: field, note: 'Status field' };
  }
  return fromText === null ? { status: null, note: '' } : { status: fromText, note: 'from Diagnostic-Code' };
}

function fromDeliveryStatus(
  source: BounceSource,
  records: readonly DeliveryStatusRecipient[],
  messageDelayed: boolean,
  prefix: string,
): BounceExtraction | null {
  let text: TextBounce | null = null;
  const failing: Outcome[] = [];
  const informational: string[] = [];
  for (const record of records) {
    // The Original-Recipient is the address the ESP sent to (RCPT TO ORCPT, RFC 3461); Final-Recipient may be an alias target.
    const recipient = looksLikeAddress(record.originalRecipient)
      ? record.originalRecipient
      : (record.finalRecipient ?? record.originalRecipient ?? '');
    const { status, note } = dsnStatus(record);
    const action =
      record.action ??
      (status?.startsWith('2') === true
        ? 'delivered'
        : status?.startsWith('4') === true || messageDelayed
          ? 'delayed'
          : 'failed');
    if (SUCCESS_ACTIONS.has(action)) {
      informational.push(`${recipient} ${action}`);
      continue;
    }
    let diagnostic = record.diagnostic;
    if (diagnostic === null) {
      // No Diagnostic-Code: the human-readable part often has the remote server's reply for this address.
      text ??= parseTextBounce(source.bodyText, [], null, source);
      const wanted = [record.finalRecipient, record.originalRecipient].map((value) => value?.toLowerCase());
      diagnostic =
        text.recipients.find((entry) => wanted.includes(entry.recipient.toLowerCase()))?.diagnostic ?? null;
    }
    failing.push(outcome(recipient, action, status, note, diagnostic, record.remoteMta));
  }
  if (failing.length === 0) {
    return {
      reason: `${prefix} reports success (${informational.slice(0, MAX_LISTED).join(', ')}): not a bounce`,
      bounces: [],
      delayed: false,
      notBounce: true,
    };
  }
  if (failing.every((item) => CHALLENGE.test(item.detail.diagnostic ?? ''))) return null;
  const delayed = failing.every((item) => item.detail.action === 'delayed');
  return summarize(prefix, failing, informational, delayed);
}

function fromText(
  source: BounceSource,
  evidence: string,
  failedHeader: readonly string[],
  messageDelayed: boolean,
): BounceExtraction {
  const fromDomain = domainOf(source.from);
  const parsed = parseTextBounce(source.bodyText, failedHeader, fromDomain, source);
  const failing = parsed.recipients.map((entry) => {
    const action = entry.action ?? (messageDelayed ? 'delayed' : 'failed');
    const stated = entry.status ?? null;
    let explicit = stated ?? (entry.diagnostic === null ? null : findEnhancedStatus(entry.diagnostic, true));
    // qmail gives up on a temporary reply once the message has queued too long: the failure is final.
    if (explicit?.startsWith('4') === true && action === 'failed' && GAVE_UP.test(entry.diagnostic ?? ''))
      explicit = `5${explicit.slice(1)}`;
    return outcome(
      entry.recipient,
      action,
      explicit,
      stated === null ? 'from the text' : 'stated by the layout',
      entry.diagnostic,
      entry.remoteMta ?? null,
      messageDelayed,
    );
  });
  const prefix = `${parsed.format} bounce (${evidence})`;
  if (failing.length === 0) {
    return {
      reason: `${prefix}; no failed recipient could be read`,
      bounces: [],
      delayed: messageDelayed,
      notBounce: false,
    };
  }
  return summarize(prefix, failing, [], messageDelayed);
}

/** A layout only one MTA or provider writes is evidence enough, unless a person forwarded it. */
function layoutEvidence(source: BounceSource): string | null {
  if (FORWARD_SUBJECT.test(source.subject)) return null;
  const layout = detectLayout(source.bodyText, domainOf(source.from), source);
  return layout === null ? null : `${layout} layout`;
}

/**
 * Reads a delivery status notification: RFC 3464 per-recipient fields when present, else the text layouts
 * of common MTAs and providers. Returns null when the message is not a DSN at all (including ARF reports,
 * read receipts and challenge-response notices that borrow the DSN format).
 */
export function extractBounces(source: BounceSource): BounceExtraction | null {
  const reportType = source.reportType?.toLowerCase() ?? null;
  if (reportType !== null && !DSN_REPORT_TYPES.has(reportType) && source.deliveryStatus === null) return null;
  const head = source.bodyText.length > 4096 ? source.bodyText.slice(0, 4096) : source.bodyText;
  const messageDelayed = DELAY_MARKERS.test(source.subject) || DELAY_MARKERS.test(head);
  const records = source.deliveryStatus === null ? [] : parseDeliveryStatus(source.deliveryStatus);
  if (records.length > 0) return fromDeliveryStatus(source, records, messageDelayed, 'RFC 3464 DSN');
  const failedHeader = failedRecipientsHeader(source.headers);
  const evidence = textBounceEvidence(source, failedHeader) ?? layoutEvidence(source);
  if (evidence === null) return null;
  // A broken MIME boundary (or a plain-text DSN) leaves the delivery-status fields in the body text.
  const text = failureText(source.bodyText);
  const embedded = EMBEDDED_FIELDS.exec(text);
  if (embedded !== null) {
    const inText = parseDeliveryStatus(text.slice(embedded.index));
    if (inText.some((record) => record.action !== null || record.status !== null)) {
      return fromDeliveryStatus(
        source,
        inText,
        messageDelayed,
        `RFC 3464 fields in the body text (${evidence})`,
      );
    }
  }
  if (!/mailer[-_]?daemon|postmaster/i.test(source.from) && CHALLENGE.test(head)) return null;
  return fromText(source, evidence, failedHeader, messageDelayed);
}
