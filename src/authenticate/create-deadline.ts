import { dnsError } from './dns-resolver.ts';
import type { DnsAnswer, DnsResolver } from './dns-resolver.ts';

/**
 * One time budget for all DNS work on one message. When it runs out, every pending and later lookup
 * rejects with `ETIMEOUT`, which mailauth maps to `temperror` (RFC 6376 §6.1.2, RFC 7208 §2.6.6,
 * RFC 7489 §6.6.3), so each check finishes with a value instead of hanging.
 */
export interface Deadline {
  readonly expired: boolean;
  /** How many lookups the deadline cut off (pending when it fired, or asked after). */
  readonly cutOff: number;
  /** `resolver` wrapped so that it obeys the deadline; a resolver that throws synchronously is caught. */
  wrap(resolver: DnsResolver): DnsResolver;
  /** Resolves `value` after `ms` more milliseconds past the deadline (the hard stop). */
  after<T>(ms: number, value: () => T): Promise<T>;
  clear(): void;
}

export function createDeadline(timeoutMs: number): Deadline {
  const listeners = new Set<() => void>();
  const timers: NodeJS.Timeout[] = [];
  const start = Date.now();
  let expired = false;
  let cutOff = 0;

  timers.push(
    setTimeout(() => {
      expired = true;
      for (const listener of listeners) listener();
      listeners.clear();
    }, timeoutMs),
  );

  return {
    get expired() {
      return expired;
    },
    get cutOff() {
      return cutOff;
    },
    wrap(resolver) {
      return (name, rrtype) =>
        new Promise<DnsAnswer>((resolve, reject) => {
          const onExpire = (): void => {
            cutOff += 1;
            reject(dnsError('ETIMEOUT', name, rrtype));
          };
          if (expired) {
            onExpire();
            return;
          }
          listeners.add(onExpire);
          const settle = (): void => {
            listeners.delete(onExpire);
          };
          let pending: Promise<DnsAnswer>;
          try {
            pending = Promise.resolve(resolver(name, rrtype));
          } catch (err) {
            pending = Promise.reject(err instanceof Error ? err : new Error(String(err)));
          }
          pending.then(
            (answer) => {
              settle();
              resolve(answer);
            },
            (err: unknown) => {
              settle();
              reject(err instanceof Error ? err : new Error(String(err)));
            },
          );
        });
    },
    after(ms, value) {
      return new Promise((resolve) => {
        timers.push(setTimeout(() => resolve(value()), Math.max(0, start + timeoutMs + ms - Date.now())));
      });
    },
    clear() {
      for (const timer of timers) clearTimeout(timer);
      listeners.clear();
    },
  };
}
