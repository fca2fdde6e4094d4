/**
 * abusedesk as a library (package.json `exports`): what an ESP's sending platform needs to mark its mail.
 * The CLI and the server are the other entry points (src/cli/abusedesk.mjs).
 */
export {
  mintTraceToken,
  openTraceToken,
  MAX_COMPACT_CHARS,
  type MintTraceTokenOptions,
} from './attribute/trace-token.ts';
export type {
  CompactTraceClaims,
  FullTraceClaims,
  OpenedTraceClaims,
  TraceClaims,
} from './attribute/trace-token-claims.ts';
export {
  createKeyring,
  keyringFromConfig,
  type TokenKey,
  type TokenKeyring,
  type TokenKeySecret,
} from './attribute/token-keyring.ts';
export { traceTokenRegex } from './report/trace-token-pattern.ts';
