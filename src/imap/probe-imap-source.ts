import { ImapFlow } from 'imapflow';
import { imapClientOptions, imapPort, type ImapSourceConfig } from './imap-client-options.ts';
import { describeImapError } from './describe-imap-error.ts';

/** What `abusedesk imap test` found on one source's server. */
export type ImapProbe =
  | {
      name: string;
      server: string;
      mailbox: string;
      ok: true;
      messages: number;
      unseen: number;
      uidValidity: string;
      idle: boolean;
      tls: boolean;
    }
  | { name: string; server: string; mailbox: string; ok: false; error: string };

/** Logs in to a source's server and counts its mailbox, changing nothing (STATUS, not SELECT). */
export async function probeImapSource(s: ImapSourceConfig, env: NodeJS.ProcessEnv): Promise<ImapProbe> {
  const base = { name: s.name, server: `${s.host}:${imapPort(s)}`, mailbox: s.mailbox };
  let client: ImapFlow | null = null;
  try {
    client = new ImapFlow(imapClientOptions(s, env, { autoIdle: false }));
    client.on('error', () => undefined); // the pending command rejects with it
    await client.connect();
    const status = await client.status(s.mailbox, { messages: true, unseen: true, uidValidity: true });
    if (!status) throw new Error(`the mailbox ${s.mailbox} cannot be read`);
    return {
      ...base,
      ok: true,
      messages: status.messages ?? 0,
      unseen: status.unseen ?? 0,
      uidValidity: String(status.uidValidity ?? ''),
      idle: client.capabilities.has('IDLE'),
      tls: client.secureConnection,
    };
  } catch (e) {
    return { ...base, ok: false, error: describeImapError(e, s) };
  } finally {
    if (client?.usable) await client.logout().catch(() => client?.close());
    else client?.close();
  }
}
