import type { Config } from '../config/config-schema.ts';
import { loadProviderRegistry } from '../authenticate/provider-registry.ts';
import type { Stage } from '../worker/stage.ts';
import { parseMessage } from './parse-message.ts';
import { parseOptionsFromConfig } from './parse-options-from-config.ts';
import type { ParsedReport } from './parsed-report.ts';
import { saveReport } from './report-store.ts';
import { systemResolver } from './system-resolver.ts';
import type { DnsResolver } from '../authenticate/dns-resolver.ts';

/** What the trail shows for the authenticate stage. */
function authReason(r: ParsedReport): { outcome: string; reason: string } {
  const a = r.auth;
  if (!a) return { outcome: 'skipped', reason: r.authNote ?? 'not authenticated' };
  const dkim = a.dkimDomains.length ? `dkim ${a.dkim} (${a.dkimDomains.join(', ')})` : `dkim ${a.dkim}`;
  const trust = a.trusted ? `trusted: DKIM passes for ${r.provider ?? 'a known provider'}` : 'not trusted';
  return { outcome: a.trusted ? 'trusted' : 'untrusted', reason: `${dkim}, spf ${a.spf}, dmarc ${a.dmarc}; ${trust}${r.authNote ? `; ${r.authNote}` : ''}` };
}

function extractReason(r: ParsedReport): string {
  const parts: string[] = [];
  if (r.original) parts.push(`original ${r.original.messageId ?? '(no Message-ID)'}${r.original.headersOnly ? ' (headers only)' : ''}`);
  if (r.complainants.length) parts.push(`complainant ${r.complainants.join(', ')}`);
  if (r.redacted) parts.push('complainant redacted');
  if (r.bounces.length) parts.push(`${r.bounces.length} bounced recipient(s): ${r.bounces.map((b) => `${b.recipient} ${b.status ?? '?'} ${b.hard ? 'hard' : 'soft'}`).join(', ')}`);
  const ids = r.identifiers;
  const found = [ids.traceToken && 'trace token', ids.feedbackId && 'Feedback-ID', ids.cfblFeedbackId && 'CFBL-Feedback-ID', ids.verp && 'VERP', ids.listUnsubscribe.length && 'List-Unsubscribe', Object.keys(ids.headers).length && 'campaign headers'].filter(Boolean);
  if (found.length) parts.push(`identifiers: ${found.join(', ')}`);
  return parts.join('; ') || 'nothing to extract';
}

/**
 * The parse step of the worker: authenticate, classify and extract (exactly the code `abusedesk parse`
 * runs), stored as the message's report. Each of the three stages gets its own entry in the trail.
 */
export function parseStage(config: Config, injected?: DnsResolver): Stage {
  const base = parseOptionsFromConfig(config);
  const providers = loadProviderRegistry();
  // An injected resolver (tests: a fake zone) wins; dns off means nothing is verified.
  const resolver = injected ?? (config.authenticate.dns === 'system' ? systemResolver : undefined);
  return {
    name: 'parse',
    async run(ctx) {
      const m = ctx.message;
      const report = await parseMessage(ctx.raw, {
        ...base,
        providers,
        authenticate: true,
        authTimeoutMs: config.authenticate.timeoutMs,
        ...(resolver ? { resolver } : {}),
        now: ctx.now,
        envelope: m.clientIp ? { mailFrom: m.mailFrom, rcptTo: m.rcptTo, clientIp: m.clientIp, helo: m.helo ?? '' } : { mailFrom: m.mailFrom, rcptTo: m.rcptTo, clientIp: '', helo: m.helo ?? '' },
      });
      return { outcome: report.kind, reason: report.reason, data: report };
    },
    commit(ctx) {
      const report = ctx.results.parse as ParsedReport;
      const reportId = saveReport(ctx.db, ctx.message.id, report, ctx.now());
      return {
        outcome: report.kind,
        reason: report.reason,
        data: { reportId, report },
        trail: [
          { stage: 'authenticate', ...authReason(report) },
          { stage: 'classify', outcome: report.kind, reason: report.reason },
          { stage: 'extract', outcome: 'extracted', reason: extractReason(report) },
        ],
      };
    },
  };
}
