import type { Config } from '../config/config-schema.ts';
import type { Logger } from '../log/logger.ts';
import { ServiceStartError, startService, type RunningService } from '../service/start-service.ts';
import { CliError } from './cli-error.ts';

/**
 * Starts the whole service for a command (`serve`, `demo run`) with the addresses to print. A start that
 * fails exits at once with its one-line reason (5 unavailable, 78 configuration).
 */
export async function serveFromCli(
  config: Config,
  logger: Logger,
): Promise<{ service: RunningService; smtp: string; http: string }> {
  const service = await startService({ config, logger }).catch((e: unknown) => {
    if (e instanceof ServiceStartError) throw new CliError(e.message, e.exitCode);
    throw e;
  });
  return {
    service,
    smtp: `${service.smtpAddress.address}:${service.smtpAddress.port}`,
    http: `http://${service.httpAddress.address}:${service.httpAddress.port}`,
  };
}

/** Keeps the service running until SIGTERM or SIGINT, then says `stopping` and stops it. */
export function stopOnSignal(service: RunningService, stopping: string): Promise<void> {
  return new Promise<void>((resolve) => {
    const onSignal = (signal: string): void => {
      process.stdout.write(`\n${signal}: ${stopping}\n`);
      service.stop().then(resolve, resolve);
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
  });
}
