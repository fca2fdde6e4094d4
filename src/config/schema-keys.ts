import type { z } from 'zod';

/** A leaf key of the configuration schema, with what `config show`, env overrides and the README need. */
export interface SchemaKey {
  path: string[];
  env: string;
  type: 'string' | 'number' | 'boolean' | 'enum' | 'array' | 'json';
  description: string;
  defaultValue: unknown;
}

interface Def {
  type: string;
  innerType?: z.ZodType;
  defaultValue?: unknown;
  shape?: Record<string, z.ZodType>;
}

const def = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** `maxMessageBytes` → `MAX_MESSAGE_BYTES` */
export const toEnvSegment = (key: string): string => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

export function envName(path: string[]): string {
  return ['ABUSEDESK', ...path.map(toEnvSegment)].join('_');
}

/** Walks a zod object schema down to its leaves (through defaults and optionals). */
export function schemaKeys(schema: z.ZodType, path: string[] = []): SchemaKey[] {
  let s = schema;
  let description = schema.description ?? '';
  let defaultValue: unknown;
  for (;;) {
    const d = def(s);
    if ((d.type === 'default' || d.type === 'prefault') && d.innerType) {
      if (defaultValue === undefined)
        defaultValue =
          typeof d.defaultValue === 'function' ? (d.defaultValue as () => unknown)() : d.defaultValue;
      s = d.innerType;
      description ||= s.description ?? '';
    } else if ((d.type === 'optional' || d.type === 'nullable') && d.innerType) {
      s = d.innerType;
      description ||= s.description ?? '';
    } else break;
  }
  const d = def(s);
  if (d.type === 'object' && d.shape) {
    return Object.entries(d.shape).flatMap(([k, v]) => schemaKeys(v, [...path, k]));
  }
  const type: SchemaKey['type'] =
    d.type === 'string' ||
    d.type === 'number' ||
    d.type === 'boolean' ||
    d.type === 'enum' ||
    d.type === 'array'
      ? d.type
      : 'json';
  return [{ path, env: envName(path), type, description, defaultValue }];
}
