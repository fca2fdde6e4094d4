import type { Database } from 'better-sqlite3';
import type { Acknowledger } from '../actions/acknowledger.ts';
import { createAcknowledger } from '../actions/create-acknowledger.ts';
import type { DnsResolver } from '../authenticate/dns-resolver.ts';
import type { Config } from '../config/config-schema.ts';
import type { ParsePool } from '../parse/parse-pool.ts';
import { enforcementSettings, type EnforcementSettings } from '../enforcement/enforcement-settings.ts';
import type { WebhookEndpoint } from '../webhooks/emit-webhook.ts';
import { pipelineStages } from '../worker/pipeline-stages.ts';
import type { Stage } from '../worker/stage.ts';

/**
 * What every entry point (serve, the worker, CLI commands, ingest) works with, built from config alone: the
 * same config gives the same behaviour whichever process makes a change (the same webhooks, the same policy).
 */
export interface Services {
  db: Database;
  config: Config;
  /** Client status changes: policy, mailbox providers, refused consent methods, global webhook endpoints. */
  enforcement: EnforcementSettings;
  /** The global webhook endpoints (config `webhooks.endpoints`). */
  webhookEndpoints: readonly WebhookEndpoint[];
  /** The processing pipeline; acknowledgements per config unless another acknowledger is given. */
  stages(io?: {
    acknowledge?: Acknowledger | undefined;
    resolver?: DnsResolver | undefined;
    parsePool?: ParsePool | undefined;
  }): Stage[];
}

export function services(config: Config, db: Database): Services {
  return {
    db,
    config,
    enforcement: enforcementSettings(config),
    webhookEndpoints: config.webhooks.endpoints,
    stages: (io = {}) =>
      pipelineStages(config, io.acknowledge ?? createAcknowledger(config), {
        resolver: io.resolver,
        parsePool: io.parsePool,
      }),
  };
}
