import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../../src/store/audit-store.ts';
import { clientWebhookSecret, clientWebhookUrl, clientIdBySlug } from '../../../src/store/clients-store.ts';
import { emitWebhook } from '../../../src/webhooks/emit-webhook.ts';
import { signWebhook, verifyWebhook } from '../../../src/webhooks/sign-webhook.ts';
import { endpointKey } from '../../../src/web/ui/endpoint-key.ts';
import { startUiApp, textOf, type UiApp as App } from './admin-ui-app.ts';

const secretOf = (body: string): string => /<code class="secret">(whsec_[^<]+)<\/code>/.exec(body)![1]!;
const signsWith = (stored: string, secret: string): boolean => {
  const h = signWebhook(stored, 'msg_1', 1_700_000_000, '{}');
  return verifyWebhook(
    secret,
    { id: h['webhook-id']!, timestamp: h['webhook-timestamp']!, signature: h['webhook-signature']! },
    '{}',
  );
};

describe('admin: webhook endpoints page', () => {
  let t: App;
  let acme: number;
  beforeEach(async () => {
    t = await startUiApp();
    acme = clientIdBySlug(t.db, 'acme')!;
  });
  afterEach(() => t.close());

  it('sets an endpoint (secret created and shown once), lists its deliveries and links the filtered delivery log', async () => {
    const admin = await t.login('admin');
    const url = 'https://hooks.acme.example/abusedesk?token=tok-not-shown';
    const r = await t.post(admin, '/ui/admin/webhooks/acme', { _csrf: admin.csrf, url });
    expect(r.statusCode).toBe(200);
    expect(r.headers['cache-control']).toBe('no-store');
    const secret = secretOf(r.body);
    expect(clientWebhookUrl(t.db, acme)).toBe(url);
    expect(clientWebhookSecret(t.db, acme)).toBe(secret);
    expect(listAudit(t.db, { action: 'client.webhook_set' })[0]).toMatchObject({
      target: 'acme',
      detail: { url: 'https://hooks.acme.example/abusedesk?token=***', newSecret: true },
    });
    expect(JSON.stringify(listAudit(t.db))).not.toContain(secret);
    expect(JSON.stringify(listAudit(t.db))).not.toContain('tok-not-shown');

    const now = new Date('2026-11-23T09:00:00Z');
    const [sent] = emitWebhook(
      t.db,
      'report.received',
      { kind: 'fbl' },
      { clientId: acme, now, key: 'r:1', endpoints: [] },
    );
    emitWebhook(
      t.db,
      'ticket.created',
      { ticketId: 'AD-X' },
      { clientId: acme, now, key: 't:1', endpoints: [] },
    );
    t.db.prepare("UPDATE outbox SET state = 'sent' WHERE id = ?").run(sent);
    const globex = clientIdBySlug(t.db, 'globex')!;
    t.db
      .prepare('UPDATE clients SET webhook_url = ?, webhook_secret = ? WHERE id = ?')
      .run('https://globex.example/h', 'whsec_AAAA', globex);
    const [other] = emitWebhook(
      t.db,
      'report.received',
      { kind: 'fbl' },
      { clientId: globex, now, key: 'r:2', endpoints: [] },
    );

    const page = await t.get(admin, '/ui/admin/webhooks');
    expect(page.body).not.toContain(secret);
    expect(page.body).not.toContain('tok-not-shown');
    const section = page.body.slice(
      page.body.indexOf('id="endpoint-acme"'),
      page.body.indexOf('id="endpoint-globex"'),
    );
    expect(textOf(section)).toContain('https://hooks.acme.example/abusedesk?token=***');
    expect(textOf(section)).toContain('1 pending · 1 sent · 0 failed');
    expect(textOf(section)).toMatch(/#\d+ ticket\.created pending/);
    const link = `/ui/webhooks?endpoint=${endpointKey(url)}`;
    expect(section).toContain(`href="${link}"`);

    const filtered = await t.get(admin, link);
    expect(filtered.statusCode).toBe(200);
    expect(textOf(filtered.body)).toContain(
      'Deliveries to https://hooks.acme.example/abusedesk?token=*** only.',
    );
    expect(filtered.body).toContain(`id="delivery-${sent}"`);
    expect(filtered.body).not.toContain(`id="delivery-${other}"`);
    expect(filtered.body).toContain(`<input type="hidden" name="endpoint" value="${endpointKey(url)}">`);
    expect(filtered.body).not.toContain('tok-not-shown');
    expect((await t.get(admin, '/ui/webhooks?endpoint=0123456789abcdef')).statusCode).toBe(404);
  });

  it('keeps the typed URL when it is refused', async () => {
    const admin = await t.login('admin');
    const r = await t.post(admin, '/ui/admin/webhooks/acme', {
      _csrf: admin.csrf,
      url: 'ftp://files.example/x',
    });
    expect(r.statusCode).toBe(422);
    expect(textOf(r.body)).toContain('Not saved: the endpoint must be an absolute http:// or https:// URL.');
    expect(r.body).toContain('value="ftp://files.example/x"');
    expect(clientWebhookUrl(t.db, acme)).toBeNull();
  });

  it('rotates a secret: new and old both sign until the rotation is finished; removing needs a reason', async () => {
    const admin = await t.login('admin');
    const first = secretOf(
      (await t.post(admin, '/ui/admin/webhooks/acme', { _csrf: admin.csrf, url: 'https://h.example/a' }))
        .body,
    );
    const rotated = await t.post(admin, '/ui/admin/webhooks/acme/rotate', { _csrf: admin.csrf });
    expect(rotated.statusCode).toBe(200);
    const next = secretOf(rotated.body);
    expect(next).not.toBe(first);
    const stored = clientWebhookSecret(t.db, acme)!;
    expect(signsWith(stored, first) && signsWith(stored, next)).toBe(true);
    expect(textOf((await t.get(admin, '/ui/admin/webhooks')).body)).toContain(
      'rotating: 2 secrets sign each delivery',
    );

    const finish = await t.post(admin, '/ui/admin/webhooks/acme/finish-rotation', { _csrf: admin.csrf });
    expect(finish.statusCode).toBe(303);
    expect(clientWebhookSecret(t.db, acme)).toBe(next);
    expect(signsWith(clientWebhookSecret(t.db, acme)!, first)).toBe(false);

    const unconfirmed = await t.post(admin, '/ui/admin/webhooks/acme/clear', {
      _csrf: admin.csrf,
      reason: 'client left',
    });
    expect(unconfirmed.statusCode).toBe(400);
    expect(unconfirmed.body).toContain('value="client left"');
    expect(clientWebhookUrl(t.db, acme)).toBe('https://h.example/a');
    const clear = await t.post(admin, '/ui/admin/webhooks/acme/clear', {
      _csrf: admin.csrf,
      reason: 'client left',
      confirm: 'yes',
    });
    expect(clear.statusCode).toBe(303);
    expect(clientWebhookUrl(t.db, acme)).toBeNull();
    expect(clientWebhookSecret(t.db, acme)).toBeNull();
    expect(listAudit(t.db, { action: 'client' }).length).toBe(0); // exact action names only in listAudit
    expect(
      [
        'client.webhook_set',
        'client.webhook_rotate',
        'client.webhook_rotate_finish',
        'client.webhook_clear',
      ].map((action) => listAudit(t.db, { action }).length),
    ).toEqual([1, 1, 1, 1]);
    expect(listAudit(t.db, { action: 'client.webhook_clear' })[0]!.detail).toMatchObject({
      reason: 'client left',
    });
  });
});
