import type { SuppressionChange } from '../store/suppression-changes-store.ts';
import type { WebhookEventType } from '../webhooks/emit-webhook.ts';

/**
 * The webhook event of one change-log entry: `suppression.created` for an addition, `suppression.removed` for a
 * removal, an expiry or an erasure (the plain address leaves the list; an erased one is still suppressed by its
 * hash, and its event carries the hash only, never the address).
 */
export function suppressionWebhookOf(c: SuppressionChange): {
  type: WebhookEventType;
  data: Record<string, unknown>;
} {
  const data = {
    changeId: c.id,
    change: c.change,
    suppressionId: c.suppressionId,
    ...(c.hash !== null ? { hash: c.hash } : { address: c.address }),
    reason: c.reason,
    scope: c.client === null ? 'global' : 'client',
    client: c.client,
    stream: c.stream,
    why: c.change === 'erased' ? 'erasure' : c.why,
    by: c.actor,
    at: c.at,
  };
  return { type: c.change === 'added' ? 'suppression.created' : 'suppression.removed', data };
}
