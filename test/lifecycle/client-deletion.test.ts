import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/auth/api-tokens.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { frenchInlineForward } from '../../src/demo/report-builders.ts';
import {
  deliverAndProcess,
  springSaleToken,
  startTestService,
  tempDataDir,
  testConfig,
  waitForIdle,
} from '../helpers/test-service.ts';
import { runCli } from '../helpers/cli-process.ts';
import { clientIdBySlug } from '../../src/store/clients-store.ts';
import { tableNames } from '../../src/store/table-names.ts';

type Service = Awaited<ReturnType<typeof startTestService>>;

describe('deleting a client', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let svc: Service;
  let admin: string;
  let acmeId: number;
  const api = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    svc.http.inject({
      method,
      url,
      headers: { authorization: `Bearer ${admin}` },
      ...(payload ? { payload } : {}),
    });
  const run = (...args: string[]) => runCli(tmp.dir, args, { env: { USER: 'ops' }, timeout: 30_000 });

  beforeAll(async () => {
    tmp = tempDataDir();
    svc = await startTestService(tmp.dir, {
      overrides: { outbox: { ackRequireAuthentication: false }, retention: { purgeIntervalMs: null } },
    });
    admin = createApiToken(svc.db, { name: 'lifecycle-admin', role: 'admin', now: new Date() }).secret;
    acmeId = clientIdBySlug(svc.db, 'acme')!;
    await deliverAndProcess(
      svc,
      'abuse@esp.example',
      frenchInlineForward({
        reporter: 'marie@example.fr',
        messageId: '<fwd-marie@example.fr>',
        token: springSaleToken(tmp.dir, 'bob@example.org'),
        to: 'bob@example.org',
      }),
    );
    await api('POST', '/api/v1/sends', [
      {
        messageId: '<s1@news.acme.example>',
        recipient: 'bob@example.org',
        client: 'acme',
        sentAt: '2026-11-20T10:00:00Z',
      },
      {
        messageId: '<s2@mail.globex.example>',
        recipient: 'bob@example.org',
        client: 'globex',
        sentAt: '2026-11-20T10:00:00Z',
      },
    ]);
    await api('POST', '/api/v1/suppressions', { address: 'global@example.org', reason: 'manual' });
    await api('POST', '/api/v1/suppressions', {
      address: 'kept@example.org',
      reason: 'manual',
      client: 'globex',
    });
    await waitForIdle(svc);
  }, 60_000);
  afterAll(async () => {
    await svc.stop();
    tmp.cleanup();
  });

  it('the API deletes only with an explicit export choice; export=true answers with the archive of what it deleted', async () => {
    const refused = await api('DELETE', '/api/v1/clients/initech');
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ error: { code: 'invalid_input' } });
    expect(svc.db.prepare(`SELECT count(*) FROM clients WHERE slug = 'initech'`).pluck().get()).toBe(1);
    const res = await api('DELETE', '/api/v1/clients/initech?export=true&reason=contract%20ended');
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      slug: string;
      deleted: Record<string, number>;
      archive: { format: string; client: { slug: string }; campaigns: unknown[] };
    }>();
    expect(body).toMatchObject({ slug: 'initech', deleted: { clients: 1 } });
    expect(body.archive).toMatchObject({ format: 'abusedesk-client-archive/1', client: { slug: 'initech' } });
    expect(body.archive.campaigns.length).toBeGreaterThan(0);
    expect((await api('DELETE', '/api/v1/clients/initech?export=false')).statusCode).toBe(404);
  });

  it(
    'the CLI refuses without --export, then writes the archive and deletes every row of the client; global suppressions stay',
    { timeout: 60_000 },
    async () => {
      await svc.stop();
      const file = join(tmp.dir, 'acme-archive.json');
      const refused = run('clients', 'delete', 'acme', '--yes');
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain('--export');
      const unconfirmed = run('clients', 'delete', 'acme', '--export', file);
      expect(unconfirmed.status).toBe(2);
      expect(existsSync(file)).toBe(false);

      const done = run(
        'clients',
        'delete',
        'acme',
        '--export',
        file,
        '--yes',
        '--reason',
        'left the platform',
      );
      expect(done.stderr).toBe('');
      expect(done.status).toBe(0);
      expect(done.stdout).toContain(`archive written to ${file}`);

      const archive = JSON.parse(readFileSync(file, 'utf8')) as Record<
        string,
        Array<Record<string, unknown>>
      > & {
        client: { slug: string };
      };
      expect(archive.client.slug).toBe('acme');
      expect(archive.campaigns!.map((c) => c.slug)).toContain('acme-spring-sale');
      expect(archive.sends!.map((s) => s.recipient)).toEqual(['bob@example.org']);
      expect(archive.reports!.length).toBe(1);
      expect(archive.tickets!.length).toBeGreaterThan(0);
      expect((archive.tickets![0]!.events as unknown[]).length).toBeGreaterThan(0);
      expect(archive.suppressions!.map((s) => s.address)).toContain('bob@example.org');

      const db = openDatabase(testConfig(tmp.dir));
      try {
        const referencing = tableNames(db).filter(
          (t) =>
            (db.pragma(`table_info("${t}")`) as Array<{ name: string }>).some(
              (c) => c.name === 'client_id',
            ) &&
            (db.prepare(`SELECT count(*) FROM "${t}" WHERE client_id = ?`).pluck().get(acmeId) as number) > 0,
        );
        expect(referencing).toEqual([]);
        expect(db.prepare('SELECT count(*) FROM clients WHERE id = ?').pluck().get(acmeId)).toBe(0);
        expect(
          db
            .prepare(`SELECT count(*) FROM outbox WHERE json_extract(payload, '$.clientId') = ?`)
            .pluck()
            .get(acmeId),
        ).toBe(0);
        // The complaint's message was only the deleted report's: gone too.
        expect(db.prepare('SELECT count(*) FROM messages').pluck().get()).toBe(0);
        const kept = db
          .prepare('SELECT address, client_id AS clientId FROM suppressions ORDER BY address')
          .all();
        expect(kept).toEqual([
          { address: 'global@example.org', clientId: null },
          { address: 'kept@example.org', clientId: expect.any(Number) },
        ]);
        expect(db.prepare(`SELECT count(*) FROM sends`).pluck().get()).toBe(1);
        // A platform mirroring the list by the sync API learns that acme's suppressions are gone.
        expect(
          db
            .prepare(`SELECT address, change, client, why FROM suppression_changes WHERE change = 'removed'`)
            .all(),
        ).toEqual([
          { address: 'bob@example.org', change: 'removed', client: 'acme', why: 'client acme deleted' },
        ]);
        const audit = db
          .prepare(`SELECT actor, detail FROM audit_log WHERE action = 'client.delete' AND target = 'acme'`)
          .get() as { actor: string; detail: string };
        expect(audit.actor).toBe('cli:ops');
        expect(JSON.parse(audit.detail)).toMatchObject({ archive: 'file', reason: 'left the platform' });
      } finally {
        db.close();
      }
    },
  );
});
