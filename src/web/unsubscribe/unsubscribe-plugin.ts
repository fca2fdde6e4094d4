import type { Database } from 'better-sqlite3';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { databaseLookups } from '../../attribute/database-lookups.ts';
import { tokenOpener } from '../../attribute/token-opener.ts';
import type { Config } from '../../config/config-schema.ts';
import { writeAudit } from '../../store/audit-store.ts';
import { hasClientSuppression, suppress } from '../../store/suppressions-store.ts';
import { insertUnsubscribeRequest } from '../../store/unsubscribe-requests-store.ts';
import { html, type SafeHtml } from '../ui/html.ts';
import { securityHeaders } from '../ui/security-headers.ts';
import { enforceClient, type EnforcementContext } from '../../enforcement/enforce-client.ts';
import { recordSignals } from '../../enforcement/record-signals.ts';
import { unsubscribeTarget, type UnsubscribeTarget } from './unsubscribe-target.ts';
import { isOneClickBody, ONE_CLICK_KEY, ONE_CLICK_VALUE } from './one-click-body.ts';
import { sendStream } from './send-stream.ts';

export interface UnsubscribeOptions {
  db: Database;
  config: Pick<Config, 'tokens' | 'suppressions'>;
  /** Policy and mailbox providers, for the signal an unsubscribe adds and the inline re-assessment. */
  enforcement: EnforcementContext;
  now?: () => Date;
  /** Re-assess the client soon (the service's sweeper, once per burst); without it the request re-assesses inline. */
  onSignals?: ((clientId: number) => void) | undefined;
}

/** The public pages allow no script, no frames, no remote anything; the form posts back to us only. */
const UNSUBSCRIBE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const page = (title: string, body: SafeHtml): string =>
  html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>${title}</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}button{font:inherit;padding:.5rem 1.25rem}</style></head>
<body>${body}</body></html>`.value;

const send = (reply: FastifyReply, status: number, title: string, body: SafeHtml): FastifyReply =>
  reply
    .code(status)
    .headers(securityHeaders(UNSUBSCRIBE_CSP))
    .type('text/html; charset=utf-8')
    .send(page(title, body));

const NOT_FOUND = (reply: FastifyReply): FastifyReply =>
  send(
    reply,
    404,
    'Link not recognised',
    html`<h1>Link not recognised</h1><p>This unsubscribe link is not valid. Nothing was changed.</p>`,
  );

/**
 * RFC 8058 one-click unsubscribe at /u/{token}. POST suppresses at once (no login, no confirmation) when
 * its body is `List-Unsubscribe=One-Click` (RFC 8058 §3.1); any other body is a 400 that changes nothing. GET only shows a page whose button POSTs to the
 * same URL — link scanners prefetch GETs, so a GET never unsubscribes. Encapsulated: the form parser
 * and headers apply here only.
 */
export function unsubscribePlugin(
  app: FastifyInstance,
  options: UnsubscribeOptions,
  done: (err?: Error) => void,
): void {
  const { db } = options;
  const now = options.now ?? (() => new Date());
  // A wildcard, not `/u/:token`: full tokens (~110 characters) exceed fastify's 100-character parameter limit.
  const lookups = databaseLookups(db, tokenOpener(options.config));
  const { enforcement } = options;
  const streamScoped = options.config.suppressions.streamReasons.includes('unsubscribe');
  // Bodies stay text here (urlencoded, multipart/form-data or anything else): isOneClickBody reads them.
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, next) =>
    next(null, body),
  );

  const record = (
    token: string,
    target: UnsubscribeTarget,
    receivedAt: Date,
    reply: FastifyReply,
  ): { created: boolean; ms: number | null } =>
    db.transaction(() => {
      // The stream of the mail unsubscribed from (send log): leaving a marketing list must not stop receipts.
      const stream = streamScoped ? sendStream(db, target) : null;
      // Idempotent: a repeated click (or a retrying sender) changes nothing.
      if (hasClientSuppression(db, target.address, target.clientId, 'unsubscribe', { stream }))
        return { created: false, ms: null };
      const note = `one-click unsubscribe (${target.tokenForm} token) requested ${receivedAt.toISOString()}`;
      const s = suppress(db, {
        address: target.address,
        clientId: target.clientId,
        reason: 'unsubscribe',
        stream,
        note,
        createdBy: 'unsubscribe:one-click',
        now: receivedAt,
      });
      writeAudit(db, {
        actor: 'unsubscribe:one-click',
        action: 'suppression.add',
        target: target.address,
        detail: { client: target.client, reason: 'unsubscribe', stream, tokenForm: target.tokenForm },
        now: receivedAt,
      });
      // Committed when this transaction returns; the elapsed time measured here is the time to suppression.
      const ms = reply.elapsedTime;
      insertUnsubscribeRequest(db, {
        suppressionId: s.id,
        address: target.address,
        clientId: target.clientId,
        tokenForm: target.tokenForm,
        token,
        receivedAt,
        committedAt: new Date(receivedAt.getTime() + ms),
        timeToSuppressionMs: ms,
      });
      // The token proves the recipient got this client's mail: the unsubscribe counts toward its rates and score.
      recordSignals(
        db,
        [
          {
            signal: 'unsubscribe',
            recipient: target.address,
            mailboxProvider: enforcement.providers.of(target.address),
            counts: true,
            // A web request carries no authentication of its sender: the token alone, a capped basis.
            rule: 'token-proven',
            basis: 'unauthenticated',
            reason: `one-click unsubscribe proven by a ${target.tokenForm} trace token`,
          },
        ],
        { clientId: target.clientId, campaignId: target.campaignId, reportId: null, now: receivedAt },
      );
      if (!options.onSignals) enforceClient(db, target.clientId, enforcement, receivedAt);
      return { created: true, ms };
    })();

  app.post<{ Params: { '*': string }; Body: string | null }>('/u/*', (req, reply) => {
    const token = req.params['*'];
    const receivedAt = new Date(now().getTime() - reply.elapsedTime);
    // RFC 8058 §3.1: the POST body carries List-Unsubscribe=One-Click; anything else is not a one-click request.
    if (!isOneClickBody(req.headers['content-type'], req.body))
      return send(
        reply,
        400,
        'Not a one-click unsubscribe',
        html`<h1>Not a one-click unsubscribe</h1><p>A one-click unsubscribe (RFC 8058) posts the body <code>${ONE_CLICK_KEY}=${ONE_CLICK_VALUE}</code> (application/x-www-form-urlencoded or multipart/form-data). Nothing was changed.</p>`,
      );
    const target = unsubscribeTarget(lookups, token);
    if (!target) return NOT_FOUND(reply);
    if (record(token, target, receivedAt, reply).created) options.onSignals?.(target.clientId);
    return send(
      reply,
      200,
      'Unsubscribed',
      html`<h1>Unsubscribed</h1><p>${target.address} will receive no more mail from this sender.</p>`,
    );
  });

  app.get<{ Params: { '*': string } }>('/u/*', (req, reply) => {
    const token = req.params['*'];
    const target = unsubscribeTarget(lookups, token);
    if (!target) return NOT_FOUND(reply);
    const action = `/u/${encodeURIComponent(token)}`;
    return send(
      reply,
      200,
      'Unsubscribe',
      html`<h1>Unsubscribe</h1><p>Stop mail to ${target.address} from this sender?</p>
<form method="post" action="${action}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
    );
  });
  done();
}
