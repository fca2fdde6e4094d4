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
export function frenchInlineForward(o: {
  reporter: string;
  messageId: string;
  token: string;
  to: string;
}): string {
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

/** A Yahoo FBL (ARF) naming the complainant, with a Feedback-ID and optionally a trace token in the original. */
export function yahooFbl(o: {
  n: number;
  recipient: string;
  token?: string | null;
  campaign: string;
  client: string;
  domain: string;
}): string {
  return [
    'From: Yahoo! Mail AntiSpam Feedback <feedback@arf.mail.yahoo.com>',
    'To: fbl@esp.example',
    `Subject: FW: offer ${o.n}`,
    `Message-ID: <yahoo-fbl-${o.n}-${Date.now()}@arf.mail.yahoo.com>`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="yfb"',
    '',
    '--yfb',
    'Content-Type: text/plain',
    '',
    'This is an email abuse report for an email message from your network.',
    '--yfb',
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'User-Agent: Yahoo!-Mail-Feedback/2.0',
    'Version: 1',
    `Original-Rcpt-To: ${o.recipient}`,
    'Source-IP: 192.0.2.25',
    '',
    '--yfb',
    'Content-Type: message/rfc822',
    '',
    `From: ${o.client} <news@${o.domain}>`,
    `To: ${o.recipient}`,
    `Subject: ${o.campaign} offer`,
    `Date: ${new Date(Date.now() - 3600_000).toUTCString()}`,
    `Message-ID: <${o.campaign}-${o.n}@${o.domain}>`,
    `Feedback-ID: ${o.campaign}:${o.client}:newsletter:esp`,
    ...(o.token ? [`X-Abusedesk-Trace: ${o.token}`] : []),
    'Content-Type: text/plain',
    '',
    'Our best offers this week.',
    '',
    '--yfb--',
    '',
  ].join('\r\n');
}

/** Microsoft JMRP: no feedback-report part; the complainant is in X-HmXmrOriginalRecipient. */
export function jmrpReport(o: {
  n: number;
  recipient: string;
  client: string;
  domain: string;
  campaign: string;
}): string {
  return [
    'From: staff@hotmail.com',
    'To: fbl@esp.example',
    'Subject: complaint about message from 192.0.2.45',
    `Message-ID: <jmrp-${o.n}-${Date.now()}@BAY0-XMR-018.phx.gbl>`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="JMRP"',
    '',
    '--JMRP',
    'Content-Type: message/rfc822',
    'Content-Disposition: inline',
    '',
    `X-HmXmrOriginalRecipient: ${o.recipient}`,
    `From: ${o.client} <news@${o.domain}>`,
    'To: list-members@example.com',
    `Subject: ${o.campaign}`,
    `Message-ID: <${o.campaign}-jmrp-${o.n}@${o.domain}>`,
    `X-Campaign-ID: ${o.campaign}`,
    'Content-Type: text/plain',
    '',
    'Sale!',
    '--JMRP--',
    '',
  ].join('\r\n');
}

/** A German Thunderbird-style inline forward. */
export function germanInlineForward(o: {
  reporter: string;
  messageId: string;
  token: string;
  to: string;
}): string {
  return [
    `From: Klaus Berger <${o.reporter}>`,
    'To: abuse@esp.example',
    'Subject: WG: Ihr Winterangebot',
    `Message-ID: ${o.messageId}`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Bitte unterlassen Sie diese Werbung. Ich habe mich nie angemeldet.',
    '',
    '-------- Weitergeleitete Nachricht --------',
    'Betreff: \tIhr Winterangebot',
    `Datum: \t${new Date(Date.now() - 7200_000).toUTCString()}`,
    'Von: \tInitech <offers@initech.example>',
    `An: \t${o.to}`,
    '',
    'Sehr geehrte Kundin, sehr geehrter Kunde, unser Winterangebot ist da.',
    `Abmelden: https://initech.example/abmelden?t=${o.token}`,
    '',
  ].join('\r\n');
}

/** An English reply to one of our acknowledgements: lands in the same ticket. */
export const ticketReply = (o: {
  ticketId: string;
  reporter: string;
  messageId: string;
  inReplyTo?: string;
}): string =>
  [
    `From: <${o.reporter}>`,
    'To: abuse@esp.example',
    `Subject: Re: [${o.ticketId}] Your report has been received`,
    `Message-ID: ${o.messageId}`,
    ...(o.inReplyTo ? [`In-Reply-To: ${o.inReplyTo}`, `References: ${o.inReplyTo}`] : []),
    `Date: ${new Date().toUTCString()}`,
    '',
    'Thanks. They are still writing to me though, please check again.',
    '',
  ].join('\r\n');
