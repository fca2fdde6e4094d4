import type { Config } from '../config/config-schema.ts';
import { headersStage } from '../headers/headers-stage.ts';
import { parseStage } from '../parse/parse-stage.ts';
import type { Stage } from './stage.ts';

/** The pipeline, in order. Each stage's name is used in the database, logs and UI. */
export function pipelineStages(config: Config): Stage[] {
  return [headersStage, parseStage(config)];
}
