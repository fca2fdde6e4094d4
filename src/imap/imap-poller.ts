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
  /** The sources run only while this returns true (the node holds the imap lease); see `recheck`. */
  runWhen?: () => boolean;
}

/** Every configured IMAP source (config imap.sources), each on its own connection and schedule. */
export class ImapPoller {
  readonly sources: ImapSource[];
  private readonly runWhen: () => boolean;
  private started = false;
  /** Starts and stops of the sources, one after the other (a stop waits for the session to log out). */
  private changes: Promise<void> = Promise.resolve();

  constructor(o: ImapPollerOptions) {
    this.runWhen = o.runWhen ?? (() => true);
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
    this.started = true;
    void this.recheck();
  }

  async stop(graceMs?: number): Promise<void> {
    this.started = false;
    await this.recheck(graceMs);
  }

  /**
   * Runs the sources when started and `runWhen` allows, else stops them (after the message in hand): called
   * when this node takes or loses the imap lease, so only one node takes mail from a mailbox.
   */
  recheck(graceMs?: number): Promise<void> {
    const next = this.changes.then(async () => {
      if (this.started && this.runWhen()) for (const s of this.sources) s.start();
      else await Promise.all(this.sources.map((s) => s.stop(graceMs)));
    });
    this.changes = next.catch(() => undefined);
    return next;
  }

  /** Each source's state for /healthz. */
  status(): ImapSourceStatus[] {
    return this.sources.map((s) => ({ ...s.status }));
  }
}
