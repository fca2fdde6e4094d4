import { readFileSync } from 'node:fs';
import type { AddressInfo, Socket } from 'node:net';
import {
  SMTPServer,
  type SMTPServerAddress,
  type SMTPServerDataStream,
  type SMTPServerSession,
} from 'smtp-server';
import type { Config } from '../config/config-schema.ts';
import { logEvent, type Logger } from '../log/logger.ts';
import type { MessageStore, StoreResult } from '../store/messages-store.ts';
import { checkRecipient } from './recipient-policy.ts';
import { SmtpReject } from './smtp-reject.ts';

export interface SmtpIntakeOptions {
  smtp: Config['smtp'];
  store: MessageStore;
  logger: Logger;
  now?: () => Date;
  /** Counters for metrics: called with an outcome such as `accepted`, `oversize`, `unknown-mailbox`. */
  onOutcome?: (outcome: string) => void;
}

const rejectIn = (ms: number, error: () => Error): { promise: Promise<never>; cancel: () => void } => {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(error()), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
};

/**
 * The front door: smtp-server as a thin adapter over the recipient policy and the durable store.
 * 250 is sent only after `store` resolved (the message and its envelope are on disk).
 */
export class SmtpIntake {
  private readonly server: SMTPServer;
  private readonly perIp = new Map<string, number>();
  private readonly sockets = new Set<Socket>();
  private inData = 0;
  private stopping = false;
  private readonly now: () => Date;

  constructor(private readonly options: SmtpIntakeOptions) {
    const { smtp } = options;
    this.now = options.now ?? (() => new Date());
    const tls =
      smtp.tlsKeyFile && smtp.tlsCertFile
        ? { key: readFileSync(smtp.tlsKeyFile), cert: readFileSync(smtp.tlsCertFile) }
        : null;
    this.server = new SMTPServer({
      name: smtp.hostname,
      banner: 'abusedesk ESMTP: abuse and feedback-loop reports only',
      size: smtp.maxMessageBytes,
      authOptional: true,
      disabledCommands: tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
      hideENHANCEDSTATUSCODES: true, // we write our own RFC 3463 codes into each reply text
      maxClients: smtp.maxConnections,
      socketTimeout: smtp.idleTimeoutMs,
      closeTimeout: 5_000,
      logger: false,
      ...(tls ?? {}),
      onConnect: (session, cb) => this.onConnect(session, cb),
      onClose: (session) => this.onClose(session),
      onMailFrom: (_address, _session, cb) => cb(this.stopping ? this.shuttingDown() : null),
      onRcptTo: (address, session, cb) => cb(this.onRcptTo(address, session)),
      onData: (stream, session, cb) => this.onData(stream, session, cb),
    });
    this.server.on('error', (err) => logEvent(options.logger, 'warn', 'smtp.error', { err: err.message }));
  }

  async listen(): Promise<AddressInfo> {
    const { host, port } = this.options.smtp;
    await new Promise<void>((resolve, reject) => {
      this.server.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.server.off('error', reject);
        resolve();
      });
    });
    // A hard ceiling on a session's life, whatever it does (idle timeout alone lets a trickler stay forever).
    this.server.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      const timer = setTimeout(() => socket.destroy(), this.options.smtp.sessionTimeoutMs);
      timer.unref();
      socket.once('close', () => {
        clearTimeout(timer);
        this.sockets.delete(socket);
      });
    });
    return this.server.server.address() as AddressInfo;
  }

  get address(): AddressInfo {
    return this.server.server.address() as AddressInfo;
  }

  /** Messages currently between DATA and their reply. */
  get messagesInData(): number {
    return this.inData;
  }

  /**
   * Graceful stop: new sessions and new transactions get 421; messages already in DATA finish and
   * get their reply; then the listener closes. After `graceMs`, remaining sessions are cut.
   */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    const deadline = Date.now() + graceMs;
    while (this.inData > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      // Idle sessions are told 421 right away rather than after smtp-server's close timeout.
      for (const s of this.sockets) {
        if (!s.destroyed) s.end('421 4.3.2 abusedesk shutting down, try again later\r\n');
      }
    });
  }

  private shuttingDown(): SmtpReject {
    return new SmtpReject(421, '4.3.2', 'shutting down, try again later');
  }

  private onConnect(session: SMTPServerSession, cb: (err?: Error | null) => void): void {
    const ip = session.remoteAddress;
    if (this.stopping) {
      logEvent(this.options.logger, 'info', 'smtp.connection_refused', {
        clientIp: ip,
        reason: 'shutting-down',
      });
      this.options.onOutcome?.('shutting-down');
      return cb(this.shuttingDown());
    }
    const n = this.perIp.get(ip) ?? 0;
    if (n >= this.options.smtp.maxConnectionsPerIp) {
      logEvent(this.options.logger, 'warn', 'smtp.connection_refused', {
        clientIp: ip,
        reason: 'per-ip-limit',
        connections: n,
      });
      this.options.onOutcome?.('per-ip-limit');
      return cb(new SmtpReject(421, '4.7.0', `too many connections from ${ip}, try again later`));
    }
    this.perIp.set(ip, n + 1);
    (session as SMTPServerSession & { counted?: boolean }).counted = true;
    cb();
  }

  private onClose(session: SMTPServerSession): void {
    if (!(session as SMTPServerSession & { counted?: boolean }).counted) return;
    const ip = session.remoteAddress;
    const n = (this.perIp.get(ip) ?? 1) - 1;
    if (n <= 0) this.perIp.delete(ip);
    else this.perIp.set(ip, n);
  }

  private onRcptTo(address: SMTPServerAddress, session: SMTPServerSession): Error | null {
    if (this.stopping) return this.shuttingDown();
    if (session.envelope.rcptTo.length >= this.options.smtp.maxRecipients) {
      logEvent(this.options.logger, 'info', 'smtp.rcpt_rejected', {
        clientIp: session.remoteAddress,
        rcpt: address.address,
        reason: 'too-many-recipients',
      });
      this.options.onOutcome?.('too-many-recipients');
      return new SmtpReject(452, '4.5.3', 'too many recipients for one message');
    }
    const decision = checkRecipient(address.address, this.options.smtp);
    if (decision.ok) return null;
    logEvent(this.options.logger, 'info', 'smtp.rcpt_rejected', {
      clientIp: session.remoteAddress,
      rcpt: address.address,
      reason: decision.reason,
    });
    this.options.onOutcome?.(decision.reason);
    return new SmtpReject(decision.code, decision.enhanced, decision.message);
  }

  private onData(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    cb: (err?: Error | null, message?: string) => void,
  ): void {
    this.inData++;
    const started = process.hrtime.bigint();
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err: Error | null, message?: string): void => {
      if (done) return;
      done = true;
      this.inData--;
      cb(err, message);
    };
    const fields = {
      clientIp: session.remoteAddress,
      mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
      rcptTo: session.envelope.rcptTo.map((r) => r.address),
    };
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit, keep reading (the client is still sending) but stop buffering.
      if (!stream.sizeExceeded) chunks.push(chunk);
    });
    stream.once('error', (err: Error) => finish(err));
    stream.once('end', () => {
      if (stream.sizeExceeded) {
        logEvent(this.options.logger, 'info', 'smtp.rejected', { ...fields, size, reason: 'oversize' });
        this.options.onOutcome?.('oversize');
        return finish(
          new SmtpReject(
            552,
            '5.3.4',
            `message exceeds the fixed maximum size of ${this.options.smtp.maxMessageBytes} bytes`,
          ),
        );
      }
      const raw = Buffer.concat(chunks, size);
      const tls =
        session.secure && session.tlsOptions
          ? { protocol: session.tlsOptions.version ?? '', cipher: session.tlsOptions.name ?? '' }
          : null;
      const deadline = rejectIn(this.options.smtp.storeTimeoutMs, () => new Error('store deadline passed'));
      Promise.race([
        this.options.store.store({
          raw,
          mailFrom: fields.mailFrom,
          rcptTo: fields.rcptTo,
          clientIp: session.remoteAddress,
          clientHostname: session.clientHostname ?? null,
          helo: session.hostNameAppearsAs ?? null,
          tls,
          receivedAt: this.now(),
          source: 'smtp',
        }),
        deadline.promise,
      ]).then(
        (r: StoreResult) => {
          deadline.cancel();
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          logEvent(this.options.logger, 'info', r.duplicate ? 'smtp.duplicate' : 'smtp.accepted', {
            queueId: r.queueId,
            ...fields,
            size,
            ms,
          });
          this.options.onOutcome?.(r.duplicate ? 'duplicate' : 'accepted');
          finish(null, `2.0.0 Ok: queued as ${r.queueId}`);
        },
        (err: Error) => {
          deadline.cancel();
          const timeout = err.message === 'store deadline passed';
          logEvent(this.options.logger, 'error', 'smtp.rejected', {
            ...fields,
            size,
            reason: timeout ? 'store-timeout' : 'store-failed',
            err: err.message,
          });
          this.options.onOutcome?.(timeout ? 'store-timeout' : 'store-failed');
          finish(new SmtpReject(451, '4.3.0', 'could not store the message durably, please try again later'));
        },
      );
    });
  }
}
