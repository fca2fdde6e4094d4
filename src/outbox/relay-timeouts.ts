/**
 * How long the SMTP relay may keep the outbox sender waiting at each step (nodemailer's timeouts): bounded, so
 * that a hung relay gives the row back with an error instead of holding it past its lease.
 */
export const relayTimeoutsMs = { connection: 30_000, greeting: 30_000, socket: 60_000 } as const;

/**
 * The shortest row lease (`outbox.leaseMs`) that outlasts a relay using all of its timeouts once: a shorter one
 * lets another round take the row, and send the mail again, while the first is still waiting on the relay.
 */
export const shortestRelayLeaseMs =
  relayTimeoutsMs.connection + relayTimeoutsMs.greeting + relayTimeoutsMs.socket;
