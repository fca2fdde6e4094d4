import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { arfSample } from '../../src/bench/arf-sample.ts';
import { openSession, queueIdOf } from '../../src/bench/smtp-client.ts';
import { reportForMessage } from '../../src/store/reports-store.ts';
import { getMessage } from '../../src/store/messages-store.ts';
import { startTestService, tempDataDir, waitFor } from '../helpers/test-service.ts';

describe('parse stage in the worker', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  beforeEach(() => {
    tmp = tempDataDir();
  });
  afterEach(() => tmp.cleanup());

  it('stores what `abusedesk parse` would print as the message report, with a trail per stage', async () => {
    const svc = await startTestService(tmp.dir);
    try {
      const { client } = await openSession(svc.smtpAddress.port);
      const reply = await client.send(
        'feedback@arf.mail.yahoo.com',
        ['fbl@esp.example'],
        arfSample(7, 'jane@example.net'),
      );
      await client.quit();
      const queueId = queueIdOf(reply)!;
      const message = await waitFor(
        () => {
          const m = getMessage(svc.db, queueId);
          return m?.state === 'done' ? m : null;
        },
        10_000,
        'processing',
      );
      expect(message.stages.map((s) => s.stage)).toEqual([
        'headers',
        'authenticate',
        'classify',
        'extract',
        'attribute',
        'actions',
        'enforcement',
      ]);
      expect(message.stages.find((s) => s.stage === 'classify')).toMatchObject({
        outcome: 'fbl',
        reason: expect.stringMatching(/feedback-report/),
      });
      expect(message.stages.find((s) => s.stage === 'authenticate')).toMatchObject({ outcome: 'untrusted' });
      const report = reportForMessage(svc.db, message.id)!;
      expect(report.kind).toBe('fbl');
      expect(report.trusted).toBe(false); // DNS is off in tests: nothing verified, nothing trusted
      expect(report.parsed).toMatchObject({
        feedbackType: 'abuse',
        complainants: ['jane@example.net'],
        original: { messageId: '<send-7@news.acme.example>' },
        identifiers: { feedbackId: 'acme-spring-sale:acme:newsletter:esp' },
      });
    } finally {
      await svc.stop();
    }
  });
});
