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
    // The second run appends its entries after the first run's: the trail of the run that acted stays.
    expect(again.stages.map((s) => `${s.run}:${s.stage}:${s.outcome}`)).toEqual([
      '1:headers:read',
      '1:authenticate:untrusted',
      '1:classify:fbl',
      '1:extract:extracted',
      '1:attribute:trace-token',
      '1:actions:suppressed',
      '1:enforcement:recorded',
      '2:headers:read',
      '2:authenticate:untrusted',
      '2:classify:fbl',
      '2:extract:extracted',
      '2:attribute:trace-token',
      '2:actions:already-done',
      '2:enforcement:skipped',
    ]);
    expect(again.stages.slice(0, 7)).toEqual(firstRun.stages);
    expect(tables.map(count)).toEqual(before);
    expect(report()).toEqual(first);
  });
});
