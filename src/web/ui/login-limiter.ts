export interface LoginLimiterOptions {
  /** Failed attempts allowed per key within the window. */
  max?: number;
  windowMs?: number;
}

/**
 * Failed-login counter per (IP, email), fixed window: after `max` failures the key is refused, even
 * with the right password, until the window ends. In memory: one process serves the UI.
 */
export class LoginLimiter {
  private readonly max: number;
  private readonly windowMs: number;
  private readonly failures = new Map<string, { count: number; resetAt: number }>();

  constructor(o: LoginLimiterOptions = {}) {
    this.max = o.max ?? 5;
    this.windowMs = o.windowMs ?? 60_000;
  }

  /** Seconds until the key may try again, or 0 when it may try now. */
  blockedFor(ip: string, email: string, nowMs: number): number {
    const e = this.failures.get(key(ip, email));
    if (!e || e.resetAt <= nowMs) return 0;
    return e.count >= this.max ? Math.ceil((e.resetAt - nowMs) / 1000) : 0;
  }

  fail(ip: string, email: string, nowMs: number): void {
    const k = key(ip, email);
    const e = this.failures.get(k);
    if (!e || e.resetAt <= nowMs) this.failures.set(k, { count: 1, resetAt: nowMs + this.windowMs });
    else e.count++;
    if (this.failures.size > 10_000)
      for (const [kk, v] of this.failures) if (v.resetAt <= nowMs) this.failures.delete(kk);
  }

  succeed(ip: string, email: string): void {
    this.failures.delete(key(ip, email));
  }
}

const key = (ip: string, email: string): string => `${ip}\n${email.trim().toLowerCase()}`;
