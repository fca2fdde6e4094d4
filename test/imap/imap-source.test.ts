import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fblReport } from '../../src/demo/report-builders.ts';
import { headerValue } from '../../src/mime/read-header-block.ts';
import type { MessageStore } from '../../src/store/messages-store.ts';
import { getTicket } from '../../src/store/tickets-store.ts';
import { createDovecot, dovecotInstalled, type Dovecot } from '../helpers/dovecot.ts';
import {
  simpleMessage,
  springSaleToken,
  startTestService,
  tempDataDir,
  waitFor,
} from '../helpers/test-service.ts';

type Service = Awaited<ReturnType<typeof startTestService>>;

const installed = dovecotInstalled();
if (!installed)
  console.warn(
    'IMAP tests skipped: dovecot is not installed (/usr/sbin/dovecot; apt-get install dovecot-imapd — .ci/run installs it)',
  );

/** One source pointing at the test server, quick to retry. */
function imapConfig(d: Dovecot, sources: Array<Record<string, unknown>>): Record<string, unknown> {
  return {
    imap: {
      retryBaseMs: 50,
      retryMaxMs: 400,
      sources: sources.map((s) => ({
        host: d.host,
        port: d.port,
        security: 'none',
        user: d.user,
        password: d.password,
        ...s,
      })),
    },
  };
}

/** Each message of a mailbox on the server: its Message-ID and flags (read by the test's own client). */
async function serverMessages(
  d: Dovecot,
  mailbox = 'INBOX',
): Promise<Array<{ messageId: string; flags: string[] }>> {
  const c = await d.client();
  try {
    const box = await c.mailboxOpen(mailbox, { readOnly: true });
    if (box.exists === 0) return [];
    const out: Array<{ messageId: string; flags: string[] }> = [];
    for await (const m of c.fetch('1:*', { envelope: true, flags: true }))
      out.push({
        messageId: m.envelope?.messageId ?? '',
        // \Recent is the server's own (RFC 3501), not something abusedesk set
        flags: [...(m.flags ?? [])].filter((f) => f !== '\\Recent').sort(),
      });
    return out;
  } finally {
    await c.logout();
  }
}

/** Polls an async check (a server round trip) until it holds. */
async function eventually<T>(
  check: () => Promise<T | false | null | undefined>,
  what: string,
  ms = 15_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface ImapRow {
  id: number;
  queue_id: string;
  state: string;
  message_id: string | null;
  rcpt_to: string;
}
const imapMessages = (svc: Service): ImapRow[] =>
  svc.db
    .prepare(
      `SELECT id, queue_id, state, message_id, rcpt_to FROM messages WHERE source = 'imap' ORDER BY id`,
    )
    .all() as ImapRow[];
const processedImap = (svc: Service, n: number): ImapRow[] | false => {
  const rows = imapMessages(svc);
  return rows.length === n && rows.every((r) => r.state === 'done') && rows;
};

interface SourceHealth {
  state: string;
  idle: boolean;
  taken: number;
  consecutiveFailures: number;
  lastError: string | null;
  lastSuccessAt: string | null;
  nextRetryAt: string | null;
}
interface Healthz {
  status: string;
  failing: string[];
  degraded?: string[];
  checks: { imap?: { sources: Record<string, SourceHealth | undefined> } };
}

async function healthz(
  svc: Service,
): Promise<{ status: number; body: Healthz; source: (name: string) => SourceHealth | undefined }> {
  const res = await fetch(`http://127.0.0.1:${svc.httpAddress.port}/healthz`);
  const body = (await res.json()) as Healthz;
  return { status: res.status, body, source: (name) => body.checks.imap?.sources[name] };
}

const fbl = (dataDir: string, n: number): string =>
  fblReport({
    reportMessageId: `<fbl-imap-${n}@aol.example>`,
    originalTo: 'redacted@aol.com',
    originalMessageId: `<send-imap-${n}@news.acme.example>`,
    traceToken: springSaleToken(dataDir, `jane.${n}@example.net`),
  });

describe.skipIf(!installed)('taking mail from an IMAP mailbox (a real dovecot)', { timeout: 30_000 }, () => {
  let tmp: ReturnType<typeof tempDataDir>;
  let d: Dovecot;
  const services: Service[] = [];
  const start = async (options: Parameters<typeof startTestService>[1]): Promise<Service> => {
    const svc = await startTestService(tmp.dir, options);
    services.push(svc);
    return svc;
  };
  beforeEach(async () => {
    tmp = tempDataDir();
    d = await createDovecot();
  });
  afterEach(async () => {
    for (const svc of services.splice(0)) await svc.stop();
    await d.cleanup();
    tmp.cleanup();
  });

  it('takes an ARF report as source imap, processes it into a ticket, and flags it only once it is stored', async () => {
    await d.start();
    await d.append([fbl(tmp.dir, 1), simpleMessage('imap question')]);
    // What the server showed for each message at the moment abusedesk's store confirmed it durable.
    const flagsWhenStored = new Map<string, string[]>();
    const svc = await start({
      overrides: imapConfig(d, [{ name: 'hosted', recipient: 'fbl@esp.example' }]),
      wrapStore: (s): MessageStore => ({
        open: s.open?.bind(s),
        async store(m) {
          const r = await s.store(m);
          if (m.source === 'imap') {
            const id = headerValue(m.raw, 'message-id') ?? '';
            flagsWhenStored.set(
              id,
              (await serverMessages(d)).find((x) => x.messageId === id)?.flags ?? ['missing'],
            );
          }
          return r;
        },
      }),
    });
    const rows = await waitFor(() => processedImap(svc, 2), 15_000, 'both IMAP messages to be processed');
    expect(rows.map((r) => JSON.parse(r.rcpt_to) as string[])).toEqual([
      ['fbl@esp.example'],
      ['fbl@esp.example'],
    ]);

    const report = svc.db
      .prepare(
        `SELECT r.kind, r.ticket_id FROM reports r JOIN messages m ON m.id = r.message_id WHERE m.message_id = ?`,
      )
      .get('<fbl-imap-1@aol.example>') as { kind: string; ticket_id: string | null };
    expect(report.kind).toBe('fbl');
    expect(getTicket(svc.db, report.ticket_id!)).toMatchObject({ type: 'incident' });

    await eventually(
      async () => (await serverMessages(d)).every((m) => m.flags.includes('$AbusedeskTaken')),
      'the keyword on both messages',
    );
    expect(Object.fromEntries(flagsWhenStored)).toEqual({
      '<fbl-imap-1@aol.example>': [],
      '<imapquestion@example.net>': [],
    });
    expect(await serverMessages(d)).toEqual([
      { messageId: '<fbl-imap-1@aol.example>', flags: ['$AbusedeskTaken', '\\Seen'] },
      { messageId: '<imapquestion@example.net>', flags: ['$AbusedeskTaken', '\\Seen'] },
    ]);
    // The server shows a flag as soon as it stored it; abusedesk logs the message taken once its own STORE
    // command was answered, a moment later.
    await waitFor(
      () => svc.lines.filter((l) => l.event === 'imap.taken').length >= 2,
      15_000,
      'both messages logged as taken',
    );
    expect(svc.lines.filter((l) => l.event === 'imap.taken').map((l) => l.uid)).toEqual([1, 2]);
  });

  it('leaves a message untouched on the server while it cannot be stored, and takes it once the store works', async () => {
    await d.start();
    await d.append([simpleMessage('stored later')]);
    let diskFull = true;
    const svc = await start({
      overrides: imapConfig(d, [{ name: 'hosted' }]),
      wrapStore: (s): MessageStore => ({
        open: s.open?.bind(s),
        store: (m) => (m.source === 'imap' && diskFull ? Promise.reject(new Error('disk full')) : s.store(m)),
      }),
    });
    const failing = await eventually(async () => {
      const h = await healthz(svc);
      const source = h.source('hosted');
      return (source?.consecutiveFailures ?? 0) >= 2 && h;
    }, 'the source to fail twice');
    // degraded, never failed: a failing source cannot turn /healthz into a 503 (other checks may, on a busy machine)
    expect(failing.body.failing).not.toContain('imap');
    expect(failing.body.degraded).toEqual(['imap']);
    if (failing.body.failing.length === 0) expect(failing.body.status).toBe('degraded');
    expect(failing.source('hosted')).toMatchObject({
      state: 'failing',
      lastError: expect.stringContaining('disk full'),
    });
    expect(imapMessages(svc)).toEqual([]);
    expect(await serverMessages(d)).toEqual([{ messageId: '<storedlater@example.net>', flags: [] }]);

    diskFull = false;
    await waitFor(() => processedImap(svc, 1), 15_000, 'the message to be taken once the store works');
    await eventually(
      async () => (await serverMessages(d))[0]?.flags.includes('$AbusedeskTaken'),
      'the message to be flagged',
    );
    // The round that took it ends (and counts as a success) once the server answered abusedesk's flag command.
    await waitFor(
      () => svc.lines.some((l) => l.event === 'imap.recovered'),
      15_000,
      'the source to log its recovery',
    );
    expect((await healthz(svc)).source('hosted')).toMatchObject({
      state: 'ok',
      consecutiveFailures: 0,
    });
  });

  it('a restart on the same data dir takes only new mail; after a UIDVALIDITY change nothing is stored or processed twice', async () => {
    await d.start();
    await d.append([fbl(tmp.dir, 1), simpleMessage('first')]);
    const overrides = imapConfig(d, [{ name: 'hosted' }]);
    const first = await start({ overrides });
    await waitFor(() => processedImap(first, 2), 15_000, 'the first two messages');
    await eventually(
      async () => (await serverMessages(d)).every((m) => m.flags.includes('$AbusedeskTaken')),
      'both messages to be flagged',
    );
    await first.stop();

    await d.append([simpleMessage('second')]);
    const second = await start({ overrides });
    const rows = await waitFor(() => processedImap(second, 3), 15_000, 'the new message');
    expect(rows.map((r) => r.message_id)).toEqual([
      '<fbl-imap-1@aol.example>',
      '<first@example.net>',
      '<second@example.net>',
    ]);
    await waitFor(
      () => second.lines.some((l) => l.event === 'imap.taken'),
      5000,
      'the log of the new message',
    );
    expect(second.lines.filter((l) => l.event === 'imap.taken').map((l) => l.uid)).toEqual([3]);
    await second.stop();

    // As if the server renumbered its mailbox and abusedesk had stopped between storing and flagging: every
    // message looks new again.
    const c = await d.client();
    await c.mailboxOpen('INBOX');
    await c.messageFlagsRemove('1:*', ['\\Seen', '$AbusedeskTaken']);
    await c.logout();
    const third = await start({
      overrides,
      onDatabaseOpen: (db) => db.prepare(`UPDATE imap_state SET uid_validity = '1'`).run(),
    });
    await eventually(
      async () => (await serverMessages(d)).every((m) => m.flags.includes('$AbusedeskTaken')),
      'the re-scanned messages to be flagged again',
    );
    expect(third.lines.some((l) => l.event === 'imap.uidvalidity_changed')).toBe(true);
    // The log line follows the server's answer to abusedesk's own flag command (the flags show a moment earlier).
    await waitFor(
      () => third.lines.filter((l) => l.event === 'imap.taken').length >= 3,
      15_000,
      'the re-scanned messages logged as taken',
    );
    const taken = third.lines.filter((l) => l.event === 'imap.taken');
    expect(taken.map((l) => l.duplicate)).toEqual([true, true, true]);
    expect(imapMessages(third)).toHaveLength(3);
    expect(third.db.prepare('SELECT count(*) FROM reports').pluck().get()).toBe(3);
  });

  it('moves or deletes taken mail per source, and takes new mail at once through IDLE', async () => {
    await d.start();
    await d.append([simpleMessage('to move')], 'Abuse');
    await d.append([simpleMessage('to delete')], 'Fbl');
    const svc = await start({
      overrides: imapConfig(d, [
        // an hour between polls: mail that arrives later can only be noticed through IDLE
        { name: 'moving', mailbox: 'Abuse', after: 'move', moveTo: 'Abuse-taken', pollSeconds: 3600 },
        { name: 'deleting', mailbox: 'Fbl', after: 'delete', pollSeconds: 3600 },
      ]),
    });
    await waitFor(() => processedImap(svc, 2), 15_000, 'both messages');
    await eventually(async () => (await serverMessages(d, 'Abuse')).length === 0, 'Abuse to be emptied');
    expect(await serverMessages(d, 'Abuse-taken')).toEqual([
      { messageId: '<tomove@example.net>', flags: [] },
    ]);
    expect(await serverMessages(d, 'Fbl')).toEqual([]);
    const health = await healthz(svc);
    expect(health.source('moving')).toMatchObject({ state: 'ok', idle: true, taken: 1 });

    await d.append([simpleMessage('arrives later')], 'Abuse');
    await waitFor(() => processedImap(svc, 3), 15_000, 'the later message, announced by IDLE');
    expect(await serverMessages(d, 'Abuse-taken')).toHaveLength(2);
  });

  it('shows a server that is down (or refuses the login) as failing in /healthz, and recovers when it comes up', async () => {
    const svc = await start({
      overrides: imapConfig(d, [
        { name: 'hosted', idle: false, pollSeconds: 1 },
        { name: 'wrong-password', password: 'not-the-password' },
      ]),
    });
    const down = await eventually(async () => {
      const h = await healthz(svc);
      return h.source('hosted')?.state === 'failing' && h;
    }, 'the source to fail');
    expect(down.body.failing).not.toContain('imap');
    expect(down.body.degraded).toEqual(['imap']);
    expect(down.source('hosted')).toMatchObject({
      lastError: `connection refused by 127.0.0.1:${d.port}`,
      lastSuccessAt: null,
      nextRetryAt: expect.any(String),
    });
    expect(svc.lines.find((l) => l.event === 'imap.failed' && l.source === 'hosted')).toMatchObject({
      error: `connection refused by 127.0.0.1:${d.port}`,
    });

    await d.start();
    await d.append([fbl(tmp.dir, 7)]);
    await waitFor(() => processedImap(svc, 1), 15_000, 'the message once the server is up');
    const wrong = await eventually(async () => {
      const h = await healthz(svc);
      return (
        h.source('hosted')?.state === 'ok' && h.source('wrong-password')?.lastError?.includes('login') && h
      );
    }, 'the source to recover');
    expect(wrong.source('hosted')).toMatchObject({
      lastSuccessAt: expect.any(String),
      nextRetryAt: null,
    });
    expect(wrong.source('wrong-password')).toMatchObject({
      state: 'failing',
      lastError: expect.stringMatching(
        /^login as abuse refused by 127\.0\.0\.1:\d+ \[AUTHENTICATIONFAILED\]/,
      ),
    });
    expect(wrong.body.degraded).toEqual(['imap']);

    // Without IDLE the mailbox is polled (every pollSeconds).
    await d.append([simpleMessage('polled')]);
    await waitFor(() => processedImap(svc, 2), 15_000, 'the polled message');
  });
});
