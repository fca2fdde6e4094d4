import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit } from '../../../src/store/audit-store.ts';
import { clientDomains, clientRefByDomain } from '../../../src/store/clients-store.ts';
import { clientProfile } from '../../../src/store/client-admin-store.ts';
import { startUiApp, textOf, type UiApp as App } from './admin-ui-app.ts';

describe('admin: clients create and edit', () => {
  let t: App;
  beforeEach(async () => {
    t = await startUiApp();
  });
  afterEach(() => t.close());

  it('creates a client with its sending domains, abuse contact and language; mail from its domains is charged to it', async () => {
    const admin = await t.login('admin');
    const r = await t.post(admin, '/ui/admin/clients', {
      _csrf: admin.csrf,
      slug: 'hooli',
      name: 'Hooli XYZ',
      contactEmail: 'abuse@hooli.example',
      language: 'de',
      domains: 'mail.hooli.example\nNews.Hooli.example\n',
    });
    expect(r.statusCode).toBe(303);
    const list = await t.get(admin, r.headers.location as string);
    expect(textOf(list.body)).toContain('Client hooli created.');
    expect(textOf(list.body)).toContain(
      'hooli Hooli XYZ mail.hooli.example, news.hooli.example abuse@hooli.example de active',
    );
    expect(clientProfile(t.db, 'hooli')).toMatchObject({
      name: 'Hooli XYZ',
      contactEmail: 'abuse@hooli.example',
      language: 'de',
    });
    expect(clientRefByDomain(t.db, 'news.hooli.example')?.slug).toBe('hooli');
    expect(listAudit(t.db, { action: 'client.create' })[0]).toMatchObject({
      actor: 'user:admin@esp.example',
      target: 'hooli',
      detail: { domains: ['mail.hooli.example', 'news.hooli.example'] },
    });
  });

  it('shows each error next to its field and keeps every typed value', async () => {
    const admin = await t.login('admin');
    const typed = {
      _csrf: admin.csrf,
      slug: 'Bad Slug!',
      name: '',
      contactEmail: 'not-an-address',
      language: 'english',
      domains: 'ok.example\nnot a domain',
    };
    const r = await t.post(admin, '/ui/admin/clients', typed);
    expect(r.statusCode).toBe(422);
    const text = textOf(r.body);
    expect(text).toContain('Not saved: correct the fields marked below.');
    expect(text).toContain('Lower-case letters, digits and dashes');
    expect(text).toContain('Give the client a name.');
    expect(text).toContain('Not an email address.');
    expect(text).toContain('A two-letter language code');
    expect(text).toContain('Not a domain name: not a domain.');
    expect(r.body).toContain('value="bad slug!"');
    expect(r.body).toContain('value="not-an-address"');
    expect(r.body).toContain('value="english"');
    expect(r.body).toContain('>ok.example\nnot a domain</textarea>');
    expect(r.body).toMatch(
      /name="contactEmail"[^>]*aria-invalid="true" aria-describedby="contactEmail-error"/,
    );

    const conflict = await t.post(admin, '/ui/admin/clients', {
      ...typed,
      slug: 'acme',
      name: 'Acme again',
      contactEmail: '',
      language: 'en',
      domains: 'mail.globex.example',
    });
    expect(conflict.statusCode).toBe(409);
    expect(textOf(conflict.body)).toContain('A client acme already exists.');
    expect(textOf(conflict.body)).toContain(
      'Already a sending domain of another client: mail.globex.example (globex).',
    );
    expect(listAudit(t.db, { action: 'client.create' })).toHaveLength(0);
  });

  it('edits a client: the exact set of domains, contact and language; the slug stays', async () => {
    const admin = await t.login('admin');
    const form = await t.get(admin, '/ui/admin/clients/acme/edit');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('>acme.example\nnews.acme.example</textarea>');
    const r = await t.post(admin, '/ui/admin/clients/acme/edit', {
      _csrf: admin.csrf,
      slug: 'evil',
      name: 'Acme Corp',
      contactEmail: 'abuse@acme.example',
      language: 'fr',
      domains: 'mail.acme.example',
    });
    expect(r.statusCode).toBe(303);
    const c = clientProfile(t.db, 'acme')!;
    expect(c).toMatchObject({ name: 'Acme Corp', contactEmail: 'abuse@acme.example', language: 'fr' });
    expect(clientDomains(t.db, c.id)).toEqual(['mail.acme.example']);
    expect(clientRefByDomain(t.db, 'news.acme.example')).toBeNull();
    expect(clientProfile(t.db, 'evil')).toBeNull();
    expect(listAudit(t.db, { action: 'client.update' })[0]).toMatchObject({
      target: 'acme',
      detail: { name: 'Acme Corp', language: 'fr', domains: ['mail.acme.example'] },
    });
    const refused = await t.post(admin, '/ui/admin/clients/acme/edit', {
      _csrf: admin.csrf,
      name: 'Acme Corp',
      contactEmail: 'abuse@acme.example',
      language: 'fr',
      domains: 'mail.acme.example\ninitech.example',
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('>mail.acme.example\ninitech.example</textarea>');
    expect(clientDomains(t.db, c.id)).toEqual(['mail.acme.example']);
    expect((await t.get(admin, '/ui/admin/clients/nobody/edit')).statusCode).toBe(404);
  });
});
