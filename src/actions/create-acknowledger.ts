import type { Config } from '../config/config-schema.ts';
import { decideAcknowledgement, sourceNetwork } from '../acknowledge/decide-acknowledgement.ts';
import { reporterAuthentication } from '../acknowledge/reporter-authentication.ts';
import { addressDomain } from '../mime/mail-address.ts';
import { detectLanguage } from '../acknowledge/detect-language.ts';
import { renderAcknowledgement } from '../acknowledge/render-acknowledgement.ts';
import { ackCount, bumpAckCount, outboxIdByKey } from '../store/outbox-store.ts';
import { decodeHeaderValue } from '../mime/decode-header-value.ts';
import { enqueueMail } from '../outbox/enqueue-mail.ts';
import type { Acknowledger } from './acknowledger.ts';

const idsIn = (v: string | undefined): string[] => (v ?? '').match(/<[^<>\s]+>/g) ?? [];

/**
 * The acknowledgement step of the actions stage: every rule of the README's "Acknowledgements and the outbox"
 * (decideAcknowledgement), the reporter's language, and the mail queued in the durable outbox inside
 * the report's transaction — or the rule that stopped it, for the ticket's timeline.
 */
export function createAcknowledger(config: Config): Acknowledger {
  const ourAddresses = config.smtp.domains.flatMap((d) =>
    config.smtp.mailboxes.map((m) => `${m}@${d}`.toLowerCase()),
  );
  ourAddresses.push(config.outbox.from.toLowerCase());
  return ({ db, ticketId, report, reportId, headers, message, suppressed, now }) => {
    const to = (report.reporter ?? '').toLowerCase();
    const day = now.toISOString().slice(0, 10);
    // The hourly caps count in ack_counts too, under keys that can never be an address (no "@" before the
    // colon) and an hour (`YYYY-MM-DDTHH`) where the per-address counts have a day.
    const hour = now.toISOString().slice(0, 13);
    const network = sourceNetwork(message.clientIp);
    const domain = report.reporter ? addressDomain(report.reporter) : null;
    const capKeys = {
      total: 'hourly:all',
      network: network ? `hourly:network:${network}` : null,
      domain: domain ? `hourly:domain:${domain}` : null,
    };
    const countOf = (key: string | null): number => (key ? ackCount(db, key, hour) : 0);
    const dedupeKey = `ack:${ticketId}:${to}`;
    const language = detectLanguage(report.reporterText ?? '');
    const decision = decideAcknowledgement({
      kind: report.kind,
      reporter: report.reporter,
      mailFrom: message.mailFrom,
      headers,
      reporterIssue: report.reporterIssue ?? null,
      fromDmarc: report.auth?.dmarc ?? 'none',
      reporterAuthenticated: reporterAuthentication({
        reporter: report.reporter,
        auth: report.auth,
        mailFrom: message.mailFrom,
      }),
      requireAuthentication: config.outbox.ackRequireAuthentication,
      ourAddresses,
      ourDomains: config.smtp.domains,
      alreadyAcknowledged: outboxIdByKey(db, dedupeKey) !== null,
      sentTodayToAddress: ackCount(db, to, day),
      dailyCap: config.outbox.ackDailyCap,
      sentThisHour: {
        total: countOf(capKeys.total),
        network: countOf(capKeys.network),
        domain: countOf(capKeys.domain),
      },
      hourlyCaps: {
        total: config.outbox.ackHourlyCap,
        network: config.outbox.ackHourlyCapPerNetwork,
        domain: config.outbox.ackHourlyCapPerDomain,
      },
      sourceNetwork: network,
      language,
    });
    if (!decision.send)
      return {
        kind: 'ack-skipped',
        target: report.reporter,
        scope: null,
        ticketId,
        rule: decision.rule,
        reason: decision.reason,
      };
    const subject = headers.get('subject')?.[0];
    const mail = renderAcknowledgement({
      language: decision.language,
      ticketId,
      reporter: decision.to,
      inReplyTo: message.messageId,
      references: [
        ...idsIn(headers.get('references')?.join(' ')),
        ...(message.messageId ? [message.messageId] : []),
      ],
      subjectOfReport: subject ? decodeHeaderValue(subject) : null,
      suppressed,
      from: { name: config.outbox.fromName, address: config.outbox.from },
    });
    const queued = enqueueMail(db, mail, { dedupeKey, ticketId, reportId, now });
    bumpAckCount(db, to, day);
    for (const key of Object.values(capKeys)) if (key) bumpAckCount(db, key, hour);
    const reason = `subject "${mail.subject}", Message-ID ${mail.messageId}`;
    return {
      kind: 'ack-queued',
      target: decision.to,
      scope: null,
      ticketId,
      rule: 'acknowledge-reporter',
      reason,
      outboxId: queued.id,
      language: decision.language,
    };
  };
}
