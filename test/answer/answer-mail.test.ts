import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bareSubject } from '../../src/answer/answer-draft.ts';
import {
  AnswerTemplateError,
  DEFAULT_NOTICE_TEMPLATE_DIR,
  DEFAULT_REPLY_TEMPLATE_DIR,
  loadNoticeTemplates,
  loadReplyTemplates,
} from '../../src/answer/answer-templates.ts';
import { composeDeskMail } from '../../src/answer/desk-mail.ts';
import { splitQuoted } from '../../src/answer/message-words.ts';
import { outgoingMailSchema } from '../../src/outbox/outgoing-mail.ts';

describe('answer templates', () => {
  it('every shipped reply and client-notice file is valid and keeps the ticket id in the subject', () => {
    const replies = loadReplyTemplates();
    const notices = loadNoticeTemplates();
    expect(readdirSync(DEFAULT_REPLY_TEMPLATE_DIR).sort()).toEqual(
      ['de', 'en', 'es', 'fr', 'it', 'ro'].map((l) => `${l}.json`),
    );
    expect(readdirSync(DEFAULT_NOTICE_TEMPLATE_DIR).length).toBeGreaterThanOrEqual(1);
    expect(replies.fr.reporter.subject).toBe('[{{ticketId}}] Re : {{reportSubject}}');
    expect(notices.de.suspended.subject).toContain('gesperrt');
    // A language without a notice file falls back to English.
    expect(notices.ro).toEqual(notices.en);
  });

  it('refuses a template that loses the ticket id or uses an unknown placeholder, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reply-templates-'));
    try {
      writeFileSync(
        join(dir, 'en.json'),
        JSON.stringify({
          reporter: { subject: 'Hello {{reportSubject}}', text: 'x' },
          client: { subject: '[{{ticketId}}] x', text: 'Dear {{nmae}}' },
        }),
      );
      expect(() => loadReplyTemplates(dir)).toThrow(AnswerTemplateError);
      expect(() => loadReplyTemplates(dir)).toThrow(
        /en\.json: reporter\.subject: must contain "\[\{\{ticketId\}\}\]"; client\.text: uses a placeholder/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('splitQuoted', () => {
  it('keeps the writer’s words apart from a quoted reply or a forwarded original', () => {
    expect(splitQuoted('Thanks!\n\nOn Mon, 1 Jan 2026 at 10:00, Desk wrote:\n> hello\n')).toEqual({
      own: 'Thanks!',
      quoted: 'On Mon, 1 Jan 2026 at 10:00, Desk wrote:\n> hello',
    });
    expect(splitQuoted('Stop it.\r\n-------- Message transféré --------\r\nDe : spam')).toEqual({
      own: 'Stop it.',
      quoted: '-------- Message transféré --------\nDe : spam',
    });
    expect(splitQuoted('Just my words.\nTwo lines.')).toEqual({
      own: 'Just my words.\nTwo lines.',
      quoted: null,
    });
  });
});

describe('composeDeskMail', () => {
  const base = {
    ticketId: 'AD-ABC123',
    from: { name: 'ESP Abuse Desk', address: 'abuse@esp.example' },
    to: 'jane@example.net',
    subject: '[AD-ABC123] Re: spam',
    text: 'Hello\r\nthere',
    language: 'fr',
  };

  it('threads an answer under the message answered, with the ticket id in its Message-ID, and validates as an outbox mail', () => {
    const mail = composeDeskMail({
      ...base,
      kind: 'answer',
      inReplyTo: 'junk <r1@example.net> more',
      references: ['<a@x.example> <b@y.example>'],
    });
    expect(outgoingMailSchema.parse(mail)).toEqual(mail);
    expect(mail.inReplyTo).toBe('<r1@example.net>');
    expect(mail.references).toEqual(['<a@x.example>', '<b@y.example>', '<r1@example.net>']);
    expect(mail.messageId).toMatch(/^<answer\.AD-ABC123\.[0-9a-f]{16}@esp\.example>$/);
    expect(mail.text).toBe('Hello\nthere');
    expect(mail.envelopeFrom).toBe('');
    // A person wrote it: not Auto-Submitted, but robots are asked not to answer.
    expect(mail.headers).toEqual({ 'X-Auto-Response-Suppress': 'All', 'Content-Language': 'fr' });
  });

  it('marks a notice auto-generated and refuses a recipient that is not one address', () => {
    const notice = composeDeskMail({ ...base, kind: 'notice', inReplyTo: null, references: [] });
    expect(notice.headers['Auto-Submitted']).toBe('auto-generated');
    expect(notice.inReplyTo).toBeNull();
    expect(() =>
      composeDeskMail({
        ...base,
        kind: 'answer',
        to: 'a@example.net, b@example.net',
        inReplyTo: null,
        references: [],
      }),
    ).toThrow(/not one valid address/);
  });
});

describe('bareSubject', () => {
  it('drops our ticket tag and reply prefixes so the template adds them once', () => {
    expect(bareSubject('Re: [AD-ABC123] AW: Spring sale', 'AD-ABC123')).toBe('Spring sale');
    expect(bareSubject('Fwd: Spring sale', 'AD-ABC123')).toBe('Fwd: Spring sale');
  });
});
