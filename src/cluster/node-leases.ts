import type { Database } from 'better-sqlite3';
import { writeTransaction } from '../db/write-transaction.ts';
import { logEvent, type Logger } from '../log/logger.ts';
import { forgetOtherNodes, markNodeStopped, reportNode } from '../store/cluster-nodes-store.ts';
import { clearLeases, listLeases, releaseLease, takeOrRenewLease } from '../store/job-leases-store.ts';
import { releaseClaims } from '../store/messages-store.ts';

export interface NodeLeasesOptions {
  db: Database;
  /** This node's id (cluster.nodeId). */
  node: string;
  /** The singleton jobs this node runs while it holds their lease (each named as its loop logs itself). */
  jobs: readonly string[];
  /** How long a lease holds without renewal (cluster.leaseMs); renewed every third of it. */
  leaseMs: number;
  logger: Logger;
  now?: () => Date;
  /**
   * No other node can share the database (SQLite: the data dir lock): leases an earlier run left behind under
   * another node id are dropped at start instead of waiting for them to run out, and so are the earlier runs in
   * the node list (the default node id changes with every process), and a lease taken is held until stop,
   * however late a renewal comes (a blocked event loop, a busy database).
   */
  exclusive?: boolean;
}

/** This node's SMTP and HTTP addresses (host:port), as reported in cluster_nodes. */
export interface NodeAddresses {
  smtp: string | null;
  http: string | null;
}

/**
 * The singleton jobs (outbox and webhook senders, enforcement sweeper, suppression relay, purge, IMAP) run on
 * one node at a time: the node holding the job's lease in job_leases. Every leaseMs/3 this node renews the
 * leases it holds and takes those whose holder stopped renewing (it died) or gave them up (a clean stop), and
 * reports itself in cluster_nodes. A node that cannot renew stops counting a lease as held once it runs out,
 * which is when another node may take it. Takeover rests on the nodes' clocks agreeing to well within leaseMs.
 */
export class NodeLeases {
  /** Held jobs and when (ms since the epoch, this node's clock) their lease runs out. */
  private readonly until = new Map<string, number>();
  private readonly listeners = new Map<string, Array<(held: boolean) => void>>();
  private readonly now: () => Date;
  private timer: NodeJS.Timeout | null = null;
  private renewing: Promise<void> | null = null;
  private stopped = false;
  private startedAt: Date | null = null;
  private addresses: NodeAddresses = { smtp: null, http: null };

  constructor(private readonly options: NodeLeasesOptions) {
    this.now = options.now ?? (() => new Date());
  }

  get node(): string {
    return this.options.node;
  }

  /** Whether this node holds the job's lease now (its loop may run a round). */
  holds(job: string): boolean {
    if (this.options.exclusive) return this.until.has(job);
    const until = this.until.get(job);
    return until !== undefined && until > this.now().getTime();
  }

  /** The jobs whose lease this node holds now. */
  held(): string[] {
    return this.options.jobs.filter((job) => this.holds(job));
  }

  /** Calls `listener` whenever this node takes (true) or loses (false) the job's lease. */
  watch(job: string, listener: (held: boolean) => void): void {
    this.listeners.set(job, [...(this.listeners.get(job) ?? []), listener]);
  }

  /** Takes what leases it can at once, then renews every leaseMs/3 on an unref'd timer. */
  async start(addresses?: NodeAddresses): Promise<void> {
    if (this.startedAt) return;
    if (addresses) this.addresses = addresses;
    this.startedAt = this.now();
    this.stopped = false;
    await this.renew(this.options.exclusive === true);
    if (this.stopped) return;
    this.timer = setInterval(() => void this.renew(), Math.max(1, Math.floor(this.options.leaseMs / 3)));
    this.timer.unref();
  }

  /**
   * One round, in one write transaction: reports the node, renews the leases held and takes the free or
   * expired ones. A round already running is waited for instead of starting another.
   */
  renew(clearFirst = false): Promise<void> {
    this.renewing ??= this.round(clearFirst).finally(() => (this.renewing = null));
    return this.renewing;
  }

  private async round(clearFirst: boolean): Promise<void> {
    const { db, node, jobs, leaseMs, logger } = this.options;
    if (this.stopped) return;
    const now = this.now();
    const until = new Date(now.getTime() + leaseMs);
    let results: Array<{ job: string; got: boolean; before: string | undefined }>;
    try {
      results = await writeTransaction(
        db,
        () => {
          if (clearFirst) {
            clearLeases(db);
            forgetOtherNodes(db, node);
          }
          reportNode(db, {
            id: node,
            startedAt: (this.startedAt ?? now).toISOString(),
            seenAt: now.toISOString(),
            ...this.addresses,
          });
          const leases = new Map(listLeases(db).map((l) => [l.name, l]));
          return jobs.map((job) => {
            const lease = leases.get(job);
            // Only a lease that is free, expired or ours is worth a write: a live one of another node stays its.
            const free = !lease || lease.holder === node || lease.expiresAt <= now.toISOString();
            const got = free && takeOrRenewLease(db, { name: job, node, now, until });
            return { job, got, before: lease?.holder };
          });
        },
        { retryMs: 5, maxWaitMs: Math.max(1, Math.floor(leaseMs / 3)) },
      );
    } catch (e) {
      // The database refused the round: what is held stays held until it runs out (no other node can take it
      // before then either), and is let go of then.
      for (const [job, held] of this.until) {
        if (this.options.exclusive || held > this.now().getTime()) continue;
        this.until.delete(job);
        logEvent(logger, 'warn', 'cluster.lease_lost', { job, node, error: (e as Error).message });
        this.emit(job, false);
      }
      return;
    }
    // A stop while the round waited for the lock: stop() gives up what the round took.
    for (const { job, got, before } of results) {
      const had = this.until.has(job);
      const other = before !== undefined && before !== node ? before : undefined;
      if (got) {
        this.until.set(job, until.getTime());
        if (had) continue;
        logEvent(logger, 'info', 'cluster.lease_taken', { job, node, ...(other ? { previous: other } : {}) });
        this.emit(job, true);
      } else if (had) {
        this.until.delete(job);
        logEvent(logger, 'warn', 'cluster.lease_lost', { job, node, ...(other ? { holder: other } : {}) });
        this.emit(job, false);
      }
    }
  }

  /**
   * A clean stop (after the jobs' loops stopped): gives the leases up, so other nodes take the jobs at their
   * next renewal, lets go of this node's message claims, so other nodes process them at once, and records the
   * stop, in one transaction: the node list says `stopped` exactly when the leases and claims were given up. A
   * database that refuses it leaves all of them to run out on their own (the node then shows as down).
   */
  async stop(): Promise<void> {
    this.halt();
    await this.renewing;
    const { db, node, logger } = this.options;
    try {
      const released = db.transaction(() => {
        for (const job of this.until.keys()) releaseLease(db, job, node);
        const n = releaseClaims(db, node);
        markNodeStopped(db, node, this.now());
        return n;
      })();
      if (released > 0) logEvent(logger, 'info', 'cluster.claims_released', { node, messages: released });
    } catch {
      // leases expire after leaseMs and claims after cluster.claimTimeoutMs: other nodes take over then
    }
    this.until.clear();
  }

  /** Stops renewing without giving anything up, as a node that died would (tests of the takeover). */
  async abandon(): Promise<void> {
    this.halt();
    await this.renewing;
    this.until.clear();
  }

  private halt(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private emit(job: string, held: boolean): void {
    for (const listener of this.listeners.get(job) ?? []) listener(held);
  }
}
