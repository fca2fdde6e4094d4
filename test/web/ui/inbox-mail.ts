/** Mail the inbox tests send through the real pipeline: built here, nothing sent anywhere but the test service. */

export interface UnmatchedFblOptions {
  /** The report's own Message-ID (unique per report, or the pipeline drops it as a duplicate). */
  reportId: string;
  /** Domain the reported original came from: no client sends from it, so the report is unmatched. */
  domain?: string | null;
  sourceIp?: string;
  complainant?: string;
  originalMessageId?: string;
}

/** An AOL-style ARF report (RFC 5965) about mail from a domain no client owns. */
export function unmatchedFbl(o: UnmatchedFblOptions): string {
  const domain = o.domain === undefined ? 'mailer.unknown-sender.example' : o.domain;
  const ip = o.sourceIp ?? '198.51.100.7';
  const from = domain ? `Shady <deals@${domain}>` : 'Shady';
  return [
    'From: AOL Feedback Loop <scomp@aol.net>',
    'To: fbl@esp.example',
    `Subject: Email Feedback Report for IP ${ip}`,
    `Message-ID: ${o.reportId}`,
    'Date: Mon, 23 Nov 2026 09:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain',
    '',
    'This is an email abuse report.',
    '--b1',
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'User-Agent: AOL SComp',
    'Version: 1',
    `Source-IP: ${ip}`,
    '',
    '--b1',
    'Content-Type: message/rfc822',
    '',
    ...(domain ? [`Return-Path: <bounce@${domain}>`] : []),
    `From: ${from}`,
    `To: ${o.complainant ?? 'victim@example.net'}`,
    'Subject: Cheap watches',
    'Date: Mon, 23 Nov 2026 08:54:00 +0000',
    `Message-ID: ${o.originalMessageId ?? `<orig-${o.reportId.replace(/\W/g, '')}@example.invalid>`}`,
    'Content-Type: text/plain',
    '',
    'Buy now.',
    '',
    '--b1--',
    '',
  ].join('\r\n');
}

/** A message that is no report at all (kind `other`): a question for staff. */
export const staffQuestion = (subject: string, from: string, id: string): string =>
  [
    `From: ${from}`,
    'To: abuse@esp.example',
    `Subject: ${subject}`,
    `Message-ID: ${id}`,
    'Date: Mon, 23 Nov 2026 09:00:00 +0000',
    '',
    'Hello, how do I enrol in your feedback loop programme? Thanks.',
    '',
  ].join('\r\n');

/** A person forwarding spam inline (kind `complaint`) about mail from a domain no client owns. */
export const humanForward = (reporter: string, id: string, subject = 'Cheap watches'): string =>
  [
    `From: ${reporter}`,
    'To: abuse@esp.example',
    `Subject: Fwd: ${subject}`,
    `Message-ID: ${id}`,
    'Date: Mon, 23 Nov 2026 09:00:00 +0000',
    '',
    'This is spam, please stop it.',
    '',
    '---------- Forwarded message ---------',
    'From: Shady <deals@mailer.unknown-sender.example>',
    'Date: Mon, Nov 23, 2026 at 8:54 AM',
    `Subject: ${subject}`,
    `To: ${reporter}`,
    '',
    'Buy now.',
    '',
  ].join('\r\n');
