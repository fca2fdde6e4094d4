import { beforeAll, describe, expect, it } from 'vitest';
import { authenticateStage } from '../../src/authenticate/authenticate-stage.ts';
import { createFakeResolver } from '../../src/authenticate/fake-resolver.ts';
import { loadProviderRegistry } from '../../src/authenticate/provider-registry.ts';
import type { StageContext } from '../../src/worker/stage.ts';
import type { StoredMessage } from '../../src/worker/stored-message.ts';
import { arfReport, createTestKey, signReport, yahooZone, type TestKey } from './signed-report.ts';

let key: TestKey;
let signed: string;
beforeAll(async () => {
  key = createTestKey();
  signed = await signReport(arfReport(), 'arf.mail.yahoo.com', key);
});

/** The authenticate stage's trail entry for `raw`, received over SMTP, checked against Yahoo's zone. */
async function trail(raw: string, zone = yahooZone(key)): Promise<{ outcome: string; reason: string }> {
  const stage = authenticateStage(() => ({
    resolver: createFakeResolver(zone),
    providers: loadProviderRegistry(),
    now: () => new Date(),
  }));
  const message = { id: 1, queueId: 'Q1', source: 'smtp', size: raw.length } as unknown as StoredMessage;
  const ctx = { message, raw: Buffer.from(raw), now: () => new Date(), state: {} } as unknown as StageContext;
  const { outcome, reason } = await stage.run!(ctx);
  return { outcome, reason };
}

describe('authenticate stage trail', () => {
  it('names the domain whose signature passed', async () => {
    const t = await trail(signed);
    expect(t.outcome).toBe('trusted');
    expect(t.reason).toMatch(/^dkim pass \(arf\.mail\.yahoo\.com\), /);
  });

  it('says why a signature failed: an altered body is told apart from a bad signature and a missing key', async () => {
    const body = await trail(signed.replace('Feedback-Type: abuse', 'Feedback-Type: not-spam'));
    expect(body.outcome).toBe('untrusted');
    expect(body.reason).toMatch(
      /^dkim fail \(arf\.mail\.yahoo\.com s=arf: fail, body hash did not verify\), /,
    );

    const header = await trail(signed.replace('Subject: FW: Spring sale', 'Subject: FW: Autumn sale'));
    expect(header.reason).toMatch(/^dkim fail \(arf\.mail\.yahoo\.com s=arf: fail, bad signature\), /);

    const noKey = await trail(signed, { '_dmarc.yahoo.com': yahooZone(key)['_dmarc.yahoo.com']! });
    expect(noKey.reason).toMatch(/^dkim neutral \(arf\.mail\.yahoo\.com s=arf: neutral, no key\), /);
  });

  it('keeps an unsigned report to the plain result', async () => {
    const t = await trail(arfReport());
    expect(t.reason).toMatch(/^dkim none, spf /);
  });
});
