/** Realistic inbound reports for end-to-end tests, built with the pieces a test varies. */

export interface FblOptions {
  reportMessageId: string;
  feedbackType?: string;
  originalRcptTo?: string | null;
  originalTo: string;
  originalMessageId: string;
  traceToken?: string | null;
  from?: string;
}

/** An AOL-style ARF report (RFC 5965) whose original may have a redacted recipient. */
export function fblReport(o: FblOptions): string {
  return [
    `From: ${o.from ?? 'AOL Feedback Loop <scomp@aol.net>'}`,
    'To: fbl@esp.example',
    'Subject: Email Feedback Report for IP 192.0.2.25',
    `Message-ID: ${o.reportMessageId}`,
    'Date: Mon, 23 Nov 2026 09:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain',
    '',
    'This is an email abuse report for an email message received from IP 192.0.2.25.',
    '--b1',
    'Content-Type: message/feedback-report',
    '',
    `Feedback-Type: ${o.feedbackType ?? 'abuse'}`,
    'User-Agent: AOL SComp',
    'Version: 1',
    'Source-IP: 192.0.2.25',
    ...(o.originalRcptTo ? [`Original-Rcpt-To: ${o.originalRcptTo}`] : []),
    '',
    '--b1',
    'Content-Type: message/rfc822',
    '',
    'Return-Path: <bounce@news.acme.example>',
    'From: Acme <offers@news.acme.example>',
    `To: ${o.originalTo}`,
    'Subject: Spring sale: 50% off everything',
    'Date: Mon, 23 Nov 2026 08:54:00 +0000',
    `Message-ID: ${o.originalMessageId}`,
    ...(o.traceToken ? [`X-Abusedesk-Trace: ${o.traceToken}`] : []),
    'List-Unsubscribe: <https://esp.example/u/abc>',
    'List-Unsubscribe-Post: List-Unsubscribe=One-Click',
    'Content-Type: text/plain',
    '',
    'Great offers. To unsubscribe click https://esp.example/u/abc',
    '',
    '--b1--',
    '',
  ].join('\r\n');
}

/** A French Gmail-style inline forward whose unsubscribe link carries the trace token. */
export function frenchInlineForward(o: { reporter: string; messageId: string; token: string; to: string }): string {
  return [
    `From: Marie Dupont <${o.reporter}>`,
    'To: abuse@esp.example',
    'Subject: Fwd: Nouveautés de printemps',
    `Message-ID: ${o.messageId}`,
    'Date: Mon, 23 Nov 2026 10:00:00 +0100',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    "Bonjour, je n'ai jamais demandé à recevoir ces messages. Merci de faire le nécessaire pour que cela cesse.",
    '',
    '---------- Forwarded message ---------',
    'De : Acme <offers@news.acme.example>',
    'Date: lun. 23 nov. 2026 à 08:30',
    'Subject: Nouveautés de printemps',
    `To: <${o.to}>`,
    '',
    'Découvrez nos offres de printemps !',
    `Se désinscrire : https://esp.example/u/${o.token}`,
    '',
  ].join('\r\n');
}

export const outOfOffice = (messageId: string): string =>
  [
    'From: Bob <bob@example.org>',
    'To: abuse@esp.example',
    'Subject: Automatic reply: Spring sale',
    `Message-ID: ${messageId}`,
    'Auto-Submitted: auto-replied',
    'X-Autoreply: yes',
    'Date: Mon, 23 Nov 2026 10:00:00 +0000',
    '',
    'I am out of the office until Monday and will read your message when I return.',
    '',
  ].join('\r\n');

export const postfixBounce = (messageId: string, recipient: string): string =>
  [
    'From: MAILER-DAEMON@mx.example.org (Mail Delivery System)',
    'To: postmaster@esp.example',
    'Subject: Undelivered Mail Returned to Sender',
    `Message-ID: ${messageId}`,
    'Date: Mon, 23 Nov 2026 10:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="bb"',
    '',
    '--bb',
    'Content-Type: text/plain',
    '',
    `<${recipient}>: host mx.example.org said: 550 5.1.1 <${recipient}>: Recipient address rejected: User unknown`,
    '--bb',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.org',
    '',
    `Final-Recipient: rfc822; ${recipient}`,
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 User unknown',
    '',
    '--bb',
    'Content-Type: text/rfc822-headers',
    '',
    'From: Acme <offers@news.acme.example>',
    `To: ${recipient}`,
    'Subject: Spring sale',
    'Message-ID: <bounced-1@news.acme.example>',
    '',
    '--bb--',
    '',
  ].join('\r\n');
