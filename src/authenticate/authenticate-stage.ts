import { authenticateParsed, type ParsedAuth, type ReportAuthOptions } from './authenticate-parsed.ts';
import type { ParsePool } from '../parse/parse-pool.ts';
import type { Stage, StageOutcome } from '../worker/stage.ts';
import type { StoredMessage } from '../worker/stored-message.ts';

/**
 * An ESP event that intake received over HTTP with a verified signature or credential: there is no mail to
 * authenticate, and the verification is what makes its events trusted, as a provider's DKIM does for mail.
 */
export function verifiedAtIntake(verifiedBy: string): ParsedAuth {
  return {
    summary: { dkim: 'none', dkimDomains: [], spf: 'none', dmarc: 'none', trusted: true },
    provider: null,
    note: verifiedBy,
  };
}

/** The trail entry: trusted or not, and the DKIM, SPF and DMARC results behind it. */
function authOutcome(auth: ParsedAuth): StageOutcome {
  const a = auth.summary;
  if (a?.trusted && a.dkim === 'none' && auth.note)
    return { outcome: 'trusted', reason: `trusted: ${auth.note} at intake (HTTP)` };
  if (!a) return { outcome: 'skipped', reason: auth.note ?? 'not authenticated' };
  const about = a.dkimDomains.length ? a.dkimDomains.join(', ') : auth.signatures;
  const dkim = about ? `dkim ${a.dkim} (${about})` : `dkim ${a.dkim}`;
  const trust = a.trusted ? `trusted: DKIM passes for ${auth.provider ?? 'a known provider'}` : 'not trusted';
  return {
    outcome: a.trusted ? 'trusted' : 'untrusted',
    reason: `${dkim}, spf ${a.spf}, dmarc ${a.dmarc}; ${trust}${auth.note ? `; ${auth.note}` : ''}`,
  };
}

/** Runs authentication somewhere else than on the calling thread (the parse pool, src/parse/parse-pool.ts). */
export type AuthRunner = Pick<ParsePool, 'authenticate' | 'source' | 'offloads'>;

/**
 * authenticate: DKIM, SPF, DMARC and ARC of the report itself, and whether a known provider's signature makes it
 * trusted. With a `runner`, the work runs there (the thread reads the header block again itself, and the raw bytes
 * from the store when the runner reads it).
 */
export function authenticateStage(
  options: (message: StoredMessage, now: () => Date) => ReportAuthOptions,
  runner?: AuthRunner,
): Stage {
  return {
    name: 'authenticate',
    async run(ctx) {
      if (ctx.message.source === 'http' && ctx.message.verifiedBy) {
        const auth = verifiedAtIntake(ctx.message.verifiedBy);
        return { ...authOutcome(auth), state: { auth } };
      }
      const o = options(ctx.message, ctx.now);
      const auth = runner?.offloads(ctx.message.size)
        ? await runner.authenticate(
            runner.source(ctx.message, () => ctx.raw),
            o,
          )
        : await authenticateParsed(ctx.raw, o, ctx.state.headerBlock);
      return { ...authOutcome(auth), state: { auth } };
    },
  };
}
