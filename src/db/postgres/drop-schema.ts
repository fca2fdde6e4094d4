import { PgConnection, splitSchema } from './pg-connection.ts';

/**
 * Drops the schema a `?schema=` URL names, with everything in it (a scratch schema: the benchmark's runs). A URL
 * without a schema parameter is refused: the database's own default schema is never dropped.
 */
export function dropSchema(url: string): void {
  const { conninfo, schema } = splitSchema(url);
  if (!schema) throw new Error('dropSchema: the URL names no schema (?schema=…)');
  const conn = new PgConnection(conninfo);
  try {
    // CASCADE reports every object it drops as a NOTICE: not worth a line each.
    conn.exec('SET client_min_messages TO warning');
    conn.exec(`DROP SCHEMA IF EXISTS "${schema.replaceAll('"', '""')}" CASCADE`);
  } finally {
    conn.close();
  }
}
