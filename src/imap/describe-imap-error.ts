import type { ImapSourceConfig } from './imap-client-options.ts';
import { imapPort } from './imap-client-options.ts';

interface ErrorFacts {
  code?: string;
  message?: string;
  authenticationFailed?: boolean;
  responseText?: string;
  serverResponseCode?: string;
  tlsFailed?: boolean;
}

/** One line saying why a source failed, in words an operator can act on. */
export function describeImapError(e: unknown, s: ImapSourceConfig): string {
  const err = (e ?? {}) as ErrorFacts;
  const where = `${s.host}:${imapPort(s)}`;
  const server = err.responseText ? `: ${err.responseText}` : '';
  if (err.authenticationFailed)
    return `login as ${s.user} refused by ${where}${err.serverResponseCode ? ` [${err.serverResponseCode}]` : ''}${server}`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return `connection refused by ${where}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve ${s.host}`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `${where} is unreachable`;
    case 'ECONNRESET':
    case 'EPIPE':
    case 'NoConnection':
    case 'EConnectionClosed':
      return `connection to ${where} was lost`;
    case 'CONNECT_TIMEOUT':
    case 'GREETING_TIMEOUT':
    case 'UPGRADE_TIMEOUT':
    case 'ETIMEOUT':
    case 'ETIMEDOUT':
      return `${where} did not answer within ${s.timeoutSeconds} s (${err.code})`;
  }
  if (err.tlsFailed) return `TLS with ${where} failed: ${err.message ?? 'handshake error'}`;
  return `${where}: ${(err.message ?? String(e)).split('\n')[0]!}${err.responseText && !err.message?.includes(err.responseText) ? server : ''}`;
}
