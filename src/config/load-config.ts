import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { z } from 'zod';
import { configSchema, type Config } from './config-schema.ts';
import { schemaKeys, type SchemaKey } from './schema-keys.ts';

/** Raised when configuration is invalid; lists every problem by key so one start shows them all. */
export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export interface LoadConfigOptions {
  /** Config file path (JSON); else ABUSEDESK_CONFIG; else none. */
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Values layered over the file and env (tests). */
  overrides?: Record<string, unknown>;
}

export interface LoadedConfig {
  config: Config;
  file: string | null;
  /** Where each key's value came from: `default`, `file` or the env variable name. */
  sources: Map<string, string>;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let o = target;
  for (const k of path.slice(0, -1)) {
    const next = o[k];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[path[path.length - 1]!] = value;
}

function getPath(source: unknown, path: string[]): unknown {
  let o = source;
  for (const k of path) {
    if (typeof o !== 'object' || o === null) return undefined;
    o = (o as Record<string, unknown>)[k];
  }
  return o;
}

function deepMerge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] =
      typeof v === 'object' &&
      v !== null &&
      !Array.isArray(v) &&
      typeof prev === 'object' &&
      prev !== null &&
      !Array.isArray(prev)
        ? deepMerge(prev as Record<string, unknown>, v as Record<string, unknown>)
        : v;
  }
  return out;
}

/** Turns an env string into the key's type; returns an error text when it cannot. */
function coerceEnv(key: SchemaKey, raw: string): { value: unknown } | { error: string } {
  switch (key.type) {
    case 'number': {
      const n = Number(raw.trim());
      return raw.trim() !== '' && Number.isFinite(n)
        ? { value: n }
        : { error: `expected a number, got "${raw}"` };
    }
    case 'boolean':
      if (/^(1|true|yes|on)$/i.test(raw.trim())) return { value: true };
      if (/^(0|false|no|off)$/i.test(raw.trim())) return { value: false };
      return { error: `expected true or false, got "${raw}"` };
    case 'array':
      if (raw.trim().startsWith('[')) return parseJson(raw);
      return {
        value: raw
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      };
    case 'json':
      return parseJson(raw);
    default:
      return { value: raw };
  }
}

function parseJson(raw: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(raw) as unknown };
  } catch (e) {
    return { error: `expected JSON: ${(e as Error).message}` };
  }
}

function describeIssue(issue: z.core.$ZodIssue, keysByPath: Map<string, SchemaKey>): string {
  const path = issue.path.map(String);
  const name = path.join('.') || '(root)';
  // Find the nearest schema key to name its env variable and say what the key is for.
  const key =
    keysByPath.get(name) ?? [...keysByPath.values()].find((k) => name.startsWith(`${k.path.join('.')}.`));
  const hint = key ? ` (${key.description} Env: ${key.env}.)` : '';
  if (issue.code === 'unrecognized_keys') {
    return `${name === '(root)' ? '' : `${name}.`}${issue.keys.join(', ')}: unknown key — remove it or check its spelling (see \`abusedesk config show\`)`;
  }
  return `${name}: ${issue.message}${hint}`;
}

/**
 * Loads configuration: schema defaults ← JSON file ← ABUSEDESK_* environment ← overrides.
 * Throws ConfigError listing every bad key.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const file = options.file ?? env.ABUSEDESK_CONFIG ?? null;
  const keys = schemaKeys(configSchema);
  const keysByPath = new Map(keys.map((k) => [k.path.join('.'), k]));
  const problems: string[] = [];
  let fromFile: Record<string, unknown> = {};
  if (file) {
    try {
      const parsed = JSON.parse(readFileSync(resolve(file), 'utf8')) as unknown;
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        problems.push(`${file}: the config file must hold one JSON object`);
      else fromFile = parsed as Record<string, unknown>;
    } catch (e) {
      problems.push(`${file}: cannot read config file: ${(e as Error).message}`);
    }
  }
  const fromEnv: Record<string, unknown> = {};
  const sources = new Map<string, string>();
  for (const key of keys) {
    const name = key.path.join('.');
    sources.set(name, getPath(fromFile, key.path) !== undefined ? 'file' : 'default');
    const raw = env[key.env];
    if (raw === undefined) continue;
    const coerced = coerceEnv(key, raw);
    if ('error' in coerced) problems.push(`${name}: ${key.env} ${coerced.error}`);
    else {
      setPath(fromEnv, key.path, coerced.value);
      sources.set(name, key.env);
    }
  }
  for (const name of Object.keys(env)) {
    if (name.startsWith('ABUSEDESK_') && name !== 'ABUSEDESK_CONFIG' && !keys.some((k) => k.env === name)) {
      problems.push(
        `${name}: unknown environment variable — no config key maps to it (see \`abusedesk config show\`)`,
      );
    }
  }
  const merged = deepMerge(deepMerge(fromFile, fromEnv), options.overrides ?? {});
  for (const [name] of Object.entries(options.overrides ?? {})) sources.set(name, 'override');
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(describeIssue(issue, keysByPath));
  }
  if (problems.length > 0 || !result.success) throw new ConfigError(problems);
  return { config: result.data, file, sources };
}

/** The config as `config show` prints it: secrets masked. */
export function maskSecrets(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, key));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v, k)]));
  }
  if (typeof value === 'string' && value !== '' && /secret|password|pass$|token$/i.test(key))
    return '********';
  return value;
}
