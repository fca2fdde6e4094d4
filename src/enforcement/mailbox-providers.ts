import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { projectUrl } from '../runtime/project-root.ts';

/**
 * Mailbox providers by recipient domain (`data/mailbox-providers.json`): rates per provider, and the share of a
 * client's deliveries that go to providers sending feedback loops (only those can produce FBL complaints).
 */

const DEFAULT_FILE = projectUrl('data', 'mailbox-providers.json');

const fileSchema = z.strictObject({
  description: z.string().optional(),
  providers: z.array(
    z.strictObject({
      name: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a kebab-case id'),
      fbl: z.boolean(),
      domains: z.array(z.string().regex(/^([a-z0-9-]+\.)+[a-z]{2,}$/, 'must be a lowercase domain')).min(1),
      evidence: z.string().min(1, 'say where the fbl fact comes from'),
    }),
  ),
});

export interface MailboxProviders {
  /** The provider of an address or domain ('other' when not listed); subdomains of a listed domain belong to it. */
  of(addressOrDomain: string | null | undefined): string;
  /** Whether the named provider sends feedback-loop reports ('other': no). */
  sendsFbl(name: string): boolean;
  names(): string[];
}

export function mailboxProviders(data: unknown): MailboxProviders {
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success)
    throw new Error(
      `mailbox providers: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const byDomain = new Map<string, string>();
  const fbl = new Map<string, boolean>();
  for (const p of parsed.data.providers) {
    fbl.set(p.name, p.fbl);
    for (const d of p.domains) {
      const owner = byDomain.get(d);
      if (owner)
        throw new Error(`mailbox providers: domain ${d} is listed under both ${owner} and ${p.name}`);
      byDomain.set(d, p.name);
    }
  }
  return {
    of(addressOrDomain) {
      if (!addressOrDomain) return 'other';
      let domain = addressOrDomain.slice(addressOrDomain.lastIndexOf('@') + 1).toLowerCase();
      for (;;) {
        const name = byDomain.get(domain);
        if (name) return name;
        const dot = domain.indexOf('.');
        if (dot < 0 || domain.indexOf('.', dot + 1) < 0) return 'other';
        domain = domain.slice(dot + 1);
      }
    },
    sendsFbl: (name) => fbl.get(name) ?? false,
    names: () => [...fbl.keys()],
  };
}

let cached: MailboxProviders | null = null;

/** The shipped list, read and validated once. */
export function loadMailboxProviders(file: URL | string = DEFAULT_FILE): MailboxProviders {
  if (file === DEFAULT_FILE && cached) return cached;
  const list = mailboxProviders(JSON.parse(readFileSync(file, 'utf8')));
  if (file === DEFAULT_FILE) cached = list;
  return list;
}
