import nodemailer from 'nodemailer';
import { mailOptions } from './mail-options.ts';
import { relayTimeoutsMs } from './relay-timeouts.ts';
import type { DeliveryContext, MailTransport } from './mail-transport.ts';
import type { OutgoingMail } from './outgoing-mail.ts';

export interface SmtpMailTransportOptions {
  host: string;
  port: number;
  /** Implicit TLS (port 465); otherwise STARTTLS when the relay offers it. */
  secure: boolean;
  user: string;
  password: string;
}

/** Hands outbox mail to the configured SMTP relay with nodemailer (one pooled connection). */
export function smtpMailTransport(options: SmtpMailTransportOptions): MailTransport {
  const transporter = nodemailer.createTransport({
    host: options.host,
    port: options.port,
    secure: options.secure,
    pool: true,
    maxConnections: 1,
    ...(options.user ? { auth: { user: options.user, pass: options.password } } : {}),
    // Bounded waits: a hung relay must not hold a row past the sender's claim lease.
    connectionTimeout: relayTimeoutsMs.connection,
    greetingTimeout: relayTimeoutsMs.greeting,
    socketTimeout: relayTimeoutsMs.socket,
  });
  return {
    name: 'smtp',
    async send(mail: OutgoingMail, context: DeliveryContext): Promise<string> {
      const info = await transporter.sendMail(mailOptions(mail, context.now));
      return `${options.host}:${options.port} ${info.response}`;
    },
    close() {
      transporter.close();
    },
  };
}
