import type { Config } from '../config/config-schema.ts';
import type { ParseOptions } from './parse-options.ts';

/** ParseOptions from the `parse` config section (and the SMTP unsubscribe mailboxes and domains). */
export function parseOptionsFromConfig(config: Config): ParseOptions {
  const p = config.parse;
  return {
    mailboxes: { unsubscribe: config.smtp.unsubscribeMailboxes },
    ourDomains: config.smtp.domains,
    ticketIdPattern: new RegExp(p.ticketIdPattern),
    campaignHeaders: p.campaignHeaders,
    verpPattern: p.verpPattern === '' ? null : p.verpPattern,
    limits: {
      maxDepth: p.maxDepth,
      maxParts: p.maxParts,
      maxHeaderBytes: p.maxHeaderBytes,
      timeoutMs: p.timeoutMs,
    },
  };
}
