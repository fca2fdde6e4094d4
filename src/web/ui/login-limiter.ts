import type { Database } from 'better-sqlite3';
import {
  clearLoginFailures,
  loginFailureCount,
  recordLoginFailure,
} from '../../store/login-failures-store.ts';

/** Failed attempts allowed per key within its window. */
export interface LoginLimit {
  max: number;
  windowMs: number;
}

export interface LoginLimiterOptions {
  /** One address guessing one account (default 5 per minute). */
  pair?: LoginLimit;
  /** One address across every account: password spraying (default 20 per 15 minutes). */
  ip?: LoginLimit;
  /** One account from every address: distributed guessing (default 10 per 15 minutes). */
  account?: LoginLimit;
}

type Bucket = 'pair' | 'ip' | 'account';

const DEFAULTS: Record<Bucket, LoginLimit> = {
  pair: { max: 5, windowMs: 60_000 },
  ip: { max: 20, windowMs: 15 * 60_000 },
  account: { max: 10, windowMs: 15 * 60_000 },
};

const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/**
 * Failed-login counters in fixed windows, kept in the database (a restart forgets nothing), on three keys:
 * the (IP, account) pair, the IP across accounts and the account across IPs. Once any of them reaches its
 * limit, the login is refused — even with the right password — until that window ends. A success clears
 * the pair and the account, never the IP (a sprayer's own valid account must not reset its count).
 */
export class LoginLimiter {
  private readonly limits: Record<Bucket, LoginLimit>;

  constructor(
    private readonly db: Database,
    o: LoginLimiterOptions = {},
  ) {
    this.limits = { ...DEFAULTS, ...o };
  }

  private keys(ip: string, email: string): Record<Bucket, string> {
    const e = normalizeEmail(email);
    return { pair: `pair:${ip} ${e}`, ip: `ip:${ip}`, account: `account:${e}` };
  }

  /** Seconds until this IP may try this account again, or 0 when it may try now. */
  blockedFor(ip: string, email: string, nowMs: number): number {
    const keys = this.keys(ip, email);
    let wait = 0;
    for (const bucket of Object.keys(keys) as Bucket[]) {
      const c = loginFailureCount(this.db, keys[bucket], nowMs);
      if (c && c.count >= this.limits[bucket].max)
        wait = Math.max(wait, Math.ceil((c.resetAt - nowMs) / 1000));
    }
    return wait;
  }

  fail(ip: string, email: string, nowMs: number): void {
    const keys = this.keys(ip, email);
    for (const bucket of Object.keys(keys) as Bucket[])
      recordLoginFailure(this.db, [keys[bucket]], nowMs, this.limits[bucket].windowMs);
  }

  succeed(ip: string, email: string): void {
    const keys = this.keys(ip, email);
    clearLoginFailures(this.db, [keys.pair, keys.account]);
  }
}
