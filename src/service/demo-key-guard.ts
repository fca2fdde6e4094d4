import { resolve } from 'node:path';
import type { Database } from 'better-sqlite3';
import { configSchema, DEMO_TOKEN_KEY, type Config } from '../config/config-schema.ts';
import { demoClientSlugs } from '../clients/load-demo.ts';
import { listClients } from '../store/clients-store.ts';

/** The schema's default data dir (`data`), where `npm start` on a fresh checkout keeps the demo. */
const DEFAULT_DATA_DIR = configSchema.shape.dataDir.parse(undefined);

/**
 * Why `serve` must not run with this configuration, or null. The public demo trace-token key (in the
 * README and the source: anyone can mint tokens with it that attribute, suppress and count against a
 * client) is refused outside demo mode. Demo mode is `demo.enabled: true`, or the out-of-the-box setup: the
 * default data dir, `demo.load` on, and a database holding no clients but the demo ones.
 */
export function demoKeyProblem(
  config: Pick<Config, 'dataDir' | 'tokens' | 'demo'>,
  clientSlugs: readonly string[],
  demoSlugs: readonly string[] = demoClientSlugs(),
): string | null {
  if (!config.tokens.keys.some((k) => k.secret === DEMO_TOKEN_KEY.secret)) return null;
  if (config.demo.enabled) return null;
  const outOfTheBox =
    resolve(config.dataDir) === resolve(DEFAULT_DATA_DIR) &&
    config.demo.load &&
    clientSlugs.every((s) => demoSlugs.includes(s));
  if (outOfTheBox) return null;
  return (
    'tokens.keys: the public demo trace-token key is configured outside demo mode; set tokens.keys to your own ' +
    'secret (e.g. ABUSEDESK_TOKENS_KEYS=\'[{"id":"k1","secret":"<openssl rand -base64 32>"}]\' ' +
    'ABUSEDESK_TOKENS_ACTIVE_KEY_ID=k1), or demo.enabled=true for a demo'
  );
}

/** demoKeyProblem for the service's open database. */
export function demoKeyProblemFor(config: Config, db: Database): string | null {
  return demoKeyProblem(
    config,
    listClients(db).map((c) => c.slug),
  );
}
