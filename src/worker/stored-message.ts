/** The stored message every stage reads: a row of the intake log, as src/store/messages-store.ts reads it. */
export type { MessageState, StoredMessage } from '../store/messages-store.ts';
