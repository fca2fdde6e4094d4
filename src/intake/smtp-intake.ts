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
import { sourceKey, type MessageStore, type StoreResult } from '../store/messages-store.ts';
import { checkRecipient } from './recipient-policy.ts';
import type { SourceBacklog } from './source-backlog.ts';
import { SmtpReject } from './smtp-reject.ts';

export interface SmtpIntakeOptions {
  smtp: Config['smtp'];
  store: MessageStore;
  logger: Logger;
  now?: () => Date;
  /** Counters for metrics: called with an outcome such as `accepted`, `oversize`, `unknown-mailbox`. */
  onOutcome?: (outcome: string) => void;
  /** Queued messages per source: past the backlog limit the heaviest source gets 451 4.7.1. */
  backlog?: SourceBacklog;
}

/** A counted session: its source, when it started, and its socket once known (to close it). */
interface Slot {
  key: string;
  since: number;
  socket: Socket | undefined;
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
  private readonly perSubnet = new Map<string, Set<Slot>>();
  private readonly slots = new Map<string, Slot>();
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
      // The fair share of slots is enforced in onConnect; this is only the hard ceiling (room for the sessions
      // being taken over while their replacements connect).
      maxClients: smtp.maxConnections * 2,
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

  private backlogFull(session: SMTPServerSession, at: 'rcpt' | 'data'): SmtpReject {
    logEvent(this.options.logger, 'warn', 'smtp.rejected', {
      clientIp: session.remoteAddress,
      reason: 'backlog',
      at,
      queued: this.options.backlog?.queued,
    });
    this.options.onOutcome?.('backlog');
    return new SmtpReject(451, '4.7.1', 'too many messages from your network are waiting, try again later');
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
    const key = sourceKey(ip);
    const subnet = this.perSubnet.get(key) ?? new Set<Slot>();
    if (subnet.size >= this.options.smtp.maxConnectionsPerSubnet) {
      logEvent(this.options.logger, 'warn', 'smtp.connection_refused', {
        clientIp: ip,
        reason: 'per-subnet-limit',
        connections: subnet.size,
      });
      this.options.onOutcome?.('per-subnet-limit');
      return cb(new SmtpReject(421, '4.7.0', `too many connections from ${key}, try again later`));
    }
    if (n >= this.options.smtp.maxConnectionsPerIp) {
      logEvent(this.options.logger, 'warn', 'smtp.connection_refused', {
        clientIp: ip,
        reason: 'per-ip-limit',
        connections: n,
      });
      this.options.onOutcome?.('per-ip-limit');
      return cb(new SmtpReject(421, '4.7.0', `too many connections from ${ip}, try again later`));
    }
    if (this.slots.size >= this.options.smtp.maxConnections && !this.takeOverSlot(subnet.size)) {
      logEvent(this.options.logger, 'warn', 'smtp.connection_refused', {
        clientIp: ip,
        reason: 'connection-limit',
        connections: this.slots.size,
      });
      this.options.onOutcome?.('connection-limit');
      return cb(new SmtpReject(421, '4.7.0', 'too many connections, try again later'));
    }
    this.perIp.set(ip, n + 1);
    const slot: Slot = { key, since: Date.now(), socket: this.socketOf(session) };
    subnet.add(slot);
    this.perSubnet.set(key, subnet);
    this.slots.set(this.slotId(session), slot);
    (session as SMTPServerSession & { counted?: boolean }).counted = true;
    cb();
  }

  private slotId(session: SMTPServerSession): string {
    return session.id;
  }

  private socketOf(session: SMTPServerSession): Socket | undefined {
    const port = (session as SMTPServerSession & { remotePort?: number }).remotePort;
    for (const s of this.sockets)
      if (s.remotePort === port && s.remoteAddress?.endsWith(session.remoteAddress)) return s;
    return undefined;
  }

  /**
   * Every slot is taken: a source holding fewer sessions than the heaviest one by two or more takes over the
   * heaviest source's newest session (closed with 421), so no source can keep all slots. False when the slots
   * are already shared fairly.
   */
  private takeOverSlot(mine: number): boolean {
    let heaviest: Set<Slot> | null = null;
    for (const set of this.perSubnet.values()) if (!heaviest || set.size > heaviest.size) heaviest = set;
    if (!heaviest || heaviest.size < mine + 2) return false;
    let newest: Slot | null = null;
    for (const slot of heaviest) if (slot.socket && (!newest || slot.since > newest.since)) newest = slot;
    if (!newest?.socket) return false;
    logEvent(this.options.logger, 'warn', 'smtp.session_dropped', {
      source: newest.key,
      reason: 'fair-share',
    });
    this.options.onOutcome?.('fair-share');
    this.release(newest);
    newest.socket.end('421 4.7.0 too many connections from your network, try again later\r\n');
    newest.socket.destroy();
    return true;
  }

  /** Frees a session's slot (once). */
  private release(slot: Slot): void {
    const set = this.perSubnet.get(slot.key);
    if (!set?.delete(slot)) return;
    if (set.size === 0) this.perSubnet.delete(slot.key);
    for (const [id, s] of this.slots) if (s === slot) this.slots.delete(id);
  }

  private onClose(session: SMTPServerSession): void {
    if (!(session as SMTPServerSession & { counted?: boolean }).counted) return;
    const ip = session.remoteAddress;
    const slot = this.slots.get(this.slotId(session));
    if (slot) this.release(slot);
    const n = (this.perIp.get(ip) ?? 1) - 1;
    if (n <= 0) this.perIp.delete(ip);
    else this.perIp.set(ip, n);
  }

  private onRcptTo(address: SMTPServerAddress, session: SMTPServerSession): Error | null {
    if (this.stopping) return this.shuttingDown();
    if (this.options.backlog?.refuses(session.remoteAddress)) return this.backlogFull(session, 'rcpt');
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
    // A store that takes the bytes as they arrive gets them so (a large message is never held or copied here
    // in one piece); otherwise they are buffered and stored at the end of DATA.
    const writer = this.options.store.open?.() ?? null;
    let handedOver = false;
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const { dataIdleTimeoutMs, dataMinBytesPerSecond, dataRateGraceMs } = this.options.smtp;
    const begun = Date.now();
    let lastByte = begun;
    // A trickling client holds a slot for as long as it likes under the idle timeout alone: DATA must keep a
    // minimum average rate after the grace period and must not pause longer than dataIdleTimeoutMs.
    const watch = setInterval(
      () => {
        const now = Date.now();
        const slow =
          dataMinBytesPerSecond > 0 &&
          now - begun >= dataRateGraceMs &&
          (size * 1000) / (now - begun) < dataMinBytesPerSecond;
        const idle = now - lastByte >= dataIdleTimeoutMs;
        if (!slow && !idle) return;
        const reason = idle ? 'data-idle' : 'data-too-slow';
        logEvent(this.options.logger, 'warn', 'smtp.session_dropped', { ...fields, size, reason });
        this.options.onOutcome?.(reason);
        const socket = this.slots.get(this.slotId(session))?.socket ?? this.socketOf(session);
        finish(new SmtpReject(421, '4.4.2', 'DATA too slow, closing connection'));
        socket?.end('421 4.4.2 DATA too slow, closing connection\r\n');
        socket?.destroy();
      },
      Math.max(10, Math.min(1000, dataRateGraceMs / 4, dataIdleTimeoutMs / 4)),
    );
    watch.unref();
    const finish = (err: Error | null, message?: string): void => {
      clearInterval(watch);
      if (done) return;
      done = true;
      if (writer && !handedOver) writer.abort();
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
      lastByte = Date.now();
      // Past the limit, keep reading (the client is still sending) but stop buffering.
      if (stream.sizeExceeded || done) return;
      if (writer) writer.write(chunk);
      else chunks.push(chunk);
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
      clearInterval(watch);
      if (this.options.backlog?.refuses(session.remoteAddress))
        return finish(this.backlogFull(session, 'data'));
      const tls =
        session.secure && session.tlsOptions
          ? { protocol: session.tlsOptions.version ?? '', cipher: session.tlsOptions.name ?? '' }
          : null;
      const deadline = rejectIn(this.options.smtp.storeTimeoutMs, () => new Error('store deadline passed'));
      const envelope = {
        mailFrom: fields.mailFrom,
        rcptTo: fields.rcptTo,
        clientIp: session.remoteAddress,
        clientHostname: session.clientHostname ?? null,
        helo: session.hostNameAppearsAs ?? null,
        tls,
        receivedAt: this.now(),
        source: 'smtp' as const,
      };
      handedOver = true;
      Promise.race([
        writer
          ? writer.store(envelope, size)
          : this.options.store.store({ ...envelope, raw: Buffer.concat(chunks, size) }),
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
          if (!r.duplicate) this.options.backlog?.accepted(session.remoteAddress);
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
