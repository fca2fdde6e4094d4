import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deliverAndProcess,
  simpleMessage,
  startTestService,
  tempDataDir,
  ticketOfQueued,
  waitFor,
  waitForIdle,
} from '../../helpers/test-service.ts';
import { loginInject } from './ui-session.ts';

// An hour between outbox polls: only the wake-up after queuing can deliver the answer within the test.
const HOUR = 3_600_000;

describe('a staff answer queued from the ticket page', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let svc: Awaited<ReturnType<typeof startTestService>>;

  beforeAll(async () => {
    tmp = tempDataDir();
    svc = await startTestService(tmp.dir, { overrides: { outbox: { pollMs: HOUR } } });
  }, 30_000);

  afterAll(async () => {
    await svc?.stop();
    tmp?.cleanup();
  });

  it('is delivered right away, without waiting for the next outbox poll', async () => {
    const q = await deliverAndProcess(
      svc,
      'abuse@esp.example',
      simpleMessage('Why do I get this newsletter'),
      'jane@example.net',
    );
    await waitForIdle(svc);
    const ticketId = ticketOfQueued(svc, q);
    const { cookie, csrf } = await loginInject(svc.http, svc.demoStaff!.email, svc.demoStaff!.password);
    const page = await svc.http.inject({
      method: 'GET',
      url: `/ui/tickets/${ticketId}`,
      headers: { cookie },
    });
    const at = page.body.indexOf('name="audience" value="reporter"');
    expect(at, 'a reply form to the reporter').toBeGreaterThan(0);
    const form = page.body.slice(at, page.body.indexOf('</form>', at));
    const nonce = /name="nonce" value="([^"]+)"/.exec(form)![1]!;
    const outboxDir = join(tmp.dir, 'outbox');
    const before = existsSync(outboxDir) ? readdirSync(outboxDir).length : 0;
    const r = await svc.http.inject({
      method: 'POST',
      url: `/ui/tickets/${ticketId}/answer`,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: csrf,
        audience: 'reporter',
        nonce,
        subject: `[${ticketId}] Re: Why do I get this newsletter`,
        text: 'We asked the sender to stop writing to you.',
      }).toString(),
    });
    expect(r.statusCode).toBe(303);
    const file = await waitFor(
      () =>
        existsSync(outboxDir) &&
        readdirSync(outboxDir)
          .filter((f) => f.endsWith('.eml'))
          .map((f) => readFileSync(join(outboxDir, f), 'utf8'))
          .find((m) => m.includes('We asked the sender to stop writing to you.')),
      10_000,
      'the answer written by the file transport',
    );
    expect(readdirSync(outboxDir).length).toBeGreaterThan(before);
    expect(file).toContain(`[${ticketId}]`);
    expect(file).toMatch(/^To: .*jane@example\.net/m);
  }, 30_000);
});
