import { afterEach, describe, expect, it } from 'vitest';
import { fblReport } from '../../src/demo/report-builders.ts';
import { loadMailboxProviders } from '../../src/enforcement/mailbox-providers.ts';
import type { RunningService } from '../../src/service/start-service.ts';
import { SqliteMessageStore } from '../../src/store/messages-store.ts';
import { insertSends } from '../../src/store/sends-store.ts';
import { listSuppressions } from '../../src/store/suppressions-store.ts';
import type { Processor } from '../../src/worker/processor.ts';
import { smtpEnvelope, startTestService, tempDataDir } from '../helpers/test-service.ts';

/**
 * The lookups a batch's commits share (the send log by the originals' Message-IDs, the trap list, which
 * Message-IDs were acted on before) are read once for the whole batch: these reports are stored first and then
 * processed in one batch, so each answer must be the one a message on its own would have got.
 */
describe('reads made once for a batch', () => {
  let svc: RunningService;
  let cleanup: () => void = () => undefined;
  afterEach(async () => {
    await svc?.stop();
    cleanup();
  });

  const start = async (traps: string[]): Promise<RunningService> => {
    const tmp = tempDataDir();
    cleanup = tmp.cleanup;
    // No worker loop: the test takes the batch itself, once everything is stored.
    svc = await startTestService(tmp.dir, {
      worker: false,
      now: () => new Date('2026-03-02T10:00:00Z'),
      overrides: { enforcement: { trapAddresses: traps } },
    });
    const sends = ['ann', 'bob', 'trap', 'cat'].map((name, i) => ({
      messageId: `<m${i + 1}@news.acme.example>`,
      recipient: `${name}@far.example`,
      client: 'acme',
      campaign: null,
      sentAt: '2026-03-01T10:00:00Z',
      stream: i === 1 ? null : 'marketing',
    }));
    expect(insertSends(svc.db, sends, new Date(), loadMailboxProviders()).errors).toEqual([]);
    return svc;
  };

  /**
   * An ARF complaint (redacted: the send log names the recipient) about the original `<origId>`; `copy` follows the
   * last boundary, so a copy has other bytes and the same Message-ID.
   */
  const complaint = (reportId: string, origId: string, copy = ''): string =>
    fblReport({
      from: 'Feedback Loop <fbl@isp.example>',
      reportMessageId: `<${reportId}>`,
      originalTo: 'redacted@far.example',
      originalMessageId: `<${origId}>`,
    }) + copy;

  const store = (s: RunningService, bodies: string[]): void => {
    const messages = new SqliteMessageStore(s.db);
    for (const body of bodies) messages.storeNow({ ...smtpEnvelope, raw: Buffer.from(body) });
  };

  const outcomes = (s: RunningService) =>
    (
      s.db
        .prepare(
          `SELECT m.message_id AS mid, r.attribution, r.decisions FROM reports r JOIN messages m ON m.id = r.message_id
            ORDER BY r.id`,
        )
        .all() as Array<{ mid: string; attribution: string; decisions: string }>
    ).map((r) => ({
      mid: r.mid,
      recipient: (JSON.parse(r.attribution) as { recipient: string | null }).recipient,
      decisions: (JSON.parse(r.decisions) as Array<{ kind: string; rule: string; target: string }>).map(
        (d) => `${d.kind}:${d.rule}`,
      ),
    }));

  it('attributes each report by its own send, finds a trap and a repeated report within the batch and across batches', async () => {
    const s = await start(['trap@far.example']);
    const processor = s.processor as Processor;
    // An earlier batch acted on <fbl-0@isp.example>.
    store(s, [complaint('fbl-0@isp.example', 'm4@news.acme.example')]);
    expect(await processor.drainOnce()).toBe(1);

    store(s, [
      complaint('fbl-1@isp.example', 'm1@news.acme.example'),
      complaint('fbl-2@isp.example', 'm2@news.acme.example'),
      // The same report twice in one batch (other bytes, same Message-ID): the second has no effect.
      complaint('fbl-2@isp.example', 'm2@news.acme.example', ' (resent)'),
      complaint('fbl-3@isp.example', 'm3@news.acme.example'),
      // A report acted on in the earlier batch.
      complaint('fbl-0@isp.example', 'm4@news.acme.example', ' (resent)'),
    ]);
    expect(await processor.drainOnce()).toBe(5);

    const rows = outcomes(s);
    expect(rows.map((r) => [r.mid, r.recipient])).toEqual([
      ['<fbl-0@isp.example>', 'cat@far.example'],
      ['<fbl-1@isp.example>', 'ann@far.example'],
      ['<fbl-2@isp.example>', 'bob@far.example'],
      ['<fbl-2@isp.example>', 'bob@far.example'],
      ['<fbl-3@isp.example>', 'trap@far.example'],
      ['<fbl-0@isp.example>', 'cat@far.example'],
    ]);
    expect(rows[2]!.decisions).toContain('suppress:fbl-recovered-complainant');
    expect(rows[3]!.decisions).toEqual(['duplicate:same-message-id']);
    expect(rows[4]!.decisions).toEqual(expect.arrayContaining(['suppress:spam-trap']));
    expect(rows[5]!.decisions).toEqual(['duplicate:same-message-id']);
    // The stream comes from each report's own send: ann's marketing send scopes her suppression, bob's has none.
    expect(
      listSuppressions(s.db)
        .filter((r) => r.reason === 'complaint')
        .map((r) => [r.address, r.stream])
        .sort(),
    ).toEqual([
      ['ann@far.example', 'marketing'],
      ['bob@far.example', null],
      ['cat@far.example', 'marketing'],
      ['trap@far.example', 'marketing'],
    ]);
    const trapHits = s.db
      .prepare("SELECT recipient FROM client_signals WHERE signal = 'trap-hit'")
      .pluck()
      .all() as string[];
    expect(trapHits).toEqual(['trap@far.example']);
  }, 60_000);

  it('a trap list too long to read whole is asked address by address', async () => {
    const many = Array.from({ length: 1_200 }, (_, i) => `t${i}@traps.example`);
    const s = await start([...many, 'trap@far.example']);
    store(s, [
      complaint('fbl-1@isp.example', 'm1@news.acme.example'),
      complaint('fbl-3@isp.example', 'm3@news.acme.example'),
    ]);
    expect(await (s.processor as Processor).drainOnce()).toBe(2);
    const rows = outcomes(s);
    expect(rows[0]!.decisions).not.toContain('suppress:spam-trap');
    expect(rows[1]!.decisions).toEqual(expect.arrayContaining(['suppress:spam-trap']));
  }, 120_000);
});
