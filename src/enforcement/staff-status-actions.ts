import type { Database } from 'better-sqlite3';
import { clientStatusBySlug } from '../store/clients-store.ts';
import { changeClientStatus, type StatusChangeResult } from './change-client-status.ts';
import { describeConsent, refusedConsent, type ConsentAnswers } from './consent-answers.ts';
import { enforceClient, type EnforcementContext } from './enforce-client.ts';
import type { ClientStatus } from './enforcement-types.ts';

/** A staff status action that cannot be done; `code` maps to 404 / 409 / 422 in the API and exit 1 in the CLI. */
export class StatusActionError extends Error {
  constructor(
    readonly code: 'not-found' | 'conflict' | 'refused',
    message: string,
  ) {
    super(message);
  }
}

interface StaffAction {
  slug: string;
  actor: string;
  note: string;
  now: Date;
}

function client(db: Database, slug: string): { id: number; status: ClientStatus } {
  const c = clientStatusBySlug(db, slug);
  if (!c) throw new StatusActionError('not-found', `no client "${slug}"`);
  return c;
}

const needNote = (note: string): string => {
  const n = note.trim();
  if (!n) throw new StatusActionError('refused', 'a note is required: say why');
  return n.slice(0, 2000);
};

/** Staff set any status with a note (suspend, or move to watch/warned by hand). Lowering it restarts the enforcement window. */
export function setClientStatus(
  db: Database,
  a: StaffAction & { to: ClientStatus },
  ctx: EnforcementContext,
): StatusChangeResult {
  const note = needNote(a.note);
  return db.transaction(() => {
    const c = client(db, a.slug);
    if (c.status === a.to) throw new StatusActionError('conflict', `client "${a.slug}" is already ${a.to}`);
    if (c.status === 'suspended' && a.to === 'active')
      throw new StatusActionError(
        'refused',
        'a suspended client is reinstated with the consent answers (reinstate), not by setting its status',
      );
    const r = changeClientStatus(db, {
      clientId: c.id,
      to: a.to,
      actor: a.actor,
      reason: a.to === 'suspended' ? 'suspended by staff' : `set to ${a.to} by staff`,
      note,
      mode: 'applied',
      webhookEndpoints: ctx.webhookEndpoints,
      desk: ctx.desk,
      now: a.now,
    });
    enforceClient(db, c.id, ctx, a.now);
    return r;
  })();
}

/**
 * Reinstatement: a suspended or warned client back to active, with a required note and the
 * client's consent answers, kept in its history. Policy refuses some consent methods outright.
 */
export function reinstateClient(
  db: Database,
  a: StaffAction & { consent: ConsentAnswers; refusedMethods: readonly string[] },
  ctx: EnforcementContext,
): StatusChangeResult {
  const note = needNote(a.note);
  const refusal = refusedConsent(a.consent, a.refusedMethods);
  if (refusal) throw new StatusActionError('refused', refusal);
  return db.transaction(() => {
    const c = client(db, a.slug);
    if (c.status === 'active')
      throw new StatusActionError('conflict', `client "${a.slug}" is already active`);
    const r = changeClientStatus(db, {
      clientId: c.id,
      to: 'active',
      actor: a.actor,
      reason: `reinstated by staff; consent: ${describeConsent(a.consent)}`,
      note,
      consent: a.consent,
      mode: 'applied',
      webhookEndpoints: ctx.webhookEndpoints,
      desk: ctx.desk,
      now: a.now,
    });
    enforceClient(db, c.id, ctx, a.now);
    return r;
  })();
}
