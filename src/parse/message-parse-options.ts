import type { DnsResolver } from '../authenticate/dns-resolver.ts';
import { loadProviderRegistry } from '../authenticate/provider-registry.ts';
import type { Config } from '../config/config-schema.ts';
import type { StoredMessage } from '../worker/stored-message.ts';
import { parseOptionsFromConfig } from './parse-options-from-config.ts';
import type { ParseOptions } from './parse-options.ts';
import { systemResolver } from './system-resolver.ts';
import { demoZoneActive, withDemoZone } from '../demo/demo-dkim.ts';

/**
 * The parse options of one stored message, for the authenticate, classify and extract stages: the config's,
 * the provider registry, its SMTP envelope and the resolver (an injected one — tests' fake zone — wins; with
 * `authenticate.dns` off nothing is verified; in demo mode the demo reporter domains come from a local zone).
 */
export function messageParseOptions(
  config: Config,
  injected?: DnsResolver,
): (message: StoredMessage, now: () => Date) => ParseOptions {
  const base = parseOptionsFromConfig(config);
  const providers = loadProviderRegistry();
  const dns = injected ?? (config.authenticate.dns === 'system' ? systemResolver : undefined);
  // In demo mode the demo reporters' domains (reserved .example names) are answered locally, so the demo's
  // DKIM-signed complaints verify like real ones (src/demo/demo-dkim.ts).
  const resolver = dns && demoZoneActive(config) ? withDemoZone(dns) : dns;
  return (m, now) => ({
    ...base,
    providers,
    authenticate: true,
    authTimeoutMs: config.authenticate.timeoutMs,
    ...(resolver ? { resolver } : {}),
    now,
    envelope: { mailFrom: m.mailFrom, rcptTo: m.rcptTo, clientIp: m.clientIp ?? '', helo: m.helo ?? '' },
  });
}
