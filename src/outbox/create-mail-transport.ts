import { resolve } from 'node:path';
import type { Config } from '../config/config-schema.ts';
import { fileMailTransport } from './file-mail-transport.ts';
import type { MailTransport } from './mail-transport.ts';
import { smtpMailTransport } from './smtp-mail-transport.ts';

/** The transport the config asks for: `.eml` files under `<dataDir>/outbox/` by default, or the SMTP relay. */
export function createMailTransport(config: Pick<Config, 'dataDir' | 'outbox'>): MailTransport {
  const o = config.outbox;
  if (o.transport === 'smtp')
    return smtpMailTransport({
      host: o.smtpHost,
      port: o.smtpPort,
      secure: o.smtpSecure,
      user: o.smtpUser,
      password: o.smtpPassword,
    });
  return fileMailTransport(resolve(config.dataDir, 'outbox'));
}
