import { describe, expect, it } from 'vitest';
import { databaseEngine } from '../../src/db/open-database.ts';
import { clientWebhookUrl, upsertClient } from '../../src/store/clients-store.ts';
import { eachTestDatabase } from '../helpers/test-service.ts';

/**
 * What the store relies on from a transaction, on either engine. On PostgreSQL writes inside a transaction are
 * sent with the next statement that needs an answer and reference-table reads are reused within it: none of
 * that may show.
 */
describe('transactions behave the same on both engines', () => {
  const t = eachTestDatabase((db) => {
    const key = databaseEngine(db) === 'postgres' ? 'SERIAL PRIMARY KEY' : 'INTEGER PRIMARY KEY';
    db.exec(`CREATE TABLE tx_items (id ${key}, v INTEGER NOT NULL UNIQUE, note TEXT)`);
  });
  const values = (): number[] =>
    (t.db.prepare('SELECT v FROM tx_items ORDER BY v').all() as Array<{ v: number }>).map((r) => r.v);

  it('a write that fails undoes only its own savepoint, and the error reaches the code that made it', () => {
    const insert = t.db.prepare('INSERT INTO tx_items (v) VALUES (?)');
    const failures: string[] = [];
    t.db.transaction(() => {
      for (const batch of [[1, 2], [3, 1], [4]]) {
        try {
          t.db.transaction(() => batch.forEach((v) => insert.run(v)))();
        } catch (e) {
          failures.push(`${batch.join(',')}: ${(e as Error).message}`);
        }
      }
    })();
    expect(values()).toEqual([1, 2, 4]);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/^3,1: .*unique/i);
  });

  it('changes and lastInsertRowid of writes inside a transaction, and reads see the writes before them', () => {
    const seen = t.db.transaction(() => {
      const a = t.db.prepare('INSERT INTO tx_items (v) VALUES (?)').run(10);
      const b = t.db.prepare('INSERT INTO tx_items (v) VALUES (?)').run(11);
      t.db.prepare('INSERT INTO tx_items (v) VALUES (?)').run(12);
      const updated = t.db.prepare("UPDATE tx_items SET note = 'x' WHERE v >= ?").run(11);
      const none = t.db.prepare("UPDATE tx_items SET note = 'y' WHERE v > ?").run(99);
      const count = t.db.prepare("SELECT count(*) AS n FROM tx_items WHERE note = 'x'").get() as {
        n: number;
      };
      return {
        a: Number(a.lastInsertRowid),
        b: Number(b.lastInsertRowid),
        updated: updated.changes,
        none: none.changes,
        count,
      };
    })();
    expect(seen.b).toBe(seen.a + 1);
    expect(seen.updated).toBe(2);
    expect(seen.none).toBe(0);
    expect(seen.count.n).toBe(2);
    expect(values()).toEqual([10, 11, 12]);
  });

  it('a write that fails at commit rolls the whole transaction back and throws', () => {
    const insert = t.db.prepare('INSERT INTO tx_items (v) VALUES (?)');
    expect(() =>
      t.db.transaction(() => {
        insert.run(20);
        insert.run(20);
      })(),
    ).toThrow(/unique/i);
    expect(t.db.inTransaction).toBe(false);
    expect(values()).toEqual([]);
    insert.run(21);
    expect(values()).toEqual([21]);
  });

  it('writes still unanswered when code throws are undone with their savepoint or transaction, failed or not', () => {
    const insert = t.db.prepare('INSERT INTO tx_items (v) VALUES (?)');
    const undo = (fn: () => void): string => {
      try {
        t.db.transaction(fn)();
        return 'kept';
      } catch (e) {
        return (e as Error).message;
      }
    };
    const outcomes = t.db.transaction(() => {
      insert.run(30);
      return [
        // Written, never read back, then the code throws: the savepoint's writes are undone, the 30 before it kept.
        undo(() => {
          insert.run(31);
          insert.run(32);
          throw new Error('undo 31, 32');
        }),
        // One of its writes fails (a duplicate): SQLite throws it at the write, PostgreSQL (no statement asked
        // yet) leaves the code's own throw.
        undo(() => {
          insert.run(33);
          insert.run(30);
          throw new Error('undo 33');
        }),
        undo(() => insert.run(34)),
      ];
    })();
    expect(outcomes).toEqual(['undo 31, 32', expect.stringMatching(/^undo 33$|unique/i), 'kept']);
    expect(values()).toEqual([30, 34]);
    // The same for a whole transaction: nothing of it stays, and the next one works.
    expect(
      undo(() => {
        insert.run(35);
        insert.run(30);
        throw new Error('undo all');
      }),
    ).toMatch(/^undo all$|unique/i);
    expect(t.db.inTransaction).toBe(false);
    insert.run(36);
    expect(values()).toEqual([30, 34, 36]);
  });

  it('a client changed inside a transaction reads back changed, and unchanged after its savepoint is undone', () => {
    const now = new Date('2026-11-30T12:00:00Z');
    const id = upsertClient(t.db, { slug: 'tx', name: 'Tx', language: 'en', domains: [] }, now);
    const reads = t.db.transaction(() => {
      const before = clientWebhookUrl(t.db, id);
      upsertClient(
        t.db,
        { slug: 'tx', name: 'Tx', language: 'en', domains: [], webhookUrl: 'https://a.example/' },
        now,
      );
      const after = clientWebhookUrl(t.db, id);
      try {
        t.db.transaction(() => {
          t.db.prepare('UPDATE clients SET webhook_url = ? WHERE id = ?').run('https://b.example/', id);
          if (clientWebhookUrl(t.db, id) !== 'https://b.example/') throw new Error('update not seen');
          throw new Error('undo');
        })();
      } catch (e) {
        if ((e as Error).message !== 'undo') throw e;
      }
      return { before, after, undone: clientWebhookUrl(t.db, id) };
    })();
    expect(reads).toEqual({ before: null, after: 'https://a.example/', undone: 'https://a.example/' });
    expect(clientWebhookUrl(t.db, id)).toBe('https://a.example/');
  });
});
