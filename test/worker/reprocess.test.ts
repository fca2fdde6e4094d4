import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fblReport } from '../../src/demo/report-builders.ts';
import { getMessage, requeueMessage } from '../../src/store/messages-store.ts';
import {
  deliverAndProcess,
  springSaleToken,
  startTestService,
  tempDataDir,
  waitFor,
} from '../helpers/test-service.ts';

type Service = Awaited<ReturnType<typeof startTestService>>;

describe('processing a message again', () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let svc: Service;
  beforeEach(async () => {
    tmp = tempDataDir();
    svc = await startTestService(tmp.dir);
  });
  afterEach(async () => {
    await svc.stop();
    tmp.cleanup();
  });

  it('runs every stage again, repeats no action, and keeps the decisions and attribution of the first run', async () => {
    const body = fblReport({
      reportMessageId: '<fbl-again@aol.example>',
      originalTo: 'redacted@aol.com',
      originalMessageId: '<send-again@news.acme.example>',
      traceToken: springSaleToken(tmp.dir, 'again@example.net'),
    });
    const queueId = await deliverAndProcess(svc, 'fbl@esp.example', body);
    const count = (table: string): unknown => svc.db.prepare(`SELECT count(*) AS n FROM ${table}`).get();
    const tables = ['suppressions', 'tickets', 'ticket_events', 'outbox', 'client_signals'];
    const before = tables.map(count);
    const report = () => svc.db.prepare('SELECT decisions, attribution, ticket_id FROM reports').get();
    const first = report();
    const firstRun = getMessage(svc.db, queueId)!;
    expect(firstRun.stages.map((s) => `${s.stage}:${s.outcome}`)).toEqual([
      'headers:read',
      'authenticate:untrusted',
      'classify:fbl',
      'extract:extracted',
      'attribute:trace-token',
      'actions:suppressed',
      'enforcement:recorded',
    ]);

    expect(requeueMessage(svc.db, firstRun.id)).toBe(true);
    svc.processor.notify();
    const again = await waitFor(
      () => {
        const m = getMessage(svc.db, queueId);
        return m?.state === 'done' && m.processedAt !== firstRun.processedAt ? m : null;
      },
      10_000,
      'second processing',
    );
    expect(again.stages.map((s) => `${s.stage}:${s.outcome}`)).toEqual([
      'headers:read',
      'authenticate:untrusted',
      'classify:fbl',
      'extract:extracted',
      'attribute:trace-token',
      'actions:already-done',
      'enforcement:skipped',
    ]);
    expect(tables.map(count)).toEqual(before);
    expect(report()).toEqual(first);
  });
});
