import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDemoIfEmpty } from '../../src/clients/load-demo.ts';
import { importRecords, type BadRow, type ImportKind } from '../../src/import/import-records.ts';
import { eachTestDatabase } from '../helpers/test-service.ts';

const now = new Date('2026-11-23T09:00:00Z');
const send = (i: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  messageId: `<M${i}.A@news.acme.example>`,
  recipient: `User${i}@Example.net`,
  client: 'acme',
  campaign: 'acme-spring-sale',
  sentAt: '2026-11-02T08:00:00Z',
  ...extra,
});

describe('importRecords', () => {
  const t = eachTestDatabase((db) => {
    loadDemoIfEmpty(db, now);
  });

  const run = async (kind: ImportKind, name: string, text: string) => {
    const file = join(t.dir, name);
    writeFileSync(file, text);
    const bad: BadRow[] = [];
    const summary = await importRecords(t.db, kind, file, { now: () => now, onBadRow: (b) => bad.push(b) });
    return { summary, bad };
  };
  const count = (): number => (t.db.prepare('SELECT count(*) AS n FROM sends').get() as { n: number }).n;

  it('keeps the good JSONL rows around bad ones and names the line and the field of each bad one', async () => {
    const lines = [
      send(1),
      send(2),
      { ...send(3), recipient: 'not-an-address' },
      send(4),
      { ...send(5), sentAt: undefined },
      { ...send(6), campaign: 'globex-webinar' },
      { ...send(7), client: 'nobody' },
      { ...send(8), colour: 'red' },
      send(9),
    ];
    const text = lines.map((l) => JSON.stringify(l)).join('\n');
    const { summary, bad } = await run('sends', 'sends.jsonl', `${text}\n`);
    expect(summary).toMatchObject({ kind: 'sends', imported: 4, bad: 5 });
    expect(bad).toEqual([
      { line: 3, error: 'recipient: an email address' },
      { line: 5, error: 'sentAt: required' },
      { line: 6, error: 'campaign: "globex-webinar" belongs to another client than "acme"' },
      { line: 7, error: 'client: unknown client "nobody" (import it first)' },
      { line: 8, error: 'unknown field colour' },
    ]);
    expect(count()).toBe(4);
    const row = t.db.prepare('SELECT message_id, recipient, sent_at FROM sends ORDER BY id LIMIT 1').get();
    expect(row).toEqual({
      message_id: 'm1.a@news.acme.example',
      recipient: 'user1@example.net',
      sent_at: '2026-11-02T08:00:00.000Z',
    });
  });

  it('imports CSV with nested consent columns or flat consentMethod columns, and reports a bad row by line', async () => {
    const csv = [
      'messageId,recipient,client,campaign,sentAt,consent.method,consent.date,consent.ip,consent.source',
      '<a@x>,a@example.net,acme,acme-spring-sale,2026-11-02T08:00:00Z,confirmed-opt-in,2025-03-01T10:00:00+01:00,192.0.2.7,"signup form, footer"',
      '<b@x>,b@example.net,acme,,2026-11-02T08:00:00Z,bought,,,',
      '<c@x>,c@example.net,acme,acme-spring-sale,2026-11-02T08:00:00Z,purchased,,,',
      '<d@x>,d@example.net,acme,acme-spring-sale,2026-02-30T08:00:00Z,,,,',
    ].join('\r\n');
    const { summary, bad } = await run('sends', 'sends.csv', csv);
    expect(summary).toMatchObject({ imported: 2, bad: 2 });
    expect(bad).toEqual([
      { line: 4, error: expect.stringMatching(/^consent\.method: one of confirmed-opt-in/) },
      { line: 5, error: 'sentAt: an ISO 8601 date-time with a time zone, e.g. 2026-11-02T08:00:00Z' },
    ]);
    expect(
      t.db
        .prepare(
          'SELECT recipient, campaign_id, consent_method, consent_at, consent_ip, consent_source FROM sends ORDER BY id',
        )
        .all(),
    ).toEqual([
      {
        recipient: 'a@example.net',
        campaign_id: 1,
        consent_method: 'confirmed-opt-in',
        consent_at: '2025-03-01T09:00:00.000Z',
        consent_ip: '192.0.2.7',
        consent_source: 'signup form, footer',
      },
      {
        recipient: 'b@example.net',
        campaign_id: null,
        consent_method: 'bought',
        consent_at: null,
        consent_ip: null,
        consent_source: null,
      },
    ]);

    const flat =
      'messageId,recipient,client,sentAt,consentMethod,consentIp\n<e@x>,e@example.net,acme,2026-11-02T08:00:00Z,single-opt-in,2001:db8::1\n';
    expect((await run('sends', 'flat.csv', flat)).summary.imported).toBe(1);
    expect(
      t.db.prepare("SELECT consent_method, consent_ip FROM sends WHERE message_id = 'e@x'").get(),
    ).toEqual({ consent_method: 'single-opt-in', consent_ip: '2001:db8::1' });
  });

  it('is idempotent: importing the same file twice keeps one row per send, with the same ids', async () => {
    const text = `${Array.from({ length: 2500 }, (_, i) => JSON.stringify(send(i))).join('\n')}\n`;
    expect((await run('sends', 's.jsonl', text)).summary).toMatchObject({ imported: 2500, bad: 0 });
    const ids = t.db.prepare('SELECT id, message_id FROM sends ORDER BY id').all();
    expect((await run('sends', 's.jsonl', text)).summary).toMatchObject({ imported: 2500, bad: 0 });
    expect(t.db.prepare('SELECT id, message_id FROM sends ORDER BY id').all()).toEqual(ids);
    expect(count()).toBe(2500);
  });

  it('adds consent to a known send on re-import, but refuses to move it to another client', async () => {
    await run('sends', 'a.jsonl', JSON.stringify(send(1)));
    await run('sends', 'b.jsonl', JSON.stringify(send(1, { consent: { method: 'single-opt-in' } })));
    expect(t.db.prepare('SELECT consent_method FROM sends').pluck().get()).toBe('single-opt-in');
    const { summary, bad } = await run(
      'sends',
      'c.jsonl',
      JSON.stringify(send(1, { client: 'globex', campaign: null })),
    );
    expect(summary).toMatchObject({ imported: 0, bad: 1 });
    expect(bad[0]!.error).toMatch(/^messageId: this send is already recorded for another client/);
    expect(t.db.prepare('SELECT client_id FROM sends').pluck().get()).toBe(1);
  });

  it('imports clients (domains as a list in CSV) and campaigns, reporting an unknown client by line', async () => {
    const clients =
      'slug,name,contactEmail,language,domains\nhooli,Hooli,abuse@hooli.example,en,"hooli.example; mail.hooli.example"\nBad Slug,Bad,,en,\n';
    const c = await run('clients', 'clients.csv', clients);
    expect(c.summary).toMatchObject({ kind: 'clients', imported: 1, bad: 1 });
    expect(c.bad).toEqual([{ line: 3, error: 'slug: slug: lower-case letters, digits and dashes' }]);
    expect(
      t.db
        .prepare(
          "SELECT domain FROM client_domains WHERE client_id = (SELECT id FROM clients WHERE slug = 'hooli') ORDER BY domain",
        )
        .pluck()
        .all(),
    ).toEqual(['hooli.example', 'mail.hooli.example']);

    const campaigns = [
      { slug: 'hooli-launch', client: 'hooli', name: 'Launch', sent: 10, delivered: 9 },
      { slug: 'orphan', client: 'nobody' },
      { slug: 'acme-spring-sale', client: 'hooli' },
    ];
    const k = await run('campaigns', 'campaigns.jsonl', campaigns.map((x) => JSON.stringify(x)).join('\n'));
    expect(k.summary).toMatchObject({ imported: 1, bad: 2 });
    expect(k.bad).toEqual([
      { line: 2, error: 'client: unknown client "nobody" (import it first)' },
      { line: 3, error: 'slug: campaign "acme-spring-sale" belongs to another client' },
    ]);
  });

  it('counts every row bad when nothing in the file is usable', async () => {
    const { summary, bad } = await run('sends', 'junk.jsonl', 'hello\nworld\n');
    expect(summary).toMatchObject({ imported: 0, bad: 2 });
    expect(bad.map((b) => b.line)).toEqual([1, 2]);
  });

  // PostgreSQL plans the report's send-log lookup from table statistics, which autovacuum would gather only a
  // minute later; SQLite's planner uses its indexes without them.
  it.skipIf(!process.env.ABUSEDESK_TEST_DATABASE_URL)(
    'a bulk import of sends leaves PostgreSQL planning the send-log lookup with the imported rows counted',
    async () => {
      const text = Array.from({ length: 2000 }, (_, i) => JSON.stringify(send(i))).join('\n');
      const { summary } = await run('sends', 'bulk.jsonl', `${text}\n`);
      expect(summary.imported).toBe(2000);
      const stats = t.db
        .prepare(
          "SELECT reltuples AS n FROM pg_class WHERE relname = 'sends' AND relnamespace = current_schema()::regnamespace",
        )
        .get() as { n: number };
      expect(stats.n).toBe(2000);
    },
  );
});
