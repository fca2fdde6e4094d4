import { describe, expect, it } from 'vitest';
import { loadDemoIfEmpty } from '../../src/clients/load-demo.ts';
import { normalizeMessageId, sendInputSchema } from '../../src/sends/send-records.ts';
import { loadMailboxProviders } from '../../src/enforcement/mailbox-providers.ts';
import {
  findSendByMessageId,
  findSendsByMessageId,
  findSendsByRecipient,
  getSend,
  insertSends,
} from '../../src/store/sends-store.ts';
import { eachTestDatabase } from '../helpers/test-service.ts';

const now = new Date('2026-11-23T09:00:00Z');

describe('send store', () => {
  const t = eachTestDatabase((db) => {
    loadDemoIfEmpty(db, now);
    const rows = [
      {
        messageId: '<Multi@news.acme.example>',
        recipient: 'a@example.net',
        client: 'acme',
        campaign: 'acme-spring-sale',
        sentAt: '2026-11-02T08:00:00Z',
      },
      {
        messageId: '<Multi@news.acme.example>',
        recipient: 'b@example.net',
        client: 'acme',
        campaign: 'acme-spring-sale',
        sentAt: '2026-11-02T08:00:00Z',
      },
      {
        messageId: 'one@news.acme.example',
        recipient: 'a@example.net',
        client: 'acme',
        campaign: 'acme-weekly-news',
        sentAt: '2026-11-16T07:30:00Z',
        consent: { method: 'single-opt-in', ip: '192.0.2.1' },
      },
      {
        messageId: 'g1@mail.globex.example',
        recipient: 'A@Example.net',
        client: 'globex',
        sentAt: '2026-11-05T10:00:00+02:00',
      },
    ].map((r) => sendInputSchema.parse(r));
    expect(insertSends(db, rows, now, loadMailboxProviders())).toEqual({ stored: 4, errors: [] });
  });

  it('normalizes Message-IDs the way reports quote them', () => {
    expect(normalizeMessageId(' <ABC.def@Host.Example> ')).toBe('abc.def@host.example');
  });

  it('finds a send by Message-ID, with or without brackets and case, and refuses to guess among recipients', () => {
    const one = findSendByMessageId(t.db, '<ONE@news.acme.example>');
    expect(one).toMatchObject({
      recipient: 'a@example.net',
      clientId: 1,
      sentAt: '2026-11-16T07:30:00.000Z',
      consent: { method: 'single-opt-in', ip: '192.0.2.1', date: null, source: null },
    });
    expect(findSendByMessageId(t.db, 'multi@news.acme.example')).toBeNull();
    expect(findSendByMessageId(t.db, 'multi@news.acme.example', 'B@example.net')).toMatchObject({
      recipient: 'b@example.net',
    });
    expect(findSendsByMessageId(t.db, '<multi@NEWS.acme.example>').map((s) => s.recipient)).toEqual([
      'a@example.net',
      'b@example.net',
    ]);
    expect(findSendByMessageId(t.db, 'nothing@x')).toBeNull();
  });

  it('finds sends to an address, newest first, for all clients or one', () => {
    expect(findSendsByRecipient(t.db, 'A@example.NET').map((s) => s.sentAt)).toEqual([
      '2026-11-16T07:30:00.000Z',
      '2026-11-05T08:00:00.000Z',
      '2026-11-02T08:00:00.000Z',
    ]);
    const globex = findSendsByRecipient(t.db, 'a@example.net', 2);
    expect(globex).toHaveLength(1);
    expect(globex[0]).toMatchObject({ clientId: 2, campaignId: null, consent: null });
    expect(getSend(t.db, globex[0]!.id)).toEqual(globex[0]);
    expect(getSend(t.db, 999)).toBeNull();
  });

  it('deletes a client’s sends with the client', () => {
    t.db.prepare("DELETE FROM clients WHERE slug = 'acme'").run();
    expect(t.db.prepare('SELECT count(*) FROM sends').pluck().get()).toBe(1);
  });
});
