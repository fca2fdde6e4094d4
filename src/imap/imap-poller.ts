import type { Database } from 'better-sqlite3';
import type { Config } from '../config/config-schema.ts';
import type { Logger } from '../log/logger.ts';
import type { MessageStore } from '../store/messages-store.ts';
import { ImapSource } from './imap-source.ts';
import type { ImapSourceStatus } from './imap-source-status.ts';

export interface ImapPollerOptions {
  config: Config;
  store: MessageStore;
  db: Database;
  logger: Logger;
  now: () => Date;
  env?: NodeJS.ProcessEnv;
  onTaken?: (source: string, duplicate: boolean) => void;
}

/** Every configured IMAP source (config imap.sources), each on its own connection and schedule. */
export class ImapPoller {
  readonly sources: ImapSource[];

  constructor(o: ImapPollerOptions) {
    const { imap, smtp } = o.config;
    this.sources = imap.sources.map(
      (source) =>
        new ImapSource({
          source,
          store: o.store,
          db: o.db,
          logger: o.logger,
          now: o.now,
          retryBaseMs: imap.retryBaseMs,
          retryMaxMs: imap.retryMaxMs,
          maxMessageBytes: smtp.maxMessageBytes,
          env: o.env,
          onTaken: o.onTaken,
        }),
    );
  }

  start(): void {
    for (const s of this.sources) s.start();
  }

  async stop(graceMs?: number): Promise<void> {
    await Promise.all(this.sources.map((s) => s.stop(graceMs)));
  }

  /** Each source's state for /healthz. */
  status(): ImapSourceStatus[] {
    return this.sources.map((s) => ({ ...s.status }));
  }
}
