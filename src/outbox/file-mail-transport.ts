import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { composeMail } from './compose-mail.ts';
import type { DeliveryContext, MailTransport } from './mail-transport.ts';
import type { OutgoingMail } from './outgoing-mail.ts';

/** `2026-11-23T10:00:00.000Z` → `20261123T100000Z` (sortable, no characters file systems dislike). */
const stamp = (d: Date): string =>
  d
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');

async function fsyncPath(path: string, flags: string): Promise<void> {
  const fh = await open(path, flags);
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * The default transport: each message is written as `<dir>/<queued-at>-<id>.eml`, nothing leaves the
 * machine. Written to a temporary name, fsync'd, renamed into place and the directory fsync'd, so a
 * reader never sees half a message and a written message survives a crash. The name depends only on the
 * row, so a re-send after a crash replaces the file instead of adding a second copy.
 */
export function fileMailTransport(dir: string): MailTransport {
  return {
    name: 'file',
    async send(mail: OutgoingMail, context: DeliveryContext): Promise<string> {
      await mkdir(dir, { recursive: true });
      const eml = await composeMail(mail, context.now);
      const file = join(dir, `${stamp(context.createdAt)}-${context.id}.eml`);
      const tmp = join(dir, `.${stamp(context.createdAt)}-${context.id}.${process.pid}.tmp`);
      const fh = await open(tmp, 'w', 0o640);
      try {
        await fh.writeFile(eml);
        await fh.sync();
      } catch (e) {
        await fh.close();
        await unlink(tmp).catch(() => undefined);
        throw e;
      }
      await fh.close();
      await rename(tmp, file);
      if (process.platform !== 'win32') await fsyncPath(dir, 'r');
      return file;
    },
  };
}
