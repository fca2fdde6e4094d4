import { afterEach, describe, expect, it } from 'vitest';
import { createApiToken, revokeApiToken } from '../../../src/auth/api-tokens.ts';
import { waitForAsync } from '../../helpers/cluster-nodes.ts';
import { apiHarness } from './api-harness.ts';

type Harness = Awaited<ReturnType<typeof apiHarness>>;

/**
 * The API remembers verified tokens and client ids for http.lookupCacheMs: what this node changes takes effect at
 * once; a revocation elsewhere (another node, the CLI) within that time.
 */
describe('remembered tokens and client ids', () => {
  let h: Harness | null = null;
  afterEach(async () => {
    await h?.close();
    h = null;
  });
  const check = (secret: string, client = 'acme') =>
    h!.app.inject({
      method: 'GET',
      url: `/api/v1/suppressions/check?address=someone@example.net&client=${client}`,
      headers: { authorization: `Bearer ${secret}` },
    });

  it('a token revoked through this node stops at once, however long tokens are remembered', async () => {
    h = await apiHarness({ http: { lookupCacheMs: 600_000 } });
    const { token, secret } = createApiToken(h.db, { name: 'platform', role: 'viewer', now: new Date() });
    expect((await check(secret)).statusCode).toBe(200);
    const revoked = await h.call('DELETE', `/api/v1/tokens/${token.id}`, 'admin');
    expect(revoked.statusCode).toBe(200);
    expect((await check(secret)).statusCode).toBe(401);
  });

  it('a token revoked elsewhere stops within lookupCacheMs', async () => {
    h = await apiHarness({ http: { lookupCacheMs: 300 } });
    const { token, secret } = createApiToken(h.db, { name: 'platform', role: 'viewer', now: new Date() });
    expect((await check(secret)).statusCode).toBe(200);
    // What `abusedesk tokens revoke` or another node does: the row changes, this node is not told.
    revokeApiToken(h.db, token.id, new Date());
    // Refused once the remembered answer ran out (with room for a slow machine), never kept for good.
    await waitForAsync(
      async () => (await check(secret)).statusCode === 401,
      5000,
      'the revoked token to be refused',
    );
  });

  it('a client deleted through this node is unknown to the check at once', async () => {
    h = await apiHarness({ http: { lookupCacheMs: 600_000 } });
    expect((await check(h.tokens.viewer, 'globex')).statusCode).toBe(200);
    const deleted = await h.call('DELETE', '/api/v1/clients/globex?export=false', 'admin');
    expect(deleted.statusCode).toBe(200);
    const r = await check(h.tokens.viewer, 'globex');
    expect(r.statusCode).toBe(404);
    expect(r.json().error.code).toBe('not_found');
  });
});
