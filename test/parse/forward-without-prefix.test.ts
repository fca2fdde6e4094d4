import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../src/parse/parse-message.ts';

const TOKEN = 'adt1QWNtZV93ZWVrbHlfc2FtQGV4YW1wbGUub3JnM1x9cQ_Tn4Yk7Rf2bHsL';

function mail(subject: string, body: string, headers: Record<string, string> = {}): Buffer {
  const base: Record<string, string> = {
    From: 'Pat Lee <pat@example.org>',
    To: 'abuse@esp.example',
    Subject: subject,
    Date: 'Thu, 12 Mar 2026 09:00:00 +0000',
    ...headers,
  };
  const head = Object.entries(base)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\n');
  return Buffer.from(`${head}\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n${body}`);
}

const quoted = (
  from: string,
  subject = 'Spring sale',
  banner = '---------- Forwarded message ---------',
): string =>
  `${banner}\nFrom: ${from}\nDate: Wed, 11 Mar 2026 18:00:00 +0000\nSubject: ${subject}\nTo: <pat@example.org>\n\nSpring sale! 20% off.\n`;

describe('human forwards without a forward prefix', () => {
  it.each([
    ['SPAM!!', '---------- Forwarded message ---------'],
    ['look at this', '-----Original Message-----'],
    ['', '-------- Original Message --------'],
    ['regardez ça', "-----Message d'origine-----"],
    ['Werbung', '-------- Ursprüngliche Nachricht --------'],
    ['mirad esto', '-------- Mensaje original --------'],
    ['guardate qui', '-------- Messaggio inoltrato --------'],
    ['zobaczcie', '-------- Oryginalna wiadomość --------'],
    ['這是垃圾郵件', '------------------ 原始郵件 ------------------'],
    ['spam', 'Begin forwarded message:'],
    ['spam', 'Inicio del mensaje reenviado:'],
  ])('subject "%s" with the banner "%s" is a complaint', async (subject, banner) => {
    const r = await parseMessage(
      mail(subject, `This again.\n\n${quoted('Acme <news@acme.example>', 'Spring sale', banner)}`),
    );
    expect(r.kind, r.reason).toBe('complaint');
    expect(r.original?.subject).toBe('Spring sale');
    expect(r.complainants).toEqual(['pat@example.org']);
  });

  it('keeps the spam subject: a forward whose subject looks like an out-of-office is still a complaint', async () => {
    const r = await parseMessage(
      mail(
        'On holiday? 20% off cruises',
        `Stop it.\n\n${quoted('Acme <news@acme.example>', 'On holiday? 20% off cruises')}`,
      ),
    );
    expect(r.kind, r.reason).toBe('complaint');
  });

  it('a reply ("Re:") quoting a mail is not a forward', async () => {
    const r = await parseMessage(
      mail(
        'Re: Spring sale',
        `Thanks.\n\n-----Original Message-----\nFrom: Acme <news@acme.example>\nSubject: Spring sale\n\nHello`,
      ),
    );
    expect(r.kind).toBe('other');
  });

  it('a question quoting our own earlier mail (quoted sender = the mailbox written to) is not a complaint', async () => {
    const r = await parseMessage(
      mail(
        'question about my report',
        `Any news?\n\n${quoted('Abuse desk <abuse@esp.example>', 'Your report about Acme')}`,
      ),
    );
    expect(r.kind).toBe('other');
  });

  it("a follow-up quoting the reporter's own earlier mail is not a complaint", async () => {
    const r = await parseMessage(
      mail('no answer yet', `I wrote last week.\n\n${quoted('Pat Lee <pat@example.org>', 'spam from Acme')}`),
    );
    expect(r.kind).toBe('other');
  });

  it('a plain question without a banner or token stays other', async () => {
    const r = await parseMessage(
      mail('Question about your sending IPs', 'Which IP ranges do you send from?'),
    );
    expect(r.kind).toBe('other');
  });

  it('a reply to our ticket that quotes our mail and a trace-token link stays a reply', async () => {
    const r = await parseMessage(
      mail(
        'Re: [AD-7KQ2MX] Your report about Acme',
        `It happened again: https://click.acme.example/c/${TOKEN}`,
      ),
    );
    expect(r.kind).toBe('reply');
  });
});

describe('mail carrying our trace token', () => {
  it("a token link alone in a person's mail is a complaint, even with a reply subject", async () => {
    for (const subject of ['why do I get this', 'Re: Spring sale']) {
      const r = await parseMessage(
        mail(subject, `From your customer: https://click.acme.example/c/${TOKEN}\nI never signed up.`),
      );
      expect(r.kind, r.reason).toBe('complaint');
      expect(r.identifiers.traceToken).toBe(TOKEN);
      expect(r.reporter).toBe('pat@example.org');
    }
  });

  it('our own client mail that reached abuse@ by itself (no Resent-From) is no complaint', async () => {
    for (const body of ['Spring sale! 20% off.', `Spring sale! https://click.acme.example/c/${TOKEN}`]) {
      const r = await parseMessage(
        mail('Spring sale', body, { From: 'Acme <news@acme.example>', 'X-Abusedesk-Trace': TOKEN }),
      );
      expect(r.kind).toBe('other');
    }
  });

  it('an autoreply quoting our mail with its token stays an autoreply', async () => {
    const r = await parseMessage(
      mail(
        'Automatic reply: Spring sale',
        `I am out of the office.\n\nhttps://click.acme.example/c/${TOKEN}`,
        { 'Auto-Submitted': 'auto-replied' },
      ),
    );
    expect(r.kind).toBe('autoreply');
  });
});
