import type { Database } from 'better-sqlite3';
import { ImapFlow, type SearchObject } from 'imapflow';
import type { Logger } from '../log/logger.ts';
import { logEvent } from '../log/logger.ts';
import { wakeableDelay } from '../jobs/wakeable-delay.ts';
import type { MessageStore } from '../store/messages-store.ts';
import { openImapMailbox, recordImapTaken } from '../store/imap-state-store.ts';
import { imapBackoff } from './imap-backoff.ts';
import { imapClientOptions, type ImapSourceConfig } from './imap-client-options.ts';
import { describeImapError } from './describe-imap-error.ts';
import type { ImapSourceStatus } from './imap-source-status.ts';

export interface ImapSourceOptions {
  source: ImapSourceConfig;
  /** The durable intake store (the same as SMTP's): a message is on disk when `store` resolves. */
  store: MessageStore;
  /** Where progress (UIDVALIDITY, last UID) is kept. */
  db: Database;
  logger: Logger;
  now: () => Date;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Larger messages are left on the server (smtp.maxMessageBytes: the same limit as SMTP). */
  maxMessageBytes: number;
  env?: NodeJS.ProcessEnv;
  /** Counted for metrics: a message was stored (duplicate: it was stored before). */
  onTaken?: (source: string, duplicate: boolean) => void;
  random?: () => number;
}

/** UIDs fetched and stored per round before looking at the mailbox again (a large backlog is taken in turns). */
const ROUND_SIZE = 200;

/**
 * One IMAP source: keeps a session to the server, takes every message not yet taken from its mailbox —
 * stores it durably first, only then flags, moves or deletes it on the server, then records the UID — and
 * waits for more with IDLE (or polls). A failure (refused connection, login, timeout, lost session) is
 * logged, shown in its status and retried with capped, jittered exponential backoff; it never stops the
 * service. A crash between the steps takes a message again at most, and the store keeps it once (by its bytes).
 */
export class ImapSource {
  readonly status: ImapSourceStatus;
  private active = false;
  private loop: Promise<void> | null = null;
  private client: ImapFlow | null = null;
  private kicked = false;
  private wake: (() => void) | null = null;
  private stopWake: (() => void) | null = null;

  constructor(private readonly o: ImapSourceOptions) {
    this.status = {
      name: o.source.name,
      host: o.source.host,
      mailbox: o.source.mailbox,
      state: 'starting',
      idle: false,
      consecutiveFailures: 0,
      lastError: null,
      lastErrorAt: null,
      lastSuccessAt: null,
      nextRetryAt: null,
      taken: 0,
    };
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    this.loop = this.run();
  }

  /** Looks at the mailbox now. */
  notify(): void {
    this.kicked = true;
    this.wake?.();
  }

  /** Finishes the message in hand, logs out and resolves; a server that does not answer is cut off. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.loop) return;
    this.active = false;
    this.notify();
    this.stopWake?.();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.loop, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    this.client?.close();
    await this.loop;
    this.loop = null;
    this.status.state = 'stopped';
    this.status.nextRetryAt = null;
  }

  private async run(): Promise<void> {
    while (this.active) {
      try {
        await this.session();
      } catch (e) {
        if (!this.active) break;
        const delay = this.failed(e);
        await this.backoff(delay);
        this.status.nextRetryAt = null;
      }
    }
  }

  /** Records and logs a failure; returns how long to wait before reconnecting. */
  private failed(e: unknown): number {
    const s = this.status;
    s.state = 'failing';
    s.consecutiveFailures++;
    s.lastError = describeImapError(e, this.o.source);
    s.lastErrorAt = this.o.now().toISOString();
    const delay = imapBackoff(s.consecutiveFailures, this.o.retryBaseMs, this.o.retryMaxMs, this.o.random);
    s.nextRetryAt = new Date(this.o.now().getTime() + delay).toISOString();
    logEvent(this.o.logger, 'warn', 'imap.failed', {
      source: s.name,
      host: s.host,
      mailbox: s.mailbox,
      error: s.lastError,
      failures: s.consecutiveFailures,
      next: s.nextRetryAt,
    });
    return delay;
  }

  private succeeded(): void {
    const s = this.status;
    if (s.consecutiveFailures > 0)
      logEvent(this.o.logger, 'info', 'imap.recovered', { source: s.name, failures: s.consecutiveFailures });
    s.state = 'ok';
    s.consecutiveFailures = 0;
    s.lastSuccessAt = this.o.now().toISOString();
  }

  /** One connection: log in, open the mailbox, then take and wait until stopped or the session fails. */
  private async session(): Promise<void> {
    const { source } = this.o;
    const client = new ImapFlow(
      imapClientOptions(source, this.o.env ?? process.env, { autoIdle: source.idle }),
    );
    this.client = client;
    let lost: Error | null = null;
    // imapflow emits at most one 'error' per connection and closes it: the loop reports it.
    // Events of a client already given up on must not cut a backoff short.
    const current = (): boolean => this.client === client;
    client.on('error', (e: unknown) => {
      lost = e instanceof Error ? e : new Error(String(e));
      if (current()) this.notify();
    });
    client.on('close', () => current() && this.notify());
    client.on('exists', () => current() && this.notify());
    try {
      await client.connect();
      if (source.after === 'move') await ensureMailbox(client, source.moveTo);
      const opened = await client.mailboxOpen(source.mailbox);
      this.status.idle = source.idle && client.capabilities.has('IDLE');
      logEvent(this.o.logger, 'info', 'imap.connected', {
        source: source.name,
        host: source.host,
        mailbox: source.mailbox,
        uidValidity: String(opened.uidValidity),
        messages: opened.exists,
        idle: this.status.idle,
      });
      while (this.active) {
        if (!client.usable)
          throw (
            lost ??
            Object.assign(new Error('the server closed the connection'), { code: 'EConnectionClosed' })
          );
        this.kicked = false;
        const more = await this.takeRound(client, opened.path);
        this.succeeded();
        if (!more) await this.sleep(source.pollSeconds * 1000);
      }
    } finally {
      this.client = null;
      if (client.usable) await client.logout().catch(() => client.close());
      else client.close();
    }
  }

  /** Takes up to ROUND_SIZE new messages; returns whether more may be waiting. */
  private async takeRound(client: ImapFlow, path: string): Promise<boolean> {
    const { source } = this.o;
    // NOOP lets the server report mail that arrived since the last command (RFC 9051 section 6.1.2).
    await client.noop();
    const mailbox = client.mailbox;
    if (!mailbox || mailbox.path !== path)
      throw new Error(`the mailbox ${source.mailbox} is no longer selected`);
    const uidValidity = String(mailbox.uidValidity);
    const { state, reset } = openImapMailbox(this.o.db, {
      source: source.name,
      mailbox: source.mailbox,
      uidValidity,
      at: this.o.now(),
    });
    if (reset)
      logEvent(this.o.logger, 'warn', 'imap.uidvalidity_changed', {
        source: source.name,
        mailbox: source.mailbox,
        from: reset.from,
        to: uidValidity,
      });
    if (mailbox.exists === 0) return false;
    const query: SearchObject = { uid: `${state.lastUid + 1}:*`, deleted: false };
    if (source.after === 'flag') query.unKeyword = source.keyword;
    const found = (await client.search(query, { uid: true })) || [];
    // `n:*` also matches the highest UID when it is below n (RFC 9051 section 6.4.4.1): keep only new ones.
    const uids = found.filter((u) => u > state.lastUid).sort((a, b) => a - b);
    const batch = uids.slice(0, ROUND_SIZE);
    if (batch.length === 0) return false;
    const sizes = new Map<number, number>();
    for (const m of await client.fetchAll(batch.join(','), { uid: true, size: true }, { uid: true }))
      sizes.set(m.uid, m.size ?? 0);
    for (const uid of batch) {
      if (!this.active) return false;
      await this.takeOne(client, uid, sizes.get(uid), uidValidity);
    }
    return uids.length > batch.length;
  }

  private async takeOne(
    client: ImapFlow,
    uid: number,
    size: number | undefined,
    uidValidity: string,
  ): Promise<void> {
    const { source } = this.o;
    const progress = { source: source.name, mailbox: source.mailbox, uidValidity, uid };
    if (size === undefined) return; // expunged meanwhile by another client
    if (size > this.o.maxMessageBytes) {
      logEvent(this.o.logger, 'warn', 'imap.message_too_large', {
        source: source.name,
        mailbox: source.mailbox,
        uid,
        size,
        limit: this.o.maxMessageBytes,
      });
      recordImapTaken(this.o.db, { ...progress, counted: false, at: this.o.now() });
      return;
    }
    const fetched = await client.fetchOne(String(uid), { uid: true, source: true }, { uid: true });
    if (!fetched || !fetched.source) return; // expunged meanwhile
    const tls = client.tls ? { protocol: client.tls.version ?? '', cipher: client.tls.name ?? '' } : null;
    const stored = await this.o.store.store({
      raw: fetched.source,
      mailFrom: '',
      rcptTo: source.recipient ? [source.recipient] : [],
      clientIp: null,
      clientHostname: source.host,
      helo: null,
      tls,
      receivedAt: this.o.now(),
      source: 'imap',
    });
    // Stored durably: only now may the server forget it.
    if (source.after === 'flag')
      await client.messageFlagsAdd(String(uid), ['\\Seen', source.keyword], { uid: true });
    else if (source.after === 'move') {
      if (!(await client.messageMove(String(uid), source.moveTo, { uid: true })))
        throw new Error(`cannot move UID ${uid} to ${source.moveTo}`);
    } else if (!(await client.messageDelete(String(uid), { uid: true })))
      throw new Error(`cannot delete UID ${uid}`);
    recordImapTaken(this.o.db, { ...progress, counted: !stored.duplicate, at: this.o.now() });
    if (!stored.duplicate) this.status.taken++;
    this.o.onTaken?.(source.name, stored.duplicate);
    logEvent(this.o.logger, 'info', 'imap.taken', {
      source: source.name,
      mailbox: source.mailbox,
      uid,
      queueId: stored.queueId,
      duplicate: stored.duplicate,
      after: source.after,
    });
  }

  /** Waits `ms` before reconnecting; only stop cuts it short. */
  private async backoff(ms: number): Promise<void> {
    if (!this.active) return;
    const delay = wakeableDelay(ms);
    this.stopWake = delay.wake;
    await delay.done;
    this.stopWake = null;
  }

  /** Waits `ms`, or less when notified (new mail, a lost connection, stop). */
  private async sleep(ms: number): Promise<void> {
    if (this.kicked || !this.active) {
      this.kicked = false;
      return;
    }
    const delay = wakeableDelay(ms);
    this.wake = delay.wake;
    await delay.done;
    this.wake = null;
    this.kicked = false;
  }
}

/** Creates the mailbox taken messages are moved to, when the server does not have it yet. */
async function ensureMailbox(client: ImapFlow, path: string): Promise<void> {
  const boxes = await client.list();
  if (!boxes.some((b) => b.path === path)) await client.mailboxCreate(path);
}
