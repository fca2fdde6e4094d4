import type { ImapFlowOptions } from 'imapflow';
import type { Config } from '../config/config-schema.ts';

export type ImapSourceConfig = Config['imap']['sources'][number];

/** A source cannot even try to connect (its password's environment variable is not set). */
export class ImapSourceConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImapSourceConfigError';
  }
}

/** The port a source connects to: its own, else IMAPS 993 with implicit TLS, else IMAP 143 (RFC 8314). */
export const imapPort = (s: ImapSourceConfig): number => s.port ?? (s.security === 'tls' ? 993 : 143);

/** The source's password, from the config or from the environment variable it names. */
export function imapPassword(s: ImapSourceConfig, env: NodeJS.ProcessEnv): string {
  if (s.passwordEnv === '') return s.password;
  const value = env[s.passwordEnv];
  if (value === undefined || value === '')
    throw new ImapSourceConfigError(
      `imap source ${s.name}: the environment variable ${s.passwordEnv} (passwordEnv) is not set`,
    );
  return value;
}

/** imapflow options for one source. Its own logging is off: abusedesk logs the events that matter. */
export function imapClientOptions(
  s: ImapSourceConfig,
  env: NodeJS.ProcessEnv,
  o: { autoIdle: boolean },
): ImapFlowOptions {
  const timeoutMs = s.timeoutSeconds * 1000;
  return {
    host: s.host,
    port: imapPort(s),
    secure: s.security === 'tls',
    // starttls refuses to log in over a connection that could not be upgraded; none never upgrades.
    doSTARTTLS: s.security === 'starttls' ? true : s.security === 'none' ? false : undefined,
    tls: { rejectUnauthorized: s.rejectUnauthorized },
    auth: { user: s.user, pass: imapPassword(s, env) },
    logger: false,
    clientInfo: { name: 'abusedesk' },
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    // a connection that says nothing for this long is dead (IDLE is restarted well before it)
    socketTimeout: Math.max(timeoutMs, 5 * 60_000),
    disableAutoIdle: !o.autoIdle,
    // IDLE starts soon after a round; without IDLE support imapflow polls at this interval instead.
    autoIdleDelay: 1000,
    maxIdleTime: Math.min(s.pollSeconds * 1000, 25 * 60_000),
  };
}
