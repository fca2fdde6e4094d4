import type { Config } from '../config/config-schema.ts';
import { keyringFromConfig } from '../attribute/token-keyring.ts';
import { signDemoMessage } from './demo-dkim.ts';
import { mintTraceToken } from '../attribute/trace-token.ts';
import {
  fblReport,
  frenchInlineForward,
  germanInlineForward,
  jmrpReport,
  outOfOffice,
  postfixBounce,
  yahooFbl,
} from './report-builders.ts';

export interface DemoMessage {
  label: string;
  mailFrom: string;
  rcpt: string;
  body: string;
}

/**
 * Realistic traffic for the demo clients (data/demo): FBLs from several providers (one redacted, one
 * JMRP), human forwards in French and German, a hard bounce and an auto-reply. Every run is new
 * (Message-IDs carry the time), so it can be sent again and again. The human forwards come from the demo
 * reporter domains and are DKIM-signed with the public demo key (demo-dkim.ts), which `serve` verifies in
 * demo mode: acknowledgements go only to reporters whose domain authenticates, and the demo shows them.
 */
export async function demoTraffic(config: Pick<Config, 'tokens'>, now = new Date()): Promise<DemoMessage[]> {
  const keyring = keyringFromConfig(config);
  const t = now.getTime();
  const token = (client: string, campaign: string, recipient: string): string =>
    mintTraceToken({ client, campaign, recipient, sentAt: new Date(t - 3600_000) }, keyring);
  return [
    {
      label: 'Yahoo FBL (acme, trace token)',
      mailFrom: 'feedback@arf.mail.yahoo.com',
      rcpt: 'fbl@esp.example',
      body: yahooFbl({
        n: 1,
        recipient: 'sam.jones@yahoo.example',
        token: token('acme', 'acme-spring-sale', 'sam.jones@yahoo.example'),
        campaign: 'acme-spring-sale',
        client: 'acme',
        domain: 'news.acme.example',
      }),
    },
    {
      label: 'Yahoo FBL (acme, Feedback-ID only)',
      mailFrom: 'feedback@arf.mail.yahoo.com',
      rcpt: 'fbl@esp.example',
      body: yahooFbl({
        n: 2,
        recipient: 'lee.wong@yahoo.example',
        campaign: 'acme-black-friday',
        client: 'acme',
        domain: 'news.acme.example',
      }),
    },
    {
      label: 'AOL FBL, complainant redacted (acme)',
      mailFrom: 'scomp@aol.net',
      rcpt: 'fbl@esp.example',
      body: fblReport({
        reportMessageId: `<aol-${t}@aol.example>`,
        originalTo: 'redacted@aol.com',
        originalMessageId: `<acme-weekly-${t}@news.acme.example>`,
        traceToken: token('acme', 'acme-weekly-news', 'pat.miller@aol.example'),
      }),
    },
    {
      label: 'Microsoft JMRP (globex)',
      mailFrom: 'staff@hotmail.com',
      rcpt: 'fbl@esp.example',
      body: jmrpReport({
        n: 1,
        recipient: 'chris.doe@outlook.example',
        client: 'Globex',
        domain: 'mail.globex.example',
        campaign: 'globex-webinar',
      }),
    },
    {
      label: 'French inline forward (globex)',
      mailFrom: 'marie.dupont@courriel.example',
      rcpt: 'abuse@esp.example',
      body: await signDemoMessage(
        frenchInlineForward({
          reporter: 'marie.dupont@courriel.example',
          messageId: `<fwd-fr-${t}@courriel.example>`,
          token: token('globex', 'globex-rentree', 'marie.dupont@courriel.example'),
          to: 'marie.dupont@courriel.example',
        }),
        'courriel.example',
      ),
    },
    {
      label: 'German inline forward (initech)',
      mailFrom: 'klaus@postfach.example',
      rcpt: 'abuse@esp.example',
      body: await signDemoMessage(
        germanInlineForward({
          reporter: 'klaus@postfach.example',
          messageId: `<fwd-de-${t}@postfach.example>`,
          token: token('initech', 'initech-winter-promo', 'klaus.berger@postfach.example'),
          to: 'klaus.berger@postfach.example',
        }),
        'postfach.example',
      ),
    },
    {
      label: 'Hard bounce (acme)',
      mailFrom: '',
      rcpt: 'postmaster@esp.example',
      body: postfixBounce(`<dsn-${t}@mx.example.org>`, 'old.address@example.org'),
    },
    {
      label: 'Out-of-office auto-reply',
      mailFrom: 'bob@example.org',
      rcpt: 'abuse@esp.example',
      body: outOfOffice(`<ooo-${t}@example.org>`),
    },
  ];
}
