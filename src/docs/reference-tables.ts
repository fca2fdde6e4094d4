import { configSchema } from '../config/config-schema.ts';
import {
  BOUNCE_REASON_MEANING,
  DEAD_ADDRESS_REASONS,
  BLOCKLISTING_REASONS,
  type BounceReason,
} from '../report/bounce-reason.ts';
import { schemaKeys } from '../config/schema-keys.ts';
import { logEvents } from '../log/events.ts';

/** The README's configuration table, generated from the schema (`abusedesk config docs`). */
export function configTable(): string {
  const rows = schemaKeys(configSchema).map(
    (k) =>
      `| \`${k.path.join('.')}\` | \`${k.env}\` | \`${JSON.stringify(k.defaultValue)}\` | ${k.description} |`,
  );
  return ['| key | environment variable | default | what it is |', '|---|---|---|---|', ...rows].join('\n');
}

/** The README's log event table. */
export function logEventTable(): string {
  return [
    '| event | meaning |',
    '|---|---|',
    ...Object.entries(logEvents).map(([e, d]) => `| \`${e}\` | ${d} |`),
  ].join('\n');
}

/** The README's API table, from the same route table the server and the OpenAPI document use. */
export async function apiRouteTable(): Promise<string> {
  const { apiRoutes } = await import('../web/api/api-routes.ts');
  const rows = apiRoutes().map((r) => `| \`${r.method} /api/v1${r.path}\` | ${r.role} | ${r.summary} |`);
  return ['| route | role | what it does |', '|---|---|---|', ...rows].join('\n');
}

/** The README's bounce reason table, from the vocabulary itself. */
export function bounceReasonTable(): string {
  const effect = (reason: BounceReason): string =>
    DEAD_ADDRESS_REASONS.has(reason)
      ? '**hard** (when permanent): suppressed'
      : BLOCKLISTING_REASONS.has(reason)
        ? 'soft; a blocklisting'
        : 'soft';
  const rows = Object.entries(BOUNCE_REASON_MEANING).map(
    ([reason, meaning]) => `| \`${reason}\` | ${meaning} | ${effect(reason as BounceReason)} |`,
  );
  return ['| reason | meaning | effect |', '|---|---|---|', ...rows].join('\n');
}
