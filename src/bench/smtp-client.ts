import { connect, type Socket } from 'node:net';

export interface SmtpReply {
  code: number;
  text: string;
}

/**
 * A minimal SMTP client for tests and the benchmark: exact control over each command (e.g. stop
 * in the middle of DATA), replies parsed per RFC 5321 §4.2 (multi-line `250-…` until `250 …`).
 */
export class SmtpClient {
  private buffer = '';
  private waiters: Array<(r: SmtpReply) => void> = [];
  private replies: SmtpReply[] = [];
  private lines: string[] = [];
  private closedWith: Error | null = null;

  private constructor(readonly socket: Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => this.onData(d));
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  /** `localAddress` picks the client's own address (e.g. 127.0.1.7, another loopback source). */
  static connect(port: number, host = '127.0.0.1', localAddress?: string): Promise<SmtpClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host, ...(localAddress ? { localAddress } : {}) }, () =>
        resolve(new SmtpClient(socket)),
      );
      socket.once('error', reject);
    });
  }

  private fail(e: Error): void {
    this.closedWith ??= e;
    for (const w of this.waiters.splice(0)) w({ code: 0, text: e.message });
  }

  private onData(d: string): void {
    this.buffer += d;
    let i: number;
    while ((i = this.buffer.indexOf('\n')) !== -1) {
      const line = this.buffer.slice(0, i).replace(/\r$/, '');
      this.buffer = this.buffer.slice(i + 1);
      this.lines.push(line.slice(4));
      if (line[3] !== '-') {
        const reply = { code: Number(line.slice(0, 3)), text: this.lines.join('\n') };
        this.lines = [];
        const w = this.waiters.shift();
        if (w) w(reply);
        else this.replies.push(reply);
      }
    }
  }

  /** The next reply from the server. */
  reply(): Promise<SmtpReply> {
    const r = this.replies.shift();
    if (r) return Promise.resolve(r);
    if (this.closedWith) return Promise.resolve({ code: 0, text: this.closedWith.message });
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  async command(line: string): Promise<SmtpReply> {
    this.socket.write(`${line}\r\n`);
    return this.reply();
  }

  /**
   * Sends a message body with dot-stuffing and the final `.` (or a payload `dataPayload` prepared); resolves with
   * the reply to the data.
   */
  async data(body: string | Buffer | DataPayload): Promise<SmtpReply> {
    const go = await this.command('DATA');
    if (go.code !== 354) return go;
    this.socket.write(body instanceof DataPayload ? body.bytes : dataPayload(body).bytes);
    return this.reply();
  }

  /** One whole transaction on an open session; returns the final reply (or the first failing one). */
  async send(mailFrom: string, rcptTo: string[], body: string | Buffer | DataPayload): Promise<SmtpReply> {
    const m = await this.command(`MAIL FROM:<${mailFrom}>`);
    if (m.code !== 250) return m;
    for (const r of rcptTo) {
      const rr = await this.command(`RCPT TO:<${r}>`);
      if (rr.code !== 250) {
        // End the transaction MAIL opened, so the session's next message starts clean.
        if (!this.closedWith) await this.command('RSET').catch(() => undefined);
        return rr;
      }
    }
    return this.data(body);
  }

  async quit(): Promise<void> {
    if (!this.closedWith) await this.command('QUIT').catch(() => undefined);
    this.socket.destroy();
  }

  close(): void {
    this.socket.destroy();
  }
}

/** The bytes sent after DATA for one body: CRLF line endings, dot-stuffed, ending with the `.` line. */
export class DataPayload {
  constructor(readonly bytes: Buffer) {}
}

/**
 * A body's DATA payload, prepared ahead (for a 46 MB body this takes the client's event loop hundreds of ms, which
 * would delay every other session of the client if done while measuring).
 */
export function dataPayload(body: string | Buffer): DataPayload {
  const text = (typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    .toString('latin1')
    .replace(/\r?\n/g, '\r\n')
    .replace(/^\./gm, '..');
  return new DataPayload(Buffer.from(text.endsWith('\r\n') ? `${text}.\r\n` : `${text}\r\n.\r\n`, 'latin1'));
}

/** Connects, reads the greeting and says EHLO. */
export async function openSession(
  port: number,
  helo = 'client.example',
  localAddress?: string,
): Promise<{ client: SmtpClient; greeting: SmtpReply; ehlo: SmtpReply }> {
  const client = await SmtpClient.connect(port, '127.0.0.1', localAddress);
  const greeting = await client.reply();
  const ehlo = greeting.code === 220 ? await client.command(`EHLO ${helo}`) : greeting;
  return { client, greeting, ehlo };
}

/** The queue id from a `250 2.0.0 Ok: queued as XXXX` reply. */
export const queueIdOf = (r: SmtpReply): string | null => /queued as (\S+)/.exec(r.text)?.[1] ?? null;
