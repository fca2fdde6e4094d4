import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/webhooks/sign-webhook.ts';
import { listWebhookDeliveries } from '../../src/store/webhooks-store.ts';
import {
  deliverAndProcess,
  simpleMessage,
  startTestService,
  tempDataDir,
  waitFor,
} from '../helpers/test-service.ts';

const secret = `whsec_${Buffer.from('test-secret-0123456789abcdef').toString('base64')}`;

interface Received {
  id: string;
  valid: boolean;
  type: string;
  status: number;
}

async function receiver(
  answer: (n: number) => number,
): Promise<{ server: Server; url: string; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const h = (n: string): string => String(req.headers[n] ?? '');
      const status = answer(got.length);
      got.push({
        id: h('webhook-id'),
        valid: verifyWebhook(
          `whsec_other ${secret}`,
          { id: h('webhook-id'), timestamp: h('webhook-timestamp'), signature: h('webhook-signature') },
          body,
        ),
        type: (JSON.parse(body) as { type: string }).type,
        status,
      });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got };
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('webhooks', () => {
  it('signs events, retries after a 500, and loses nothing across a restart', async () => {
    const { dir, cleanup } = tempDataDir();
    cleanups.push(cleanup);
    const rx = await receiver((n) => (n === 0 ? 500 : 200));
    cleanups.push(() => new Promise<void>((r) => rx.server.close(() => r())));
    const overrides = {
      webhooks: { endpoints: [{ url: rx.url, secret }], retryBaseMs: 20, retryMaxMs: 100, pollMs: 50 },
    };
    const svc = await startTestService(dir, { overrides });
    await deliverAndProcess(svc, 'abuse@esp.example', simpleMessage('Spam one'));
    await waitFor(
      () =>
        listWebhookDeliveries(svc.db).length >= 2 &&
        listWebhookDeliveries(svc.db).every((d) => d.state === 'sent'),
      5000,
      'webhooks sent',
    );
    expect(rx.got[0]!.status).toBe(500);
    const retried = rx.got.filter((g) => g.id === rx.got[0]!.id);
    expect(retried.length).toBe(2); // same webhook-id after the 500
    expect(rx.got.every((g) => g.valid)).toBe(true);
    expect(new Set(rx.got.map((g) => g.type))).toEqual(new Set(['report.received', 'ticket.created']));

    // The second report's events are queued while the webhook sender is stopped; the service stops; a restart on
    // the same data dir delivers them.
    await svc.stop();
    const svc2 = await startTestService(dir, { overrides });
    cleanups.push(() => svc2.stop());
    await svc2.webhooks.stop();
    await deliverAndProcess(svc2, 'abuse@esp.example', simpleMessage('Spam two'));
    expect(listWebhookDeliveries(svc2.db).filter((d) => d.state === 'pending').length).toBe(2);
    await svc2.stop();
    const svc3 = await startTestService(dir, { overrides });
    cleanups.push(() => svc3.stop());
    await waitFor(
      () =>
        listWebhookDeliveries(svc3.db).length >= 4 &&
        listWebhookDeliveries(svc3.db).every((d) => d.state === 'sent'),
      5000,
      'all webhooks sent after restart',
    );
    const ids = new Set(rx.got.map((g) => g.id));
    expect(ids.size).toBe(listWebhookDeliveries(svc3.db).length);
  });
});
