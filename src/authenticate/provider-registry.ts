import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { PROVIDER_QUIRKS } from './provider-quirk.ts';
import type { ProviderQuirk } from './provider-quirk.ts';
import { projectUrl } from '../runtime/project-root.ts';

/**
 * The provider registry: which mailbox providers send feedback-loop reports (RFC 5965 / RFC 6650 ARF),
 * which DKIM domains (RFC 6376 `d=`) sign them, and how to recognise them without DNS. Data lives in
 * `data/providers.json`; this module validates it and answers lookups.
 */

const DEFAULT_FILE = projectUrl('data', 'providers.json');

// A DNS name as DKIM `d=` carries it (RFC 6376 §3.5): lowercase labels, no trailing dot.
const domainSchema = z
  .string()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9]$/,
    'must be a lowercase domain name without trailing dot',
  );

const patternSchema = z
  .string()
  .min(1)
  .superRefine((source, ctx) => {
    try {
      new RegExp(source, 'i');
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `invalid regular expression: ${(err as Error).message}` });
    }
  });

const providerSchema = z.strictObject({
  /** Stable id, used in code, database, logs and the `provider` field of `abusedesk parse`. */
  name: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a kebab-case id'),
  /** True when the provider sends per-message feedback-loop reports (only those can be trusted). */
  fbl: z.boolean(),
  /** Domains whose passing DKIM signature vouches for this provider's reports; subdomains included. */
  dkimDomains: z.array(domainSchema),
  /** Case-insensitive regexes over the bare reporter address (From of the report). */
  fromPatterns: z.array(patternSchema),
  /** Case-insensitive regexes over the ARF User-Agent field (RFC 5965 §3.1). */
  userAgentPatterns: z.array(patternSchema),
  quirks: z.array(z.enum(PROVIDER_QUIRKS)),
  /**
   * Set when the provider's DKIM domains also sign its ordinary users' mail (a consumer mailbox domain
   * such as hotmail.com): a passing signature then only vouches for an FBL report when the signed From
   * also matches `fromPatterns` — otherwise any user of that mailbox forwarding spam would look trusted.
   */
  requireFromMatch: z.boolean().default(false),
  /** Another provider that runs this provider's FBL and signs its reports (e.g. `validity`). */
  operatedBy: z.string().optional(),
  /** Where the entry's facts come from (corpus sample, published documentation, assumption). */
  evidence: z.string().optional(),
});

const registryFileSchema = z.strictObject({
  description: z.string().optional(),
  providers: z.array(providerSchema),
});

/**
 * Checks across entries, run on the raw data so that they are reported together with every per-entry
 * problem (zod skips refinements on an object whose fields already failed).
 */
function crossEntryIssues(data: unknown): string[] {
  const providers = (data as { providers?: unknown } | null)?.providers;
  if (!Array.isArray(providers)) return [];
  const issues: string[] = [];
  const names = new Set<string>();
  const items = providers.map((item) =>
    typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {},
  );
  items.forEach((item, index) => {
    if (typeof item.name !== 'string') return;
    if (names.has(item.name)) issues.push(`providers[${index}].name: duplicate provider name "${item.name}"`);
    names.add(item.name);
  });
  items.forEach((item, index) => {
    if (typeof item.operatedBy === 'string' && !names.has(item.operatedBy)) {
      issues.push(`providers[${index}].operatedBy: unknown provider "${item.operatedBy}"`);
    }
    if (
      item.requireFromMatch === true &&
      Array.isArray(item.fromPatterns) &&
      item.fromPatterns.length === 0
    ) {
      issues.push(`providers[${index}].fromPatterns: requireFromMatch needs at least one pattern`);
    }
  });
  return issues;
}

export type ProviderEntry = z.output<typeof providerSchema>;

export interface RegisteredProvider extends Omit<
  ProviderEntry,
  'fromPatterns' | 'userAgentPatterns' | 'quirks'
> {
  fromPatterns: RegExp[];
  userAgentPatterns: RegExp[];
  quirks: ProviderQuirk[];
}

export interface ProviderRegistry {
  /** In file order: earlier entries win when several match, so specific entries come before generic ones. */
  providers: readonly RegisteredProvider[];
  byName: ReadonlyMap<string, RegisteredProvider>;
}

export interface ProviderPatternInput {
  /** The report's From header (a bare address or `Name <address>`). */
  from?: string | null;
  /** The ARF User-Agent field. */
  userAgent?: string | null;
  /** The reporter address the extract stage settled on, when it differs from From. */
  reporter?: string | null;
  /** DKIM `d=` domains seen on the report, verified or not. */
  dkimDomains?: readonly string[] | null;
}

/** A registry file that does not validate; `issues` names each bad entry by index and key. */
export class ProviderRegistryError extends Error {
  readonly issues: readonly string[];

  constructor(source: string, issues: readonly string[]) {
    super(`invalid provider registry ${source}:\n  ${issues.join('\n  ')}`);
    this.name = 'ProviderRegistryError';
    this.issues = issues;
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    out += typeof key === 'number' ? `[${key}]` : `${out === '' ? '' : '.'}${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}

/** Validates registry data already read (e.g. from a test); throws ProviderRegistryError. */
export function parseProviderRegistry(data: unknown, source = 'providers.json'): ProviderRegistry {
  const parsed = registryFileSchema.safeParse(data);
  const issues = [
    ...(parsed.success
      ? []
      : parsed.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`)),
    ...crossEntryIssues(data),
  ];
  if (!parsed.success || issues.length > 0) throw new ProviderRegistryError(source, issues);
  const providers = parsed.data.providers.map((entry): RegisteredProvider => ({
    ...entry,
    dkimDomains: [...new Set(entry.dkimDomains)],
    fromPatterns: entry.fromPatterns.map((source) => new RegExp(source, 'i')),
    userAgentPatterns: entry.userAgentPatterns.map((source) => new RegExp(source, 'i')),
  }));
  return { providers, byName: new Map(providers.map((provider) => [provider.name, provider])) };
}

let defaultRegistry: ProviderRegistry | null = null;

/**
 * Reads and validates the registry; default `data/providers.json` at the repository root, read once
 * per process (callers on the per-message path may call this freely).
 */
export function loadProviderRegistry(file?: string): ProviderRegistry {
  if (file === undefined) return (defaultRegistry ??= readRegistry(fileURLToPath(DEFAULT_FILE)));
  return readRegistry(file);
}

function readRegistry(path: string): ProviderRegistry {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ProviderRegistryError(path, [`(root): ${(err as Error).message}`]);
  }
  return parseProviderRegistry(data, path);
}

function normaliseDomain(domain: string): string {
  return domain.trim().toLowerCase().replace(/\.$/, '');
}

/**
 * The provider whose DKIM domain is `domain` or a parent of it; the longest (most specific) match wins,
 * so `comcastfbl.senderscore.net` names comcast even though `senderscore.net` names validity.
 */
export function providerForDkimDomain(registry: ProviderRegistry, domain: string): RegisteredProvider | null {
  const wanted = normaliseDomain(domain);
  if (wanted === '') return null;
  let best: RegisteredProvider | null = null;
  let bestLength = 0;
  for (const provider of registry.providers) {
    for (const candidate of provider.dkimDomains) {
      const matches = wanted === candidate || wanted.endsWith(`.${candidate}`);
      if (matches && candidate.length > bestLength) {
        best = provider;
        bestLength = candidate.length;
      }
    }
  }
  return best;
}

/** The bare lowercase address of a header value such as `Yahoo! Mail <feedback@arf.mail.yahoo.com>`. */
export function bareAddress(value: string): string {
  const angle = /<([^<>]*)>[^<>]*$/.exec(value);
  const candidate = angle?.[1] ?? value.split(/[\s,;]+/).find((token) => token.includes('@')) ?? value;
  return candidate
    .trim()
    .replace(/^mailto:/i, '')
    .toLowerCase();
}

/** True when the header From of a report matches one of the provider's reporter patterns. */
export function fromMatchesProvider(provider: RegisteredProvider, from: string): boolean {
  const address = bareAddress(from);
  return provider.fromPatterns.some((pattern) => pattern.test(address));
}

/**
 * Names the provider of a report from patterns alone, without DNS (offline `abusedesk parse`). Forgeable:
 * this is a guess for display and routing, never a trust decision. Tried in order: From, reporter,
 * User-Agent, then DKIM `d=` domains; within a step the first registry entry wins.
 */
export function providerFromPatterns(registry: ProviderRegistry, input: ProviderPatternInput): string | null {
  for (const address of [input.from, input.reporter]) {
    if (!address) continue;
    const hit = registry.providers.find((provider) => fromMatchesProvider(provider, address));
    if (hit) return hit.name;
  }
  const userAgent = input.userAgent?.trim();
  if (userAgent) {
    const hit = registry.providers.find((provider) =>
      provider.userAgentPatterns.some((pattern) => pattern.test(userAgent)),
    );
    if (hit) return hit.name;
  }
  for (const domain of input.dkimDomains ?? []) {
    const hit = providerForDkimDomain(registry, domain);
    if (hit) return hit.name;
  }
  return null;
}
