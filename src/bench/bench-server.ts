import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../config/load-config.ts';
import { createLogger } from '../log/logger.ts';
import { startService } from '../service/start-service.ts';
import { loadMailboxProviders } from '../enforcement/mailbox-providers.ts';
import { insertSends } from '../store/sends-store.ts';
import { suppress } from '../store/suppressions-store.ts';
import { createApiToken } from '../auth/api-tokens.ts';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { countMessages } from '../store/messages-store.ts';
import { refreshStatistics } from '../db/refresh-statistics.ts';
import { writeSignal } from '../store/enforcement-store.ts';
import { clientRefBySlug } from '../store/clients-store.ts';
import type { Database } from 'better-sqlite3';

/**
 * Signals already in acme's enforcement window when the end-to-end run starts (a client that has been sending
 * for weeks), spread over its last 28 days. They do not count (complaints still waiting for corroboration), so
 * they move no rate and no enforcement decision: only what assessing the client costs as its history grows.
 */
export const WINDOW_SIGNALS = 100_000;

function loadSignalHistory(db: Database, n: number): void {
  const client = clientRefBySlug(db, 'acme');
  if (!client) throw new Error('the demo data has no client acme');
  const now = Date.now();
  db.transaction(() => {
    for (let i = 0; i < n; i++)
      writeSignal(db, {
        clientId: client.id,
        campaignId: null,
        signal: 'complaint',
        recipient: `earlier${i}@example.net`,
        provider: 'example.net',
        reportId: null,
        counts: 0,
        reason: 'not counted: waits for corroboration',
        rule: 'not-counted:history',
        basis: null,
        reporterDomain: null,
        sourceNetwork: null,
        dedupe: `history:${i}`,
        at: new Date(now - 3_600_000 - Math.floor((i / n) * 28 * 86_400_000)).toISOString(),
      });
  })();
}

export interface BenchServerOptions {
  /** PostgreSQL (a `?schema=` URL: the run's own schema) instead of a SQLite file in the temp data dir. */
  databaseUrl?: string | null;
  /**
   * Load the demo clients, the send log and the suppressions (default true). A second node on the same
   * PostgreSQL schema starts with false: the first node loaded them, and loading twice would double them.
   */
  seed?: boolean;
}

/**
 * The server side of `npm run bench`, run in its own process so that the load generator does not
 * share its CPU: `intake` is the real durable intake (worker off), `bare` an smtp-server that discards data.
 * Prints `port=N` once listening; exits on SIGTERM.
 */
export async function runBenchServer(
  mode: 'intake' | 'bare' | 'e2e' | 'api' | 'hostile',
  sends = 0,
  options: BenchServerOptions = {},
): Promise<void> {
  const seed = options.seed ?? true;
  let stop: () => Promise<void>;
  let port: number;
  let dir: string | null = null;
  let token = '';
  let httpPort = 0;
  if (mode === 'bare') {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      hideENHANCEDSTATUSCODES: true,
      size: 25 * 1024 * 1024,
      logger: false,
      onData(stream, _session, cb) {
        stream.on('data', () => undefined);
        stream.on('end', () => cb(null, '2.0.0 Ok: discarded'));
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as { port: number }).port;
    stop = () => new Promise((r) => server.close(() => r()));
  } else {
    dir = mkdtempSync(join(tmpdir(), 'abusedesk-bench-'));
    const dataDir = dir;
    const { config } = loadConfig({
      env: {},
      overrides: {
        dataDir,
        smtp: {
          port: 0,
          maxConnectionsPerIp: 1000,
          maxConnectionsPerSubnet: 1000,
          ...(mode === 'hostile' ? { maxMessageBytes: 64 * 1024 * 1024 } : {}),
        },
        http: { port: 0 },
        // Intake runs without the worker: every accepted message stays queued, and the backlog limit (a guard for
        // a pipeline that falls behind) would refuse the run's own load once 10,000 are waiting.
        ...(mode === 'intake' ? { worker: { maxBacklog: 100_000_000 } } : {}),
        ...(options.databaseUrl ? { database: { url: options.databaseUrl } } : {}),
        // The benchmark mints tokens with the public demo key in a temp data dir: demo mode.
        demo: { load: seed, enabled: true },
        authenticate: { dns: 'off' },
      },
    });
    const service = await startService({
      config,
      logger: createLogger('silent'),
      worker: mode === 'e2e' || mode === 'hostile',
    });
    if (mode === 'hostile') {
      // The event loop's delay, reported (and reset) on SIGUSR2 with the queue and the parse pool's counts.
      const eld = monitorEventLoopDelay({ resolution: 5 });
      eld.enable();
      process.on('SIGUSR2', () => {
        const ms = (ns: number): string => (ns / 1e6).toFixed(1);
        process.stdout.write(
          `eld max=${ms(eld.max)} p99=${ms(eld.percentile(99))} mean=${ms(eld.mean)} queued=${countMessages(service.db, { state: 'queued' })} done=${countMessages(service.db, { state: 'done' })} pool=${service.parsePool.stats.completed}\n`,
        );
        eld.reset();
      });
    }
    port = service.smtpAddress.port;
    if (mode === 'api') {
      // `sends` suppressions for acme: user0, user2, user4… (even numbers), loaded in one transaction.
      const now = new Date();
      if (seed)
        service.db.transaction(() => {
          for (let i = 0; i < sends; i++)
            suppress(service.db, {
              address: `user${i * 2}@example.net`,
              clientId: 1,
              reason: 'complaint',
              now,
            });
        })();
    }
    // A viewer's token: the API benchmark's requests, and /metrics (where the end-to-end run reads its pipeline's
    // time per phase).
    if (mode === 'api' || mode === 'e2e') {
      token = createApiToken(service.db, { name: 'bench', role: 'viewer', now: new Date() }).secret;
      httpPort = service.httpAddress.port;
    }
    if (mode === 'e2e' && seed) {
      // The send log the ESP would have fed: `sends` messages of acme's spring sale.
      const sentAt = new Date(Date.now() - 86_400_000).toISOString();
      for (let i = 0; i < sends; i += 10_000) {
        const rows = Array.from({ length: Math.min(10_000, sends - i) }, (_, k) => ({
          messageId: `send-${i + k}@news.acme.example`,
          recipient: `user${i + k}@example.net`,
          client: 'acme',
          campaign: 'acme-spring-sale',
          sentAt,
        }));
        insertSends(service.db, rows, new Date(), loadMailboxProviders());
      }
      loadSignalHistory(service.db, WINDOW_SIGNALS);
    }
    // Statistics for the rows just loaded, as autovacuum would gather within a minute of a real import.
    if (seed) refreshStatistics(service.db);
    stop = async () => {
      await service.stop();
      rmSync(dataDir, { recursive: true, force: true });
    };
  }
  process.stdout.write(`port=${port} dir=${dir ?? ''} http=${httpPort} token=${token}\n`);
  await new Promise<void>((resolve) => process.once('SIGTERM', () => void stop().then(resolve)));
}
