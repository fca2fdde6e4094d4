import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../config/load-config.ts';
import { createLogger } from '../log/logger.ts';
import { startService } from '../service/start-service.ts';

/**
 * The server side of `npm run bench`, run in its own process so that the load generator does not
 * share its CPU: `intake` is the real durable intake (worker off), `bare` an smtp-server that discards data.
 * Prints `port=N` once listening; exits on SIGTERM.
 */
export async function runBenchServer(mode: 'intake' | 'bare'): Promise<void> {
  let stop: () => Promise<void>;
  let port: number;
  if (mode === 'bare') {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      hideENHANCEDSTATUSCODES: true,
      size: 25 * 1024 * 1024,
      logger: false,
      onData(stream, _session, cb) {
        stream.on('data', () => undefined);
        stream.on('end', () => cb(null, '2.0.0 Ok: discarded'));
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as { port: number }).port;
    stop = () => new Promise((r) => server.close(() => r()));
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'abusedesk-bench-'));
    const { config } = loadConfig({ env: {}, overrides: { dataDir: dir, smtp: { port: 0, maxConnectionsPerIp: 1000 }, http: { port: 0 }, demo: { load: false } } });
    const service = await startService({ config, logger: createLogger('silent'), worker: false });
    port = service.smtpAddress.port;
    stop = async () => {
      await service.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  process.stdout.write(`port=${port}\n`);
  await new Promise<void>((resolve) => process.once('SIGTERM', () => void stop().then(resolve)));
}
