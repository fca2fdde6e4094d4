import nodemailer from 'nodemailer';
import { mailOptions } from './mail-options.ts';
import type { OutgoingMail } from './outgoing-mail.ts';

// nodemailer's stream transport only builds the message (buffer: true): nothing is sent.
const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

/** The complete RFC 5322 message (CRLF line ends, §2.1) for an outbox mail, as nodemailer builds it. */
export async function composeMail(mail: OutgoingMail, date: Date): Promise<Buffer> {
  const info = await composer.sendMail(mailOptions(mail, date));
  if (!Buffer.isBuffer(info.message))
    throw new Error('nodemailer stream transport returned a stream, expected a buffer');
  return info.message;
}
