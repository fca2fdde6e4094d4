import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestService, tempDataDir } from '../helpers/test-service.ts';
import { csrfOf, loginInject } from '../web/ui/ui-session.ts';

type Service = Awaited<ReturnType<typeof startTestService>>;

describe('admin page: data lifecycle', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let svc: Service;
  let cookie: string;
  const get = (url: string) => svc.http.inject({ method: 'GET', url, headers: { cookie } });
  const post = (url: string, form: Record<string, string>) =>
    svc.http.inject({
      method: 'POST',
      url,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(form).toString(),
    });

  beforeAll(async () => {
    tmp = tempDataDir();
    svc = await startTestService(tmp.dir, { overrides: { retention: { purgeIntervalMs: null } } });
    const staff = svc.demoStaff!;
    cookie = (await loginInject(svc.http, staff.email, staff.password)).cookie;
  }, 60_000);
  afterAll(async () => {
    await svc.stop();
    tmp.cleanup();
  });

  it('refuses an erasure without the confirmation, keeping the typed address, then erases with it', async () => {
    const page = await get('/ui/admin/lifecycle');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Erase a person's address");
    const csrf = csrfOf(page.body);
    const refused = await post('/ui/admin/lifecycle/erase', {
      _csrf: csrf,
      address: 'sam@example.org',
      reason: 'GDPR request',
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Tick the confirmation box');
    expect(refused.body).toContain('value="sam@example.org"');
    const done = await post('/ui/admin/lifecycle/erase', {
      _csrf: csrf,
      address: 'sam@example.org',
      reason: 'request from sam@example.org',
      confirm: 'yes',
    });
    expect(done.statusCode).toBe(303);
    const after = await get(done.headers.location as string);
    expect(after.body).toContain('The address was erased (erasure 1)');
    expect(after.body).not.toContain('sam@example.org');
    const audit = svc.db
      .prepare(`SELECT detail FROM audit_log WHERE action = 'address.erase'`)
      .pluck()
      .get() as string;
    expect(JSON.parse(audit)).toMatchObject({ reason: 'request from [erased]' });
  });

  it('deletes a client only with a reason and the confirmation', async () => {
    const csrf = csrfOf((await get('/ui/admin/lifecycle')).body);
    const refused = await post('/ui/admin/lifecycle/delete-client', {
      _csrf: csrf,
      client: 'globex',
      reason: 'closed',
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toMatch(/<option value="globex" selected>/);
    expect(svc.db.prepare(`SELECT count(*) FROM clients WHERE slug = 'globex'`).pluck().get()).toBe(1);
    const archive = await get('/ui/admin/lifecycle/clients/globex/archive');
    expect(archive.statusCode).toBe(200);
    expect(JSON.parse(archive.body)).toMatchObject({ client: { slug: 'globex' } });
    const done = await post('/ui/admin/lifecycle/delete-client', {
      _csrf: csrf,
      client: 'globex',
      reason: 'account closed',
      confirm: 'yes',
    });
    expect(done.statusCode).toBe(303);
    expect((await get(done.headers.location as string)).body).toContain(
      'Client globex and its data were deleted.',
    );
    expect(svc.db.prepare(`SELECT count(*) FROM clients WHERE slug = 'globex'`).pluck().get()).toBe(0);
  });
});
