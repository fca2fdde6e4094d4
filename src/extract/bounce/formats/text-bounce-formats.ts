import type { TextBounceFormat } from './text-bounce-format.ts';

/**
 * The MTA- and provider-specific layouts, tried in order before the generic readers. More specific
 * layouts (a provider that wraps Postfix, a filter appliance in front of Exchange) come first.
 */
export const TEXT_BOUNCE_FORMATS: readonly TextBounceFormat[] = [];
