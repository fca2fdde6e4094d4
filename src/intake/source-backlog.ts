import { sourceKey } from '../store/messages-store.ts';

/**
 * Queued messages per source (sourceKey: client /24 or /64) as intake sees them: read from the database at most
 * once per `refreshMs` (the service asks after each worker batch) and counted up as intake accepts messages in
 * between. Past `maxBacklog` queued messages in all, the source with the most is refused (451 4.7.1) until the
 * worker has brought the backlog down; every other source is still accepted.
 */
export class SourceBacklog {
  private counts = new Map<string, number>();
  private total = 0;
  private readAt = 0;
  private trailing: NodeJS.Timeout | null = null;

  constructor(
    private readonly read: () => Map<string, number>,
    private readonly maxBacklog: number,
    private readonly refreshMs = 1000,
  ) {
    this.load();
  }

  /** Reads the counts again now, or at the end of the current refresh window (one read per window). */
  refresh(): void {
    const wait = this.readAt + this.refreshMs - Date.now();
    if (wait <= 0) return this.load();
    this.trailing ??= setTimeout(() => {
      this.trailing = null;
      this.load();
    }, wait).unref();
  }

  /** A message from this client was stored (not a duplicate). */
  accepted(clientIp: string | null): void {
    const key = sourceKey(clientIp);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.total++;
  }

  /** Whether to refuse a message from this client now: the backlog is full and its source holds the most. */
  refuses(clientIp: string | null): boolean {
    if (this.total < this.maxBacklog) return false;
    const mine = this.counts.get(sourceKey(clientIp)) ?? 0;
    if (mine === 0) return false;
    for (const n of this.counts.values()) if (n > mine) return false;
    return true;
  }

  get queued(): number {
    return this.total;
  }

  close(): void {
    if (this.trailing) clearTimeout(this.trailing);
    this.trailing = null;
  }

  private load(): void {
    this.counts = this.read();
    this.total = [...this.counts.values()].reduce((a, b) => a + b, 0);
    this.readAt = Date.now();
  }
}
