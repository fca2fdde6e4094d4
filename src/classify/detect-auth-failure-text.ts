import { originalFromPart } from '../report/reported-original.ts';
import { toIsoDate } from '../extract/to-iso-date.ts';
import type { MessageFacts } from '../report/message-facts.ts';
import type { MimePart } from '../mime/mime-part.ts';
import type { Finding } from '../report/finding.ts';

const SUBJECT =
  /\b(?:DMARC\s+(?:Forensic|Failure)|(?:Forensic|Failure)\s+Report|Auth(?:entication)?[ -]Failure\s+Report)\b/i;
const BODY =
  /failed the (?:published )?DMARC policy|DMARC (?:Forensic|Failure) Report|This is an? (?:authentication|auth-)failure report/i;

/**
 * DMARC forensic (failure) reports that lack a proper RFC 6591 feedback-report part — Exim and
 * others send plain text plus the failing message's headers. Recognised by subject or wording.
 */
export function detectAuthFailureText(
  facts: MessageFacts,
  parseEmbedded: (text: string) => MimePart,
): Finding | null {
  if (!SUBJECT.test(facts.subject) && !BODY.test(facts.bodyText)) return null;
  const body = facts.bodyText;
  const ip =
    /Sender IP(?: Address)?:\s*([0-9a-f.:]+)/i.exec(body)?.[1] ??
    /\bfrom IP\s+([0-9a-f.:]+)/i.exec(facts.subject)?.[1] ??
    null;
  let original = facts.enclosed[facts.enclosed.length - 1] ?? null;
  if (!original) {
    const copy =
      /copy of the headers[^\n]*\n+/i.exec(body) ??
      /^(?=Received:|Return-Path:|Authentication-Results:)/im.exec(body);
    if (copy) original = parseEmbedded(body.slice(copy.index + copy[0].length));
  }
  return {
    kind: 'auth-failure',
    reason: `DMARC failure report without a feedback-report part (${SUBJECT.test(facts.subject) ? 'Subject' : 'body wording'})`,
    feedbackType: 'auth-failure',
    reporter: facts.reporter,
    original: original && original.headers.size > 0 ? originalFromPart(original) : null,
    sourceIp: ip,
    arrivalDate: toIsoDate(/Received date:\s*([^\n]+)/i.exec(body)?.[1]),
  };
}
