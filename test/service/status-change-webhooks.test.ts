import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDemoIfEmpty } from '../../src/clients/load-demo.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { upsertClient } from '../../src/store/clients-store.ts';
import { listWebhookDeliveries, type WebhookDelivery } from '../../src/store/webhooks-store.ts';
import { buildHttpServer } from '../../src/web/http-server.ts';
import { roleTokens } from '../web/api/api-harness.ts';
import { tempDataDir, testConfig, testDatabaseUrl } from '../helpers/test-service.ts';

const cli = new URL('../../src/cli/abusedesk.mjs', import.meta.url).pathname;
const secret = `whsec_${Buffer.from('status-change-webhooks-test-secret').toString('base64')}`;
const webhooks = { endpoints: [{ url: 'https://hooks.esp.example/abuse', secret }] };

/** A data dir with the demo clients, acme with its own webhook endpoint, and a config file naming a global endpoint. */
function prepare(dir: string): string {
  const config = testConfig(dir, { webhooks });
  const db = openDatabase(config);
  const now = new Date('2026-11-23T10:00:00Z');
  loadDemoIfEmpty(db, now);
  upsertClient(
    db,
    {
      slug: 'acme',
      name: 'Acme',
      language: 'en',
      domains: [],
      webhookUrl: 'https://acme.example/hooks',
      webhookSecret: secret,
    },
    now,
  );
  db.close();
  const file = join(dir, 'config.json');
  // The PostgreSQL run: the CLI reads the schema the test's connections use for this data dir.
  const url = testDatabaseUrl(dir);
  writeFileSync(
    file,
    JSON.stringify({
      dataDir: dir,
      ...(url ? { database: { url } } : {}),
      authenticate: { dns: 'off' },
      webhooks,
    }),
  );
  return file;
}

/** What a delivery says, without what differs between two runs (ids, times, who acted). */
const shape = (d: WebhookDelivery): unknown => {
  const { client, from, to, reason, note } = d.body.data;
  return { type: d.type, url: d.url, state: d.state, data: { client, from, to, reason, note } };
};

describe('a client status change queues the same webhooks from the CLI as from the API', () => {
  const dirs: Array<ReturnType<typeof tempDataDir>> = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) d.cleanup();
  });

  it('notifies the client endpoint and every global endpoint of the config either way', async () => {
    const viaCli = tempDataDir();
    const viaApi = tempDataDir();
    dirs.push(viaCli, viaApi);

    const configFile = prepare(viaCli.dir);
    const r = spawnSync(process.execPath, [cli, 'clients', 'suspend', 'acme', '--note', 'blocklisted'], {
      env: { PATH: process.env.PATH, ABUSEDESK_CONFIG: configFile, USER: 'ops' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);

    prepare(viaApi.dir);
    const config = testConfig(viaApi.dir, { webhooks });
    const apiDb = openDatabase(config);
    const app = buildHttpServer({ db: apiDb, config });
    try {
      await app.ready();
      const tokens = roleTokens(apiDb);
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/clients/acme/suspend',
        headers: { authorization: `Bearer ${tokens.admin}` },
        payload: { note: 'blocklisted' },
      });
      expect(res.statusCode).toBe(200);
      const fromApi = listWebhookDeliveries(apiDb).map(shape);

      const cliDb = openDatabase(testConfig(viaCli.dir));
      const fromCli = listWebhookDeliveries(cliDb).map(shape);
      cliDb.close();

      expect(fromApi).toHaveLength(2);
      expect(new Set(fromApi.map((d) => (d as { url: string }).url))).toEqual(
        new Set(['https://acme.example/hooks', 'https://hooks.esp.example/abuse']),
      );
      expect(fromCli).toEqual(fromApi);
    } finally {
      await app.close();
      apiDb.close();
    }
  }, 60_000);
});
