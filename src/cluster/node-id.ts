import { hostname } from 'node:os';
import type { Config } from '../config/config-schema.ts';

/**
 * This node's id (cluster.nodeId), or host and process id when unset: unique among running nodes, but a
 * restarted node gets a new one, so its earlier claims wait for their timeout instead of coming back at once.
 */
export function nodeIdOf(config: Config): string {
  return config.cluster.nodeId ?? `${hostname()}-${process.pid}`;
}
