import type { SendMailOptions } from 'nodemailer';
import mimeFuncs from 'nodemailer/lib/mime-funcs/index.js';
import type { OutgoingMail } from './outgoing-mail.ts';

/**
 * Subject as RFC 2047 encoded words only where needed: nodemailer would encode the whole line once one
 * word is non-ASCII, hiding `[AD-7KQ2MX]` inside `=?UTF-8?Q?=5BAD-7KQ2MX=5D…?=` from anything that
 * greps raw headers for the ticket id. Folded (RFC 5322 §2.2.3) to stay under 78 characters a line.
 */
function preparedSubject(subject: string): string {
  // encodeWords' fourth argument (encodeAll) is missing from @types/nodemailer; false = only the words that need it.
  const encoded = (mimeFuncs.encodeWords as (v: string, e: 'Q', max: number, all: boolean) => string)(
    subject,
    'Q',
    52,
    false,
  );
  // Fold by turning an existing space into CRLF + space (RFC 5322 §2.2.3); between encoded words the
  // white space is not part of the text (RFC 2047 §6.2), between plain words unfolding restores it.
  const lines: string[] = [];
  let line = 'Subject:';
  for (const word of encoded.split(' ')) {
    if (line.length + 1 + word.length > 76 && line !== 'Subject:') {
      lines.push(line);
      line = '';
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines.join('\r\n').slice('Subject: '.length);
}

/**
 * nodemailer message options for an outbox mail. Addresses are passed as objects, never as strings for
 * nodemailer to parse, so a display name cannot smuggle in extra recipients; the envelope is explicit
 * (RFC 5321 reverse-path '' = `<>`). Date is the composition time (RFC 5322 §3.6.1: when the message
 * was ready to be sent).
 */
export function mailOptions(mail: OutgoingMail, date: Date): SendMailOptions {
  return {
    from: { name: mail.from.name, address: mail.from.address },
    to: { name: mail.to.name, address: mail.to.address },
    text: mail.text,
    messageId: mail.messageId,
    date,
    ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
    ...(mail.references.length ? { references: mail.references } : {}),
    headers: { ...mail.headers, Subject: { prepared: true, value: preparedSubject(mail.subject) } },
    envelope: { from: mail.envelopeFrom, to: [mail.to.address] },
    textEncoding: 'quoted-printable',
  };
}
