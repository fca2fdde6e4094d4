import { sendsOfMessageIds, type SendsAhead } from '../store/sends-store.ts';
import { normalizeMessageId } from '../store/normalize-send-key.ts';
import type { StageContext } from '../worker/stage.ts';

/**
 * The sends of the originals reported in the message's batch (by their Message-IDs), read in one statement on
 * first use: the send log rung of attribution and the stream of a suppression answer from it. Sends are written
 * by the send-log import, never by the pipeline, so what a batch read stays true while it commits.
 */
export const batchSends = (ctx: StageContext): SendsAhead =>
  ctx.batch.once('sends', (messages) =>
    sendsOfMessageIds(
      ctx.db,
      messages.flatMap((m) => {
        const mid = m.state.report?.original?.messageId;
        return mid ? [normalizeMessageId(mid)] : [];
      }),
    ),
  );
