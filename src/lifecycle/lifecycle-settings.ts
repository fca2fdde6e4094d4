import type { Config } from '../config/config-schema.ts';

/** What erasure and purges need from config, besides the database. */
export interface LifecycleSettings {
  hashKey: string;
  dataDir: string;
  retention: Config['retention'];
}

export const lifecycleSettings = (config: Config): LifecycleSettings => ({
  hashKey: config.privacy.hashKey,
  dataDir: config.dataDir,
  retention: config.retention,
});
