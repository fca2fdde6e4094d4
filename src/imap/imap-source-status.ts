/** What /healthz and `abusedesk imap test` show about one IMAP source. */
export interface ImapSourceStatus {
  name: string;
  host: string;
  mailbox: string;
  /** starting: not connected yet; ok: the last round worked; failing: waiting to reconnect; stopped. */
  state: 'starting' | 'ok' | 'failing' | 'stopped';
  /** Whether the server is waited on with IDLE (else the mailbox is polled every pollSeconds). */
  idle: boolean;
  consecutiveFailures: number;
  lastError: string | null;
  lastErrorAt: string | null;
  lastSuccessAt: string | null;
  nextRetryAt: string | null;
  /** Messages this process stored from the source (duplicates excluded). */
  taken: number;
}
