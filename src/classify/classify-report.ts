import type { AutoreplySource, BounceExtraction, BounceSource } from '../extract/bounce/bounce-source.ts';
import { originalFromPart } from '../report/reported-original.ts';
import type { MessageFacts } from '../report/message-facts.ts';
import { firstHeader } from '../mime/header-map.ts';
import type { MimePart } from '../mime/mime-part.ts';
import { detectArf } from './detect-arf.ts';
import { detectAttachedComplaint } from './detect-attached-complaint.ts';
import { detectAuthFailureText } from './detect-auth-failure-text.ts';
import { detectInlineForward } from './detect-inline-forward.ts';
import { detectJmrp } from './detect-jmrp.ts';
import { detectReply } from './detect-reply.ts';
import { detectSpamcop } from './detect-spamcop.ts';
import { detectTracedMail } from './detect-traced-mail.ts';
import { detectUnsubscribe } from './detect-unsubscribe.ts';
import { detectXarf } from './detect-xarf.ts';
import { detectEspEvent } from './esp-events/detect-esp-event.ts';
import type { Finding } from '../report/finding.ts';

export interface ClassifyContext {
  rcptTo: string[];
  unsubscribeMailboxes: string[];
  ticketIdPattern: RegExp;
  /** Parses text found inside a body (SpamCop inline spam, copied headers) as a message. */
  parseEmbedded: (text: string) => MimePart;
  extractBounces: (source: BounceSource) => BounceExtraction | null;
  detectAutoreply: (source: AutoreplySource) => { reason: string } | null;
}

/**
 * Exactly one kind per message, first match wins. The order is the policy:
 * machine reports (ARF, ESP event JSON, JMRP) before bounces (an FBL quotes failures too); bounces before
 * autoreplies (Exim bounces carry Auto-Submitted); X-ARF, SpamCop and DMARC reports before
 * autoreplies (they carry Precedence/Auto-Submitted yet are reports); an unreadable DSN or challenge before
 * complaints (it encloses our message but nobody complained); autoreplies before replies
 * (an out-of-office answering our acknowledgement quotes the ticket id) and never a complaint;
 * replies and unsubscribes before human forwards and trace-token mail (a reply quotes our mail and its links).
 */
export function classifyReport(facts: MessageFacts, ctx: ClassifyContext): Finding {
  const bounceSource = (): BounceSource => ({
    headers: facts.headers,
    subject: facts.subject,
    from: facts.from,
    returnPathEmpty: /^\s*<\s*>\s*$/.test(firstHeader(facts.headers, 'return-path') ?? 'x'),
    reportType: facts.reportType,
    deliveryStatus: facts.deliveryStatus,
    bodyText: facts.bodyText,
    originalHeaders: facts.enclosed[facts.enclosed.length - 1]?.rawHeaders ?? null,
  });
  const bounce = (): Finding | null => {
    const x = ctx.extractBounces(bounceSource());
    if (!x) return null;
    const enclosed = facts.enclosed[facts.enclosed.length - 1];
    const original = enclosed ? originalFromPart(enclosed) : null;
    const reporter = facts.reporter;
    if (x.notBounce) return { kind: 'other', reason: `not a bounce: ${x.reason}`, reporter, original };
    // Hard or not was decided by the bounce reader (a delay is never hard); it is not revisited here.
    return {
      kind: 'bounce',
      reason: x.delayed ? `delayed delivery (warning only): ${x.reason}` : x.reason,
      reporter,
      original,
      bounces: x.bounces,
    };
  };
  const autoreply = (): Finding | null => {
    const a = ctx.detectAutoreply({
      headers: facts.headers,
      subject: facts.subject,
      from: facts.from,
      bodyText: facts.bodyText,
    });
    return a ? { kind: 'autoreply', reason: a.reason, reporter: facts.reporter } : null;
  };
  const steps: (() => Finding | null)[] = [
    () => detectArf(facts),
    () => detectEspEvent(facts),
    () => detectJmrp(facts),
    bounce,
    () => detectXarf(facts),
    () => detectSpamcop(facts, ctx.parseEmbedded),
    () => detectAuthFailureText(facts, ctx.parseEmbedded),
    autoreply,
    // A DSN the bounce rules could not read is still no complaint, though it encloses a message.
    () =>
      facts.reportType === 'delivery-status' || facts.deliveryStatus !== null
        ? {
            kind: 'other',
            reason: 'delivery-status report with no recipient the bounce rules could read',
            reporter: facts.reporter,
          }
        : null,
    () => detectReply(facts, ctx.ticketIdPattern),
    () => detectUnsubscribe(facts, ctx.rcptTo, ctx.unsubscribeMailboxes),
    () => detectAttachedComplaint(facts),
    () => detectInlineForward(facts),
    // Last: a person's mail carrying our trace token that nothing above explained is a complaint, never `other`.
    () => detectTracedMail(facts),
  ];
  for (const step of steps) {
    const finding = step();
    if (finding) return finding;
  }
  return {
    kind: 'other',
    reason: 'no report, bounce, complaint, autoreply, unsubscribe or reply recognised',
    reporter: facts.reporter,
  };
}
