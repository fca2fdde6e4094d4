import { batchSends } from '../attribute/batch-sends.ts';
import { knownSuppressions, type KnownSuppressions } from '../store/suppressions-store.ts';
import { storedSuppressionAddress } from '../store/suppression-target.ts';
import type { StageContext } from '../worker/stage.ts';

/**
 * The suppressions of every address the batch's reports could suppress, read in one statement on first use:
 * each report's complainants, reporter and bounced recipients, the recipients of the batch's sends (a redacted
 * complainant recovered from the send log) and of the attributions made so far. A report then learns whether
 * its suppression is new or a refresh without asking the database; an address outside these (a trace token's
 * recipient attributed later in the batch) is still looked up on its own. `hash`: the keyed address hash that
 * also matches erased rows (privacy.hashKey).
 */
export function batchSuppressions(
  ctx: StageContext,
  hash: ((address: string) => string) | undefined,
): KnownSuppressions {
  return ctx.batch.once('suppressions', (messages) => {
    const addresses = new Set<string>();
    const add = (a: string | null | undefined): void => {
      if (a) addresses.add(storedSuppressionAddress(a));
    };
    for (const m of messages) {
      const r = m.state.report;
      r?.complainants.forEach(add);
      add(r?.reporter);
      r?.bounces.forEach((b) => add(b.recipient));
      add(m.state.attribution?.recipient);
    }
    for (const send of batchSends(ctx).byId.values()) add(send.recipient);
    const list = [...addresses];
    return knownSuppressions(ctx.db, list, hash ? list.map(hash) : []);
  });
}
