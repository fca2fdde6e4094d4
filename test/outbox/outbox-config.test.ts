import { describe, expect, it } from 'vitest';
import { loadConfig, maskSecrets } from '../../src/config/load-config.ts';

describe('outbox config', () => {
  it('defaults to the file transport and the ESP Abuse Desk sender', () => {
    const { config } = loadConfig({ env: {} });
    expect(config.outbox).toMatchObject({
      transport: 'file',
      from: 'abuse@esp.example',
      fromName: 'ESP Abuse Desk',
      smtpHost: '',
    });
  });

  it('takes environment overrides and masks the relay password', () => {
    const { config } = loadConfig({
      env: {
        ABUSEDESK_OUTBOX_TRANSPORT: 'smtp',
        ABUSEDESK_OUTBOX_SMTP_HOST: 'relay.esp.example',
        ABUSEDESK_OUTBOX_SMTP_PORT: '465',
        ABUSEDESK_OUTBOX_SMTP_SECURE: 'true',
        ABUSEDESK_OUTBOX_SMTP_PASSWORD: 'hunter2',
      },
    });
    expect(config.outbox).toMatchObject({
      transport: 'smtp',
      smtpHost: 'relay.esp.example',
      smtpPort: 465,
      smtpSecure: true,
    });
    expect(JSON.stringify(maskSecrets(config))).not.toContain('hunter2');
  });

  it('names the key when the smtp transport has no host or the backoff is inverted', () => {
    expect(() =>
      loadConfig({
        env: {},
        overrides: { outbox: { transport: 'smtp', retryBaseMs: 5000, retryMaxMs: 1000 } },
      }),
    ).toThrow(/outbox\.smtpHost[\s\S]*outbox\.retryMaxMs|outbox\.retryMaxMs[\s\S]*outbox\.smtpHost/);
  });
});
