import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database.ts';
import { loadDemoIfEmpty } from '../../src/clients/load-demo.ts';
import { frenchInlineForward, outOfOffice, postfixBounce } from '../../src/demo/report-builders.ts';
import { ingestFiles } from '../../src/ingest/ingest-files.ts';
import { messagesInFile } from '../../src/ingest/read-messages.ts';
import { memoryLogger, tempDataDir, testConfig } from '../helpers/test-service.ts';

describe('abusedesk ingest', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  beforeEach(() => {
    tmp = tempDataDir();
  });
  afterEach(() => tmp.cleanup());

  const mbox = (): string =>
    [
      'From MAILER-DAEMON Mon Nov 23 10:00:00 2026',
      postfixBounce('<dsn-m1@mx.example.org>', 'gone@example.org').replace(/\r\n/g, '\n'),
      'From bob@example.org Mon Nov 23 10:01:00 2026',
      outOfOffice('<ooo-m2@example.org>')
        .replace(/\r\n/g, '\n')
        .replace('I am out of the office', '>From Monday I am out of the office'),
      'From marie.dupont@example.fr Mon Nov 23 10:02:00 2026',
      frenchInlineForward({
        reporter: 'marie.dupont@example.fr',
        messageId: '<fwd-m3@example.fr>',
        token: 'adt1notatoken0000000000000000000000000',
        to: 'marie.dupont@example.fr',
      }).replace(/\r\n/g, '\n'),
      '',
    ].join('\n');

  it('splits an mbox on its From lines and undoes >From quoting', () => {
    const file = join(tmp.dir, 'box.mbox');
    writeFileSync(file, mbox());
    const messages = messagesInFile(file);
    expect(messages.map((m) => m.source)).toEqual([`${file}#1`, `${file}#2`, `${file}#3`]);
    expect(messages[1]!.raw.toString()).toContain('\nFrom Monday I am out of the office');
    expect(messages[0]!.raw.toString()).toMatch(/^From: MAILER-DAEMON/);
  });

  it('runs a directory of messages and mboxes through the whole pipeline once, skipping non-mail, acknowledging nobody', async () => {
    const dir = join(tmp.dir, 'in');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(join(dir, 'box.mbox'), mbox());
    writeFileSync(join(dir, 'sub', 'ooo.eml'), outOfOffice('<ooo-single@example.org>'));
    writeFileSync(join(dir, 'README.md'), '# notes about these samples\n');
    const config = testConfig(tmp.dir);
    const db = openDatabase(config);
    loadDemoIfEmpty(db, new Date());
    const { logger } = memoryLogger();
    const first = await ingestFiles(db, [dir], { config, logger });
    expect(first).toMatchObject({
      files: 2,
      messages: 4,
      stored: 4,
      duplicates: 0,
      quarantined: 0,
      byKind: { bounce: 1, autoreply: 2, complaint: 1 },
    });
    expect(first.skipped).toEqual([join(dir, 'README.md')]);
    expect(
      db.prepare(`SELECT count(*) AS n FROM messages WHERE source = 'ingest' AND state = 'done'`).get(),
    ).toEqual({ n: 4 });
    // a backfill writes to nobody, and the ticket says so
    expect(db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 0 });
    expect(
      db
        .prepare(
          `SELECT text FROM ticket_events WHERE text LIKE 'no acknowledgement: ingested as a backfill%'`,
        )
        .all(),
    ).toHaveLength(1);
    const again = await ingestFiles(db, [dir], { config, logger });
    expect(again).toMatchObject({ messages: 4, stored: 0, duplicates: 4 });
    db.close();
  });
});
