import { describe, expect, it } from 'vitest';
import type { ImapSourceStatus } from '../../src/imap/imap-source-status.ts';
import { imapCheck, serviceHealth } from '../../src/service/service-health.ts';

const status = (name: string, o: Partial<ImapSourceStatus>): ImapSourceStatus => ({
  name,
  host: 'imap.example.net',
  mailbox: 'INBOX',
  state: 'ok',
  idle: true,
  consecutiveFailures: 0,
  lastError: null,
  lastErrorAt: null,
  lastSuccessAt: '2026-11-30T08:00:00.000Z',
  nextRetryAt: null,
  taken: 3,
  ...o,
});

describe('IMAP sources in /healthz', () => {
  it('a failing source degrades the service without failing it (no 503)', () => {
    const failing = status('hosted', {
      state: 'failing',
      consecutiveFailures: 3,
      lastError: 'connection refused by imap.example.net:993',
      nextRetryAt: '2026-11-30T08:01:00.000Z',
    });
    const h = serviceHealth({ imap: () => imapCheck([failing, status('other', {})]) });
    expect(h.failing).toEqual([]);
    expect(h.reason).toBeUndefined();
    expect(h.degraded).toEqual(['imap']);
    expect(h.checks.imap).toMatchObject({
      ok: true,
      degraded: true,
      sources: {
        hosted: {
          state: 'failing',
          lastError: 'connection refused by imap.example.net:993',
          nextRetryAt: '2026-11-30T08:01:00.000Z',
        },
        other: { state: 'ok', lastSuccessAt: '2026-11-30T08:00:00.000Z' },
      },
    });
  });

  it('working sources leave the service healthy and not degraded', () => {
    const h = serviceHealth({ imap: () => imapCheck([status('hosted', {})]) });
    expect(h).toMatchObject({ failing: [] });
    expect(h.degraded).toBeUndefined();
  });
});
