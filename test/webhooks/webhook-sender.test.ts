import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { emitWebhook } from '../../src/webhooks/emit-webhook.ts';
import { signWebhook, verifyWebhook } from '../../src/webhooks/sign-webhook.ts';
import { listWebhookDeliveries, replayWebhook } from '../../src/store/webhooks-store.ts';
import { WebhookSender } from '../../src/webhooks/webhook-sender.ts';
import { memoryLogger, startTestService, tempDataDir } from '../helpers/test-service.ts';

const oldSecret = `whsec_${Buffer.from('old-secret-key').toString('base64')}`;
const newSecret = `whsec_${Buffer.from('new-secret-key').toString('base64')}`;

describe('signWebhook', () => {
  it('signs "id.timestamp.body" with every secret during rotation', () => {
    const h = signWebhook(`${oldSecret} ${newSecret}`, 'msg_1', 1700000000, '{"a":1}');
    expect(h['webhook-signature']!.split(' ')).toHaveLength(2);
    const headers = {
      id: h['webhook-id']!,
      timestamp: h['webhook-timestamp']!,
      signature: h['webhook-signature']!,
    };
    expect(verifyWebhook(oldSecret, headers, '{"a":1}')).toBe(true);
    expect(verifyWebhook(newSecret, headers, '{"a":1}')).toBe(true);
    expect(verifyWebhook(newSecret, headers, '{"a":2}')).toBe(false);
    expect(verifyWebhook(`whsec_${Buffer.from('x').toString('base64')}`, headers, '{"a":1}')).toBe(false);
  });
});

describe('WebhookSender', () => {
  it('delivers to the client endpoint, fails after maxAttempts, and replays', async () => {
    let status = 503;
    let hits = 0;
    const server = createServer((req, res) => {
      hits++;
      req.resume();
      req.on('end', () => res.writeHead(status).end());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const { dir, cleanup } = tempDataDir();
    const svc = await startTestService(dir, { worker: false });
    try {
      const { db } = svc;
      const clientId = (db.prepare('SELECT id FROM clients ORDER BY id LIMIT 1').get() as { id: number }).id;
      db.prepare('UPDATE clients SET webhook_url = ?, webhook_secret = ? WHERE id = ?').run(
        url,
        newSecret,
        clientId,
      );
      let t = Date.parse('2026-11-23T10:00:00Z');
      const now = (): Date => new Date(t);
      const ids = emitWebhook(
        db,
        'client.status_changed',
        { from: 'active', to: 'watch' },
        { clientId, now: now(), key: 'status:1', endpoints: [] },
      );
      expect(ids).toHaveLength(1);
      expect(
        emitWebhook(
          db,
          'client.status_changed',
          { from: 'active', to: 'watch' },
          { clientId, now: now(), key: 'status:1', endpoints: [] },
        ),
      ).toEqual([]);
      const sender = new WebhookSender({
        db,
        endpoints: [],
        logger: memoryLogger().logger,
        maxAttempts: 3,
        retryBaseMs: 1000,
        retryMaxMs: 2000,
        pollMs: 1000,
        now,
      });
      for (let i = 0; i < 3; i++) {
        await sender.drainOnce();
        t += 5000;
      }
      expect(hits).toBe(3);
      expect(listWebhookDeliveries(db)[0]).toMatchObject({
        id: ids[0],
        state: 'failed',
        attempts: 3,
        lastError: 'HTTP 503',
      });
      expect(await sender.drainOnce()).toBe(0);
      status = 204;
      expect(replayWebhook(db, ids[0]!, now())).toBe(true);
      await sender.drainOnce();
      expect(listWebhookDeliveries(db)[0]).toMatchObject({ state: 'sent', attempts: 1, lastError: null });
    } finally {
      await svc.stop();
      server.close();
      cleanup();
    }
  });
});
