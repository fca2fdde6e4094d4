import type { Config } from '../config/config-schema.ts';
import { headersStage } from '../headers/headers-stage.ts';
import type { Stage } from './stage.ts';

/** The pipeline, in order. Each stage's name is used in the database, logs and UI. */
export function pipelineStages(_config: Config): Stage[] {
  return [headersStage];
}
