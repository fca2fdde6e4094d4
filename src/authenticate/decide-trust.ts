import { fromMatchesProvider, providerForDkimDomain } from './provider-registry.ts';
import type { ProviderRegistry } from './provider-registry.ts';

export interface TrustInput {
  /** Domains of DKIM signatures that passed and cover the whole body and the From field. */
  passingDomains: readonly string[];
  /** The report's header From (covered by every passing signature, RFC 6376 §6.1.1). */
  from: string | null;
  providerByPattern: string | null;
}

export interface TrustDecision {
  trusted: boolean;
  provider: string | null;
  reason: string;
}

/**
 * A report is trusted only when it comes from a known feedback loop AND a
 * DKIM signature verifies for that provider's domain. A From that merely looks like Yahoo, or a valid
 * signature from an unrelated domain, proves nothing.
 */
export function decideTrust(registry: ProviderRegistry, input: TrustInput): TrustDecision {
  if (input.passingDomains.length === 0) {
    return { trusted: false, provider: null, reason: 'no usable DKIM signature passed' };
  }
  let untrustedProvider: TrustDecision | null = null;
  for (const domain of input.passingDomains) {
    const provider = providerForDkimDomain(registry, domain);
    if (!provider) continue;
    if (provider.requireFromMatch && !(input.from !== null && fromMatchesProvider(provider, input.from))) {
      // e.g. d=hotmail.com on a Hotmail user's own forward: a person, not Microsoft's JMRP.
      untrustedProvider ??= {
        trusted: false,
        provider: null,
        reason: `DKIM d=${domain} passes but From is not a ${provider.name} feedback-loop address`,
      };
      continue;
    }
    if (!provider.fbl) {
      untrustedProvider ??= {
        trusted: false,
        provider: provider.name,
        reason: `DKIM d=${domain} passes for ${provider.name}, which is not a feedback loop`,
      };
      continue;
    }
    // A loop run by an operator (Validity's Universal FBL) is signed with the operator's domain; the
    // member named by pattern is then the real mailbox provider.
    const member =
      input.providerByPattern !== null ? registry.byName.get(input.providerByPattern) : undefined;
    const name = member?.operatedBy === provider.name ? member.name : provider.name;
    const via = name === provider.name ? '' : ` (operator of ${name}'s feedback loop)`;
    return {
      trusted: true,
      provider: name,
      reason: `DKIM d=${domain} passes for feedback-loop provider ${provider.name}${via}`,
    };
  }
  return (
    untrustedProvider ?? {
      trusted: false,
      provider: null,
      reason: `DKIM passes only for ${input.passingDomains.join(', ')}, not a known provider's domain`,
    }
  );
}
