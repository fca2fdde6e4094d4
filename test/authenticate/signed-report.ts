import { generateKeyPairSync } from 'node:crypto';
import { dkimSign } from 'mailauth';
import type { DKIMSignOptions } from 'mailauth';
import type { FakeZone } from '../../src/authenticate/fake-resolver.ts';

/** A DKIM key pair (RFC 6376 §3.6.1) and its DNS TXT record, made fresh for the test run. */
export interface TestKey {
  privateKey: string;
  /** The TXT record split in 255-octet strings, as DNS returns long records. */
  txt: string[];
}

export function createTestKey(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const p = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  const record = `v=DKIM1; k=rsa; p=${p}`;
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    txt: record.match(/.{1,255}/g) ?? [],
  };
}

export interface ReportOptions {
  from?: string;
  userAgent?: string;
  body?: string;
  /** The complainant (Original-Rcpt-To and the original's To); default jane@example.net. */
  recipient?: string;
  messageId?: string;
  feedbackType?: string;
  /** Body of the reported original (e.g. carrying a trace token in a link). */
  originalBody?: string;
}

/** A small RFC 5965 feedback report, CRLF line endings. */
export function arfReport(options: ReportOptions = {}): string {
  const lines = [
    `From: ${options.from ?? 'Yahoo! Mail AntiSpam Feedback <feedback@arf.mail.yahoo.com>'}`,
    'To: fbl@esp.example',
    'Subject: FW: Spring sale',
    'Date: Fri, 02 Jan 2026 03:04:05 +0000',
    `Message-ID: ${options.messageId ?? '<report-1@arf.mail.yahoo.com>'}`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="b1"',
    '',
    '--b1',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    options.body ?? 'This is an email abuse report for an email message received from IP 192.0.2.1.',
    '',
    '--b1',
    'Content-Type: message/feedback-report',
    '',
    `Feedback-Type: ${options.feedbackType ?? 'abuse'}`,
    `User-Agent: ${options.userAgent ?? 'Yahoo!-Mail-Feedback/2.0'}`,
    'Version: 1',
    'Original-Mail-From: <bounce@news.acme.example>',
    `Original-Rcpt-To: ${options.recipient ?? 'jane@example.net'}`,
    'Source-IP: 192.0.2.1',
    '',
    '--b1',
    'Content-Type: message/rfc822',
    '',
    'From: Acme <news@news.acme.example>',
    `To: ${options.recipient ?? 'jane@example.net'}`,
    'Subject: Spring sale',
    `Message-ID: ${options.messageId ? options.messageId.replace('@arf.mail.yahoo.com', '@news.acme.example').replace('<', '<orig-') : '<orig-1@news.acme.example>'}`,
    '',
    options.originalBody ?? 'Buy now.',
    '--b1--',
    '',
  ];
  return lines.join('\r\n');
}

/** Prepends a DKIM-Signature made with mailauth's signer for `signingDomain`. */
export async function signReport(
  message: string,
  signingDomain: string,
  key: TestKey,
  selector = 'arf',
): Promise<string> {
  // mailauth reads the keys from signatureData only; its typings still demand them at the top level. Without
  // signTime it rounds Date.now() to a second twice — for the header it signs and for the one it returns — so
  // one signature in a few thousand carries a t= it did not sign (a bad signature).
  const options = {
    signTime: new Date(),
    signatureData: [{ signingDomain, selector, privateKey: key.privateKey }],
  } as unknown as DKIMSignOptions;
  const { signatures, errors } = await dkimSign(message, options);
  if (errors.length > 0 || !signatures.startsWith('DKIM-Signature:')) {
    throw new Error(`signing failed: ${errors.map((err) => err.message).join(', ')}`);
  }
  return signatures + message;
}

/** The DNS a Yahoo report needs: the selector key, Yahoo's DMARC record, an SPF record for the bounce domain. */
export function yahooZone(key: TestKey): FakeZone {
  return {
    'arf._domainkey.arf.mail.yahoo.com': { TXT: [key.txt] },
    '_dmarc.yahoo.com': { TXT: [['v=DMARC1; p=reject; rua=mailto:dmarc@yahoo.example']] },
    'returns.bulk.yahoo.com': { TXT: [['v=spf1 ip4:192.0.2.0/24 -all']] },
  };
}
