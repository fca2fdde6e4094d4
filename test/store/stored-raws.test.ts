import { describe, expect, it } from 'vitest';
import { storedRaws } from '../../src/store/messages-store.ts';
import { eachTestDatabase } from '../helpers/test-service.ts';

/**
 * A batch's raw bytes are read in one statement: every message's when all are small enough to read with the batch,
 * else only those asked for (the others are read where they are used); a message without stored bytes is absent.
 */
describe("a batch's raw bytes, on either engine", () => {
  const t = eachTestDatabase();

  const message = (n: number, raw: boolean): number => {
    const id = Number(
      t.db
        .prepare(
          `INSERT INTO messages (queue_id, received_at, mail_from, rcpt_to, size, sha256, state)
           VALUES (?, '2026-12-01T10:00:00.000Z', '', '["abuse@esp.example"]', 10, ?, 'queued')`,
        )
        .run(`Q${n}`, `sha-${n}`).lastInsertRowid,
    );
    if (raw)
      t.db
        .prepare('INSERT INTO message_raw (message_id, raw) VALUES (?, ?)')
        .run(id, Buffer.from(`message ${n}`));
    return id;
  };

  const text = (m: Map<number, Buffer | null>): Array<[number, string | null]> =>
    [...m]
      .map(([id, raw]) => [id, raw ? raw.toString() : null] as [number, string | null])
      .sort((a, b) => a[0] - b[0]);

  it('reads every message, only those asked for, or none, and leaves out a message whose bytes are missing', () => {
    const [a, b, c] = [message(1, true), message(2, true), message(3, false)];
    const ids = [a, b, c];
    expect(text(storedRaws(t.db, ids, ids))).toEqual([
      [a, 'message 1'],
      [b, 'message 2'],
    ]);
    expect(text(storedRaws(t.db, ids, [b]))).toEqual([
      [a, null],
      [b, 'message 2'],
    ]);
    expect(text(storedRaws(t.db, ids, []))).toEqual([
      [a, null],
      [b, null],
    ]);
    // The same ids asked for in another order are still every message.
    expect(text(storedRaws(t.db, [b, a], [a, b]))).toEqual([
      [a, 'message 1'],
      [b, 'message 2'],
    ]);
    expect(storedRaws(t.db, [], [])).toEqual(new Map());
  });
});
