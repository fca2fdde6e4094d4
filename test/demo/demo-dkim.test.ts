import { afterEach, describe, expect, it, vi } from 'vitest';
import { authenticateReport } from '../../src/authenticate/authenticate-report.ts';
import { createFakeResolver } from '../../src/authenticate/fake-resolver.ts';
import { loadProviderRegistry } from '../../src/authenticate/provider-registry.ts';
import { demoZone, signDemoMessage } from '../../src/demo/demo-dkim.ts';

const message = [
  'From: Ana <ana@courriel.example>',
  'To: abuse@esp.example',
  'Subject: Spam',
  'Message-ID: <demo-1@courriel.example>',
  '',
  'Please stop.',
  '',
].join('\r\n');

afterEach(() => {
  vi.restoreAllMocks();
});

describe('signDemoMessage', () => {
  it('signs what it stamps: a clock crossing a half second while signing still gives a passing signature', async () => {
    // Each reading of the clock is 1 ms later, starting just before x.5 s: a signer that reads the clock once
    // for the header it signs and again for the header it returns stamps two different t= values.
    let now = Date.UTC(2026, 11, 1, 12, 0, 0) + 499;
    vi.spyOn(Date, 'now').mockImplementation(() => now++);
    const signed = await signDemoMessage(message, 'courriel.example');
    vi.restoreAllMocks();

    const result = await authenticateReport(Buffer.from(signed), {
      resolver: createFakeResolver(demoZone()),
      providers: loadProviderRegistry(),
      now: new Date(),
    });
    expect(result.details).toEqual([
      { domain: 'courriel.example', selector: 'demo', result: 'pass', comment: null },
    ]);
  });
});
