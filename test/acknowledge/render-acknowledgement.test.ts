import { mkdtempSync, rmSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import {
  AckTemplateError,
  DEFAULT_ACK_TEMPLATE_DIR,
  loadAckTemplate,
  loadAckTemplates,
} from '../../src/acknowledge/ack-template.ts';
import { LANGUAGES } from '../../src/acknowledge/detect-language.ts';
import {
  renderAcknowledgement,
  type RenderAcknowledgementInput,
} from '../../src/acknowledge/render-acknowledgement.ts';
import { composeMail } from '../../src/outbox/compose-mail.ts';

const input = (over: Partial<RenderAcknowledgementInput> = {}): RenderAcknowledgementInput => ({
  language: 'en',
  ticketId: 'AD-7KQ2MX',
  reporter: 'marie.dupont@example.fr',
  inReplyTo: '<CAF=xyz123@mail.gmail.com>',
  references: ['<root-1@example.fr> <CAF=prev@mail.gmail.com>'],
  subjectOfReport: 'Fwd: Nouveautés de printemps',
  suppressed: true,
  from: { name: 'ESP Abuse Desk', address: 'abuse@esp.example' },
  ...over,
});

/** A phrase from each language's text, so the test fails if a language silently falls back to English. */
const PHRASE: Record<string, RegExp> = {
  en: /Thank you/,
  fr: /Merci d'avoir/,
  de: /vielen Dank/,
  it: /grazie per/,
  es: /Gracias por/,
  ro: /mulțumim/,
};

describe('renderAcknowledgement', () => {
  it.each([...LANGUAGES])(
    '%s: ticket id in subject and text, threading and RFC 3834 headers, parseable',
    async (language) => {
      const mail = renderAcknowledgement(input({ language }));
      expect(mail.subject).toContain('[AD-7KQ2MX]');
      expect(mail.subject).toContain('Nouveautés de printemps');
      expect(mail.text).toContain('AD-7KQ2MX');
      expect(mail.text).toMatch(PHRASE[language]!);
      expect(mail.text).not.toMatch(/\{\{/);
      expect(mail.messageId).toMatch(/^<ack\.AD-7KQ2MX\.[0-9a-f]{16}@esp\.example>$/);

      const eml = await composeMail(mail, new Date('2026-11-23T10:00:00Z'));
      // the ticket id stays readable in the raw header even when the rest needs RFC 2047 encoding
      expect(eml.toString('latin1')).toMatch(/^Subject: \[AD-7KQ2MX\] /m);
      const parsed = await simpleParser(eml);
      expect(parsed.subject).toBe(mail.subject);
      expect(parsed.text?.trim()).toBe(mail.text.trim());
      expect(parsed.inReplyTo).toBe('<CAF=xyz123@mail.gmail.com>');
      expect(parsed.references).toEqual([
        '<root-1@example.fr>',
        '<CAF=prev@mail.gmail.com>',
        '<CAF=xyz123@mail.gmail.com>',
      ]);
      expect(parsed.messageId).toBe(mail.messageId);
      expect(parsed.headers.get('auto-submitted')).toBe('auto-replied');
      expect(parsed.headers.get('x-auto-response-suppress')).toBe('All');
      expect(parsed.headers.get('content-language')).toBe(language);
      expect(parsed.to && !Array.isArray(parsed.to) && parsed.to.value.map((a) => a.address)).toEqual([
        'marie.dupont@example.fr',
      ]);
      expect(parsed.from?.value[0]).toEqual({ name: 'ESP Abuse Desk', address: 'abuse@esp.example' });
    },
  );

  it('says whether the address was removed from the sender’s list', () => {
    const t = loadAckTemplates();
    for (const language of LANGUAGES) {
      expect(renderAcknowledgement(input({ language, suppressed: true })).text).toContain(
        t[language].suppressed,
      );
      expect(renderAcknowledgement(input({ language, suppressed: false })).text).toContain(
        t[language].notSuppressed,
      );
    }
  });

  it('falls back to English for a language without a template, and to the default subject', () => {
    const mail = renderAcknowledgement(input({ language: 'nl', subjectOfReport: null }));
    expect(mail.headers['Content-Language']).toBe('en');
    expect(mail.subject).toBe('[AD-7KQ2MX] Re: Your spam report');
  });

  it('no header injected through inbound values survives', async () => {
    const mail = renderAcknowledgement(
      input({
        subjectOfReport: 'Hello\r\nBcc: victim@example.org\r\nX-Injected: 1',
        inReplyTo: '<a@b.example>\r\nBcc: victim@example.org',
        references: ['<r@b.example>\nX-Injected: 2', 'garbage without id'],
      }),
    );
    const eml = (await composeMail(mail, new Date())).toString('utf8');
    const head = eml.slice(0, eml.indexOf('\r\n\r\n'));
    expect(head).not.toMatch(/^bcc:/im);
    expect(head).not.toMatch(/^x-injected:/im);
    expect(head).not.toContain('victim@example.org\r\n');
    const parsed = await simpleParser(eml);
    expect(parsed.bcc).toBeUndefined();
    expect(parsed.headers.has('x-injected')).toBe(false);
    expect(parsed.inReplyTo).toBe('<a@b.example>');
    expect(parsed.references).toEqual(['<r@b.example>', '<a@b.example>']);
    expect(parsed.subject).toBe('[AD-7KQ2MX] Re: Hello Bcc: victim@example.org X-Injected: 1');
  });

  it('refuses a reporter that is not exactly one address (no extra recipients)', () => {
    expect(() => renderAcknowledgement(input({ reporter: 'a@example.org, b@example.org' }))).toThrow(
      /not one valid reporter/,
    );
    expect(() => renderAcknowledgement(input({ reporter: 'Eve <eve@example.org>' }))).toThrow(
      /not one valid reporter/,
    );
    expect(() => renderAcknowledgement(input({ ticketId: 'AD-1\r\nX: y' }))).toThrow(/not a ticket id/);
  });

  it('keeps the thread root and the latest References when there are many', () => {
    const refs = Array.from({ length: 30 }, (_, i) => `<m${i}@example.org>`);
    const mail = renderAcknowledgement(input({ references: [refs.join(' ')] }));
    expect(mail.references).toHaveLength(10);
    expect(mail.references[0]).toBe('<m0@example.org>');
    expect(mail.references.at(-1)).toBe('<CAF=xyz123@mail.gmail.com>');
  });

  it('a value that looks like a placeholder is not expanded again', () => {
    expect(
      renderAcknowledgement(input({ subjectOfReport: '{{ticketId}} {{suppressionSentence}}' })).subject,
    ).toBe('[AD-7KQ2MX] Re: {{ticketId}} {{suppressionSentence}}');
  });
});

describe('acknowledgement templates', () => {
  it('every shipped language loads and validates', () => {
    expect(Object.keys(loadAckTemplates()).sort()).toEqual([...LANGUAGES].sort());
  });

  it('a broken template names its file and key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'abusedesk-tpl-'));
    try {
      cpSync(DEFAULT_ACK_TEMPLATE_DIR, dir, { recursive: true });
      const file = join(dir, 'de.json');
      writeFileSync(
        file,
        JSON.stringify({
          subject: 'Ihre Meldung {{ticketId}}',
          defaultSubject: 'x',
          text: 'Vorgang {{ticketId}} {{suppressionSentence}} {{tikcetId}}',
          suppressed: 'a',
          notSuppressed: 'b',
        }),
      );
      expect(() => loadAckTemplate(file)).toThrow(AckTemplateError);
      expect(() => loadAckTemplates(dir)).toThrow(
        /de\.json: subject: must contain "\[\{\{ticketId\}\}\]".*text: uses a placeholder other than/,
      );
      writeFileSync(file, '{ "subject": ');
      expect(() => loadAckTemplates(dir)).toThrow(/de\.json: /);
      rmSync(file);
      expect(() => loadAckTemplates(dir)).toThrow(/de\.json: ENOENT/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
