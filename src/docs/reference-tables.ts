import { configSchema } from '../config/config-schema.ts';
import { schemaKeys } from '../config/schema-keys.ts';
import { logEvents } from '../log/events.ts';

/** The README's configuration table, generated from the schema (`abusedesk config docs`). */
export function configTable(): string {
  const rows = schemaKeys(configSchema).map((k) => `| \`${k.path.join('.')}\` | \`${k.env}\` | \`${JSON.stringify(k.defaultValue)}\` | ${k.description} |`);
  return ['| key | environment variable | default | what it is |', '|---|---|---|---|', ...rows].join('\n');
}

/** The README's log event table. */
export function logEventTable(): string {
  return ['| event | meaning |', '|---|---|', ...Object.entries(logEvents).map(([e, d]) => `| \`${e}\` | ${d} |`)].join('\n');
}
