import type { Config } from '../config/config-schema.ts';
import { decideAcknowledgement } from '../acknowledge/decide-acknowledgement.ts';
import { detectLanguage } from '../acknowledge/detect-language.ts';
import { renderAcknowledgement } from '../acknowledge/render-acknowledgement.ts';
import { prepared } from '../db/prepared.ts';
import { parseHeaderBlock } from '../parse/mime/parse-header-block.ts';
import { decodeHeaderValue } from '../parse/mime/decode-header-value.ts';
import { enqueueMail } from '../outbox/enqueue-mail.ts';
import type { Acknowledger } from './acknowledger.ts';

const idsIn = (v: string | undefined): string[] => (v ?? '').match(/<[^<>\s]+>/g) ?? [];

/**
 * The acknowledgement step of the actions stage: every rule of PRODUCT.md "Acknowledgement mail"
 * (decideAcknowledgement), the reporter's language, and the mail queued in the durable outbox inside
 * the report's transaction — or the rule that stopped it, for the ticket's timeline.
 */
export function createAcknowledger(config: Config): Acknowledger {
  const ourAddresses = config.smtp.domains.flatMap((d) => config.smtp.mailboxes.map((m) => `${m}@${d}`.toLowerCase()));
  ourAddresses.push(config.outbox.from.toLowerCase());
  return ({ db, ticketId, report, reportId, raw, message, suppressed, now }) => {
    const head = raw.subarray(0, 256 * 1024).toString('latin1').replace(/\r\n?/g, '\n');
    const headers = parseHeaderBlock(head, 256 * 1024).headers;
    const to = (report.reporter ?? '').toLowerCase();
    const day = now.toISOString().slice(0, 10);
    const dedupeKey = `ack:${ticketId}:${to}`;
    const language = detectLanguage(report.reporterText ?? '');
    const decision = decideAcknowledgement({
      kind: report.kind,
      reporter: report.reporter,
      mailFrom: message.mailFrom,
      headers,
      fromDmarc: report.auth?.dmarc ?? 'none',
      ourAddresses,
      ourDomains: config.smtp.domains,
      alreadyAcknowledged: prepared(db, 'SELECT 1 FROM outbox WHERE dedupe_key = ?').get(dedupeKey) !== undefined,
      sentTodayToAddress: (prepared(db, 'SELECT count FROM ack_counts WHERE address = ? AND day = ?').get(to, day) as { count: number } | undefined)?.count ?? 0,
      dailyCap: config.outbox.ackDailyCap,
      language,
    });
    if (!decision.send) return { sent: false, text: `no acknowledgement (rule ${decision.rule}): ${decision.reason}`, data: { rule: decision.rule } };
    const subject = headers.get('subject')?.[0];
    const mail = renderAcknowledgement({
      language: decision.language,
      ticketId,
      reporter: decision.to,
      inReplyTo: message.messageId,
      references: [...idsIn(headers.get('references')?.join(' ')), ...(message.messageId ? [message.messageId] : [])],
      subjectOfReport: subject ? decodeHeaderValue(subject) : null,
      suppressed,
      from: { name: config.outbox.fromName, address: config.outbox.from },
    });
    const queued = enqueueMail(db, mail, { dedupeKey, ticketId, reportId, now });
    prepared(db, 'INSERT INTO ack_counts (address, day, count) VALUES (?, ?, 1) ON CONFLICT (address, day) DO UPDATE SET count = count + 1').run(to, day);
    return { sent: true, text: `acknowledgement queued to ${decision.to} in ${decision.language} (outbox #${queued.id}, subject "${mail.subject}")`, data: { outboxId: queued.id, language: decision.language, messageId: mail.messageId } };
  };
}
