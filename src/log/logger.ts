import { pino, type Logger } from 'pino';
import type { LogEvent } from './events.ts';

export type { Logger };

/** One JSON line per event on stderr (stdout is for command output such as NDJSON and --json). */
export function createLogger(level: string, destination: NodeJS.WritableStream = process.stderr): Logger {
  return pino({ level, base: { svc: 'abusedesk' }, timestamp: pino.stdTimeFunctions.isoTime }, destination);
}

/** Logs a stable event code with its fields: `log(logger, 'info', 'smtp.accepted', {...})`. */
export function logEvent(
  logger: Logger,
  level: 'info' | 'warn' | 'error' | 'debug',
  event: LogEvent,
  fields: Record<string, unknown> = {},
  msg?: string,
): void {
  logger[level]({ event, ...fields }, msg ?? event);
}
